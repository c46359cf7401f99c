import { describe, expect, it } from 'vitest';
import { ALPHA, codes, ELB, GA, heldNames, ingress, run, summary } from './helpers.js';

const SPEC = {
  ingressClassName: 'traefik',
  rules: [{ host: 'rule.example.com' }, { http: {} }],
  tls: [{ hosts: ['tls.example.com', 'rule.example.com'], secretName: 'shop-tls' }],
};
const ANNOTATED = { [`${ALPHA}hostname`]: 'note.example.com' };

describe('Ingress hostnames (ExternalDNS source/ingress.go endpointsFromIngress)', () => {
  it.each([
    [
      'rules, tls and the hostname annotation by default',
      {},
      {},
      ['note.example.com', 'rule.example.com', 'tls.example.com'],
    ],
    [
      'ignoreIngressRulesSpec (docs: --ignore-ingress-rules-spec)',
      { ignoreIngressRulesSpec: true },
      {},
      ['note.example.com', 'rule.example.com', 'tls.example.com'],
    ],
    [
      'ignoreIngressTlsSpec (docs: --ignore-ingress-tls-spec)',
      { ignoreIngressTlsSpec: true },
      {},
      ['note.example.com', 'rule.example.com'],
    ],
    [
      'both spec flags',
      { ignoreIngressRulesSpec: true, ignoreIngressTlsSpec: true },
      {},
      ['note.example.com'],
    ],
    [
      'ignoreHostnameAnnotation',
      { ignoreHostnameAnnotation: true },
      {},
      ['rule.example.com', 'tls.example.com'],
    ],
    [
      'ingress-hostname-source=defined-hosts-only',
      {},
      { [`${ALPHA}ingress-hostname-source`]: 'defined-hosts-only' },
      ['rule.example.com', 'tls.example.com'],
    ],
    [
      'ingress-hostname-source=Annotation-Only (case-insensitive)',
      {},
      { [`${ALPHA}ingress-hostname-source`]: 'Annotation-Only' },
      ['note.example.com'],
    ],
  ])('%s', (_name, overrides, annotations, names) => {
    const result = run([ingress({ spec: SPEC, annotations: { ...ANNOTATED, ...annotations } })], overrides);
    expect(summary(result)).toEqual(names.map((n) => `${n} CNAME ${ELB}`));
    expect(result.warnings).toEqual([]);
  });

  it('ignoreIngressRulesSpec drops hosts that appear only in rules', () => {
    const spec = { rules: [{ host: 'only-rule.example.com' }], tls: [{ hosts: ['t.example.com'] }] };
    expect(summary(run([ingress({ spec })], { ignoreIngressRulesSpec: true }))).toEqual([
      `t.example.com CNAME ${ELB}`,
    ]);
  });

  it('an unknown ingress-hostname-source is a bad annotation: warned, names held', () => {
    const result = run([
      ingress({ spec: SPEC, annotations: { [`${ALPHA}ingress-hostname-source`]: 'both' } }),
    ]);
    expect(summary(result)).toEqual([]);
    expect(heldNames(result)).toEqual([
      'rule.example.com ingress/shop/shop',
      'tls.example.com ingress/shop/shop',
    ]);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'bad-annotation',
        object: 'ingress/shop/shop',
        field: `${ALPHA}ingress-hostname-source`,
      }),
    ]);
  });

  it('the hostname annotation under another prefix than the configured one does not count', () => {
    const result = run([ingress({ spec: {}, annotations: { [`${GA}hostname`]: 'ga.example.com' } })]);
    expect(summary(result)).toEqual([]);
  });

  it('an invalid rule host is warned with its spec field, the other hosts still publish', () => {
    const spec = { rules: [{ host: 'ok.example.com' }, { host: '-x..example.com' }] };
    const result = run([ingress({ spec })]);
    expect(summary(result)).toEqual([`ok.example.com CNAME ${ELB}`]);
    expect(codes(result)).toEqual(['invalid-hostname spec.rules[1].host']);
  });

  it('a wildcard host is published as is', () => {
    const result = run([ingress({ spec: { rules: [{ host: '*.apps.example.com' }] } })]);
    expect(summary(result)).toEqual([`*.apps.example.com CNAME ${ELB}`]);
  });
});

describe('Ingress targets', () => {
  it('status ip and hostname both count (both may be set)', () => {
    const result = run([
      ingress({ status: { loadBalancer: { ingress: [{ ip: '192.0.2.5', hostname: ELB }] } } }),
    ]);
    expect(summary(result)).toEqual(['shop.example.com A 192.0.2.5', `shop.example.com CNAME ${ELB}`]);
  });

  it('target annotation overrides the status (docs: target)', () => {
    const result = run([ingress({ annotations: { [`${ALPHA}target`]: 'edge.example.net' } })]);
    expect(summary(result)).toEqual(['shop.example.com CNAME edge.example.net']);
  });

  it.each([
    ['no status yet', {}],
    ['status cleared by the controller during a rollout', { loadBalancer: { ingress: [] } }],
    ['a status of the wrong shape', { loadBalancer: 'pending' }],
  ])('%s → names held, nothing published', (_n, status) => {
    const result = run([ingress({ status })]);
    expect(summary(result)).toEqual([]);
    expect(result.held).toEqual([
      { dnsName: 'shop.example.com', resource: 'ingress/shop/shop', owner: 'prod-eu-owner' },
    ]);
  });

  it('a bad ttl holds the names and names object and annotation', () => {
    const result = run([ingress({ annotations: { [`${ALPHA}ttl`]: '-5s' } })]);
    expect(summary(result)).toEqual([]);
    expect(heldNames(result)).toEqual(['shop.example.com ingress/shop/shop']);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'bad-annotation', object: 'ingress/shop/shop', field: `${ALPHA}ttl` }),
    ]);
  });

  it('controller other than dns-controller → skipped entirely (docs: controller)', () => {
    const result = run([ingress({ spec: SPEC, annotations: { [`${ALPHA}controller`]: 'someone-else' } })]);
    expect(result).toEqual({ endpoints: [], held: [], tlsHosts: [], warnings: [], filtered: [] });
  });
});

describe('Ingress class filter in a pass', () => {
  it('keeps Ingresses of the configured classes (docs: --ingress-class)', () => {
    const objects = [
      ingress({ name: 'a', spec: { ingressClassName: 'traefik', rules: [{ host: 'a.example.com' }] } }),
      ingress({ name: 'b', spec: { ingressClassName: 'nginx', rules: [{ host: 'b.example.com' }] } }),
      ingress({
        name: 'c',
        annotations: { 'kubernetes.io/ingress.class': 'traefik' },
        spec: { rules: [{ host: 'c.example.com' }] },
      }),
    ];
    expect(summary(run(objects, { ingressClass: ['traefik'] }))).toEqual([
      `a.example.com CNAME ${ELB}`,
      `c.example.com CNAME ${ELB}`,
    ]);
  });
});

describe('TLS hosts for the certificate planner', () => {
  it('come from spec.tls with their secret, whatever ignoreIngressTlsSpec says', () => {
    for (const ignoreIngressTlsSpec of [false, true]) {
      const result = run([ingress({ spec: SPEC })], { ignoreIngressTlsSpec });
      expect(result.tlsHosts).toEqual([
        {
          host: 'rule.example.com',
          resource: 'ingress/shop/shop',
          cluster: 'prod-eu',
          secretName: 'shop-tls',
        },
        {
          host: 'tls.example.com',
          resource: 'ingress/shop/shop',
          cluster: 'prod-eu',
          secretName: 'shop-tls',
        },
      ]);
    }
  });

  it('are listed even while the Ingress has no address yet', () => {
    const result = run([ingress({ spec: { tls: [{ hosts: ['Secure.Example.com.'] }] }, status: {} })]);
    expect(result.tlsHosts).toEqual([
      { host: 'secure.example.com', resource: 'ingress/shop/shop', cluster: 'prod-eu' },
    ]);
  });

  it('an invalid TLS host is warned once even when it is also a record name', () => {
    const result = run([ingress({ spec: { tls: [{ hosts: ['bad..example.com'] }] } })]);
    expect(result.tlsHosts).toEqual([]);
    expect(codes(result)).toEqual(['invalid-hostname spec.tls[0].hosts[0]']);
  });

  it('none from an Ingress another controller owns', () => {
    const result = run([ingress({ spec: SPEC, annotations: { [`${ALPHA}controller`]: 'x' } })]);
    expect(result.tlsHosts).toEqual([]);
  });
});
