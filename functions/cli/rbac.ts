import { type Config, parseConfig } from '../../shared/config.js';
import { checkConfig, configFromEnvironment } from '../../shared/config-source.js';
import { readConfigDocument } from './config-file.js';

/**
 * The config `cli rbac` prints the ClusterRole for: a reconciler config, the deploy file (its `deploy:`
 * section is the stack's, not the reconciler's), a scenario's `config:`, or without a file
 * EDGE_RECONCILER_CONFIG(_FILE).
 */
export function rbacConfig(path: string | undefined): Config {
  if (path === undefined) return configFromEnvironment();
  let raw = readConfigDocument(path);
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const { deploy: _stackOnly, ...config } = raw as Record<string, unknown>;
    // A scenario file (SCENARIOS.md) holds its config under `config:`, which no config field is called.
    raw = 'config' in config ? config.config : config;
  }
  return checkConfig(parseConfig(raw, path), path);
}
