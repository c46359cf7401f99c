import { readFileSync } from 'node:fs';
import { type Config, ConfigError, parseConfig } from './config.js';
import { DomainFilter } from './endpoint/domain-filter.js';
import { txtNameMapper } from './registry/txt-names.js';
import { compileSourceFilters } from './sources/filters.js';

/**
 * Where a deployed function finds its config: `EDGE_RECONCILER_CONFIG` or the file
 * `EDGE_RECONCILER_CONFIG_FILE`, both JSON as the CDK app writes them (the YAML an operator writes is
 * read by the CLI and the CDK app, so no YAML parser ships in the Lambda). Rejected at start with the
 * field named.
 */
export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): Config {
  const inline = env.EDGE_RECONCILER_CONFIG;
  if (inline) return checkedJsonConfig(inline, 'EDGE_RECONCILER_CONFIG');
  const file = env.EDGE_RECONCILER_CONFIG_FILE;
  if (!file) throw new ConfigError('EDGE_RECONCILER_CONFIG: not set (nor EDGE_RECONCILER_CONFIG_FILE)', []);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message}`, []);
  }
  return checkedJsonConfig(text, file);
}

function checkedJsonConfig(json: string, where: string): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new ConfigError(`${where}: not valid JSON: ${(err as Error).message}`, []);
  }
  return checkConfig(parseConfig(raw, where), where);
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
