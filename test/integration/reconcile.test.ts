import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../../sandbox/sandbox.js';
import { parseScenario, type Scenario } from '../../sandbox/scenario.js';
import { AwsClients } from '../../shared/aws-clients.js';
import { silentLog } from '../../shared/log.js';
import { type ReconcileDeps, reconcile } from '../../shared/reconcile.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';

/** The whole pass through the real SDK clients and the real HTTPS Kubernetes client, against the sandbox. */

const NLB = 'k8s-web-web-0123456789-abcdef0123456789.elb.eu-central-1.amazonaws.com';

function service(name: string, hostname: string, lb: string | undefined = NLB) {
  return loadBalancerService(name, hostname, lb ? { hostname: lb } : undefined);
}

async function world(raw: Record<string, unknown>): Promise<Scenario> {
  return parseScenario(
    {
      config: { domainFilters: ['example.com'] },
      route53: { zones: [{ name: 'example.com' }] },
      ...raw,
    },
    process.cwd(),
  );
}

/** prod-eu with no objects, and a zone still holding the record (and ownership TXT) of its deleted Service. */
function orphanedRecordWorld(): Promise<Scenario> {
  const txt = '"heritage=external-dns,external-dns/owner=prod-eu,external-dns/resource=service/shop/gone"';
  return world({
    clusters: [{ name: 'prod-eu', region: 'eu-central-1', objects: [] }],
    route53: {
      zones: [
        {
          name: 'example.com',
          records: [
            { name: 'gone.example.com', type: 'CNAME', ttl: 300, values: ['x.example.net'] },
            { name: 'cname-gone.example.com', type: 'TXT', ttl: 300, values: [txt] },
          ],
        },
      ],
    },
  });
}

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(
  scenario: Scenario,
  aws?: AwsClients,
): Promise<{ sandbox: Sandbox; deps: ReconcileDeps }> {
  sandbox = await Sandbox.start();
  await sandbox.load(scenario);
  return {
    sandbox,
    deps: {
      config: scenario.config,
      aws: aws ?? sandbox.awsClients(),
      clock: sandbox.clock.clock,
      log: silentLog,
    },
  };
}

function recordsOf(s: Sandbox) {
  return s.snapshot().zones.flatMap((z) => z.records.filter((r) => r.type !== 'SOA' && r.type !== 'NS'));
}

describe('a fleet pass against the sandbox', () => {
  it('creates ALIAS records with ExternalDNS TXT ownership, and a second pass changes nothing', async () => {
    const { sandbox, deps } = await start(
      await world({
        clusters: [
          { name: 'prod-eu', region: 'eu-central-1', objects: [service('web', 'shop.example.com')] },
          {
            name: 'prod-us',
            region: 'us-east-1',
            objects: [service('api', 'api.example.com', '198.51.100.7')],
          },
        ],
      }),
    );
    const first = await reconcile({ trigger: 'schedule' }, deps);
    expect(first.errors).toEqual([]);
    const records = recordsOf(sandbox);
    expect(records).toContainEqual({
      name: 'shop.example.com.',
      type: 'A',
      alias: { dnsName: `${NLB}.`, hostedZoneId: 'Z3F0SRJ5LGBH90', evaluateTargetHealth: true },
    });
    expect(records).toContainEqual({
      name: 'api.example.com.',
      type: 'A',
      ttl: 300,
      values: ['198.51.100.7'],
    });
    expect(records).toContainEqual({
      name: 'a-shop.example.com.',
      type: 'TXT',
      ttl: 300,
      values: ['"heritage=external-dns,external-dns/owner=prod-eu,external-dns/resource=service/shop/web"'],
    });
    expect(records).toContainEqual(
      expect.objectContaining({
        name: 'a-api.example.com.',
        values: ['"heritage=external-dns,external-dns/owner=prod-us,external-dns/resource=service/shop/api"'],
      }),
    );

    const before = sandbox.calls.snapshot();
    const second = await reconcile({ trigger: 'schedule' }, deps);
    expect(second.changes).toEqual([]);
    expect(sandbox.apiCalls(before).route53?.ChangeResourceRecordSets).toBeUndefined();
  });

  it('takes over records an in-cluster ExternalDNS owns for the same owner id without changing them', async () => {
    const txt = '"heritage=external-dns,external-dns/owner=prod-eu,external-dns/resource=service/shop/web"';
    const { sandbox, deps } = await start(
      await world({
        clusters: [
          { name: 'prod-eu', region: 'eu-central-1', objects: [service('web', 'shop.example.com')] },
        ],
        route53: {
          zones: [
            {
              name: 'example.com',
              records: [
                {
                  name: 'shop.example.com',
                  type: 'A',
                  alias: { dnsName: NLB, hostedZoneId: 'Z3F0SRJ5LGBH90', evaluateTargetHealth: true },
                },
                { name: 'a-shop.example.com', type: 'TXT', ttl: 300, values: [txt] },
              ],
            },
          ],
        },
      }),
    );
    const result = await reconcile({ trigger: 'schedule' }, deps);
    expect(result.errors).toEqual([]);
    // Only the AAAA twin is new; the A record and its TXT stay exactly as ExternalDNS wrote them.
    expect(result.changes.map((c) => `${c.action} ${c.type} ${c.name}`).sort()).toEqual([
      'CREATE AAAA shop.example.com.',
      'CREATE TXT aaaa-shop.example.com.',
    ]);
    expect(recordsOf(sandbox)).toContainEqual({
      name: 'a-shop.example.com.',
      type: 'TXT',
      ttl: 300,
      values: [txt],
    });
  });

  it('refuses a token signed by unknown credentials: the cluster fails with a clear message, its records stay', async () => {
    const scenario = await orphanedRecordWorld();
    sandbox = await Sandbox.start();
    await sandbox.load(scenario);
    const stranger = new AwsClients({
      region: 'us-east-1',
      endpoint: sandbox.url,
      credentials: { accessKeyId: 'AKIAUNKNOWNSTRANGER0', secretAccessKey: 'not-a-sandbox-secret' },
    });
    const before = recordsOf(sandbox);
    const result = await reconcile(
      { trigger: 'schedule' },
      { config: scenario.config, aws: stranger, clock: sandbox.clock.clock, log: silentLog },
    );
    expect(result.clusters).toEqual([
      expect.objectContaining({
        name: 'prod-eu',
        status: 'failed',
        error: expect.stringMatching(/prod-eu.*401/),
      }),
    ]);
    expect(result.changes).toEqual([]);
    expect(recordsOf(sandbox)).toEqual(before);
  });

  it('refuses an expired token (reconciler clock 20 minutes behind): cluster failed, records frozen', async () => {
    const { sandbox, deps } = await start(await orphanedRecordWorld());
    const before = recordsOf(sandbox);
    const late = () => new Date(sandbox.clock.now().getTime() - 20 * 60_000);
    const result = await reconcile({ trigger: 'schedule' }, { ...deps, clock: late });
    expect(result.clusters[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('401') });
    expect(recordsOf(sandbox)).toEqual(before);

    // With the right time the same world is reconciled: the owner's stale record goes.
    const ok = await reconcile({ trigger: 'schedule' }, deps);
    expect(ok.changes.map((c) => `${c.action} ${c.name}`).sort()).toEqual([
      'DELETE cname-gone.example.com.',
      'DELETE gone.example.com.',
    ]);
  });

  it('freezes the records of an unreachable cluster and still reconciles the others', async () => {
    const { sandbox, deps } = await start(
      await world({
        clusters: [
          { name: 'prod-eu', region: 'eu-central-1', objects: [service('web', 'shop.example.com')] },
          { name: 'prod-us', region: 'us-east-1', objects: [service('api', 'api.example.com')] },
        ],
      }),
    );
    await reconcile({ trigger: 'schedule' }, deps);
    const created = recordsOf(sandbox);
    sandbox.cluster('prod-eu').setMode('unreachable');
    sandbox.cluster('prod-us').remove('Service', 'shop', 'api');
    const result = await reconcile({ trigger: 'schedule' }, deps);
    expect(result.clusters.find((c) => c.name === 'prod-eu')?.status).toBe('failed');
    const after = recordsOf(sandbox);
    // prod-eu's records are all still there; prod-us's deleted service lost its records.
    expect(after.filter((r) => r.name.includes('shop'))).toEqual(
      created.filter((r) => r.name.includes('shop')),
    );
    expect(after.some((r) => r.name.includes('api'))).toBe(false);
  });

  it('keeps the records of a Service whose load balancer status was cleared during a rollout', async () => {
    const { sandbox, deps } = await start(
      await world({
        clusters: [
          { name: 'prod-eu', region: 'eu-central-1', objects: [service('web', 'shop.example.com')] },
        ],
      }),
    );
    await reconcile({ trigger: 'schedule' }, deps);
    const created = recordsOf(sandbox);
    sandbox.cluster('prod-eu').apply(service('web', 'shop.example.com', undefined) as never);
    const result = await reconcile({ trigger: 'schedule' }, deps);
    expect(result.changes).toEqual([]);
    expect(recordsOf(sandbox)).toEqual(created);
  });

  it('holds back a pass that would delete most of one owner’s records, and lets it through when allowed', async () => {
    const objects = Array.from({ length: 8 }, (_, i) => service(`s${i}`, `s${i}.example.com`));
    const scenario = await world({ clusters: [{ name: 'prod-eu', region: 'eu-central-1', objects }] });
    const { sandbox, deps } = await start(scenario);
    await reconcile({ trigger: 'schedule' }, deps);
    for (let i = 0; i < 6; i++) sandbox.cluster('prod-eu').remove('Service', 'shop', `s${i}`);
    const held = await reconcile({ trigger: 'schedule' }, deps);
    expect(held.changes).toEqual([]);
    expect(held.heldDeletions).toBeGreaterThan(0);
    expect(held.warnings.map((w) => w.code)).toContain('deletions-held');

    const allowed = {
      ...deps,
      config: { ...deps.config, deletionGuard: { ...deps.config.deletionGuard, allow: true } },
    };
    const released = await reconcile({ trigger: 'schedule' }, allowed);
    expect(released.changes.filter((c) => c.action === 'DELETE' && c.type === 'A')).toHaveLength(6);
  });

  it('applies the rest of a zone when Route 53 refuses one team’s change (AccessDenied), and names it', async () => {
    const { sandbox, deps } = await start(
      await world({
        clusters: [
          {
            name: 'prod-eu',
            region: 'eu-central-1',
            objects: [
              service('web', 'shop.example.com', '198.51.100.1'),
              service('pay', 'pay.example.com', '198.51.100.2'),
            ],
          },
          {
            name: 'prod-us',
            region: 'us-east-1',
            objects: [service('api', 'api.example.com', '198.51.100.7')],
          },
        ],
      }),
    );
    // IAM's record-name condition denies the reconciler pay.example.com: Route 53 answers 403 to any
    // batch that names it.
    sandbox.route53Refusals.refuse({ name: 'pay.example.com' });
    const pass = await reconcile({ trigger: 'schedule' }, deps);
    const names = recordsOf(sandbox).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['shop.example.com.', 'api.example.com.']));
    expect(names.filter((n) => n.includes('pay'))).toEqual([]);
    expect(pass.refusedChanges).toEqual([
      expect.objectContaining({
        zone: 'example.com',
        name: 'pay.example.com',
        type: 'A',
        owner: 'prod-eu',
        resource: 'service/shop/pay',
        code: 'AccessDenied',
      }),
    ]);
    expect(pass.errors).toEqual([
      {
        code: 'change-failed',
        zone: 'example.com',
        name: 'pay.example.com',
        message: expect.stringMatching(
          /^zone example\.com: Route 53 refused CREATE pay\.example\.com A \(owner prod-eu, service\/shop\/pay\): AccessDenied: User: .* is not authorized/,
        ),
      },
    ]);
  });

  it('plans without writing on a dry run', async () => {
    const { sandbox, deps } = await start(
      await world({
        clusters: [
          { name: 'prod-eu', region: 'eu-central-1', objects: [service('web', 'shop.example.com')] },
        ],
      }),
    );
    const result = await reconcile({ trigger: 'manual', dryRun: true }, deps);
    expect(result.dryRun).toBe(true);
    expect(result.changes.length).toBeGreaterThan(0);
    expect(recordsOf(sandbox)).toEqual([]);
  });

  it('reports a bad annotation naming the object and the annotation, and reconciles the rest', async () => {
    const bad = service('bad', 'bad.example.com');
    (bad.metadata.annotations as Record<string, string>)['external-dns.alpha.kubernetes.io/ttl'] = 'soon';
    const { sandbox, deps } = await start(
      await world({
        clusters: [
          { name: 'prod-eu', region: 'eu-central-1', objects: [bad, service('web', 'shop.example.com')] },
        ],
      }),
    );
    const result = await reconcile({ trigger: 'schedule' }, deps);
    expect(result.warnings).toContainEqual(
      expect.objectContaining({
        cluster: 'prod-eu',
        object: 'service/shop/bad',
        field: 'external-dns.alpha.kubernetes.io/ttl',
      }),
    );
    const names = recordsOf(sandbox).map((r) => r.name);
    expect(names).toContain('shop.example.com.');
    expect(names).not.toContain('bad.example.com.');
  });
});
