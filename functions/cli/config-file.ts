import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../shared/config.js';

/** A config file's YAML (or JSON) document, unvalidated; an unreadable file is refused naming it. */
export function readConfigDocument(path: string): unknown {
  try {
    return parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: ${(err as Error).message}`, []);
  }
}
