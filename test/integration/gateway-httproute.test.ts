import { afterEach, describe, expect, it } from 'vitest';
import { createAuditEventsHandler } from '../../functions/audit-events.js';
import { createScheduledHandler } from '../../functions/scheduled.js';
import { auditTrigger } from '../../sandbox/audit-log.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import type { KubernetesObject } from '../../shared/sources/objects.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';
import {
  ownershipTxt,
  SCHEDULE_EVENT,
  type SourceWorld,
  startSourceWorld,
  type WorldCluster,
  zoneRecords,
} from '../support/source-world.js';

/**
 * The gateway-httproute source end to end: Gateways and HTTPRoutes listed from the sandbox API server
 * by the real Kubernetes client, records written to the sandbox Route 53 by the real SDK client, through
 * the scheduled handler and the audit-events handler.
 */

const API = 'gateway.networking.k8s.io/v1';
const NLB = 'k8s-infra-edge-0123456789-abcdef0123456789.elb.eu-central-1.amazonaws.com';
const NLB_ZONE = 'Z3F0SRJ5LGBH90';
const GATEWAY_CRDS = ['gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io'];
const SOURCES = ['service', 'ingress', 'gateway-httproute'];

/** An NLB-backed Gateway (AWS Load Balancer Controller) taking routes from every namespace on *.example.com. */
const EDGE: KubernetesObject = {
  apiVersion: API,
  kind: 'Gateway',
  metadata: { name: 'edge', namespace: 'infra' },
  spec: {
    gatewayClassName: 'aws-nlb',
    listeners: [
      {
        name: 'https',
        protocol: 'HTTPS',
        port: 443,
        hostname: '*.example.com',
        allowedRoutes: { namespaces: { from: 'All' } },
        tls: { mode: 'Terminate', certificateRefs: [{ name: 'edge-tls' }] },
      },
    ],
  },
  status: { addresses: [{ type: 'Hostname', value: NLB }] },
};

function httpRoute(name: string, hostnames: string[], finalizers?: string[]): KubernetesObject {
  const parentRef = { name: 'edge', namespace: 'infra', sectionName: 'https' };
  return {
    apiVersion: API,
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'shop', ...(finalizers ? { finalizers } : {}) },
    spec: { parentRefs: [parentRef], hostnames, rules: [{ backendRefs: [{ name, port: 8080 }] }] },
    status: {
      parents: [
        {
          parentRef,
          controllerName: 'gateway.k8s.aws/nlb',
          conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted' }],
        },
      ],
    },
  };
}

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function world(clusters: WorldCluster[], zoneRecords: unknown[] = []): Promise<SourceWorld> {
  const w = await startSourceWorld({ sources: SOURCES }, clusters, zoneRecords);
  sandbox = w.sandbox;
  return w;
}

const records = zoneRecords;

const ownership = ownershipTxt;

const schedule = SCHEDULE_EVENT;

describe('HTTPRoutes behind a Gateway, through the scheduled handler', () => {
  it('an NLB Gateway address becomes an ALIAS with TXT ownership of the route; a second pass changes nothing', async () => {
    const { sandbox, deps } = await world([
      { name: 'prod-eu', region: 'eu-central-1', objects: [EDGE, httpRoute('web', ['shop.example.com'])] },
    ]);
    const scheduled = createScheduledHandler(() => deps);

    const first = await scheduled(schedule);
    expect(first.errors).toEqual([]);
    expect(first.warnings).toEqual([]);
    expect(first.clusters).toEqual([{ name: 'prod-eu', status: 'ok', endpoints: 1 }]);
    expect(records(sandbox)).toContainEqual({
      name: 'shop.example.com.',
      type: 'A',
      alias: { dnsName: `${NLB}.`, hostedZoneId: NLB_ZONE, evaluateTargetHealth: true },
    });
    expect(records(sandbox)).toContainEqual({
      name: 'a-shop.example.com.',
      type: 'TXT',
      ttl: 300,
      values: [ownership('prod-eu', 'httproute/shop/web')],
    });
    // The HTTPS listener terminates TLS: the name is handed to the certificate planner.
    expect(first.tlsHosts).toEqual([
      {
        host: 'shop.example.com',
        resource: 'httproute/shop/web',
        cluster: 'prod-eu',
        secretName: 'edge-tls',
      },
    ]);

    const second = await scheduled(schedule);
    expect(second.changes).toEqual([]);
  });

  it('a cluster without the Gateway API CRDs is reported, not failed: its Services still get records', async () => {
    // A route record from before (an ExternalDNS on v1beta1 routes, say): not served is not gone.
    const routeRecord = [
      { name: 'shop.example.com', type: 'A', ttl: 300, values: ['192.0.2.9'] },
      {
        name: 'a-shop.example.com',
        type: 'TXT',
        ttl: 300,
        values: [ownership('prod-eu', 'httproute/shop/web')],
      },
    ];
    const { sandbox, deps } = await world(
      [
        {
          name: 'prod-eu',
          region: 'eu-central-1',
          objects: [loadBalancerService('api', 'api.example.com', { ip: '192.0.2.7' })],
        },
      ],
      routeRecord,
    );
    sandbox.cluster('prod-eu').setMissingCrds(GATEWAY_CRDS);

    const result = await createScheduledHandler(() => deps)(schedule);
    expect(result.errors).toEqual([]);
    expect(result.clusters).toEqual([{ name: 'prod-eu', status: 'ok', endpoints: 1 }]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'api-not-served', cluster: 'prod-eu', field: 'sources' }),
    ]);
    expect(result.warnings[0]?.message).toMatch(/httproutes\.gateway\.networking\.k8s\.io\/v1 is not served/);
    expect(records(sandbox)).toContainEqual({
      name: 'api.example.com.',
      type: 'A',
      ttl: 300,
      values: ['192.0.2.7'],
    });
    expect(result.changes.filter((c) => c.name.startsWith('shop.') || c.name.startsWith('a-shop.'))).toEqual(
      [],
    );
    expect(records(sandbox)).toContainEqual(
      expect.objectContaining({ name: 'shop.example.com.', type: 'A' }),
    );
  });

  it('routes whose Gateways cannot be listed fail the cluster and freeze its records', async () => {
    const owned = [
      { name: 'shop.example.com', type: 'CNAME', ttl: 300, values: ['old-lb.example.net'] },
      {
        name: 'cname-shop.example.com',
        type: 'TXT',
        ttl: 300,
        values: [ownership('prod-eu', 'httproute/shop/web')],
      },
    ];
    const { sandbox, deps } = await world(
      [{ name: 'prod-eu', region: 'eu-central-1', objects: [EDGE, httpRoute('web', ['shop.example.com'])] }],
      owned,
    );
    sandbox.cluster('prod-eu').setMissingCrds(['gateways.gateway.networking.k8s.io']);

    const result = await createScheduledHandler(() => deps)(schedule);
    expect(result.clusters).toEqual([
      expect.objectContaining({
        name: 'prod-eu',
        status: 'failed',
        error: expect.stringMatching(/404 .*listing gateways/),
      }),
    ]);
    expect(result.changes).toEqual([]);
    expect(records(sandbox)).toContainEqual(
      expect.objectContaining({ name: 'shop.example.com.', type: 'CNAME' }),
    );
  });
});

describe('HTTPRoutes through the audit-events handler', () => {
  it('a new route gets its records from a partial pass, and loses them when it is deleted', async () => {
    const { sandbox, deps } = await world([{ name: 'prod-eu', region: 'eu-central-1', objects: [EDGE] }]);
    const handler = createAuditEventsHandler(() => deps);
    const route = httpRoute('web', ['shop.example.com'], ['gateway.k8s.aws/resources']);

    const created = await handler(await auditTrigger(sandbox, { cluster: 'prod-eu', apply: [route] }));
    expect(created.touched).toEqual([
      { cluster: 'prod-eu', scope: 'touched', objects: 1, names: 1, unbounded: [] },
    ]);
    expect(created.passes[0]?.errors).toEqual([]);
    expect(records(sandbox).map((r) => `${r.name} ${r.type}`)).toEqual(
      expect.arrayContaining(['shop.example.com. A', 'a-shop.example.com. TXT']),
    );

    const deleted = await handler(
      await auditTrigger(sandbox, {
        cluster: 'prod-eu',
        delete: [{ kind: 'HTTPRoute', namespace: 'shop', name: 'web' }],
      }),
    );
    expect(deleted.touched[0]).toMatchObject({ scope: 'touched', unbounded: [] });
    expect(deleted.passes[0]?.errors).toEqual([]);
    expect(records(sandbox).filter((r) => r.name.endsWith('shop.example.com.'))).toEqual([]);
  });
});
