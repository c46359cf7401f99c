import { afterEach, describe, expect, it } from 'vitest';
import { createAuditEventsHandler } from '../../functions/audit-events.js';
import { createScheduledHandler } from '../../functions/scheduled.js';
import { auditTrigger } from '../../sandbox/audit-log.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import type { KubernetesObject } from '../../shared/sources/objects.js';
import { createThenDeleteThroughAudit } from '../support/audit-create-delete.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';
import {
  ownershipTxt,
  SCHEDULE_EVENT,
  type SourceWorld,
  startSourceWorld,
  zoneRecords,
} from '../support/source-world.js';

/**
 * The traefik-proxy source end to end: IngressRoutes of both Traefik API groups listed from the sandbox
 * API server by the real Kubernetes client, records written to the sandbox Route 53 by the real SDK
 * client, through the scheduled handler and the audit-events handler.
 */

const NLB = 'k8s-traefik-traefik-5e2a9c41b7-0d3f8e6a1c2b4d5e.elb.eu-central-1.amazonaws.com';
const NLB_ZONE = 'Z3F0SRJ5LGBH90';
const TARGET = 'external-dns.alpha.kubernetes.io/target';
const SOURCES = ['service', 'ingress', 'traefik-proxy'];
const TRAEFIK_CRDS = ['traefik.io', 'traefik.containo.us'].flatMap((group) =>
  ['ingressroutes', 'ingressroutetcps', 'ingressrouteudps'].map((plural) => `${plural}.${group}`),
);

function traefikRoute(
  kind: 'IngressRoute' | 'IngressRouteTCP',
  name: string,
  match: string,
  o: { group?: string; target?: string | undefined } = {},
): KubernetesObject {
  const target = 'target' in o ? o.target : NLB;
  return {
    apiVersion: `${o.group ?? 'traefik.io'}/v1alpha1`,
    kind,
    metadata: { name, namespace: 'shop', annotations: target ? { [TARGET]: target } : {} },
    spec: { entryPoints: ['websecure'], routes: [{ kind: 'Rule', match, services: [{ name, port: 80 }] }] },
  };
}

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** Traefik v2 clusters serve both groups; the old one is read only with traefikEnableLegacy. */
async function world(
  objects: KubernetesObject[],
  zoneRecords: unknown[] = [],
  config: Record<string, unknown> = { traefikEnableLegacy: true },
): Promise<SourceWorld> {
  const w = await startSourceWorld(
    { sources: SOURCES, ...config },
    [{ name: 'prod-eu', region: 'eu-central-1', objects }],
    zoneRecords,
  );
  sandbox = w.sandbox;
  // Traefik's own Service is not among the objects: the account's NLB is listed for the alias to exist.
  w.sandbox.elbv2.addLoadBalancer({ dnsName: NLB, canonicalHostedZoneId: NLB_ZONE, type: 'network' });
  return w;
}

const records = zoneRecords;

const ownership = (resource: string) => ownershipTxt('prod-eu', resource);

const schedule = SCHEDULE_EVENT;

describe('Traefik IngressRoutes behind an NLB, through the scheduled handler', () => {
  it('the target annotation naming the NLB becomes an ALIAS with TXT ownership of the route; a second pass changes nothing', async () => {
    const { sandbox, deps } = await world([
      traefikRoute('IngressRoute', 'web', 'Host(`shop.example.com`) && PathPrefix(`/`)'),
      // The same route left behind in the old group with another host: traefik.io's copy is the one read.
      traefikRoute('IngressRoute', 'web', 'Host(`old.example.com`)', { group: 'traefik.containo.us' }),
      traefikRoute('IngressRouteTCP', 'db', 'HostSNI(`db.example.com`)', { group: 'traefik.containo.us' }),
    ]);
    const scheduled = createScheduledHandler(() => deps);

    const first = await scheduled(schedule);
    expect(first.errors).toEqual([]);
    expect(first.clusters).toEqual([{ name: 'prod-eu', status: 'ok', endpoints: 2 }]);
    expect(first.warnings).toEqual([
      expect.objectContaining({
        code: 'shadowed-object',
        object: 'ingressroute/shop/web',
        cluster: 'prod-eu',
      }),
    ]);
    const alias = { dnsName: `${NLB}.`, hostedZoneId: NLB_ZONE, evaluateTargetHealth: true };
    expect(records(sandbox)).toEqual(
      expect.arrayContaining([
        { name: 'shop.example.com.', type: 'A', alias },
        { name: 'a-shop.example.com.', type: 'TXT', ttl: 300, values: [ownership('ingressroute/shop/web')] },
        { name: 'db.example.com.', type: 'A', alias },
        { name: 'a-db.example.com.', type: 'TXT', ttl: 300, values: [ownership('ingressroutetcp/shop/db')] },
      ]),
    );
    expect(records(sandbox).some((r) => r.name.includes('old.example.com'))).toBe(false);
    expect(first.tlsHosts).toEqual([]);

    const second = await scheduled(schedule);
    expect(second.changes).toEqual([]);
  });

  it('removing the target annotation deletes the records, as ExternalDNS does, and says why', async () => {
    const { sandbox, deps } = await world([traefikRoute('IngressRoute', 'web', 'Host(`shop.example.com`)')]);
    const scheduled = createScheduledHandler(() => deps);
    await scheduled(schedule);
    expect(records(sandbox).map((r) => r.name)).toContain('shop.example.com.');

    sandbox
      .cluster('prod-eu')
      .apply(traefikRoute('IngressRoute', 'web', 'Host(`shop.example.com`)', { target: undefined }));
    const result = await scheduled(schedule);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'missing-target', field: TARGET, object: 'ingressroute/shop/web' }),
    ]);
    expect(records(sandbox).filter((r) => r.name.endsWith('shop.example.com.'))).toEqual([]);
  });

  it('a cluster without the Traefik CRDs is reported, not failed: its Services get records, its route records stay', async () => {
    const routeRecords = [
      { name: 'shop.example.com', type: 'CNAME', ttl: 300, values: [NLB] },
      { name: 'cname-shop.example.com', type: 'TXT', ttl: 300, values: [ownership('ingressroute/shop/web')] },
    ];
    const { sandbox, deps } = await world(
      [loadBalancerService('api', 'api.example.com', { ip: '192.0.2.7' })],
      routeRecords,
    );
    sandbox.cluster('prod-eu').setMissingCrds(TRAEFIK_CRDS);

    const result = await createScheduledHandler(() => deps)(schedule);
    expect(result.errors).toEqual([]);
    expect(result.clusters).toEqual([{ name: 'prod-eu', status: 'ok', endpoints: 1 }]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'api-not-served', cluster: 'prod-eu', field: 'sources' }),
    ]);
    expect(result.warnings[0]?.message).toMatch(
      /IngressRoute, IngressRouteTCP, IngressRouteUDP are not served \(404\) in traefik\.io\/v1alpha1 or traefik\.containo\.us\/v1alpha1/,
    );
    expect(records(sandbox)).toContainEqual({
      name: 'api.example.com.',
      type: 'A',
      ttl: 300,
      values: ['192.0.2.7'],
    });
    expect(result.changes.filter((c) => c.name.includes('shop.'))).toEqual([]);
    expect(records(sandbox)).toContainEqual(
      expect.objectContaining({ name: 'shop.example.com.', type: 'CNAME' }),
    );
  });

  it('Traefik v3 (no old group) with traefikEnableLegacy is normal: nothing is reported', async () => {
    const { sandbox, deps } = await world([traefikRoute('IngressRoute', 'web', 'Host(`shop.example.com`)')]);
    sandbox.cluster('prod-eu').setMissingCrds(TRAEFIK_CRDS.filter((c) => c.endsWith('.traefik.containo.us')));

    const result = await createScheduledHandler(() => deps)(schedule);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(records(sandbox)).toContainEqual(
      expect.objectContaining({ name: 'shop.example.com.', type: 'A' }),
    );
  });
});

describe('IngressRoutes through the audit-events handler', () => {
  it('a new route gets its records from a partial pass, and loses them when it is deleted', async () => {
    // The owner keeps another route, so that deleting this one is not most of its records in the zone
    // (the deletion guard judges every pass, partial ones too, on the whole zone).
    const w = await world([
      traefikRoute(
        'IngressRoute',
        'keep',
        'Host(`a.example.com`) || Host(`b.example.com`) || Host(`c.example.com`)',
      ),
    ]);
    await createScheduledHandler(() => w.deps)(schedule);
    const route = traefikRoute('IngressRoute', 'web', 'Host(`shop.example.com`) || Host(`www.example.com`)');
    await createThenDeleteThroughAudit(w, route, {
      cluster: 'prod-eu',
      names: 2,
      published: (records) =>
        expect(records.map((r) => `${r.name} ${r.type}`)).toEqual(
          expect.arrayContaining([
            'shop.example.com. A',
            'a-shop.example.com. TXT',
            'www.example.com. A',
            'a-www.example.com. TXT',
          ]),
        ),
    });
  });
});

describe('IngressRouteTCPs through the audit-events handler', () => {
  it('a write to an IngressRouteTCP is relevant, and its HostSNI names bound the pass', async () => {
    const { sandbox, deps } = await world([]);
    const handler = createAuditEventsHandler(() => deps);
    const route = traefikRoute('IngressRouteTCP', 'db', 'HostSNI(`db.example.com`)');

    const created = await handler(await auditTrigger(sandbox, { cluster: 'prod-eu', apply: [route] }));
    expect(created.touched).toEqual([
      { cluster: 'prod-eu', scope: 'touched', objects: 1, names: 1, unbounded: [] },
    ]);
    expect(created.passes[0]?.errors).toEqual([]);
    expect(records(sandbox)).toContainEqual({
      name: 'a-db.example.com.',
      type: 'TXT',
      ttl: 300,
      values: [ownership('ingressroutetcp/shop/db')],
    });
  });
});
