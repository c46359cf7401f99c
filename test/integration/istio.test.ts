import { afterEach, describe, expect, it } from 'vitest';
import { createAuditEventsHandler } from '../../functions/audit-events.js';
import { createScheduledHandler } from '../../functions/scheduled.js';
import { auditTrigger } from '../../sandbox/audit-log.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import type { KubernetesObject } from '../../shared/sources/objects.js';
import {
  ownershipTxt,
  SCHEDULE_EVENT,
  type SourceWorld,
  startSourceWorld,
  zoneRecords,
} from '../support/source-world.js';

/**
 * The Istio sources end to end: Gateways, VirtualServices and the ingress gateway's Service listed from
 * the sandbox API server (which serves networking.istio.io at v1 and v1beta1) by the real Kubernetes
 * client, through the scheduled handler and the audit-events handler.
 */

const NLB = 'k8s-istiosys-istioing-5e2a9c41b7-0d3f8e6a1c2b4d5e.elb.eu-central-1.amazonaws.com';
const ISTIO_CRDS = ['gateways.networking.istio.io', 'virtualservices.networking.istio.io'];

const ingressService = (hostname = NLB): KubernetesObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
  spec: { type: 'LoadBalancer', selector: { istio: 'ingressgateway' }, ports: [{ port: 443 }] },
  status: { loadBalancer: { ingress: [{ hostname }] } },
});

const gateway: KubernetesObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'public', namespace: 'istio-system' },
  spec: {
    selector: { istio: 'ingressgateway' },
    servers: [{ port: { number: 443 }, hosts: ['edge.example.com', '*/*.apps.example.com'] }],
  },
};

const virtualService = (name: string, host: string): KubernetesObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'shop' },
  spec: { hosts: [host], gateways: ['istio-system/public'] },
});

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function world(objects: KubernetesObject[], records: unknown[] = []): Promise<SourceWorld> {
  const w = await startSourceWorld(
    { sources: ['service', 'istio-gateway', 'istio-virtualservice'] },
    [{ name: 'prod-eu', region: 'eu-central-1', objects }],
    records,
  );
  sandbox = w.sandbox;
  w.sandbox.elbv2.addLoadBalancer({ dnsName: NLB, canonicalHostedZoneId: 'Z3F0SRJ5LGBH90', type: 'network' });
  return w;
}

describe('Istio through the scheduled handler', () => {
  it('a Gateway and a bound VirtualService point at the ingress gateway NLB; a second pass changes nothing', async () => {
    const { sandbox, deps } = await world([
      ingressService(),
      gateway,
      virtualService('web', 'shop.apps.example.com'),
    ]);
    const first = await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    expect(first.errors).toEqual([]);
    expect(first.warnings).toEqual([]);
    const names = zoneRecords(sandbox).map((r) => `${r.name} ${r.type}`);
    expect(names).toEqual(expect.arrayContaining(['edge.example.com. A', 'shop.apps.example.com. A']));
    expect(zoneRecords(sandbox)).toContainEqual({
      name: 'a-shop.apps.example.com.',
      type: 'TXT',
      ttl: 300,
      values: [ownershipTxt('prod-eu', 'virtualservice/shop/web')],
    });
    expect((await createScheduledHandler(() => deps)(SCHEDULE_EVENT)).changes).toEqual([]);
  });

  it('lists the Istio Gateways and the Services once per pass, shared by the sources that read them', async () => {
    const { sandbox, deps } = await world([
      ingressService(),
      gateway,
      virtualService('web', 'shop.apps.example.com'),
    ]);
    const before = sandbox.calls.snapshot();
    const result = await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    expect(result.errors).toEqual([]);
    const lists = Object.entries(sandbox.apiCalls(before).kubernetes ?? {}).filter(([op]) =>
      op.startsWith('list '),
    );
    // istio-gateway lists its Gateways and istio-virtualservice needs them; service lists its Services and
    // both Istio sources need them: one list of each.
    expect(Object.fromEntries(lists)).toEqual({
      'list gateways': 1,
      'list services': 1,
      'list virtualservices': 1,
    });
  });

  it('reads v1beta1 where a cluster serves no v1', async () => {
    const { sandbox, deps } = await world([ingressService(), gateway]);
    sandbox
      .cluster('prod-eu')
      .setUnservedVersions(['gateways.networking.istio.io/v1', 'virtualservices.networking.istio.io/v1']);
    const result = await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(zoneRecords(sandbox).map((r) => r.name)).toContain('edge.example.com.');
  });

  it('a cluster without Istio is reported, not failed: the records Istio objects owned stay', async () => {
    const owned = [
      { name: 'edge.example.com', type: 'CNAME', ttl: 300, values: [NLB] },
      {
        name: 'cname-edge.example.com',
        type: 'TXT',
        ttl: 300,
        values: [ownershipTxt('prod-eu', 'gateway/istio-system/public')],
      },
    ];
    const { sandbox, deps } = await world([ingressService()], owned);
    sandbox.cluster('prod-eu').setMissingCrds(ISTIO_CRDS);
    const result = await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    expect(result.errors).toEqual([]);
    expect(result.clusters).toEqual([{ name: 'prod-eu', status: 'ok', endpoints: 0 }]);
    expect(result.warnings.map((w) => w.code)).toEqual(['api-not-served', 'api-not-served']);
    expect(result.changes).toEqual([]);
    expect(zoneRecords(sandbox)).toContainEqual(
      expect.objectContaining({ name: 'edge.example.com.', type: 'CNAME' }),
    );
  });
});

describe('Istio through the audit-events handler', () => {
  it("the ingress gateway Service's load balancer changing moves every host behind it, in one whole-cluster pass", async () => {
    const { sandbox, deps } = await world([
      ingressService(),
      gateway,
      virtualService('web', 'shop.apps.example.com'),
    ]);
    await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    const moved = 'k8s-istiosys-istioing-99999999aa-0d3f8e6a1c2b4d5e.elb.eu-central-1.amazonaws.com';
    sandbox.elbv2.addLoadBalancer({
      dnsName: moved,
      canonicalHostedZoneId: 'Z3F0SRJ5LGBH90',
      type: 'network',
    });
    const handler = createAuditEventsHandler(() => deps);
    const result = await handler(
      await auditTrigger(sandbox, { cluster: 'prod-eu', apply: [ingressService(moved)] }),
    );
    expect(result.touched[0]?.unbounded).toContainEqual(
      expect.stringContaining('Istio Gateways whose selector may pick'),
    );
    expect(result.passes[0]?.errors).toEqual([]);
    const aliases = zoneRecords(sandbox)
      .filter((r) => r.type === 'A')
      .map((r) => `${r.name} ${JSON.stringify(r)}`);
    expect(aliases.every((a) => a.includes('99999999aa'))).toBe(true);
    // edge and the wildcard server host (the Gateway's), shop (the VirtualService's).
    expect(aliases).toHaveLength(3);
  });
});
