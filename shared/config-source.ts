import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { type Config, ConfigError, parseConfig } from './config.js';
import { DomainFilter } from './endpoint/domain-filter.js';
import { txtNameMapper } from './registry/txt-names.js';
import { compileSourceFilters } from './sources/filters.js';

/**
 * Where a deployed function finds its config: `EDGE_RECONCILER_CONFIG` (JSON, set by the CDK app) or
 * `EDGE_RECONCILER_CONFIG_FILE` (a JSON/YAML file). Rejected at start with the field named.
 */
export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): Config {
  const inline = env.EDGE_RECONCILER_CONFIG;
  if (inline) {
    let raw: unknown;
    try {
      raw = JSON.parse(inline);
    } catch (err) {
      throw new ConfigError(`EDGE_RECONCILER_CONFIG: not valid JSON: ${(err as Error).message}`, []);
    }
    return checkConfig(parseConfig(raw, 'EDGE_RECONCILER_CONFIG'), 'EDGE_RECONCILER_CONFIG');
  }
  const file = env.EDGE_RECONCILER_CONFIG_FILE;
  if (file) return configFromFile(file);
  throw new ConfigError('EDGE_RECONCILER_CONFIG: not set (nor EDGE_RECONCILER_CONFIG_FILE)', []);
}

export function configFromFile(path: string): Config {
  return checkConfig(parseConfig(readConfigDocument(path), path), path);
}

/** A config file's YAML (or JSON) document, unvalidated; an unreadable file is refused naming it. */
export function readConfigDocument(path: string): unknown {
  try {
    return parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: ${(err as Error).message}`, []);
  }
}

/**
 * What the schema cannot see: selectors, regular expressions and the TXT naming options are compiled once
 * at start, so a typo fails the deployment's first invocation with the field named, not every pass.
 */
export function checkConfig(config: Config, where = 'config'): Config {
  const checks: (() => unknown)[] = [
    () => compileSourceFilters(config),
    () => new DomainFilter(config),
    () =>
      txtNameMapper({
        prefix: config.txtPrefix,
        suffix: config.txtSuffix,
        wildcardReplacement: config.txtWildcardReplacement,
      }),
  ];
  for (const check of checks) {
    try {
      check();
    } catch (err) {
      throw new ConfigError(`${where}.${(err as Error).message}`, []);
    }
  }
  return config;
}
