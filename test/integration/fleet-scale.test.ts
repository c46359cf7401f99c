import { describe, expect, it } from 'vitest';
import { fleetScenario } from '../../bench/fleet-scenario.js';
import { simulate } from '../../functions/cli/simulate.js';
import { parseScenario } from '../../sandbox/scenario.js';

/**
 * The fleet-wide promise: a zone is read once per pass whatever the number of clusters, and thousands
 * of changes go out in batches within Route 53's limits (the sandbox rejects a request over them).
 */
describe('a 30-cluster fleet sharing a 3,000-record zone', () => {
  it('reads the zone once per pass and lands 3,000 changes in at least three batches', async () => {
    const shape = { clusters: 30, servicesPerCluster: 50, existingRecords: 3_000 };
    const outcome = await simulate(await parseScenario(fleetScenario(shape), process.cwd()), { rounds: 2 });
    const [first, second] = outcome.passes;

    expect(first?.errors).toEqual([]);
    expect(first?.clusters.filter((c) => c.status === 'ok')).toHaveLength(30);
    // 1,500 A records and their 1,500 ownership TXTs.
    expect(first?.changes).toHaveLength(3_000);
    expect(first?.apiCalls.route53?.ChangeResourceRecordSets).toBeGreaterThanOrEqual(3);
    // One read of the zone: ListHostedZones once, and the 3,002 records in 300-record pages.
    expect(first?.apiCalls.route53?.ListHostedZones).toBe(1);
    expect(first?.apiCalls.route53?.ListResourceRecordSets).toBe(Math.ceil(3_002 / 300));

    expect(second?.changes).toEqual([]);
    expect(second?.apiCalls.route53?.ChangeResourceRecordSets).toBeUndefined();
    expect(second?.apiCalls.route53?.ListResourceRecordSets).toBe(Math.ceil(6_002 / 300));
    expect(outcome.zones[0]?.records).toHaveLength(6_002);
  });

  it('costs the same zone reads for one cluster as for thirty', async () => {
    const reads = async (clusters: number) => {
      const shape = { clusters, servicesPerCluster: 60 / clusters, existingRecords: 1_000 };
      const outcome = await simulate(await parseScenario(fleetScenario(shape), process.cwd()), { rounds: 1 });
      return outcome.passes[0]?.apiCalls.route53;
    };
    const one = await reads(1);
    const thirty = await reads(30);
    expect(thirty?.ListResourceRecordSets).toBe(one?.ListResourceRecordSets);
    expect(thirty?.ListHostedZones).toBe(one?.ListHostedZones);
  });

  it('an audit trigger on one cluster changes the touched name with a handful of Route 53 reads', async () => {
    const raw = fleetScenario({ clusters: 30, servicesPerCluster: 50, existingRecords: 3_000 });
    const added = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'new',
        namespace: 'apps',
        annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'new.c7.fleet.example.com' },
      },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.77' }] } },
    };
    raw.triggers = [{ schedule: {} }, { audit: { cluster: 'cluster-007', apply: [added] } }];
    const outcome = await simulate(await parseScenario(raw, process.cwd()), { rounds: 1 });
    const audit = outcome.passes[1];
    expect(audit?.trigger).toBe('audit');
    expect(audit?.errors).toEqual([]);
    expect(audit?.changes.map((c) => `${c.action} ${c.type} ${c.name}`).sort()).toEqual([
      'CREATE A new.c7.fleet.example.com.',
      'CREATE TXT a-new.c7.fleet.example.com.',
    ]);
    expect(audit?.apiCalls.route53?.ListResourceRecordSets).toBeLessThanOrEqual(5);
    expect(audit?.apiCalls.eks?.DescribeCluster).toBe(1);
  });
});
