import { afterEach, describe, expect, it } from 'vitest';
import { type AuditEventsDeps, createAuditEventsHandler } from '../../functions/audit-events.js';
import { auditLogStream, auditTrigger, subscriptionPayload } from '../../sandbox/audit-log.js';
import { Sandbox } from '../../sandbox/sandbox.js';
import { parseScenario } from '../../sandbox/scenario.js';
import { decodeSubscription } from '../../shared/audit/decode.js';
import { silentLog } from '../../shared/log.js';
import { reconcile } from '../../shared/reconcile.js';
import type { KubernetesObject } from '../../shared/sources/objects.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';

/**
 * The audit-log trigger end to end: the sandbox writes objects to a cluster's API server and produces
 * the audit log delivery EKS + CloudWatch Logs would; the handler decodes it and runs a partial pass
 * through the real SDK and Kubernetes clients. The zone holds 3,000 records, so reading it whole takes
 * at least 10 ListResourceRecordSets pages — a partial pass must not.
 */

const ZONE = 'example.com';
const NLB = 'k8s-shop-web-0123456789-abcdef0123456789.elb.eu-central-1.amazonaws.com';
const ALB = 'k8s-shop-shop-5f2b1c9a7e-1234567890.eu-central-1.elb.amazonaws.com';
const FILLER = 3_000;

function service(name: string, hostname: string): KubernetesObject {
  return loadBalancerService(name, hostname, { hostname: NLB });
}

function ingress(name: string, hosts: string[], finalizers?: string[]): KubernetesObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'shop', ...(finalizers ? { finalizers } : {}) },
    spec: {
      ingressClassName: 'alb',
      rules: hosts.map((host) => ({
        host,
        http: {
          paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }],
        },
      })),
    },
    status: { loadBalancer: { ingress: [{ hostname: ALB }] } },
  };
}

/** 3,000 records another cluster owns, spread through the zone: A, their TXT ownership, and CNAMEs. */
function fillerRecords() {
  const out = [];
  for (let i = 0; i < FILLER / 3; i++) {
    const host = `svc-${String(i).padStart(4, '0')}.${ZONE}`;
    out.push({ name: host, type: 'A', ttl: 300, values: [`192.0.2.${i % 250}`] });
    out.push({
      name: `a-${host}`,
      type: 'TXT',
      ttl: 300,
      values: [
        `"heritage=external-dns,external-dns/owner=prod-us,external-dns/resource=service/legacy/svc-${i}"`,
      ],
    });
    out.push({ name: `www-${String(i).padStart(4, '0')}.${ZONE}`, type: 'CNAME', ttl: 300, values: [host] });
  }
  return out;
}

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function world(objects: KubernetesObject[] = [], config: Record<string, unknown> = {}) {
  sandbox = await Sandbox.start({ start: new Date('2030-01-01T10:00:00Z') });
  sandbox.route53.createZone({ name: ZONE, records: fillerRecords() });
  const scenario = await parseScenario(
    {
      config: { domainFilters: [ZONE], ...config },
      clusters: [{ name: 'prod-eu', region: 'eu-central-1', objects }],
    },
    process.cwd(),
  );
  await sandbox.load(scenario);
  const dropped: number[] = [];
  const deps: AuditEventsDeps = {
    config: scenario.config,
    aws: sandbox.awsClients(scenario.config.region),
    clock: sandbox.clock.clock,
    log: silentLog,
    metrics: {
      addMetric: (name, _unit, value) => {
        if (name === 'AuditEventsDropped') dropped.push(value);
      },
    },
  };
  const handler = Object.assign(
    createAuditEventsHandler(() => deps),
    { deps },
  );
  return { sandbox, handler, dropped };
}

function records(s: Sandbox) {
  return s.snapshot().zones.flatMap((z) => z.records.filter((r) => r.type !== 'SOA' && r.type !== 'NS'));
}

function named(s: Sandbox, name: string) {
  return records(s).filter((r) => r.name === `${name}.` || r.name.endsWith(`-${name}.`));
}

describe('the audit-events handler against the sandbox', () => {
  it('writes audit events EKS would: decodable, ResponseComplete, a create and the controller status patch', async () => {
    const { sandbox } = await world();
    const payload = await auditTrigger(sandbox, {
      cluster: 'prod-eu',
      apply: [service('web', `web.${ZONE}`)],
    });
    const decoded = decodeSubscription(payload);
    expect(decoded.dropped).toEqual([]);
    expect(decoded.batch).toMatchObject({
      cluster: 'prod-eu',
      logGroup: '/aws/eks/prod-eu/cluster',
      logStream: auditLogStream('prod-eu'),
    });
    expect(
      decoded.batch?.events.map((e) => [e.verb, e.objectRef?.subresource ?? '', e.responseStatus?.code]),
    ).toEqual([
      ['create', '', 201],
      ['patch', 'status', 200],
    ]);
    expect(decoded.batch?.events[0]).toMatchObject({
      level: 'RequestResponse',
      stage: 'ResponseComplete',
      requestURI: expect.stringMatching(/^\/api\/v1\/namespaces\/shop\/services\?/),
      objectRef: { resource: 'services', namespace: 'shop', name: 'web', apiVersion: 'v1' },
      responseObject: { status: { loadBalancer: {} } },
    });
    expect(decoded.batch?.events[1]?.responseObject).toMatchObject({
      status: { loadBalancer: { ingress: [{ hostname: NLB }] } },
    });
    // The object is really in the API server now.
    expect(
      sandbox
        .cluster('prod-eu')
        .list('Service')
        .map((o) => o.metadata.name),
    ).toEqual(['web']);
  });

  it('a new annotated Service: its name and TXT are created, reading a handful of names, not the 3,000-record zone', async () => {
    const { sandbox, handler } = await world([ingress('shop', [`shop.${ZONE}`])]);
    const before = sandbox.calls.snapshot();
    const summary = await handler(
      await auditTrigger(sandbox, { cluster: 'prod-eu', apply: [service('web', `web.${ZONE}`)] }),
    );

    expect(summary.dropped).toEqual([]);
    expect(summary.touched).toEqual([
      { cluster: 'prod-eu', scope: 'touched', objects: 1, names: 1, unbounded: [] },
    ]);
    expect(summary.passes).toHaveLength(1);
    expect(summary.passes[0]?.errors).toEqual([]);
    expect(named(sandbox, `web.${ZONE}`)).toEqual(
      expect.arrayContaining([
        {
          name: `web.${ZONE}.`,
          type: 'A',
          alias: { dnsName: `${NLB}.`, hostedZoneId: 'Z3F0SRJ5LGBH90', evaluateTargetHealth: true },
        },
        {
          name: `a-web.${ZONE}.`,
          type: 'TXT',
          ttl: 300,
          values: [
            '"heritage=external-dns,external-dns/owner=prod-eu,external-dns/resource=service/shop/web"',
          ],
        },
      ]),
    );
    // The untouched Ingress is not reconciled by this pass: its name was not in scope.
    expect(named(sandbox, `shop.${ZONE}`)).toEqual([]);
    expect(records(sandbox)).toHaveLength(FILLER + named(sandbox, `web.${ZONE}`).length);

    const route53 = sandbox.apiCalls(before).route53 ?? {};
    // The touched name, then the TXT names of the types it has or wants (issue 14: ≤ 1 + 2).
    expect(route53.ListResourceRecordSets ?? 0).toBeGreaterThan(0);
    expect(route53.ListResourceRecordSets ?? 0).toBeLessThanOrEqual(2);
    expect(route53.ListHostedZones ?? 0).toBeLessThanOrEqual(1);
    expect(route53.ChangeResourceRecordSets).toBe(1);
  });

  /** Publishes an Ingress with finalizers through the audit trigger, then deletes it the same way. */
  async function publishThenDelete(hosts: string[], others: KubernetesObject[] = []) {
    const { sandbox, handler } = await world(others);
    if (others.length > 0) await reconcile({ trigger: 'schedule' }, handler.deps);
    const created = await handler(
      await auditTrigger(sandbox, {
        cluster: 'prod-eu',
        apply: [ingress('shop', hosts, ['ingress.k8s.aws/resources'])],
      }),
    );
    expect(created.passes[0]?.errors).toEqual([]);
    // An ALB answers on IPv4 and IPv6: A and AAAA aliases, each with its ownership TXT.
    for (const h of hosts)
      expect(
        named(sandbox, h)
          .map((r) => r.type)
          .sort(),
      ).toEqual(['A', 'AAAA', 'TXT', 'TXT']);
    const published = hosts.flatMap((h) => named(sandbox, h));
    const total = records(sandbox).length;

    const before = sandbox.calls.snapshot();
    const summary = await handler(
      await auditTrigger(sandbox, {
        cluster: 'prod-eu',
        delete: [{ kind: 'Ingress', namespace: 'shop', name: 'shop' }],
      }),
    );
    return { sandbox, summary, published, total, calls: sandbox.apiCalls(before) };
  }

  it('deleting an Ingress whose hosts the delete event carries deletes its records in a partial pass', async () => {
    const hosts = [`shop.${ZONE}`];
    const { sandbox, summary, published, total, calls } = await publishThenDelete(hosts);
    expect(summary.touched).toEqual([
      { cluster: 'prod-eu', scope: 'touched', objects: 1, names: 1, unbounded: [] },
    ]);
    expect(summary.passes[0]?.errors).toEqual([]);
    expect(named(sandbox, `shop.${ZONE}`)).toEqual([]);
    const deleted = summary.passes[0]?.changes
      .filter((c) => c.action === 'DELETE')
      .map((c) => `${c.name} ${c.type}`);
    expect(deleted?.sort()).toEqual(published.map((r) => `${r.name} ${r.type}`).sort());
    expect(records(sandbox)).toHaveLength(total - published.length);
    // One name and its ownership TXT names, then — because the pass deletes — one whole-zone read, so
    // the deletion guard judges the owner's share of the zone, not of the names the event named.
    expect(calls.route53?.ListResourceRecordSets ?? 0).toBeLessThanOrEqual(5 + Math.ceil(total / 300));
  });

  it('an audit delivery naming the deletions a full pass held is held too (the guard judges the whole zone)', async () => {
    const services = Array.from({ length: 10 }, (_, i) => ({
      ...service(`api-${i}`, `api-${i}.${ZONE}`),
      metadata: {
        ...service(`api-${i}`, `api-${i}.${ZONE}`).metadata,
        finalizers: ['service.kubernetes.io/load-balancer-cleanup'],
      },
    }));
    const { sandbox, handler } = await world(services);
    expect((await reconcile({ trigger: 'schedule' }, handler.deps)).errors).toEqual([]);
    const gone = services.slice(0, 6);
    // One delivery deleting 6 of the owner's 10 Services: a partial pass that, judged on its own names
    // (6 of 6), would pass a per-name guard; judged on the zone, 60% is above the 50% limit.
    const summary = await handler(
      await auditTrigger(sandbox, {
        cluster: 'prod-eu',
        delete: gone.map((o) => ({ kind: 'Service', namespace: 'shop', name: o.metadata.name })),
      }),
    );
    expect(summary.touched[0]).toMatchObject({ scope: 'touched', objects: 6 });
    // Each NLB Service has an A and an AAAA alias: 12 of the owner's 20 records.
    expect(summary.passes[0]?.heldDeletions).toBe(12);
    expect(summary.passes[0]?.changes).toEqual([]);
    expect(summary.passes[0]?.warnings).toContainEqual(
      expect.objectContaining({
        code: 'deletions-held',
        message: expect.stringMatching(/12 of its 20 records/),
      }),
    );
    for (const o of gone) expect(named(sandbox, `${o.metadata.name}.${ZONE}`)).toHaveLength(4);

    // Only deletionGuard.allow (or a confirmed cluster release) lets it through.
    handler.deps.config = {
      ...handler.deps.config,
      deletionGuard: { ...handler.deps.config.deletionGuard, allow: true },
    };
    const allowed = await reconcile({ trigger: 'schedule' }, handler.deps);
    expect(allowed.heldDeletions).toBe(0);
    for (const o of gone) expect(named(sandbox, `${o.metadata.name}.${ZONE}`)).toEqual([]);
  });

  // A scoped pass sees only the touched names, so the deletion guard's share would read "100%" for any
  // object with 4+ records (two hosts on a dual-stack ALB) though the owner keeps dozens elsewhere.
  it('deleting a two-host Ingress in a partial pass is not held back by the deletion guard', async () => {
    const others = Array.from({ length: 10 }, (_, i) => service(`api-${i}`, `api-${i}.${ZONE}`));
    const hosts = [`shop.${ZONE}`, `api.shop.${ZONE}`];
    const { sandbox, summary, calls } = await publishThenDelete(hosts, others);
    expect(summary.passes[0]?.heldDeletions).toBe(0);
    for (const h of hosts) expect(named(sandbox, h)).toEqual([]);
    // A listing per name read (each host and its three TXT names), then the guard's count of the
    // owner's records, which stops at the first page that shows enough of them (its 20 api records
    // sort first): one page, not the 10 of the whole zone.
    expect(calls.route53?.ListResourceRecordSets ?? 0).toBeLessThanOrEqual(hosts.length * 4 + 1);
  });

  it('a delete that shows no object body (no finalizers: a Status answer) falls back to a pass over the whole cluster', async () => {
    const { sandbox, handler } = await world();
    await handler(
      await auditTrigger(sandbox, { cluster: 'prod-eu', apply: [ingress('shop', [`shop.${ZONE}`])] }),
    );
    expect(named(sandbox, `shop.${ZONE}`)).toHaveLength(4);

    const before = sandbox.calls.snapshot();
    const summary = await handler(
      await auditTrigger(sandbox, {
        cluster: 'prod-eu',
        delete: [{ kind: 'Ingress', namespace: 'shop', name: 'shop' }],
      }),
    );
    expect(summary.touched[0]).toMatchObject({
      scope: 'cluster',
      unbounded: [expect.stringContaining('ingress/shop/shop')],
    });
    expect(named(sandbox, `shop.${ZONE}`)).toEqual([]);
    expect(records(sandbox)).toHaveLength(FILLER);
    expect(sandbox.apiCalls(before).route53?.ListResourceRecordSets ?? 0).toBeGreaterThanOrEqual(
      FILLER / 300,
    );
  });

  it('deleting what is not there is a failed write: no pass', async () => {
    const { sandbox, handler } = await world();
    const before = sandbox.calls.snapshot();
    const summary = await handler(
      await auditTrigger(sandbox, {
        cluster: 'prod-eu',
        delete: [{ kind: 'Ingress', namespace: 'shop', name: 'ghost' }],
      }),
    );
    expect(summary).toMatchObject({ passes: [], touched: [], dropped: [], ignored: 1 });
    expect(sandbox.apiCalls(before).route53).toEqual({});
  });

  it.each([
    ['garbage base64', { awslogs: { data: '%%%not-base64%%%' } }, /not base64/],
    [
      'base64 that is not gzip',
      { awslogs: { data: Buffer.from('{"logEvents": []}').toString('base64') } },
      /gunzip/,
    ],
    ['not a subscription event at all', { detail: 'nope' }, /not a CloudWatch Logs subscription event/],
  ])('a corrupt payload (%s) changes nothing and is counted', async (_label, payload, reason) => {
    const { sandbox, handler, dropped } = await world([service('web', `web.${ZONE}`)]);
    const world0 = sandbox.snapshot();
    const before = sandbox.calls.snapshot();
    const summary = await handler(payload);
    expect(summary.passes).toEqual([]);
    expect(summary.dropped).toEqual([{ reason: expect.stringMatching(reason) }]);
    expect(dropped).toEqual([1]);
    expect(sandbox.snapshot()).toEqual(world0);
    expect(sandbox.apiCalls(before)).toEqual({ route53: {}, acm: {}, eks: {}, kubernetes: {} });
  });

  it('drops the audit log of a cluster that is not configured, and counts it', async () => {
    const { sandbox, handler, dropped } = await world();
    const before = sandbox.calls.snapshot();
    const good = decodeSubscription(
      await auditTrigger(sandbox, { cluster: 'prod-eu', apply: [service('web', `web.${ZONE}`)] }),
    );
    const foreign = subscriptionPayload({
      messageType: 'DATA_MESSAGE',
      owner: '000000000000',
      logGroup: '/aws/eks/someone-else/cluster',
      logStream: auditLogStream('someone-else'),
      subscriptionFilters: ['edge-reconciler-audit'],
      logEvents: (good.batch?.events ?? []).map((e, i) => ({
        id: String(i),
        timestamp: 0,
        message: JSON.stringify(e),
      })),
    });
    const summary = await handler(foreign);
    expect(summary.passes).toEqual([]);
    expect(summary.dropped).toEqual([
      expect.objectContaining({ reason: 'cluster someone-else is not in the configuration' }),
    ]);
    expect(dropped).toEqual([1]);
    expect(sandbox.apiCalls(before).route53).toEqual({});
  });

  describe('with cluster discovery', () => {
    const discovered = { clusters: [], clusterDiscovery: { regions: ['eu-central-1'] } };

    it('a discovered cluster’s audit log runs its partial pass', async () => {
      const { sandbox, handler, dropped } = await world([], discovered);
      expect(handler.deps.config.clusters).toEqual([]);
      const payload = await auditTrigger(sandbox, {
        cluster: 'prod-eu',
        apply: [service('web', `web.${ZONE}`)],
      });

      const summary = await handler(payload);

      expect(summary.dropped).toEqual([]);
      expect(dropped).toEqual([]);
      expect(summary.passes).toHaveLength(1);
      expect(summary.passes[0]?.errors).toEqual([]);
      expect(named(sandbox, `web.${ZONE}`)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: `web.${ZONE}.`, type: 'A' }),
          expect.objectContaining({
            name: `a-web.${ZONE}.`,
            type: 'TXT',
            values: [
              '"heritage=external-dns,external-dns/owner=prod-eu,external-dns/resource=service/shop/web"',
            ],
          }),
        ]),
      );
    });

    it('the audit log of a cluster discovery does not find yields a pass that reports it and changes nothing', async () => {
      const { sandbox, handler, dropped } = await world([], {
        clusters: [],
        clusterDiscovery: { regions: ['eu-central-1'], tags: { team: 'edge' } },
      });
      const payload = await auditTrigger(sandbox, {
        cluster: 'prod-eu',
        apply: [service('web', `web.${ZONE}`)],
      });
      const world0 = sandbox.snapshot();

      const summary = await handler(payload);

      expect(summary.dropped).toEqual([]);
      expect(dropped).toEqual([]);
      expect(summary.passes).toHaveLength(1);
      expect(summary.passes[0]?.errors).toContainEqual({
        code: 'cluster-not-in-fleet',
        cluster: 'prod-eu',
        message: 'cluster prod-eu: not in the fleet',
      });
      const after = sandbox.snapshot();
      expect(after.zones).toEqual(world0.zones);
      expect(after.certificates).toEqual(world0.certificates);
      // Reported, not thrown: the pass's completion event carries the error.
      expect(after.events.map((e) => e.detail.errors)).toEqual([['cluster prod-eu: not in the fleet']]);
    });
  });
});
