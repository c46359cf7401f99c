import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnvironment } from '../../shared/config-source.js';

/** The deployed function's config: JSON only, inline or in the bundled file, as the CDK app writes it. */
describe('configFromEnvironment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-source-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads the inline JSON, or the JSON file when the config is too large for the environment', () => {
    const json = JSON.stringify({ domainFilters: ['example.com'] });
    expect(configFromEnvironment({ EDGE_RECONCILER_CONFIG: json }).domainFilters).toEqual(['example.com']);
    const path = file('config.json', json);
    expect(configFromEnvironment({ EDGE_RECONCILER_CONFIG_FILE: path }).domainFilters).toEqual([
      'example.com',
    ]);
  });

  it('refuses what is not JSON, naming where it came from (YAML is read by the CLI and the CDK app only)', () => {
    const yaml = file('config.yaml', 'domainFilters:\n  - example.com\n');
    expect(() => configFromEnvironment({ EDGE_RECONCILER_CONFIG_FILE: yaml })).toThrow(
      `${yaml}: not valid JSON`,
    );
    expect(() => configFromEnvironment({ EDGE_RECONCILER_CONFIG: '{' })).toThrow(
      'EDGE_RECONCILER_CONFIG: not valid JSON',
    );
    expect(() => configFromEnvironment({ EDGE_RECONCILER_CONFIG_FILE: join(dir, 'absent.json') })).toThrow(
      join(dir, 'absent.json'),
    );
    expect(() => configFromEnvironment({})).toThrow('EDGE_RECONCILER_CONFIG: not set');
  });

  it('names the field of a bad config', () => {
    expect(() =>
      configFromEnvironment({ EDGE_RECONCILER_CONFIG: JSON.stringify({ domainFilters: 'example.com' }) }),
    ).toThrow(/domainFilters/);
  });
});
