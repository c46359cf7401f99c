import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type SimulationOutcome, simulate, simulateFile } from '../../functions/cli/simulate.js';
import { parseScenario, ScenarioError } from '../../sandbox/scenario.js';

/**
 * Tenancy through `simulate` (SCENARIOS.md), per-cluster fields on scenario clusters: a cluster's own
 * domains keep it out of other teams' names, caps stop a flood without deleting anything, and one name
 * never gets two routing policies (which Route 53 refuses for the whole batch).
 */

const A = 'external-dns.alpha.kubernetes.io/';

function records(outcome: SimulationOutcome, name: string) {
  return outcome.zones.flatMap((z) => z.records).filter((r) => r.name === name);
}

async function run(scenario: unknown, rounds = 2): Promise<SimulationOutcome> {
  return simulate(await parseScenario(scenario, process.cwd()), { rounds });
}

function loadBalancer(
  name: string,
  annotations: Record<string, string>,
  ip: string,
  namespace = 'pay',
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, annotations },
    spec: { type: 'LoadBalancer' },
    status: { loadBalancer: { ingress: [{ ip }] } },
  };
}

describe('per-cluster domains (examples/tenancy.yaml)', () => {
  it('keeps the dev cluster out of prod names in a shared zone, and hands pay.example.com back to prod', async () => {
    const outcome = await simulateFile('examples/tenancy.yaml', { rounds: 2 });
    const [first, second] = outcome.passes;
    expect(first?.errors).toEqual([]);
    expect(first?.warnings).toEqual([
      expect.objectContaining({
        code: 'outside-cluster-domains',
        object: 'service/pay/api',
        cluster: 'dev',
        dnsName: 'pay.example.com',
      }),
    ]);
    expect(records(outcome, 'pay.example.com.')).toEqual([
      expect.objectContaining({ type: 'A', values: ['192.0.2.10'] }),
    ]);
    expect(records(outcome, 'a-pay.example.com.')[0]?.values?.[0]).toContain('external-dns/owner=prod,');
    // dev still publishes inside its own domains
    expect(records(outcome, 'pay.dev.example.com.')).toEqual([
      expect.objectContaining({ type: 'A', values: ['203.0.113.66'] }),
    ]);
    expect(second?.changes).toEqual([]);
  });

  it('without the per-cluster filter, dev keeps the name it took (what the filter prevents)', async () => {
    const scenario = parseYaml(await readFile('examples/tenancy.yaml', 'utf8'));
    delete scenario.clusters[1].domainFilters;
    const outcome = await run(scenario, 1);
    expect(records(outcome, 'pay.example.com.')).toEqual([
      expect.objectContaining({ type: 'A', values: ['203.0.113.66'] }),
    ]);
  });

  it('a per-cluster regexDomainFilter narrows the same way', async () => {
    const scenario = parseYaml(await readFile('examples/tenancy.yaml', 'utf8'));
    delete scenario.clusters[1].domainFilters;
    scenario.clusters[1].regexDomainFilter = '\\.dev\\.example\\.com$';
    const outcome = await run(scenario, 1);
    expect(records(outcome, 'pay.example.com.')).toEqual([
      expect.objectContaining({ type: 'A', values: ['192.0.2.10'] }),
    ]);
  });

  it.each([
    [{ domainFilters: ['*'] }, 'clusters[1].domainFilters[0]: "*" is a wildcard'],
    [
      { excludeDomains: ['dev example.com'] },
      'clusters[1].excludeDomains[0]: "dev example.com" contains whitespace',
    ],
    [{ regexDomainFilter: '(dev' }, 'clusters[1].regexDomainFilter: not a valid regular expression'],
    [{ ownerId: 'dev,prod' }, 'clusters[1].ownerId: "dev,prod"'],
    [{ endpoint: 'https://dev.example.net' }, 'clusters[1].certificateAuthorityData: required with endpoint'],
  ])('a scenario cluster with %j is invalid, naming the field', async (fields, message) => {
    const scenario = parseYaml(await readFile('examples/tenancy.yaml', 'utf8'));
    Object.assign(scenario.clusters[1], fields);
    const parsed = parseScenario(scenario, process.cwd());
    await expect(parsed).rejects.toThrow(ScenarioError);
    await expect(parseScenario(scenario, process.cwd())).rejects.toThrow(message);
  });
});

describe('weighted next to simple', () => {
  const weighted = {
    [`${A}hostname`]: 'pay.example.com',
    [`${A}set-identifier`]: 'prod',
    [`${A}aws-weight`]: '100',
  };
  const simple = { [`${A}hostname`]: 'pay.example.com' };
  const world = (current: unknown[] = []) => ({
    config: { domainFilters: ['example.com'] },
    clusters: [
      { name: 'prod', region: 'eu-west-1', objects: [loadBalancer('api', weighted, '192.0.2.10')] },
      { name: 'dev', region: 'eu-west-1', objects: [loadBalancer('api', simple, '203.0.113.66')] },
    ],
    route53: { zones: [{ name: 'example.com', records: current }] },
  });

  it('a free name: the planner chooses one policy and warns; no batch is refused, in any pass', async () => {
    const outcome = await run(world(), 3);
    for (const pass of outcome.passes) {
      expect(pass.errors).toEqual([]);
      expect(pass.warnings.map((w) => w.code)).toContain('routing-policy-conflict');
    }
    // dev sorts before prod: the conflict order gives the free name dev's simple claim.
    expect(records(outcome, 'pay.example.com.')).toEqual([
      expect.objectContaining({ type: 'A', values: ['203.0.113.66'] }),
    ]);
    expect(outcome.passes[1]?.changes).toEqual([]);
  });

  it('the incumbent first: prod holds the weighted record, dev cannot add a simple one beside it', async () => {
    const txt = '"heritage=external-dns,external-dns/owner=prod,external-dns/resource=service/pay/api"';
    const outcome = await run(
      world([
        {
          name: 'pay.example.com',
          type: 'A',
          ttl: 300,
          values: ['192.0.2.10'],
          setIdentifier: 'prod',
          weight: 100,
        },
        {
          name: 'a-pay.example.com',
          type: 'TXT',
          ttl: 300,
          values: [txt],
          setIdentifier: 'prod',
          weight: 100,
        },
      ]),
      2,
    );
    for (const pass of outcome.passes) {
      expect(pass.errors).toEqual([]);
      expect(pass.changes).toEqual([]);
      expect(pass.warnings).toContainEqual(
        expect.objectContaining({
          code: 'routing-policy-conflict',
          object: 'service/pay/api',
          dnsName: 'pay.example.com',
        }),
      );
    }
    expect(records(outcome, 'pay.example.com.')).toEqual([
      expect.objectContaining({ setIdentifier: 'prod', weight: 100, values: ['192.0.2.10'] }),
    ]);
  });
});

describe('caps', () => {
  const txt = (resource: string) =>
    `"heritage=external-dns,external-dns/owner=prod,external-dns/resource=${resource}"`;

  it('an object past maxNamesPerObject publishes nothing new and keeps the record it has', async () => {
    const names = Array.from({ length: 5 }, (_, i) => `n${i}.example.com`).join(',');
    const outcome = await run(
      {
        config: { domainFilters: ['example.com'], maxNamesPerObject: 4 },
        clusters: [
          {
            name: 'prod',
            region: 'eu-west-1',
            objects: [loadBalancer('flood', { [`${A}hostname`]: names }, '192.0.2.10')],
          },
        ],
        route53: {
          zones: [
            {
              name: 'example.com',
              records: [
                { name: 'n0.example.com', type: 'A', ttl: 300, values: ['192.0.2.9'] },
                { name: 'a-n0.example.com', type: 'TXT', ttl: 300, values: [txt('service/pay/flood')] },
              ],
            },
          ],
        },
      },
      1,
    );
    const [pass] = outcome.passes;
    expect(pass?.errors).toEqual([]);
    expect(pass?.changes).toEqual([]);
    expect(pass?.warnings).toContainEqual(
      expect.objectContaining({
        code: 'cap-exceeded',
        object: 'service/pay/flood',
        cluster: 'prod',
        field: 'maxNamesPerObject',
      }),
    );
    expect(records(outcome, 'n0.example.com.')).toEqual([expect.objectContaining({ values: ['192.0.2.9'] })]);
  });

  it('an object past the cap keeps its certificate too: it asks for none, but that is not needing none', async () => {
    const hosts = ['a.example.com', 'b.example.com', 'c.example.com'];
    const scenario = await parseScenario(
      {
        config: {
          domainFilters: ['example.com'],
          maxNamesPerObject: 2,
          certificates: { enabled: true, cleanupGracePeriod: '1h' },
        },
        clusters: [
          {
            name: 'prod',
            region: 'eu-west-1',
            objects: [
              {
                apiVersion: 'networking.k8s.io/v1',
                kind: 'Ingress',
                metadata: { name: 'shop', namespace: 'shop' },
                spec: { tls: [{ hosts, secretName: 'shop-tls' }], rules: hosts.map((host) => ({ host })) },
                status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } },
              },
            ],
          },
        ],
        route53: { zones: [{ name: 'example.com' }] },
        acm: {
          certificates: [
            {
              domain: 'a.example.com',
              sans: ['b.example.com', 'c.example.com'],
              status: 'ISSUED',
              notAfter: '2027-12-01T00:00:00Z',
              inUseBy: [],
              type: 'AMAZON_ISSUED',
              region: 'eu-west-1',
              tags: { 'edge-reconciler:owner': 'edge-reconciler-certificates' },
            },
          ],
        },
      },
      process.cwd(),
    );
    const outcome = await simulate(scenario, { rounds: 3, advance: '2h' });
    for (const pass of outcome.passes) expect(pass.errors).toEqual([]);
    expect(outcome.certificates.map((c) => c.domain)).toEqual(['a.example.com']);
  });

  it('a cluster past maxEndpointsPerCluster is frozen: nothing created, nothing deleted, and it says why', async () => {
    const outcome = await run(
      {
        config: { domainFilters: ['example.com'], maxEndpointsPerCluster: 1 },
        clusters: [
          {
            name: 'prod',
            region: 'eu-west-1',
            objects: [
              loadBalancer('a', { [`${A}hostname`]: 'a.example.com' }, '192.0.2.1'),
              loadBalancer('b', { [`${A}hostname`]: 'b.example.com' }, '192.0.2.2'),
            ],
          },
        ],
        route53: {
          zones: [
            {
              name: 'example.com',
              records: [
                // owned by an object that is gone: sync would delete it, the cap must not
                { name: 'old.example.com', type: 'A', ttl: 300, values: ['192.0.2.9'] },
                { name: 'a-old.example.com', type: 'TXT', ttl: 300, values: [txt('service/pay/old')] },
              ],
            },
          ],
        },
      },
      1,
    );
    const [pass] = outcome.passes;
    expect(pass?.changes).toEqual([]);
    expect(pass?.clusters).toEqual([
      expect.objectContaining({
        name: 'prod',
        status: 'failed',
        error: expect.stringContaining('maxEndpointsPerCluster (1)'),
      }),
    ]);
    expect(pass?.warnings).toContainEqual(
      expect.objectContaining({ code: 'cap-exceeded', cluster: 'prod', field: 'maxEndpointsPerCluster' }),
    );
    expect(records(outcome, 'old.example.com.')).toHaveLength(1);
  });
});
