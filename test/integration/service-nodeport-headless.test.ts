import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createScheduledHandler } from '../../functions/scheduled.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import type { KubernetesObject } from '../../shared/sources/objects.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';
import { SCHEDULE_EVENT, startSourceWorld, zoneRecords } from '../support/source-world.js';

/**
 * NodePort and headless Services end to end: Services, Nodes and EndpointSlices listed from the sandbox
 * API server by the real Kubernetes client (Nodes and EndpointSlices only when such Services exist), records
 * written to the sandbox Route 53 by the real SDK client, through the scheduled handler.
 */

const example = parseYaml(readFileSync('examples/nodeport-headless.yaml', 'utf8')) as {
  clusters: { objects: KubernetesObject[] }[];
};
const OBJECTS = example.clusters[0]!.objects.map((o) => ({
  ...o,
  metadata: {
    ...o.metadata,
    // The world's zone is example.com.
    ...(o.metadata.annotations
      ? {
          annotations: Object.fromEntries(
            Object.entries(o.metadata.annotations).map(([k, v]) => [
              k,
              v.replace('nodes.example.org', 'example.com'),
            ]),
          ),
        }
      : {}),
  },
}));

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function world(objects: KubernetesObject[]) {
  const w = await startSourceWorld(
    { sources: ['service'], managedRecordTypes: ['A', 'AAAA', 'CNAME', 'SRV'] },
    [{ name: 'prod-eu', region: 'eu-central-1', objects }],
  );
  sandbox = w.sandbox;
  return w;
}

const lists = (s: Sandbox, before: ReturnType<Sandbox['calls']['snapshot']>) =>
  Object.fromEntries(
    Object.entries(s.apiCalls(before).kubernetes ?? {}).filter(([op]) => op.startsWith('list ')),
  );

describe('NodePort and headless Services through the scheduled handler', () => {
  it('publishes node and pod addresses, SRV per node port; a second pass changes nothing', async () => {
    const { sandbox, deps } = await world(OBJECTS);
    const before = sandbox.calls.snapshot();
    const first = await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    expect(first.errors).toEqual([]);
    expect(first.warnings).toEqual([]);
    expect(lists(sandbox, before)).toEqual({
      'list services': 1,
      'list nodes': 1,
      'list endpointslices': 1,
    });
    const records = zoneRecords(sandbox).filter((r) => r.type !== 'TXT');
    expect(records).toEqual([
      {
        name: '_admin._tcp.admin.example.com.',
        type: 'SRV',
        ttl: 300,
        values: ['0 50 30080 admin.example.com.'],
      },
      {
        name: '_game._udp.play.example.com.',
        type: 'SRV',
        ttl: 300,
        values: ['0 50 30777 play.example.com.'],
      },
      { name: 'admin.example.com.', type: 'A', ttl: 300, values: ['10.0.1.10', '10.0.2.20'] },
      { name: 'db-0.db.example.com.', type: 'A', ttl: 300, values: ['10.0.1.101'] },
      { name: 'db-1.db.example.com.', type: 'A', ttl: 300, values: ['10.0.2.102'] },
      { name: 'db.example.com.', type: 'A', ttl: 300, values: ['10.0.1.101', '10.0.2.102'] },
      { name: 'play.example.com.', type: 'A', ttl: 300, values: ['203.0.113.10', '203.0.113.20'] },
    ]);
    const second = await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    expect(second.changes).toEqual([]);
  });

  it('lists neither Nodes nor EndpointSlices in a cluster without NodePort or headless Services', async () => {
    const nodes = OBJECTS.filter((o) => o.kind === 'Node' || o.kind === 'EndpointSlice');
    const { sandbox, deps } = await world([
      ...nodes,
      loadBalancerService('api', 'api.example.com', { ip: '192.0.2.7' }),
    ]);
    const before = sandbox.calls.snapshot();
    const result = await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    expect(result.errors).toEqual([]);
    expect(lists(sandbox, before)).toEqual({ 'list services': 1 });
  });

  it('a pod turning ready joins the headless name at the next pass', async () => {
    const { sandbox, deps } = await world(OBJECTS);
    await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    const slice = structuredClone(OBJECTS.find((o) => o.kind === 'EndpointSlice')!) as KubernetesObject & {
      endpoints: { conditions: { ready: boolean } }[];
    };
    for (const e of slice.endpoints) e.conditions.ready = true;
    sandbox.cluster('prod-eu').apply(slice);
    const next = await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    expect(next.changes.filter((c) => !c.ownership).map((c) => `${c.action} ${c.name}`)).toEqual([
      'UPSERT db.example.com.',
      'CREATE db-2.db.example.com.',
    ]);
    expect(zoneRecords(sandbox)).toContainEqual({
      name: 'db.example.com.',
      type: 'A',
      ttl: 300,
      values: ['10.0.1.101', '10.0.1.103', '10.0.2.102'],
    });
  });
});
