import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHostname, dnsNameProblem, splitNameList } from '../../../shared/endpoint/names.js';
import { ALPHA, codes, ELB, ingress, run, service, summary } from './helpers.js';

const host = (h: string) => ({ [`${ALPHA}hostname`]: h });
const ips = (...ip: string[]) => ({ loadBalancer: { ingress: ip.map((i) => ({ ip: i })) } });

describe('labels (ExternalDNS resource label format)', () => {
  it('every endpoint carries the owner id and service/<ns>/<name> or ingress/<ns>/<name>', () => {
    const result = run([
      service({ namespace: 'shop', name: 'web', annotations: host('s.example.com') }),
      ingress({ namespace: 'blog', name: 'front', spec: { rules: [{ host: 'i.example.com' }] } }),
    ]);
    expect(result.endpoints.map((e) => e.labels)).toEqual([
      { owner: 'prod-eu-owner', resource: 'ingress/blog/front' },
      { owner: 'prod-eu-owner', resource: 'service/shop/web' },
    ]);
  });
});

describe('merging within a cluster (ExternalDNS service merge / MergeEndpoints)', () => {
  it('A records of several Services for one name are united; the first resource owns them', () => {
    const result = run([
      service({ name: 'b', annotations: host('app.example.com'), status: ips('192.0.2.2', '192.0.2.1') }),
      service({ name: 'a', annotations: host('app.example.com'), status: ips('192.0.2.3', '192.0.2.2') }),
    ]);
    expect(summary(result)).toEqual(['app.example.com A 192.0.2.1,192.0.2.2,192.0.2.3']);
    expect(result.endpoints[0]?.labels.resource).toBe('service/shop/a');
  });

  it('different TTLs or set identifiers stay apart for the planner', () => {
    const result = run([
      service({
        name: 'a',
        annotations: { ...host('app.example.com'), [`${ALPHA}ttl`]: '60' },
        status: ips('192.0.2.1'),
      }),
      service({ name: 'b', annotations: host('app.example.com'), status: ips('192.0.2.2') }),
      service({
        name: 'c',
        annotations: {
          ...host('app.example.com'),
          [`${ALPHA}set-identifier`]: 'blue',
          [`${ALPHA}aws-weight`]: '1',
        },
        status: ips('192.0.2.3'),
      }),
    ]);
    expect(summary(result)).toEqual([
      'app.example.com A 192.0.2.1',
      'app.example.com A 192.0.2.2',
      'app.example.com A 192.0.2.3 [blue]',
    ]);
  });

  it('identical CNAMEs from several Ingresses collapse into one (the usual Traefik fan-in)', () => {
    const result = run([
      ingress({ name: 'b', spec: { rules: [{ host: 'app.example.com' }] } }),
      ingress({ name: 'a', spec: { rules: [{ host: 'app.example.com' }] } }),
    ]);
    expect(summary(result)).toEqual([`app.example.com CNAME ${ELB}`]);
    expect(result.endpoints[0]?.labels.resource).toBe('ingress/shop/a');
    expect(result.warnings).toEqual([]);
  });

  it('different CNAMEs for one name both stay and are reported as a conflict', () => {
    const result = run([
      ingress({ name: 'a', spec: { rules: [{ host: 'app.example.com' }] } }),
      ingress({
        name: 'b',
        spec: { rules: [{ host: 'app.example.com' }] },
        annotations: { [`${ALPHA}target`]: 'other.example.net' },
      }),
    ]);
    expect(summary(result)).toEqual([
      `app.example.com CNAME ${ELB}`,
      'app.example.com CNAME other.example.net',
    ]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'cname-conflict', dnsName: 'app.example.com', cluster: 'prod-eu' }),
    ]);
  });

  it('a Service and an Ingress with the same record are deduplicated across sources (dedupSource)', () => {
    const result = run([
      ingress({ name: 'i', spec: { rules: [{ host: 'app.example.com' }] } }),
      service({ name: 's', annotations: host('app.example.com') }),
    ]);
    expect(summary(result)).toEqual([`app.example.com CNAME ${ELB}`]);
    // `sources` lists service first by default, so the Service keeps the record.
    expect(result.endpoints[0]?.labels.resource).toBe('service/shop/s');
  });
});

describe('the pass as a whole', () => {
  it('sources not listed in config.sources are not read', () => {
    const objects = [service({ annotations: host('s.example.com') }), ingress()];
    expect(summary(run(objects, { sources: ['ingress'] }))).toEqual([`shop.example.com CNAME ${ELB}`]);
    expect(summary(run(objects, { sources: ['service'] }))).toEqual([`s.example.com CNAME ${ELB}`]);
  });

  it('other kinds are ignored', () => {
    expect(run([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }])).toEqual({
      endpoints: [],
      held: [],
      tlsHosts: [],
      warnings: [],
      filtered: [],
    });
  });

  it.each([
    ['no metadata', { apiVersion: 'v1', kind: 'Service' }],
    ['metadata without a name', { apiVersion: 'v1', kind: 'Service', metadata: {} }],
    ['metadata that is a string', { apiVersion: 'v1', kind: 'Ingress', metadata: 'x' }],
  ])('an object with %s is reported, the rest still publish', (_n, bad) => {
    const result = run([bad, service({ annotations: host('s.example.com') })]);
    expect(summary(result)).toEqual([`s.example.com CNAME ${ELB}`]);
    expect(codes(result)).toEqual(['bad-object metadata']);
  });

  it.each([
    ['spec: null', { spec: null }],
    ['rules that are not a list', { spec: { rules: 'a.example.com' } }],
    ['rules with junk entries', { spec: { rules: [null, 3, { host: 7 }, { host: 'a.example.com' }] } }],
    ['tls hosts that are not a list', { spec: { tls: [{ hosts: 'a' }, null] } }],
    [
      'status ingress entries of the wrong shape',
      { status: { loadBalancer: { ingress: [null, 'x', { ip: 5 }] } } },
    ],
  ])('an Ingress with %s does not throw', (_n, o) => {
    expect(() => run([{ ...ingress(), ...o }])).not.toThrow();
  });

  it('targets are de-duplicated and sorted', () => {
    const result = run([
      service({
        annotations: { ...host('a.example.com'), [`${ALPHA}target`]: '192.0.2.9,192.0.2.1,192.0.2.9' },
      }),
    ]);
    expect(result.endpoints[0]?.targets).toEqual(['192.0.2.1', '192.0.2.9']);
  });

  it('a CNAME with several names is reported and points to the first in sorted order (a CNAME holds one)', () => {
    const result = run([
      service({
        annotations: { ...host('a.example.com'), [`${ALPHA}target`]: 'y.example.net,x.example.net' },
      }),
    ]);
    expect(codes(result)).toEqual(['cname-multiple-targets']);
    expect(result.endpoints.map((e) => [e.recordType, e.targets])).toEqual([['CNAME', ['x.example.net']]]);
  });

  it('held names are de-duplicated and sorted', () => {
    const result = run([
      ingress({
        spec: { rules: [{ host: 'b.example.com' }, { host: 'a.example.com' }, { host: 'b.example.com' }] },
        status: {},
      }),
    ]);
    expect(result.held.map((h) => h.dnsName)).toEqual(['a.example.com', 'b.example.com']);
  });
});

describe('property: arbitrary annotation values never throw', () => {
  const suffixes = [
    'hostname',
    'internal-hostname',
    'target',
    'ttl',
    'alias',
    'set-identifier',
    'controller',
    'ingress-hostname-source',
    'aws-weight',
    'aws-region',
    'aws-failover',
    'aws-geolocation-continent-code',
    'aws-geolocation-country-code',
    'aws-geolocation-subdivision-code',
    'aws-multi-value-answer',
    'aws-health-check-id',
    'aws-evaluate-target-health',
    'aws-anything',
  ];
  const prefixes = [ALPHA, 'external-dns.kubernetes.io/'];
  const annotationsArb = fc.dictionary(
    fc.tuple(fc.constantFrom(...prefixes), fc.constantFrom(...suffixes)).map(([p, s]) => p + s),
    fc.oneof(
      fc.string(),
      fc.constantFrom(
        'a.example.com',
        '1m',
        '60',
        'true',
        'blue',
        'EU',
        'PRIMARY',
        '192.0.2.1',
        '*.example.com',
      ),
      fc.array(fc.constantFrom('a.example.com', ' ', ',', '.', 'x'), { maxLength: 6 }).map((a) => a.join('')),
    ),
  );
  const typeArb = fc.constantFrom('LoadBalancer', 'ClusterIP', 'NodePort', 'ExternalName', 'Other');

  it('and yield only valid endpoints, each name checked and each bad value warned', () => {
    fc.assert(
      fc.property(annotationsArb, annotationsArb, typeArb, (svcAnnotations, ingAnnotations, type) => {
        const result = run(
          [
            service({
              annotations: svcAnnotations,
              spec: { type, externalName: 'db.example.net' },
              status: ips('192.0.2.1'),
            }),
            ingress({ annotations: ingAnnotations }),
          ],
          { publishInternalServices: true },
        );
        for (const e of result.endpoints) {
          expect(dnsNameProblem(e.dnsName)).toBeUndefined();
          expect(e.targets.length).toBeGreaterThan(0);
          expect(['A', 'AAAA', 'CNAME']).toContain(e.recordType);
          if (e.ttl !== undefined) expect(e.ttl).toBeGreaterThanOrEqual(1);
          if (e.properties.weight !== undefined) expect(e.properties.weight).toBeLessThanOrEqual(255);
          expect(e.labels.owner).toBe('prod-eu-owner');
        }
        for (const w of result.warnings) {
          expect(w.object).toMatch(/^(service|ingress)\/shop\//);
          expect(w.cluster).toBe('prod-eu');
        }
        // Nothing is lost: each valid name of the Service is published or held...
        // Only the configured prefix is read: a hostname under another one is not this install's.
        const read = (suffix: string) => svcAnnotations[ALPHA + suffix];
        const controller = read('controller');
        if (controller !== undefined && controller !== 'dns-controller') return;
        const named = splitNameList(read('hostname') ?? '')
          .map(checkHostname)
          .filter((c) => c.ok);
        const svcNames = new Set(
          [...result.endpoints, ...result.held]
            .filter((x) => ('labels' in x ? x.labels.resource : x.resource) === 'service/shop/web')
            .map((x) => x.dnsName),
        );
        for (const n of named) expect(svcNames).toContain(n.name);
        // ...and nothing is held silently: a held Service name always comes with a warning about it.
        if (result.held.some((h) => h.resource === 'service/shop/web')) {
          expect(result.warnings.some((w) => w.object === 'service/shop/web')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a TTL that parses is published as that TTL, one that does not is warned under its key', () => {
    fc.assert(
      fc.property(fc.string(), (ttl) => {
        const result = run([service({ annotations: { ...host('a.example.com'), [`${ALPHA}ttl`]: ttl } })]);
        const ttlWarnings = result.warnings.filter((w) => w.field === `${ALPHA}ttl`);
        if (result.endpoints.length > 0) expect(ttlWarnings).toEqual([]);
        else {
          expect(result.held.map((h) => h.dnsName)).toEqual(['a.example.com']);
          expect(ttlWarnings).toEqual([
            expect.objectContaining({ code: 'bad-annotation', object: 'service/shop/web' }),
          ]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
