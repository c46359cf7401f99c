import { afterEach, describe, expect, it } from 'vitest';
import { createScheduledHandler } from '../../functions/scheduled.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import type { KubernetesObject } from '../../shared/sources/objects.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';
import {
  ownershipTxt,
  SCHEDULE_EVENT,
  type SourceWorld,
  startSourceWorld,
  zoneRecords,
} from '../support/source-world.js';

/**
 * The gateway-tlsroute and gateway-tcproute sources end to end: a Gateway and its v1alpha2 routes listed
 * from the sandbox API server by the real Kubernetes client, records written to the sandbox Route 53 by
 * the real SDK client, through the scheduled handler; TLSRoutes also at v1, as Gateway API 1.5 serves them.
 */

const ALPHA2 = 'gateway.networking.k8s.io/v1alpha2';
const NLB = 'k8s-infra-edge-0123456789-abcdef0123456789.elb.eu-central-1.amazonaws.com';
const NLB_ZONE = 'Z3F0SRJ5LGBH90';
const EXPERIMENTAL_CRDS = [
  'tlsroutes.gateway.networking.k8s.io',
  'tcproutes.gateway.networking.k8s.io',
  'udproutes.gateway.networking.k8s.io',
];

/** An NLB Gateway: TLS passed through to the backends on 443, Postgres on 5432. */
const EDGE: KubernetesObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'edge', namespace: 'infra' },
  spec: {
    gatewayClassName: 'aws-nlb',
    listeners: [
      {
        name: 'tls',
        protocol: 'TLS',
        port: 443,
        hostname: '*.example.com',
        allowedRoutes: { namespaces: { from: 'All' } },
        tls: { mode: 'Passthrough' },
      },
      { name: 'pg', protocol: 'TCP', port: 5432, allowedRoutes: { namespaces: { from: 'All' } } },
    ],
  },
  status: { addresses: [{ type: 'Hostname', value: NLB }] },
};

function alpha2Route(
  kind: 'TLSRoute' | 'TCPRoute',
  name: string,
  sectionName: string,
  naming: { hostnames?: string[]; annotations?: Record<string, string> },
): KubernetesObject {
  const parentRef = { name: 'edge', namespace: 'infra', sectionName };
  return {
    apiVersion: ALPHA2,
    kind,
    metadata: { name, namespace: 'shop', ...(naming.annotations ? { annotations: naming.annotations } : {}) },
    spec: {
      parentRefs: [parentRef],
      ...(naming.hostnames ? { hostnames: naming.hostnames } : {}),
      rules: [{ backendRefs: [{ name, port: 5432 }] }],
    },
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

const DB_TLS = alpha2Route('TLSRoute', 'db', 'tls', { hostnames: ['db.example.com'] });
const DB_TLS_V1: KubernetesObject = { ...DB_TLS, apiVersion: 'gateway.networking.k8s.io/v1' };
const TLSROUTES_V1 = 'tlsroutes.gateway.networking.k8s.io/v1';
const TLSROUTES_V1ALPHA2 = 'tlsroutes.gateway.networking.k8s.io/v1alpha2';
const PG_TCP = alpha2Route('TCPRoute', 'pg', 'pg', {
  annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'pg.example.com' },
});

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function world(
  sources: string[],
  objects: KubernetesObject[],
  zoneRecords: unknown[] = [],
): Promise<SourceWorld> {
  const w = await startSourceWorld(
    { sources },
    [{ name: 'prod-eu', region: 'eu-central-1', objects }],
    zoneRecords,
  );
  sandbox = w.sandbox;
  return w;
}

const records = zoneRecords;

const ownership = (resource: string) => ownershipTxt('prod-eu', resource);

const schedule = SCHEDULE_EVENT;

describe('TLSRoutes and TCPRoutes behind an NLB Gateway, through the scheduled handler', () => {
  it('each route name becomes an ALIAS to the NLB owned by its route; a second pass changes nothing', async () => {
    const { sandbox, deps } = await world(
      ['service', 'gateway-tlsroute', 'gateway-tcproute'],
      [EDGE, DB_TLS, PG_TCP],
    );
    const scheduled = createScheduledHandler(() => deps);

    const first = await scheduled(schedule);
    expect(first.errors).toEqual([]);
    expect(first.warnings).toEqual([]);
    expect(first.clusters).toEqual([{ name: 'prod-eu', status: 'ok', endpoints: 2 }]);
    const alias = { dnsName: `${NLB}.`, hostedZoneId: NLB_ZONE, evaluateTargetHealth: true };
    expect(records(sandbox)).toEqual(
      expect.arrayContaining([
        { name: 'db.example.com.', type: 'A', alias },
        { name: 'a-db.example.com.', type: 'TXT', ttl: 300, values: [ownership('tlsroute/shop/db')] },
        { name: 'pg.example.com.', type: 'A', alias },
        { name: 'a-pg.example.com.', type: 'TXT', ttl: 300, values: [ownership('tcproute/shop/pg')] },
      ]),
    );
    // Passthrough: the backends terminate TLS, so no certificate is the Gateway's to need.
    expect(first.tlsHosts).toEqual([]);
    // Two route sources, one list of Gateways.
    expect(sandbox.apiCalls().kubernetes?.['list gateways']).toBe(1);

    const second = await scheduled(schedule);
    expect(second.changes).toEqual([]);
  });

  it('a cluster with only the standard-channel CRDs is reported, not failed, and keeps its TCPRoute records', async () => {
    const tcpRecords = [
      { name: 'pg.example.com', type: 'CNAME', ttl: 300, values: [NLB] },
      { name: 'cname-pg.example.com', type: 'TXT', ttl: 300, values: [ownership('tcproute/shop/pg')] },
    ];
    const { sandbox, deps } = await world(
      ['service', 'gateway-tcproute'],
      [EDGE, loadBalancerService('api', 'api.example.com', { ip: '192.0.2.7' })],
      tcpRecords,
    );
    sandbox.cluster('prod-eu').setMissingCrds(EXPERIMENTAL_CRDS);

    const result = await createScheduledHandler(() => deps)(schedule);
    expect(result.errors).toEqual([]);
    expect(result.clusters).toEqual([{ name: 'prod-eu', status: 'ok', endpoints: 1 }]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'api-not-served', cluster: 'prod-eu', field: 'sources' }),
    ]);
    expect(result.warnings[0]?.message).toMatch(
      /tcproutes\.gateway\.networking\.k8s\.io\/v1alpha2 is not served .*experimental-channel CRDs/,
    );
    expect(records(sandbox)).toContainEqual({
      name: 'api.example.com.',
      type: 'A',
      ttl: 300,
      values: ['192.0.2.7'],
    });
    expect(result.changes.filter((c) => c.name.includes('pg.example.com'))).toEqual([]);
    expect(records(sandbox)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'pg.example.com.', type: 'CNAME' }),
        expect.objectContaining({ name: 'cname-pg.example.com.', type: 'TXT' }),
      ]),
    );
  });
});

describe('TLSRoutes on clusters of either side of Gateway API 1.5', () => {
  const dbRecords = [
    {
      name: 'db.example.com.',
      type: 'A',
      alias: { dnsName: `${NLB}.`, hostedZoneId: NLB_ZONE, evaluateTargetHealth: true },
    },
    { name: 'a-db.example.com.', type: 'TXT', ttl: 300, values: [ownership('tlsroute/shop/db')] },
  ];

  it.each([
    ['1.5, standard channel: only v1 served, the route written as v1', DB_TLS_V1, TLSROUTES_V1ALPHA2],
    ['before 1.5, experimental channel: only v1alpha2 served', DB_TLS, TLSROUTES_V1],
  ])('%s: the route gets its records', async (_label, route, unserved) => {
    const { sandbox, deps } = await world(['gateway-tlsroute'], [EDGE, route]);
    sandbox.cluster('prod-eu').setUnservedVersions([unserved]);

    const result = await createScheduledHandler(() => deps)(schedule);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.clusters).toEqual([{ name: 'prod-eu', status: 'ok', endpoints: 1 }]);
    expect(records(sandbox)).toEqual(expect.arrayContaining(dbRecords));
  });

  it('neither version served: reported naming both, and the records the route owned are kept', async () => {
    const { sandbox, deps } = await world(
      ['gateway-tlsroute'],
      [EDGE],
      [
        { name: 'db.example.com', type: 'CNAME', ttl: 300, values: [NLB] },
        { name: 'cname-db.example.com', type: 'TXT', ttl: 300, values: [ownership('tlsroute/shop/db')] },
      ],
    );
    sandbox.cluster('prod-eu').setUnservedVersions([TLSROUTES_V1, TLSROUTES_V1ALPHA2]);

    const result = await createScheduledHandler(() => deps)(schedule);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'api-not-served', cluster: 'prod-eu', field: 'sources' }),
    ]);
    expect(result.warnings[0]?.message).toBe(
      'none of tlsroutes.gateway.networking.k8s.io/v1, tlsroutes.gateway.networking.k8s.io/v1alpha2 is served (404): the Gateway API CRDs (v1.5 or later, or an older experimental channel) are not installed, so the gateway-tlsroute source finds nothing in this cluster',
    );
    expect(result.changes).toEqual([]);
    expect(records(sandbox)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'db.example.com.', type: 'CNAME' }),
        expect.objectContaining({ name: 'cname-db.example.com.', type: 'TXT' }),
      ]),
    );
  });
});
