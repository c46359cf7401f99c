import { afterEach, describe, expect, it } from 'vitest';
import { validationRecordFor } from '../../sandbox/aws/acm.js';
import { SANDBOX_ACCOUNT } from '../../sandbox/credentials.js';
import { Sandbox } from '../../sandbox/sandbox.js';
import { loadScenarioFile, parseScenario } from '../../sandbox/scenario.js';
import { type CertificateStageResult, reconcileCertificates } from '../../shared/certificates/reconcile.js';
import { STATE_TAG } from '../../shared/certificates/tags.js';
import { collectDesired } from '../../shared/clusters/collect.js';
import { type Config, parseConfig } from '../../shared/config.js';
import { listZoneOnce } from '../../shared/dns/provider.js';
import { type DnsOutcome, reconcileZones } from '../../shared/dns/reconcile-zones.js';
import { Route53Provider, route53ProviderOptions } from '../../shared/dns/route53.js';
import { silentLog } from '../../shared/log.js';
import { reconcile } from '../../shared/reconcile.js';
import type { TlsHost } from '../../shared/sources/index.js';
import type { KubernetesObject } from '../../shared/sources/objects.js';

/**
 * The certificate stage through the real ACM and Route 53 clients against the sandbox, whose ACM issues a
 * certificate only once its validation CNAME really resolves from a public zone. Each pass is the stage
 * followed by the DNS stage with the stage's validation endpoints, as the full pass wires them.
 */

const EU = 'eu-central-1';
const US = 'us-east-1';
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const OWNER_TAG = { 'edge-reconciler:owner': 'edge-reconciler-certificates' };

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function tls(host: string, cluster = 'prod-eu'): TlsHost {
  return { host, resource: `ingress/web/${host.replace('*', 'star')}`, cluster, secretName: 'tls' };
}

async function start(
  certificates: Record<string, unknown> = {},
): Promise<{ sandbox: Sandbox; config: Config }> {
  sandbox = await Sandbox.start({ start: new Date('2026-03-01T00:00:00Z') });
  const scenario = await parseScenario(
    {
      route53: {
        zones: [
          { name: 'example.com' },
          { name: 'internal.example.com', private: true, vpcs: [{ id: 'vpc-1', region: EU }] },
        ],
      },
    },
    process.cwd(),
  );
  await sandbox.load(scenario);
  const config = parseConfig({
    domainFilters: ['example.com'],
    clusters: [
      { name: 'prod-eu', region: EU },
      { name: 'prod-us', region: US },
    ],
    certificates: { enabled: true, ...certificates },
  });
  return { sandbox, config };
}

interface Pass {
  certs: CertificateStageResult;
  dns: DnsOutcome;
}

async function pass(
  s: Sandbox,
  config: Config,
  tlsHosts: TlsHost[],
  clusters = [
    { name: 'prod-eu', status: 'ok' },
    { name: 'prod-us', status: 'ok' },
  ],
): Promise<Pass> {
  const deps = stageDeps(s, config);
  const zones = await listZoneOnce(deps.dns, config);
  const certs = await reconcileCertificates({ tlsHosts, clusters, zones }, deps);
  const dns = await reconcileZones(
    {
      zones,
      desired: certs.validationEndpoints,
      held: [],
      knownOwners: new Set(certs.ownerState === 'known' ? [certs.owner] : []),
      frozenOwners: new Set(certs.ownerState === 'frozen' ? [certs.owner] : []),
      dryRun: false,
    },
    deps,
  );
  return { certs, dns };
}

/** What the certificate and DNS stages take, over the sandbox's clients. */
function stageDeps(s: Sandbox, config: Config) {
  const aws = s.awsClients();
  const dns = new Route53Provider(aws.route53(), route53ProviderOptions(config));
  return { config, aws, dns, clock: s.clock.clock, log: silentLog };
}

function certificates(s: Sandbox, region?: string) {
  return s.acm.certificates(region);
}

function cnames(s: Sandbox) {
  return s
    .snapshot()
    .zones.filter((z) => !z.private)
    .flatMap((z) => z.records)
    .filter((r) => r.type === 'CNAME');
}

function validationCname(name: string) {
  const r = validationRecordFor(SANDBOX_ACCOUNT, name);
  return { name: r.name, type: 'CNAME', ttl: 300, values: [r.value.replace(/\.$/, '')] };
}

describe('certificates against the sandbox ACM', () => {
  it('requests a certificate, writes its validation CNAME, and sees it ISSUED', async () => {
    const { sandbox: s, config } = await start();
    const hosts = [tls('shop.example.com')];

    const first = await pass(s, config, hosts);
    expect(first.certs.errors).toEqual([]);
    expect(first.certs.outcome.requested).toEqual([
      {
        region: EU,
        names: ['shop.example.com'],
        attempt: 1,
        arn: expect.stringMatching(/^arn:aws:acm:eu-central-1:/),
      },
    ]);
    const [requested] = certificates(s, EU);
    expect(requested).toMatchObject({ status: 'PENDING_VALIDATION', domain: 'shop.example.com' });
    expect(requested!.tags).toMatchObject({ ...OWNER_TAG, [STATE_TAG.attempt]: '1' });
    expect(cnames(s)).toEqual([]); // ACM shows the record a few seconds after the request

    s.clock.advance(10 * SECOND);
    const second = await pass(s, config, hosts);
    expect(second.certs.outcome.requested).toEqual([]);
    expect(second.certs.outcome.waiting).toEqual([
      { host: 'shop.example.com', region: EU, reason: 'pending', arn: requested!.arn },
    ]);
    expect(cnames(s)).toEqual([validationCname('shop.example.com')]);
    expect(
      s
        .snapshot()
        .zones.find((z) => z.private)
        ?.records.filter((r) => r.type === 'CNAME'),
    ).toEqual([]);

    s.clock.advance(MINUTE);
    const before = s.calls.snapshot();
    const third = await pass(s, config, hosts);
    expect(certificates(s, EU).map((c) => c.status)).toEqual(['ISSUED']);
    expect(third.certs.outcome.issued).toEqual([
      expect.objectContaining({ arn: requested!.arn, ours: true, hosts: ['shop.example.com'] }),
    ]);
    expect(third.dns.changes).toEqual([]);
    // Issued, with its records in our tags: no DescribeCertificate, and nothing requested.
    const acmCalls = s.apiCalls(before).acm ?? {};
    expect(acmCalls.DescribeCertificate).toBeUndefined();
    expect(acmCalls.RequestCertificate).toBeUndefined();
    expect(cnames(s)).toEqual([validationCname('shop.example.com')]);
  });

  it('reuses an existing wildcard, of any key type, and does not take the apex or a deeper name as covered', async () => {
    const { sandbox: s, config } = await start();
    s.acm.importExisting({
      domain: '*.example.com',
      status: 'ISSUED',
      region: EU,
      keyAlgorithm: 'EC_prime256v1',
      inUseBy: ['alb'],
    });

    const p = await pass(s, config, [
      tls('shop.example.com'),
      tls('api.example.com'),
      tls('example.com'),
      tls('a.b.example.com'),
    ]);
    expect(p.certs.errors).toEqual([]);
    expect(p.certs.outcome.coveredHosts).toBe(2);
    expect(p.certs.outcome.requested.map((r) => r.names)).toEqual([['a.b.example.com'], ['example.com']]);
    expect(
      certificates(s, EU)
        .map((c) => [c.domain, c.status])
        .sort(),
    ).toEqual([
      ['*.example.com', 'ISSUED'],
      ['a.b.example.com', 'PENDING_VALIDATION'],
      ['example.com', 'PENDING_VALIDATION'],
    ]);
  });

  it('shares one validation record between two certificates and keeps it while either needs it', async () => {
    const { sandbox: s, config } = await start({ cleanupGracePeriod: '1h' });
    const both = [tls('shop.example.com', 'prod-eu'), tls('shop.example.com', 'prod-us')];

    await pass(s, config, both);
    s.clock.advance(10 * SECOND);
    const second = await pass(s, config, both);
    expect(second.certs.validationEndpoints).toHaveLength(1);
    s.clock.advance(MINUTE);
    await pass(s, config, both);
    expect(
      certificates(s)
        .map((c) => [c.region, c.status])
        .sort(),
    ).toEqual([
      [EU, 'ISSUED'],
      [US, 'ISSUED'],
    ]);
    expect(cnames(s)).toEqual([validationCname('shop.example.com')]);

    // prod-us stops serving the name: its certificate goes after the grace period, the record stays.
    const euOnly = [tls('shop.example.com', 'prod-eu')];
    const marked = await pass(s, config, euOnly);
    expect(marked.certs.outcome.kept).toEqual([expect.objectContaining({ region: US, reason: 'grace' })]);
    s.clock.advance(HOUR + MINUTE);
    const cleaned = await pass(s, config, euOnly);
    expect(cleaned.certs.outcome.deleted).toEqual([
      expect.objectContaining({ region: US, reason: 'unneeded' }),
    ]);
    expect(certificates(s).map((c) => c.region)).toEqual([EU]);
    expect(cleaned.dns.changes).toEqual([]);
    expect(cnames(s)).toEqual([validationCname('shop.example.com')]);

    // Both gone: the last certificate goes, and its record with it.
    await pass(s, config, []);
    s.clock.advance(HOUR + MINUTE);
    const last = await pass(s, config, []);
    expect(last.certs.outcome.deleted).toHaveLength(1);
    expect(certificates(s)).toEqual([]);
    expect(cnames(s)).toEqual([]);
    expect(last.dns.changes.map((c) => [c.action, c.type])).toEqual(
      expect.arrayContaining([
        ['DELETE', 'CNAME'],
        ['DELETE', 'TXT'],
      ]),
    );
  });

  it('backs off after a failure, then retries with the next attempt and deletes the failed certificate', async () => {
    const { sandbox: s, config } = await start();
    const failed = s.acm.importExisting({
      domain: 'shop.example.com',
      status: 'FAILED',
      failureReason: 'CAA_ERROR',
      region: EU,
      tags: OWNER_TAG,
    });
    const hosts = [tls('shop.example.com')];

    const first = await pass(s, config, hosts);
    expect(first.certs.outcome.requested).toEqual([]);
    expect(first.certs.outcome.failed).toEqual([
      expect.objectContaining({
        arn: failed,
        reason: 'CAA_ERROR',
        attempt: 1,
        retryAfter: '2026-03-01T01:00:00.000Z',
      }),
    ]);
    expect(first.certs.outcome.counts.failed).toBe(1);
    expect(s.acm.certificates(EU)[0]!.tags).toMatchObject({
      [STATE_TAG.retryAfter]: '2026-03-01T01:00:00.000Z',
      [STATE_TAG.failureReason]: 'CAA_ERROR',
    });

    s.clock.advance(30 * MINUTE);
    const waiting = await pass(s, config, hosts);
    expect(waiting.certs.outcome.requested).toEqual([]);
    expect(waiting.certs.outcome.waiting).toEqual([
      expect.objectContaining({ reason: 'backoff', arn: failed }),
    ]);

    s.clock.advance(31 * MINUTE);
    const retried = await pass(s, config, hosts);
    expect(retried.certs.outcome.requested).toEqual([
      expect.objectContaining({ names: ['shop.example.com'], attempt: 2 }),
    ]);

    s.clock.advance(10 * SECOND);
    const after = await pass(s, config, hosts);
    expect(after.certs.outcome.deleted).toEqual([
      expect.objectContaining({ arn: failed, reason: 'superseded' }),
    ]);
    expect(certificates(s, EU).map((c) => c.tags[STATE_TAG.attempt])).toEqual(['2']);
  });

  it('times out a certificate whose validation CNAME cannot be written, and backs off', async () => {
    const { sandbox: s, config } = await start();
    // Someone else's CNAME sits at the validation name: the DNS stage must not overwrite it.
    const r = validationRecordFor(SANDBOX_ACCOUNT, 'shop.example.com');
    const zone = s.route53.exportZones().find((z) => z.name === 'example.com.');
    expect(zone).toBeDefined();
    await s
      .awsClients()
      .route53()
      .send(
        new (await import('@aws-sdk/client-route-53')).ChangeResourceRecordSetsCommand({
          HostedZoneId: zone!.id,
          ChangeBatch: {
            Changes: [
              {
                Action: 'CREATE',
                ResourceRecordSet: {
                  Name: r.name,
                  Type: 'CNAME',
                  TTL: 60,
                  ResourceRecords: [{ Value: 'elsewhere.example.org' }],
                },
              },
            ],
          },
        }),
      );
    const hosts = [tls('shop.example.com')];
    await pass(s, config, hosts);
    s.clock.advance(3 * HOUR);
    const stuck = await pass(s, config, hosts);
    expect(stuck.certs.outcome.pending).toEqual([expect.objectContaining({ tooLong: true })]);
    expect(stuck.certs.outcome.counts.pendingTooLong).toBe(1);

    s.clock.advance(72 * HOUR);
    const timedOut = await pass(s, config, hosts);
    expect(certificates(s, EU).map((c) => c.status)).toEqual(['VALIDATION_TIMED_OUT']);
    expect(timedOut.certs.outcome.requested).toEqual([]);
    expect(timedOut.certs.outcome.failed).toEqual([
      expect.objectContaining({ reason: expect.any(String), attempt: 1 }),
    ]);
    expect(timedOut.certs.outcome.waiting).toEqual([expect.objectContaining({ reason: 'backoff' })]);
  });

  it('keeps an unneeded certificate that is in use, and cleans up nothing while a cluster failed', async () => {
    const { sandbox: s, config } = await start({ cleanupGracePeriod: '1h' });
    const hosts = [tls('shop.example.com')];
    await pass(s, config, hosts);
    s.clock.advance(10 * SECOND);
    await pass(s, config, hosts);
    s.clock.advance(MINUTE);
    await pass(s, config, hosts);
    const [issued] = certificates(s, EU);
    expect(issued?.status).toBe('ISSUED');

    // The only cluster serving the name fails: its hosts are unknown, nothing is marked or deleted.
    const failedClusters = [
      { name: 'prod-eu', status: 'failed' },
      { name: 'prod-us', status: 'ok' },
    ];
    const frozen = await pass(s, config, [], failedClusters);
    expect(frozen.certs.outcome.kept).toEqual([]);
    expect(s.acm.certificates(EU)[0]!.tags[STATE_TAG.unneededSince]).toBeUndefined();
    expect(cnames(s)).toHaveLength(1);

    s.acm.setInUseBy(issued!.arn, [
      'arn:aws:elasticloadbalancing:eu-central-1:000000000000:loadbalancer/app/web/1',
    ]);
    await pass(s, config, []);
    s.clock.advance(2 * HOUR);
    const kept = await pass(s, config, []);
    expect(kept.certs.errors).toEqual([]);
    expect(kept.certs.outcome.deleted).toEqual([]);
    expect(kept.certs.outcome.kept).toEqual([
      expect.objectContaining({ arn: issued!.arn, reason: 'in-use' }),
    ]);
    expect(certificates(s, EU)).toHaveLength(1);
    expect(cnames(s)).toHaveLength(1);
  });

  it('reports renewal at risk for an issued certificate nothing uses', async () => {
    const { sandbox: s, config } = await start();
    const arn = s.acm.importExisting({
      domain: 'shop.example.com',
      status: 'ISSUED',
      region: EU,
      notAfter: new Date('2026-03-20T00:00:00Z'),
    });
    const p = await pass(s, config, [tls('shop.example.com')]);
    expect(p.certs.outcome.renewalAtRisk).toEqual([
      expect.objectContaining({
        arn,
        hosts: ['shop.example.com'],
        resources: ['prod-eu:ingress/web/shop.example.com'],
      }),
    ]);
    expect(p.certs.outcome.expiring).toEqual([expect.objectContaining({ arn, daysLeft: 19 })]);
    expect(p.certs.outcome.counts).toMatchObject({ renewalAtRisk: 1, expiringSoon: 1 });
  });

  it('skips hosts it cannot validate, and does nothing at all when disabled', async () => {
    const { sandbox: s, config } = await start();
    const p = await pass(s, config, [tls('shop.other.org'), tls('x.internal.example.com')]);
    expect(p.certs.outcome.skipped.map((k) => [k.host, k.reason])).toEqual([
      ['shop.other.org', 'outside the domain filters'],
    ]);
    expect(p.certs.warnings).toEqual([
      expect.objectContaining({
        code: 'certificate-host-skipped',
        dnsName: 'shop.other.org',
        object: 'ingress/web/shop.other.org',
        cluster: 'prod-eu',
      }),
    ]);
    // A private zone does not count, but the public parent zone does.
    expect(p.certs.outcome.requested.map((r) => r.names)).toEqual([['x.internal.example.com']]);

    const off = parseConfig({ domainFilters: ['example.com'] });
    const before = s.calls.snapshot();
    const result = await reconcileCertificates(
      { tlsHosts: [tls('new.example.com')], clusters: [], zones: { zones: [] } },
      stageDeps(s, off),
    );
    expect(result.ownerState).toBe('untouched');
    expect(s.apiCalls(before).acm).toEqual({});
  });
});

describe('examples/certificates.yaml, wired as the full pass will be', () => {
  it('reuses the wildcard, and gets the apex and the deeper name requested, validated and ISSUED', async () => {
    const scenario = await loadScenarioFile('examples/certificates.yaml');
    sandbox = await Sandbox.start({ start: new Date('2026-03-01T00:00:00Z') });
    const s = sandbox;
    await s.load(scenario);
    const deps = stageDeps(s, scenario.config);
    const round = async () => {
      const fleet = await collectDesired(scenario.config.clusters, deps);
      const zones = await listZoneOnce(deps.dns, scenario.config);
      const certs = await reconcileCertificates(
        {
          tlsHosts: fleet.tlsHosts,
          clusters: fleet.clusters.map((c) => ({ name: c.name, status: c.status })),
          zones,
        },
        deps,
      );
      const dns = await reconcileZones(
        {
          zones,
          desired: [...fleet.endpoints, ...certs.validationEndpoints],
          held: fleet.held,
          knownOwners: new Set([
            ...fleet.knownOwners,
            ...(certs.ownerState === 'known' ? [certs.owner] : []),
          ]),
          frozenOwners: new Set([
            ...fleet.frozenOwners,
            ...(certs.ownerState === 'frozen' ? [certs.owner] : []),
          ]),
          dryRun: false,
        },
        deps,
      );
      return { certs, dns };
    };

    const first = await round();
    expect(first.certs.outcome.coveredHosts).toBe(1);
    expect(first.certs.outcome.requested.map((r) => r.names)).toEqual([
      ['docs.eu.example.com'],
      ['example.com'],
    ]);
    s.clock.advance(MINUTE);
    const second = await round();
    expect(second.dns.errors).toEqual([]);
    expect(cnames(s)).toEqual([validationCname('docs.eu.example.com'), validationCname('example.com')]);
    s.clock.advance(MINUTE);
    const third = await round();
    expect(third.certs.outcome.issued.map((c) => c.names[0]).sort()).toEqual([
      '*.example.com',
      'docs.eu.example.com',
      'example.com',
    ]);
    expect(s.acm.exportCertificates().map((c) => c.status)).toEqual(['ISSUED', 'ISSUED', 'ISSUED']);
  });
});

describe('an NLB Service opted into certificates, through the full pass', () => {
  const SSL_CERT = 'service.beta.kubernetes.io/aws-load-balancer-ssl-cert';
  const NLB = 'k8s-shop-web-0123456789-abcdef0123456789.elb.eu-central-1.amazonaws.com';
  function nlbService(extra: Record<string, string> = {}): KubernetesObject {
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'web',
        namespace: 'shop',
        annotations: {
          'external-dns.alpha.kubernetes.io/hostname': 'shop.example.com',
          'edge-reconciler.io/certificate': 'true',
          'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
          ...extra,
        },
      },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ hostname: NLB }] } },
    };
  }

  it('gets its certificate requested and, once ISSUED, is told the ARN to add until it names it', async () => {
    const scenario = await parseScenario(
      {
        config: { domainFilters: ['example.com'], certificates: { enabled: true } },
        clusters: [{ name: 'prod-eu', region: EU, objects: [nlbService()] }],
        route53: { zones: [{ name: 'example.com' }] },
      },
      process.cwd(),
    );
    sandbox = await Sandbox.start({ start: new Date('2026-03-01T00:00:00Z') });
    const s = sandbox;
    await s.load(scenario);
    const deps = { config: scenario.config, aws: s.awsClients(EU), clock: s.clock.clock, log: silentLog };
    const notAttachedWarnings = (p: Awaited<ReturnType<typeof reconcile>>) =>
      p.warnings.filter((w) => w.code === 'certificate-not-attached');

    const before = s.calls.snapshot();
    const first = await reconcile({ trigger: 'schedule' }, deps);
    expect(first.errors).toEqual([]);
    // One zone listing for the pass, shared by the certificate and DNS stages.
    expect(s.apiCalls(before).route53?.ListHostedZones).toBe(1);
    expect(first.certificates.requested).toEqual([
      expect.objectContaining({ region: EU, names: ['shop.example.com'] }),
    ]);
    // Opting in changes nothing about the Service's own records: the NLB's alias, as without it.
    expect(
      first.changes.filter((c) => c.name === 'shop.example.com.').map((c) => [c.action, c.type]),
    ).toEqual([
      ['CREATE', 'AAAA'],
      ['CREATE', 'A'],
    ]);

    s.clock.advance(10 * SECOND);
    await reconcile({ trigger: 'schedule' }, deps); // writes the validation CNAME
    s.clock.advance(MINUTE);
    const issued = await reconcile({ trigger: 'schedule' }, deps);
    const [certificate] = certificates(s, EU);
    expect(certificate?.status).toBe('ISSUED');
    expect(issued.errors).toEqual([]);
    expect(issued.certificates.notAttached).toEqual([
      {
        cluster: 'prod-eu',
        resource: 'service/shop/web',
        region: EU,
        arn: certificate!.arn,
        hosts: ['shop.example.com'],
        attached: [],
      },
    ]);
    expect(notAttachedWarnings(issued)).toEqual([
      expect.objectContaining({
        cluster: 'prod-eu',
        object: 'service/shop/web',
        field: SSL_CERT,
        dnsName: 'shop.example.com',
        message: expect.stringContaining(certificate!.arn),
      }),
    ]);
    expect(s.snapshot().events).toContainEqual(
      expect.objectContaining({
        detailType: 'Certificate Not Attached',
        detail: expect.objectContaining({ resource: 'service/shop/web', arn: certificate!.arn }),
      }),
    );

    // The operator adds the ARN: the next pass has nothing more to say.
    s.cluster('prod-eu').apply(nlbService({ [SSL_CERT]: certificate!.arn }));
    const attached = await reconcile({ trigger: 'schedule' }, deps);
    expect(attached.errors).toEqual([]);
    expect(attached.certificates.notAttached).toEqual([]);
    expect(notAttachedWarnings(attached)).toEqual([]);
    expect(attached.certificates.requested).toEqual([]);
  });
});
