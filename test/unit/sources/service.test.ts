import { describe, expect, it } from 'vitest';
import { LABEL_ANNOTATED_WEIGHT } from '../../../shared/endpoint/endpoint.js';
import { ALPHA, annotatedService, codes, ELB, GA, heldNames, run, service, summary } from './helpers.js';

const HOST = { [`${ALPHA}hostname`]: 'shop.example.com' };

describe('Service targets by type (ExternalDNS source/service.go generateEndpoints)', () => {
  it.each([
    ['LoadBalancer with a status hostname → CNAME', { spec: {} }, [`shop.example.com CNAME ${ELB}`], []],
    [
      'LoadBalancer with status ip and hostname → A and CNAME',
      { status: { loadBalancer: { ingress: [{ ip: '192.0.2.10', hostname: ELB }, { ip: '192.0.2.11' }] } } },
      ['shop.example.com A 192.0.2.10,192.0.2.11', `shop.example.com CNAME ${ELB}`],
      [],
    ],
    [
      'LoadBalancer IPv6 status → AAAA',
      { status: { loadBalancer: { ingress: [{ ip: '2001:DB8::1' }, { ip: '192.0.2.1' }] } } },
      ['shop.example.com A 192.0.2.1', 'shop.example.com AAAA 2001:db8::1'],
      [],
    ],
    [
      'LoadBalancer spec.externalIPs win over status',
      { spec: { externalIPs: ['198.51.100.7'] } },
      ['shop.example.com A 198.51.100.7'],
      [],
    ],
    ['LoadBalancer without status is held', { status: {} }, [], ['shop.example.com service/shop/web']],
    [
      'LoadBalancer with status cleared in a rollout is held',
      { status: { loadBalancer: { ingress: [] } } },
      [],
      ['shop.example.com service/shop/web'],
    ],
    ['ClusterIP without publishInternalServices → nothing', { spec: { type: 'ClusterIP' } }, [], []],
    [
      'ExternalName → CNAME to spec.externalName',
      { spec: { type: 'ExternalName', externalName: 'db.example.net.' } },
      ['shop.example.com CNAME db.example.net'],
      [],
    ],
    [
      'ExternalName with externalIPs → those',
      { spec: { type: 'ExternalName', externalName: 'db.example.net', externalIPs: ['192.0.2.9'] } },
      ['shop.example.com A 192.0.2.9'],
      [],
    ],
    ['a missing type defaults to ClusterIP (the API server default)', { spec: { type: undefined } }, [], []],
  ])('%s', (_name, o, endpoints, held) => {
    const result = run([service({ annotations: HOST, ...o })]);
    expect(summary(result)).toEqual(endpoints);
    expect(heldNames(result)).toEqual(held);
    expect(result.warnings).toEqual([]);
  });

  it('ClusterIP with publishInternalServices → spec.clusterIP (docs: --publish-internal-services)', () => {
    const result = run([service({ annotations: HOST, spec: { type: 'ClusterIP' } })], {
      publishInternalServices: true,
    });
    expect(summary(result)).toEqual(['shop.example.com A 10.100.0.7']);
  });

  it.each([['an unknown type', { type: 'Weird' }]])(
    '%s: warned and held, since its addresses are not known (never deleted by accident)',
    (_n, spec) => {
      const result = run([service({ annotations: HOST, spec })], { publishInternalServices: true });
      expect(summary(result)).toEqual([]);
      expect(heldNames(result)).toEqual(['shop.example.com service/shop/web']);
      expect(result.warnings).toEqual([
        expect.objectContaining({
          code: 'unsupported-service',
          object: 'service/shop/web',
          field: 'spec.type',
        }),
      ]);
    },
  );

  it('an invalid status hostname is reported with its field and the names held', () => {
    const result = run([
      service({ annotations: HOST, status: { loadBalancer: { ingress: [{ hostname: 'bad..name' }] } } }),
    ]);
    expect(summary(result)).toEqual([]);
    expect(heldNames(result)).toEqual(['shop.example.com service/shop/web']);
    expect(codes(result)).toEqual(['invalid-target status.loadBalancer.ingress[0].hostname']);
  });
});

describe('Service annotations (docs/annotations/annotations.md)', () => {
  it('hostname: comma-separated, trimmed, trailing dots and case ignored', () => {
    const result = run([
      service({ annotations: { [`${ALPHA}hostname`]: ' A.example.com. , b.example.com,' } }),
    ]);
    expect(summary(result)).toEqual([`a.example.com CNAME ${ELB}`, `b.example.com CNAME ${ELB}`]);
  });

  it("hostname under another prefix than the configured one is not this install's", () => {
    const result = run([service({ annotations: { [`${GA}hostname`]: 'shop.example.com' } })]);
    expect(summary(result)).toEqual([]);
  });

  it('no hostname annotation → nothing (the service source needs one)', () => {
    expect(summary(run([service()]))).toEqual([]);
  });

  it('ignoreHostnameAnnotation → nothing from hostname or internal-hostname', () => {
    const annotations = { ...HOST, [`${ALPHA}internal-hostname`]: 'in.example.com' };
    const result = run([service({ annotations })], { ignoreHostnameAnnotation: true });
    expect(summary(result)).toEqual([]);
    expect(result.held).toEqual([]);
  });

  it('internal-hostname → spec.clusterIP for a LoadBalancer (docs: internal-hostname)', () => {
    const result = run([annotatedService({ 'internal-hostname': 'shop.internal.example.com' })]);
    expect(summary(result)).toEqual([
      `shop.example.com CNAME ${ELB}`,
      'shop.internal.example.com A 10.100.0.7',
    ]);
  });

  it('internal-hostname on a ClusterIP Service needs no publishInternalServices', () => {
    const result = run([
      service({
        annotations: { [`${ALPHA}internal-hostname`]: 'in.example.com' },
        spec: { type: 'ClusterIP' },
      }),
    ]);
    expect(summary(result)).toEqual(['in.example.com A 10.100.0.7']);
  });

  it('target overrides every other target, for any type (docs: target)', () => {
    const result = run([
      annotatedService({ target: '192.0.2.1,2001:db8::2,edge.example.net.' }, { spec: { type: 'NodePort' } }),
    ]);
    expect(summary(result)).toEqual([
      'shop.example.com A 192.0.2.1',
      'shop.example.com AAAA 2001:db8::2',
      'shop.example.com CNAME edge.example.net',
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('ttl, set-identifier and every Route 53 property land on the endpoint', () => {
    const result = run([
      annotatedService({
        ttl: '1m',
        alias: 'true',
        'set-identifier': 'eu',
        'aws-weight': '20',
        'aws-health-check-id': 'abcdef01-2345-6789-abcd-ef0123456789',
        'aws-evaluate-target-health': 'true',
      }),
    ]);
    expect(result.warnings).toEqual([]);
    expect(result.endpoints).toEqual([
      {
        dnsName: 'shop.example.com',
        recordType: 'CNAME',
        targets: [ELB],
        ttl: 60,
        setIdentifier: 'eu',
        labels: { owner: 'prod-eu-owner', resource: 'service/shop/web' },
        properties: {
          alias: true,
          weight: 20,
          healthCheckId: 'abcdef01-2345-6789-abcd-ef0123456789',
          evaluateTargetHealth: true,
        },
      },
    ]);
  });

  it('alias only marks CNAMEs; the A record of the same object keeps its addresses', () => {
    const result = run([
      annotatedService(
        { alias: 'true' },
        { status: { loadBalancer: { ingress: [{ ip: '192.0.2.1', hostname: ELB }] } } },
      ),
    ]);
    expect(result.endpoints.map((e) => [e.recordType, e.properties.alias])).toEqual([
      ['A', undefined],
      ['CNAME', true],
    ]);
  });

  it.each([
    ['region', { 'aws-region': 'eu-west-1' }, { region: 'eu-west-1' }],
    ['failover', { 'aws-failover': 'PRIMARY' }, { failover: 'PRIMARY' }],
    ['continent', { 'aws-geolocation-continent-code': 'EU' }, { geolocation: { continentCode: 'EU' } }],
    ['country', { 'aws-geolocation-country-code': 'DE' }, { geolocation: { countryCode: 'DE' } }],
    [
      'subdivision',
      { 'aws-geolocation-country-code': 'US', 'aws-geolocation-subdivision-code': 'CA' },
      { geolocation: { countryCode: 'US', subdivisionCode: 'CA' } },
    ],
    ['multi-value', { 'aws-multi-value-answer': 'true' }, { multiValueAnswer: true }],
  ])('routing policy %s', (_n, extra, properties) => {
    const result = run([annotatedService({ 'set-identifier': 'a', ...extra })]);
    expect(result.endpoints[0]?.properties).toEqual(properties);
  });

  it('an aws-weight without a set identifier reaches the planner as a label (fleet routing weighs it)', () => {
    const result = run([annotatedService({ 'aws-weight': '4' })]);
    expect(result.endpoints[0]?.properties.weight).toBeUndefined();
    expect(result.endpoints[0]?.labels).toMatchObject({
      [LABEL_ANNOTATED_WEIGHT]: '4',
      owner: expect.any(String),
    });
  });

  it.each([
    ['dns-controller', true],
    ['other-controller', false],
    ['', false],
  ])('controller=%j → published: %s (docs: controller)', (value, published) => {
    const result = run([annotatedService({ controller: value, ttl: 'bad' })]);
    expect(summary(result).length > 0 || result.held.length > 0).toBe(published);
    if (!published) expect(result.warnings).toEqual([]);
  });

  it('serviceTypeFilter keeps only the listed types (docs: --service-type-filter)', () => {
    const objects = [
      service({ name: 'lb', annotations: { [`${ALPHA}hostname`]: 'lb.example.com' } }),
      service({
        name: 'ext',
        annotations: { [`${ALPHA}hostname`]: 'ext.example.com' },
        spec: { type: 'ExternalName', externalName: 'x.example.net' },
      }),
    ];
    expect(summary(run(objects, { serviceTypeFilter: ['ExternalName'] }))).toEqual([
      'ext.example.com CNAME x.example.net',
    ]);
    expect(summary(run(objects))).toHaveLength(2);
  });
});

describe('Service: a bad annotation holds the records and names object and annotation', () => {
  it.each([
    ['ttl', 'ten'],
    ['alias', 'yes'],
    ['aws-weight', '300'],
    ['aws-region', 'mars'],
    ['aws-failover', 'maybe'],
    ['aws-geolocation-continent-code', 'ZZ'],
    ['aws-geolocation-country-code', 'Germany'],
    ['aws-multi-value-answer', 'false'],
    ['aws-health-check-id', '!!'],
    ['aws-evaluate-target-health', 'yes'],
    ['target', 'bad..target'],
  ])('%s=%j', (suffix, value) => {
    const result = run([annotatedService({ 'set-identifier': 'a', [suffix]: value })]);
    expect(summary(result)).toEqual([]);
    expect(heldNames(result)).toEqual(['shop.example.com service/shop/web']);
    expect(result.warnings).toContainEqual(
      expect.objectContaining({
        code: 'bad-annotation',
        object: 'service/shop/web',
        field: ALPHA + suffix,
        cluster: 'prod-eu',
      }),
    );
  });

  it('an invalid hostname skips that name only, naming the hostname annotation', () => {
    const result = run([
      service({ annotations: { [`${ALPHA}hostname`]: 'ok.example.com,bad_-.example..com' } }),
    ]);
    expect(summary(result)).toEqual([`ok.example.com CNAME ${ELB}`]);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'bad-annotation',
        object: 'service/shop/web',
        field: `${ALPHA}hostname`,
        dnsName: 'bad_-.example..com',
      }),
    ]);
  });
});

describe('Service: edge-reconciler.io/certificate opts its hostnames into certificates', () => {
  const OPT_IN = 'edge-reconciler.io/certificate';
  const SSL_CERT = 'service.beta.kubernetes.io/aws-load-balancer-ssl-cert';
  const ARN_A = 'arn:aws:acm:eu-central-1:111111111111:certificate/aaaa';
  const ARN_B = 'arn:aws:acm:eu-central-1:111111111111:certificate/bbbb';
  const tlsHost = (host: string, attachedCertificateArns: string[] = []) => ({
    host,
    resource: 'service/shop/web',
    cluster: 'prod-eu',
    attachedCertificateArns,
  });

  it.each([
    ['"true"', { [OPT_IN]: 'true' }, [tlsHost('shop.example.com')], []],
    ['"TRUE" (case-insensitive)', { [OPT_IN]: 'TRUE' }, [tlsHost('shop.example.com')], []],
    ['true written as a YAML boolean', { [OPT_IN]: true }, [tlsHost('shop.example.com')], []],
    ['"false"', { [OPT_IN]: 'False' }, [], []],
    ['absent', {}, [], []],
    [
      'with the ARNs it names now, trimmed',
      { [OPT_IN]: 'true', [SSL_CERT]: ` ${ARN_A} , ${ARN_B},` },
      [tlsHost('shop.example.com', [ARN_A, ARN_B])],
      [],
    ],
    [
      '"yes": a warning naming object and annotation, no TLS host',
      { [OPT_IN]: 'yes' },
      [],
      [{ code: 'bad-annotation', field: OPT_IN, object: 'service/shop/web', cluster: 'prod-eu' }],
    ],
    [
      'an object value',
      { [OPT_IN]: { enabled: true } },
      [],
      [{ code: 'bad-annotation', field: OPT_IN, object: 'service/shop/web', cluster: 'prod-eu' }],
    ],
    [
      '"" is not a value either',
      { [OPT_IN]: '' },
      [],
      [{ code: 'bad-annotation', field: OPT_IN, object: 'service/shop/web', cluster: 'prod-eu' }],
    ],
  ])('%s', (_name, extra, tlsHosts, warnings) => {
    const result = run([service({ annotations: { ...HOST, ...extra } })]);
    expect(result.tlsHosts).toEqual(tlsHosts);
    expect(result.warnings).toEqual(warnings.map((w) => expect.objectContaining(w)));
    // Opting in, or getting it wrong, changes nothing about the records.
    expect(summary(result)).toEqual([`shop.example.com CNAME ${ELB}`]);
  });

  it('every valid hostname, but not internal-hostname (the load balancer does not serve it)', () => {
    const result = run([
      service({
        annotations: {
          [`${ALPHA}hostname`]: 'a.example.com,bad..example.com,B.example.com.',
          [`${ALPHA}internal-hostname`]: 'in.example.com',
          [OPT_IN]: 'true',
        },
      }),
    ]);
    expect(result.tlsHosts).toEqual([tlsHost('a.example.com'), tlsHost('b.example.com')]);
    expect(codes(result)).toEqual([`bad-annotation ${ALPHA}hostname`]);
  });

  it('held names still get their certificate: the load balancer may need it to come up', () => {
    const result = run([service({ annotations: { ...HOST, [OPT_IN]: 'true' }, status: {} })]);
    expect(heldNames(result)).toEqual(['shop.example.com service/shop/web']);
    expect(result.tlsHosts).toEqual([tlsHost('shop.example.com')]);
  });

  it.each([
    ['no hostname annotation', service({ annotations: { [OPT_IN]: 'true' } }), {}],
    [
      'ignoreHostnameAnnotation',
      service({ annotations: { ...HOST, [OPT_IN]: 'true' } }),
      { ignoreHostnameAnnotation: true },
    ],
    [
      'a ClusterIP Service',
      service({ annotations: { ...HOST, [OPT_IN]: 'true' }, spec: { type: 'ClusterIP' } }),
      {},
    ],
  ])('%s → no TLS host, and the annotation reported as ignored', (_name, svc, overrides) => {
    const result = run([svc], overrides);
    expect(result.tlsHosts).toEqual([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'ignored-annotation', field: OPT_IN, object: 'service/shop/web' }),
    ]);
  });
});
