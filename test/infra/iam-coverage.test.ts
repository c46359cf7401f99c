import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { simulate } from '../../functions/cli/simulate.js';
import { parseScenario } from '../../sandbox/scenario.js';
import { parseConfig } from '../../shared/config.js';
import { recordNameCondition } from '../support/iam-policy.js';

/**
 * Issue 10 item 6: the Route 53 write the role allows covers every name the planner writes. Each scenario
 * of the corpus (examples/ and test/fixtures/scenarios/) is simulated — with its own registry settings and
 * with other TXT affixes — and every change of every pass is held against the record-name condition of
 * the role synthesized from the same config. Route 53 takes a batch whole or not at all: one name outside
 * the condition and none of the batch is applied.
 */

const CORPUS_DIRS = ['examples', 'test/fixtures/scenarios'];
const VARIED = ['test/fixtures/scenarios/filter-below-zone.yaml', 'examples/certificates.yaml'];

function corpus(): { file: string; raw: Record<string, unknown> }[] {
  return CORPUS_DIRS.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => ({ file: join(dir, f), raw: parseYaml(readFileSync(join(dir, f), 'utf8')) }))
      // The deploy file is not a scenario.
      .filter(({ raw }) => raw && typeof raw === 'object' && 'clusters' in raw && 'route53' in raw),
  );
}

/**
 * Registry settings an operator coming from ExternalDNS may carry (`--txt-prefix`, `--txt-suffix`, ...),
 * tried on the scenarios that write at a filter's apex and validation CNAMEs; the others run as written.
 */
const REGISTRY_VARIANTS: Record<string, unknown>[] = [
  { txtPrefix: 'txt-' },
  { txtPrefix: '%{record_type}.' },
  { txtSuffix: '-owner' },
  { txtSuffix: '.own', txtWildcardReplacement: 'any' },
];

async function writtenNames(raw: Record<string, unknown>, file: string): Promise<string[]> {
  const scenario = await parseScenario(raw, join(file, '..'), file);
  const outcome = await simulate(scenario, { rounds: 2, advance: '10m', logLevel: 'error' });
  return outcome.passes.flatMap((p) => p.changes.map((c) => c.name));
}

describe('the role allows every name the planner writes in the corpus', () => {
  const files = corpus();

  it('has the corpus it claims, the issue’s filter-below-zone case included', () => {
    expect(files.map((f) => f.file)).toEqual(
      expect.arrayContaining(['examples/kargo.yaml', 'test/fixtures/scenarios/filter-below-zone.yaml']),
    );
  });

  for (const { file, raw } of files) {
    for (const variant of [{}, ...(VARIED.includes(file) ? REGISTRY_VARIANTS : [])]) {
      it(`${file} ${JSON.stringify(variant)}`, async () => {
        const scenarioConfig = { ...(raw.config as Record<string, unknown>), ...variant };
        const names = await writtenNames({ ...raw, config: scenarioConfig }, file);
        expect(names.length, 'the scenario writes something').toBeGreaterThan(0);
        const condition = recordNameCondition(
          parseConfig({ ...scenarioConfig, zoneIdFilters: ['Z0123456789EXAMPLEABC'] }),
        );
        expect(condition.operator).toBe('ForAllValues:StringLike');
        expect(condition.refused(names), `patterns: ${condition.patterns.join(' ')}`).toEqual([]);
      });
    }
  }
});

describe('per-cluster domains never widen the role', () => {
  it('derives the condition from the global filters alone, whatever a cluster sets', () => {
    const global = { domainFilters: ['kargo.example.com'], zoneIdFilters: ['Z0123456789EXAMPLEABC'] };
    const cluster = { name: 'dev', region: 'eu-central-1' };
    const plain = recordNameCondition(parseConfig({ ...global, clusters: [cluster] }));
    const wider = recordNameCondition(
      parseConfig({
        ...global,
        clusters: [{ ...cluster, domainFilters: ['example.com', 'other.org'], regexDomainFilter: '.*' }],
      }),
    );
    expect(wider.patterns).toEqual(plain.patterns);
    expect(wider.refused(['www.example.com', 'x.other.org'])).toEqual(['www.example.com', 'x.other.org']);
  });
});
