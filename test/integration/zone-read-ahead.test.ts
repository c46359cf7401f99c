import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../../sandbox/sandbox.js';
import { parseScenario } from '../../sandbox/scenario.js';
import { silentLog } from '../../shared/log.js';
import { reconcile } from '../../shared/reconcile.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';

/**
 * The pass reads whole zones while clusters are still being read, once one cluster has answered: here
 * `slow`'s API server hangs until its request timeout, and the zones must be read by the time it fails.
 * No wall-time assertion: what is counted is which calls the sandbox had answered at that moment.
 */

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function world(hangSlow: boolean) {
  const scenario = await parseScenario(
    {
      config: {
        domainFilters: ['example.com', 'example.org'],
        clusterConcurrency: 2,
        timeouts: { connectMs: 1500, kubernetesRequestMs: 1500 },
      },
      route53: { zones: [{ name: 'example.com' }, { name: 'example.org' }] },
      clusters: [
        {
          name: 'fast',
          region: 'eu-central-1',
          objects: [loadBalancerService('web', 'shop.example.com', { ip: '192.0.2.10' })],
        },
        {
          name: 'slow',
          region: 'eu-central-1',
          objects: [loadBalancerService('api', 'api.example.org', { ip: '192.0.2.20' })],
        },
      ],
    },
    process.cwd(),
  );
  sandbox = await Sandbox.start();
  await sandbox.load(scenario);
  if (hangSlow) sandbox.cluster('slow').setMode('hang');
  const s = sandbox;
  const zoneReadsWhenListed: number[] = [];
  const deps = {
    config: scenario.config,
    aws: s.awsClients('us-east-1', scenario.config.timeouts),
    clock: s.clock.clock,
    log: silentLog,
    progress: {
      clusterListed: () => {
        zoneReadsWhenListed.push(s.apiCalls().route53?.ListResourceRecordSets ?? 0);
      },
      zoneRead: () => {},
    },
  };
  return { sandbox: s, deps, zoneReadsWhenListed };
}

describe('zone reads ahead of the DNS stage', () => {
  it('both zones are read while a hung cluster is still being read, and each only once', async () => {
    const { sandbox, deps, zoneReadsWhenListed } = await world(true);
    const result = await reconcile({ trigger: 'schedule' }, deps);
    expect(result.clusters.map((c) => `${c.name} ${c.status}`)).toEqual(['fast ok', 'slow failed']);
    // fast listed first (nothing read yet), slow failed after both zones had been read.
    expect(zoneReadsWhenListed).toEqual([0, 2]);
    expect(sandbox.apiCalls().route53?.ListResourceRecordSets).toBe(2);
    expect(result.changes.map((c) => `${c.action} ${c.name} ${c.type}`)).toContainEqual(
      'CREATE shop.example.com. A',
    );
  });

  it('a pass with every cluster failed reads no zone ahead (the DNS stage would skip them)', async () => {
    const { sandbox, deps } = await world(false);
    sandbox.cluster('fast').setMode('unreachable');
    sandbox.cluster('slow').setMode('unreachable');
    const result = await reconcile({ trigger: 'schedule' }, deps);
    expect(result.clusters.every((c) => c.status === 'failed')).toBe(true);
    expect(sandbox.apiCalls().route53?.ListResourceRecordSets ?? 0).toBe(0);
  });

  it('an audit pass (scoped to names) reads nothing ahead: its names only', async () => {
    const { sandbox, deps } = await world(false);
    await reconcile({ trigger: 'schedule' }, deps);
    const before = sandbox.apiCalls();
    const result = await reconcile(
      {
        trigger: 'audit',
        clusters: ['fast'],
        touched: { objects: [{ kind: 'Service', namespace: 'shop', name: 'web' }] },
      },
      deps,
    );
    expect(result.errors).toEqual([]);
    // One listing at shop.example.com's stretch of example.com; no whole zone, example.org not at all.
    expect(sandbox.apiCalls(before).route53?.ListResourceRecordSets).toBe(1);
  });
});
