import { describe, expect, it } from 'vitest';
import { formatDiff } from '../../functions/cli/operate.js';
import { simulate, simulateFile } from '../../functions/cli/simulate.js';
import type { ZoneSnapshot } from '../../sandbox/sandbox.js';
import { loadScenarioFile, parseScenario, ScenarioError } from '../../sandbox/scenario.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';

/**
 * examples/fleet-routing.yaml end to end: three clusters in two regions serving api.example.com, the
 * config changed between passes by `configure` triggers (weighted → latency → failover → one cluster
 * drained → weighted again). Each step is one ChangeResourceRecordSets request the sandbox accepts, the
 * name always has members, and the last pass changes nothing.
 */

const EXAMPLE = 'examples/fleet-routing.yaml';

/** The A members of api.example.com in a zone snapshot: `set-id policy`. */
function members(zones: readonly ZoneSnapshot[] | undefined): string[] {
  return (zones ?? [])
    .flatMap((z) => z.records)
    .filter((r) => r.name === 'api.example.com.' && r.type === 'A')
    .map((r) => {
      const how = r.weight !== undefined ? `weight ${r.weight}` : (r.region ?? r.failover ?? 'simple');
      const health = r.alias?.evaluateTargetHealth;
      return `${r.setIdentifier ?? '-'} ${how}${health ? ' +health' : ''}`;
    })
    .sort();
}

describe('fleet routing: the example, step by step', () => {
  it('every step is one accepted batch, the records are what each policy says, and a last pass changes nothing', async () => {
    const outcome = await simulateFile(EXAMPLE, { rounds: 1, logLevel: 'error' });
    expect(outcome.passes).toHaveLength(6);
    for (const [i, pass] of outcome.passes.entries()) {
      expect(pass.errors, `pass ${i + 1}`).toEqual([]);
      expect(pass.apiCalls.route53?.ChangeResourceRecordSets ?? 0, `pass ${i + 1}`).toBe(i < 5 ? 1 : 0);
    }
    const steps = outcome.details!.map((d) => members(d.zones));
    expect(steps).toEqual([
      ['prod-eu-a weight 2 +health', 'prod-eu-b weight 1 +health', 'prod-us weight 1 +health'],
      ['prod-eu-a eu-west-1 +health', 'prod-eu-b eu-west-1 +health', 'prod-us us-east-1 +health'],
      ['prod-eu-a PRIMARY +health', 'prod-us SECONDARY +health'],
      ['prod-us SECONDARY +health'],
      ['prod-eu-a weight 0 +health', 'prod-eu-b weight 1 +health', 'prod-us weight 1 +health'],
      ['prod-eu-a weight 0 +health', 'prod-eu-b weight 1 +health', 'prod-us weight 1 +health'],
    ]);
    expect(outcome.passes[5]!.changes).toEqual([]);
    // The ownership TXT of each member carries its set identifier: each cluster owns only its member.
    const txts = outcome.zones[0]!.records.filter((r) => r.name === 'a-api.example.com.');
    expect(txts.map((t) => [t.setIdentifier, String(t.values?.[0]).match(/owner=([^,]+)/)?.[1]])).toEqual([
      ['prod-eu-a', 'prod-eu-a'],
      ['prod-eu-b', 'prod-eu-b'],
      ['prod-us', 'prod-us'],
    ]);
  }, 60_000);

  it('plan (a dry run) shows the traffic shift of a drain, and writes nothing', async () => {
    const scenario = await loadScenarioFile(EXAMPLE);
    scenario.triggers = [
      { schedule: {} },
      { configure: { config: {}, clusters: [{ name: 'prod-us', drain: true }] } },
      { manual: { payload: { dryRun: true } } },
    ];
    const outcome = await simulate(scenario, { rounds: 1, logLevel: 'error' });
    const planned = outcome.details![1]!.results[0]!;
    expect(planned.dryRun).toBe(true);
    expect(outcome.passes[1]!.apiCalls.route53?.ChangeResourceRecordSets ?? 0).toBe(0);
    const text = formatDiff(planned);
    expect(text).toContain('~ UPSERT api.example.com. A [prod-us weight 0 (was prod-us weight 1)]');
    expect(text).toContain(
      'traffic api.example.com. A: prod-eu-a 50% (weight 2), prod-eu-b 25% (weight 1), prod-us 25% (weight 1) → ' +
        'prod-eu-a 67% (weight 2), prod-eu-b 33% (weight 1), prod-us 0% (weight 0)',
    );
  }, 60_000);

  it('a configure step with a bad config or an unknown cluster is refused before any pass, naming the field', async () => {
    const base = {
      clusters: [{ name: 'a', region: 'eu-west-1' }],
      route53: { zones: [{ name: 'example.com' }] },
    };
    await expect(
      parseScenario(
        {
          ...base,
          triggers: [
            { configure: { config: { fleetRouting: [{ domains: ['x.example.com'], policy: 'geo' }] } } },
          ],
        },
        '.',
      ),
    ).rejects.toThrow(/triggers\[0\]\.configure\.config\.fleetRouting\[0\]\.policy/);
    await expect(
      parseScenario({ ...base, triggers: [{ configure: { clusters: [{ name: 'b', drain: true }] } }] }, '.'),
    ).rejects.toThrow(ScenarioError);
    await expect(
      parseScenario({ ...base, triggers: [{ configure: { clusters: [{ name: 'a', weight: 300 }] } }] }, '.'),
    ).rejects.toThrow(/clusters\[0\]\.weight/);
  });

  it('IP targets opt into health checks: created before the records name them, deleted after the member goes', async () => {
    const service = (ip: string) => loadBalancerService('api', 'api.example.com', { ip });
    const rawScenario = () => ({
      config: {
        domainFilters: ['example.com'],
        sources: ['service'],
        fleetRouting: [
          {
            domains: ['api.example.com'],
            policy: 'failover',
            healthCheck: { type: 'HTTPS', resourcePath: '/healthz' },
          },
        ],
      },
      clusters: [
        { name: 'eu-a', region: 'eu-west-1', failover: 'PRIMARY', objects: [service('192.0.2.10')] },
        { name: 'us', region: 'us-east-1', failover: 'SECONDARY', objects: [service('198.51.100.20')] },
      ],
      route53: { zones: [{ name: 'example.com' }] },
      triggers: [
        { schedule: {} },
        { configure: { clusters: [{ name: 'eu-a', drain: true }] } },
        { schedule: {} },
        { schedule: {} },
      ],
    });
    const scenario = await parseScenario(rawScenario(), '.');
    const outcome = await simulate(scenario, { rounds: 1, logLevel: 'error' });
    const calls = outcome.passes.map((p) => p.apiCalls.route53 ?? {});
    for (const p of outcome.passes) expect(p.errors).toEqual([]);
    // Pass 1: two health checks, then one batch whose PRIMARY (an IP, not an alias) names its own.
    expect([calls[0]!.CreateHealthCheck, calls[0]!.ChangeResourceRecordSets]).toEqual([2, 1]);
    const primary = outcome.details![0]!.zones![0]!.records.find((r) => r.failover === 'PRIMARY');
    const secondary = outcome.details![0]!.zones![0]!.records.find(
      (r) => r.failover === 'SECONDARY' && r.type === 'A',
    );
    expect(primary?.setIdentifier).toBe('eu-a');
    expect(primary?.healthCheckId).toMatch(/^[0-9a-f-]{36}$/);
    expect(secondary?.healthCheckId).toMatch(/^[0-9a-f-]{36}$/);
    expect(primary?.healthCheckId).not.toBe(secondary?.healthCheckId);
    // Pass 2: eu-a drained leaves the set; its health check goes after the batch that removed its record
    // (the sandbox refuses to delete one a record still names).
    expect([
      calls[1]!.ChangeResourceRecordSets,
      calls[1]!.DeleteHealthCheck,
      calls[1]!.CreateHealthCheck,
    ]).toEqual([1, 1, undefined]);
    expect(outcome.details![1]!.results[0]!.healthChecks).toEqual([
      expect.objectContaining({ action: 'DELETE', id: primary?.healthCheckId }),
    ]);
    // A dry run plans the health checks it would create, and the members that would name them.
    const dry = await parseScenario(
      { ...rawScenario(), triggers: [{ manual: { payload: { dryRun: true } } }] },
      '.',
    );
    const planned = (await simulate(dry, { rounds: 1, logLevel: 'error' })).details![0]!.results[0]!;
    expect(planned.healthChecks?.map((h) => [h.action, h.member])).toEqual([
      ['CREATE', 'api.example.com A [eu-a]'],
      ['CREATE', 'api.example.com A [us]'],
    ]);
    expect(
      planned.recordChanges.filter((c) => c.endpoint.recordType === 'A').map((c) => c.endpoint.setIdentifier),
    ).toEqual(['eu-a', 'us']);
    expect(planned.warnings.filter((w) => w.code === 'needs-health-check')).toEqual([]);
    // Pass 3: nothing to do.
    expect([
      calls[2]!.ChangeResourceRecordSets,
      calls[2]!.CreateHealthCheck,
      calls[2]!.DeleteHealthCheck,
    ]).toEqual([undefined, undefined, undefined]);
  }, 60_000);
  it('health checks are listed once per account and pass, however many zones route members', async () => {
    const domains = ['api.example.com', 'api.example.org', 'api.example.net'];
    const service = (ip: string) => loadBalancerService('api', domains.join(','), { ip });
    const scenario = await parseScenario(
      {
        config: {
          domainFilters: ['example.com', 'example.org', 'example.net'],
          sources: ['service'],
          fleetRouting: [{ domains, policy: 'weighted', healthCheck: { type: 'HTTP', resourcePath: '/' } }],
        },
        clusters: [
          { name: 'eu', region: 'eu-west-1', objects: [service('192.0.2.10')] },
          { name: 'us', region: 'us-east-1', objects: [service('198.51.100.20')] },
        ],
        route53: { zones: [{ name: 'example.com' }, { name: 'example.org' }, { name: 'example.net' }] },
      },
      '.',
    );
    const outcome = await simulate(scenario, { rounds: 2, logLevel: 'error' });
    for (const p of outcome.passes) expect(p.errors).toEqual([]);
    const [first, second] = outcome.passes.map((p) => p.apiCalls.route53 ?? {});
    // Three zones, two members each: six health checks, each zone's own (tagged with its id).
    expect(first!.CreateHealthCheck).toBe(6);
    expect(first!.ListHealthChecks).toBe(1);
    // The steady pass lists the six once: one ListHealthChecks, one ListTagsForResources (10 ids a call).
    expect([second!.ListHealthChecks, second!.ListTagsForResources, second!.CreateHealthCheck]).toEqual([
      1,
      1,
      undefined,
    ]);
    expect(outcome.passes[1]!.changes).toEqual([]);
  }, 60_000);
});
