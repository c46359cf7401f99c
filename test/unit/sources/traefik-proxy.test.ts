import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config.js';
import type { KubernetesObject } from '../../../shared/sources/objects.js';
import type { SourceResult } from '../../../shared/sources/output.js';
import { hostsInRule } from '../../../shared/sources/traefik-proxy.js';
import { ALPHA, codes, config, ELB, GA, heldNames, run as runSources, service } from './helpers.js';

/** ExternalDNS's `traefik-proxy` source (source/traefik_proxy.go), one rule per table. */

const NLB = 'k8s-traefik-traefik-0a1b2c3d4e-0123456789abcdef.elb.eu-central-1.amazonaws.com';
const NEW = 'traefik.io/v1alpha1';
const LEGACY = 'traefik.containo.us/v1alpha1';
const TARGET = `${ALPHA}target`;

type Kind = 'IngressRoute' | 'IngressRouteTCP' | 'IngressRouteUDP';

interface RouteOptions {
  kind?: Kind;
  apiVersion?: string;
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  /** Under the alpha prefix unless the key has a `/`; `target` defaults to the NLB (undefined: none). */
  annotations?: Record<string, string | undefined>;
  matches?: unknown[];
  deletionTimestamp?: string;
}

function route(o: RouteOptions = {}): KubernetesObject {
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries({ target: NLB, ...o.annotations })) {
    if (v !== undefined) annotations[k.includes('/') ? k : ALPHA + k] = v;
  }
  return {
    apiVersion: o.apiVersion ?? NEW,
    kind: o.kind ?? 'IngressRoute',
    metadata: {
      name: o.name ?? 'web',
      namespace: o.namespace ?? 'shop',
      annotations,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.deletionTimestamp ? { deletionTimestamp: o.deletionTimestamp } : {}),
    },
    spec: {
      entryPoints: ['websecure'],
      routes: (o.matches ?? ['Host(`shop.example.com`)']).map((match) => ({
        kind: 'Rule',
        match,
        services: [{ name: 'web', port: 80 }],
      })),
    },
  };
}

function run(objects: KubernetesObject[], overrides: Record<string, unknown> = {}): SourceResult {
  return runSources(objects, { sources: ['traefik-proxy'], ...overrides });
}

/** `name type targets resource`: which object each record belongs to matters here. */
function published(result: SourceResult): string[] {
  return result.endpoints.map(
    (e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')} ${e.labels.resource}`,
  );
}

describe('hostsInRule: the names in a Traefik rule', () => {
  it.each<[string, string[]]>([
    ['Host(`shop.example.com`)', ['shop.example.com']],
    ['Host(`a.example.com`, `b.example.com`)', ['a.example.com', 'b.example.com']],
    ['Host(`a.example.com`,`b.example.com`)', ['a.example.com', 'b.example.com']],
    ['Host( `spaced.example.com` )', ['spaced.example.com']],
    ['Host(`a.example.com`) && PathPrefix(`/api`)', ['a.example.com']],
    ['Host(`a.example.com`) || Host(`b.example.com`)', ['a.example.com', 'b.example.com']],
    [
      '(Host(`a.example.com`) || HostHeader(`b.example.com`)) && Method(`GET`)',
      ['a.example.com', 'b.example.com'],
    ],
    ['PathPrefix(`/api`) && Host(`late.example.com`)', ['late.example.com']],
    ['HostSNI(`db.example.com`)', ['db.example.com']],
    ['HostSNI(`db.example.com`) || HostSNI(`db2.example.com`)', ['db.example.com', 'db2.example.com']],
    ['HostSNI(`*`)', []],
    ['Host(`*`)', []],
    ['Host(``)', []],
    ['HostRegexp(`{sub:[a-z]+}.example.com`)', []],
    ['HostRegexp(`^.+\\.example\\.com$`) || Host(`c.example.com`)', ['c.example.com']],
    ['HostSNIRegexp(`^.+\\.example\\.com$`)', []],
    ['PathPrefix(`/only`)', []],
    ['', []],
  ])('%s', (rule, expected) => {
    expect(hostsInRule(rule)).toEqual(expected);
  });
});

describe('names and targets', () => {
  it.each<[string, KubernetesObject[], Record<string, unknown>, string[]]>([
    [
      'every host of every route, pointing at the target annotation',
      [route({ matches: ['Host(`a.example.com`, `b.example.com`)', 'Host(`c.example.com`) && Path(`/x`)'] })],
      {},
      [
        `a.example.com CNAME ${NLB} ingressroute/shop/web`,
        `b.example.com CNAME ${NLB} ingressroute/shop/web`,
        `c.example.com CNAME ${NLB} ingressroute/shop/web`,
      ],
    ],
    [
      'the hostname annotation joins the rule hosts',
      [route({ annotations: { hostname: 'extra.example.com, shop.example.com' } })],
      {},
      [
        `extra.example.com CNAME ${NLB} ingressroute/shop/web`,
        `shop.example.com CNAME ${NLB} ingressroute/shop/web`,
      ],
    ],
    [
      'annotations under another prefix than the configured one do not count',
      [
        route({
          matches: [],
          annotations: { target: undefined, [`${GA}hostname`]: 'ga.example.com', [`${GA}target`]: NLB },
        }),
      ],
      {},
      [],
    ],
    [
      'ignoreHostnameAnnotation keeps the rule hosts only',
      [route({ annotations: { hostname: 'extra.example.com' } })],
      { ignoreHostnameAnnotation: true },
      [`shop.example.com CNAME ${NLB} ingressroute/shop/web`],
    ],
    [
      'an IP target makes an A record',
      [route({ annotations: { target: '192.0.2.10,192.0.2.11' } })],
      {},
      ['shop.example.com A 192.0.2.10,192.0.2.11 ingressroute/shop/web'],
    ],
    [
      'IngressRouteTCP: HostSNI names, HostSNI(`*`) none',
      [route({ kind: 'IngressRouteTCP', matches: ['HostSNI(`db.example.com`)', 'HostSNI(`*`)'] })],
      {},
      [`db.example.com CNAME ${NLB} ingressroutetcp/shop/web`],
    ],
    [
      'IngressRouteTCP with HostSNI(`*`) only: the annotation names it',
      [
        route({
          kind: 'IngressRouteTCP',
          matches: ['HostSNI(`*`)'],
          annotations: { hostname: 'tcp.example.com' },
        }),
      ],
      {},
      [`tcp.example.com CNAME ${NLB} ingressroutetcp/shop/web`],
    ],
    [
      'IngressRouteUDP: the annotation only, whatever its spec says',
      [
        route({
          kind: 'IngressRouteUDP',
          matches: ['Host(`ignored.example.com`)'],
          annotations: { hostname: 'dns.example.com' },
        }),
      ],
      {},
      [`dns.example.com CNAME ${NLB} ingressrouteudp/shop/web`],
    ],
    [
      'a HostRegexp-only route publishes nothing',
      [route({ matches: ['HostRegexp(`{sub:[a-z]+}.example.com`)'] })],
      {},
      [],
    ],
    [
      'the three kinds of one name are three resources',
      [
        route({ annotations: { hostname: 'a.example.com' }, matches: [] }),
        route({ kind: 'IngressRouteTCP', annotations: { hostname: 'b.example.com' }, matches: [] }),
        route({ kind: 'IngressRouteUDP', annotations: { hostname: 'c.example.com' } }),
      ],
      {},
      [
        `a.example.com CNAME ${NLB} ingressroute/shop/web`,
        `b.example.com CNAME ${NLB} ingressroutetcp/shop/web`,
        `c.example.com CNAME ${NLB} ingressrouteudp/shop/web`,
      ],
    ],
    ['the source off: nothing', [route()], { sources: ['service', 'ingress'] }, []],
  ])('%s', (_label, objects, overrides, expected) => {
    const result = run(objects, overrides);
    expect(published(result)).toEqual(expected);
    expect(result.warnings).toEqual([]);
    expect(result.held).toEqual([]);
    // Traefik terminates TLS itself: no name is a TLS host for the certificate planner.
    expect(result.tlsHosts).toEqual([]);
  });

  it('carries TTL, set identifier and routing annotations onto every record', () => {
    const result = run([
      route({
        matches: ['Host(`a.example.com`, `b.example.com`)'],
        annotations: { ttl: '60', 'set-identifier': 'eu', 'aws-weight': '10' },
      }),
    ]);
    expect(result.warnings).toEqual([]);
    expect(result.endpoints.map((e) => [e.dnsName, e.ttl, e.setIdentifier, e.properties.weight])).toEqual([
      ['a.example.com', 60, 'eu', 10],
      ['b.example.com', 60, 'eu', 10],
    ]);
    expect(result.endpoints[0]?.labels).toEqual({
      owner: 'prod-eu-owner',
      resource: 'ingressroute/shop/web',
    });
  });
});

describe('what cannot be published', () => {
  it('names without a target annotation: no record, nothing held, one warning naming the object and annotation', () => {
    const result = run([
      route({
        annotations: { target: undefined, hostname: 'extra.example.com' },
        matches: ['Host(`a.example.com`)', 'Host(`b.example.com`)'],
      }),
    ]);
    expect(result.endpoints).toEqual([]);
    expect(result.held).toEqual([]);
    expect(result.warnings).toEqual([
      {
        code: 'missing-target',
        field: TARGET,
        object: 'ingressroute/shop/web',
        cluster: 'prod-eu',
        message: expect.stringContaining(
          'no record for a.example.com, b.example.com, extra.example.com: an IngressRoute has no status',
        ),
      },
    ]);
  });

  it('an object without any name needs no target and gets no warning', () => {
    const result = run([route({ annotations: { target: undefined }, matches: ['PathPrefix(`/`)'] })]);
    expect(result.endpoints).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it.each<[string, Record<string, string | undefined>, string[]]>([
    ['a bad target', { target: 'not a host!' }, [`bad-annotation ${TARGET}`]],
    ['a bad TTL', { ttl: 'ten' }, [`bad-annotation ${ALPHA}ttl`]],
    [
      'a bad weight',
      { 'set-identifier': 'eu', 'aws-weight': 'heavy' },
      [`bad-annotation ${ALPHA}aws-weight`],
    ],
  ])(
    '%s holds the names (never deletes on doubt) with a warning naming the field',
    (_label, annotations, expected) => {
      const result = run([route({ annotations })]);
      expect(result.endpoints).toEqual([]);
      expect(heldNames(result)).toEqual(['shop.example.com ingressroute/shop/web']);
      expect(codes(result)).toEqual(expected);
      expect(result.warnings.every((w) => w.object === 'ingressroute/shop/web')).toBe(true);
    },
  );

  it('an invalid host in a rule is reported with its route; the valid ones are published', () => {
    const result = run([route({ matches: ['Host(`ok.example.com`)', 'Host(`bad_host..example.com`)'] })]);
    expect(published(result)).toEqual([`ok.example.com CNAME ${NLB} ingressroute/shop/web`]);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'invalid-hostname',
        field: 'spec.routes[1].match',
        object: 'ingressroute/shop/web',
      }),
    ]);
  });

  it('an invalid hostname annotation is a bad annotation', () => {
    const result = run([
      route({ matches: [], annotations: { hostname: 'good.example.com,-bad-.example.com' } }),
    ]);
    expect(published(result)).toEqual([`good.example.com CNAME ${NLB} ingressroute/shop/web`]);
    expect(codes(result)).toEqual([`bad-annotation ${ALPHA}hostname`]);
  });

  it('an odd spec is no crash', () => {
    const odd = [
      { ...route(), spec: { routes: 'Host(`x.example.com`)' } },
      {
        ...route({ name: 'b' }),
        spec: { routes: [null, 7, { match: 42 }, { match: 'Host(`b.example.com`)' }] },
      },
      { ...route({ name: 'c' }), spec: undefined },
    ] as KubernetesObject[];
    expect(published(run(odd))).toEqual([`b.example.com CNAME ${NLB} ingressroute/shop/b`]);
  });
});

describe('traefik.io and traefik.containo.us', () => {
  const legacy = (o: RouteOptions = {}) => route({ apiVersion: LEGACY, ...o });

  it.each<[string, KubernetesObject[], Record<string, unknown>, string[], string[]]>([
    [
      'the old group alone is read',
      [legacy()],
      {},
      [`shop.example.com CNAME ${NLB} ingressroute/shop/web`],
      [],
    ],
    [
      'the same object in both groups is published once, silently',
      [route(), legacy()],
      {},
      [`shop.example.com CNAME ${NLB} ingressroute/shop/web`],
      [],
    ],
    [
      'a differing copy in the old group: traefik.io wins, the copy is reported',
      [route({ matches: ['Host(`new.example.com`)'] }), legacy({ matches: ['Host(`old.example.com`)'] })],
      {},
      [`new.example.com CNAME ${NLB} ingressroute/shop/web`],
      ['shadowed-object apiVersion ingressroute/shop/web'],
    ],
    [
      'the copy wins nothing even when listed first',
      [legacy({ matches: ['Host(`old.example.com`)'] }), route({ matches: ['Host(`new.example.com`)'] })],
      {},
      [`new.example.com CNAME ${NLB} ingressroute/shop/web`],
      ['shadowed-object apiVersion ingressroute/shop/web'],
    ],
    [
      'a copy is one of the same kind: an IngressRouteTCP does not shadow an IngressRoute',
      [
        route({ kind: 'IngressRouteTCP', matches: ['HostSNI(`db.example.com`)'] }),
        legacy({ matches: ['Host(`web.example.com`)'] }),
      ],
      {},
      [
        `db.example.com CNAME ${NLB} ingressroutetcp/shop/web`,
        `web.example.com CNAME ${NLB} ingressroute/shop/web`,
      ],
      [],
    ],
    [
      'other names in the two groups are both read',
      [
        route({ name: 'a', matches: ['Host(`a.example.com`)'] }),
        legacy({ name: 'b', matches: ['Host(`b.example.com`)'] }),
      ],
      {},
      [`a.example.com CNAME ${NLB} ingressroute/shop/a`, `b.example.com CNAME ${NLB} ingressroute/shop/b`],
      [],
    ],
    [
      'traefikEnableLegacy unset (the default, as in ExternalDNS ≥ 0.19): the old group is not read',
      [
        route({ name: 'a', matches: ['Host(`a.example.com`)'] }),
        legacy({ name: 'b', matches: ['Host(`b.example.com`)'] }),
      ],
      { traefikEnableLegacy: undefined },
      [`a.example.com CNAME ${NLB} ingressroute/shop/a`],
      [],
    ],
    [
      'traefikDisableLegacy: false (an ExternalDNS < 0.19 config): the old group is read',
      [
        route({ name: 'a', matches: ['Host(`a.example.com`)'] }),
        legacy({ name: 'b', matches: ['Host(`b.example.com`)'] }),
      ],
      { traefikEnableLegacy: undefined, traefikDisableLegacy: false },
      [`a.example.com CNAME ${NLB} ingressroute/shop/a`, `b.example.com CNAME ${NLB} ingressroute/shop/b`],
      [],
    ],
    [
      'traefikDisableLegacy: true keeps it off',
      [
        route({ name: 'a', matches: ['Host(`a.example.com`)'] }),
        legacy({ name: 'b', matches: ['Host(`b.example.com`)'] }),
      ],
      { traefikEnableLegacy: undefined, traefikDisableLegacy: true },
      [`a.example.com CNAME ${NLB} ingressroute/shop/a`],
      [],
    ],
    [
      'traefikDisableNew: only the old group is read, and nothing shadows it',
      [route({ matches: ['Host(`new.example.com`)'] }), legacy({ matches: ['Host(`old.example.com`)'] })],
      { traefikDisableNew: true },
      [`old.example.com CNAME ${NLB} ingressroute/shop/web`],
      [],
    ],
    [
      'a kind of the same name in another group is not Traefik',
      [route({ apiVersion: 'example.com/v1' })],
      {},
      [],
      [],
    ],
  ])('%s', (_label, objects, overrides, expected, warnings) => {
    const result = run(objects, { traefikEnableLegacy: true, ...overrides });
    expect(published(result)).toEqual(expected);
    expect(result.warnings.map((w) => `${w.code} ${w.field} ${w.object}`)).toEqual(warnings);
  });

  it('config: both groups off with the source on is refused, naming the field', () => {
    // The old group is off by default, so traefikDisableNew alone leaves nothing to read.
    const none = { sources: ['traefik-proxy'], traefikDisableNew: true };
    expect(() => config(none)).toThrow(ConfigError);
    expect(() => config(none)).toThrow(/traefikDisableNew: .*set traefikEnableLegacy/);
    expect(() => config({ ...none, traefikEnableLegacy: true })).not.toThrow();
    expect(() => config({ ...none, sources: ['service'] })).not.toThrow();
  });

  it('config: the old and the new legacy flag contradicting each other is refused, naming the field', () => {
    const both = { traefikEnableLegacy: true, traefikDisableLegacy: true };
    expect(() => config(both)).toThrow(/traefikDisableLegacy: contradicts traefikEnableLegacy/);
    expect(() => config({ traefikEnableLegacy: false, traefikDisableLegacy: true })).not.toThrow();
  });
});

describe('filters', () => {
  const a = route({
    name: 'a',
    namespace: 'shop',
    labels: { team: 'web' },
    matches: ['Host(`a.example.com`)'],
  });
  const b = route({
    name: 'b',
    namespace: 'ops',
    annotations: { 'kubernetes.io/ingress.class': 'internal' },
    matches: ['Host(`b.example.com`)'],
  });
  it.each<[string, KubernetesObject[], Record<string, unknown>, string[]]>([
    ['namespace', [a, b], { namespace: ['ops'] }, ['b.example.com']],
    ['labelFilter', [a, b], { labelFilter: 'team=web' }, ['a.example.com']],
    [
      'annotationFilter',
      [a, b],
      { annotationFilter: 'kubernetes.io/ingress.class=internal' },
      ['b.example.com'],
    ],
    ['being deleted', [route({ deletionTimestamp: '2030-01-01T00:00:00Z' })], {}, []],
    ['another controller', [route({ annotations: { controller: 'someone-else' } })], {}, []],
    ['our controller', [route({ annotations: { controller: 'dns-controller' } })], {}, ['shop.example.com']],
  ])('%s', (_label, objects, overrides, expected) => {
    expect(run(objects, overrides).endpoints.map((e) => e.dnsName)).toEqual(expected);
  });

  it('a copy the filters leave out is not reported', () => {
    const objects = [
      route({ matches: ['Host(`new.example.com`)'] }),
      route({ apiVersion: LEGACY, labels: { team: 'old' }, matches: ['Host(`old.example.com`)'] }),
    ];
    expect(run(objects, { labelFilter: 'team!=old', traefikEnableLegacy: true }).warnings).toEqual([]);
  });
});

describe('traefikService: the load balancer in front of Traefik as the default target (beyond ExternalDNS)', () => {
  const FRONT = { traefikService: 'traefik/traefik' };
  const traefik = (o: Parameters<typeof service>[0] = {}) =>
    service({ name: 'traefik', namespace: 'traefik', ...o });
  const untargeted = route({ annotations: { target: undefined } });

  it('points a route without a target annotation at the Service load balancer', () => {
    const result = run([untargeted, traefik()], FRONT);
    expect(published(result)).toEqual([`shop.example.com CNAME ${ELB} ingressroute/shop/web`]);
    expect(result.warnings).toEqual([]);
  });

  it('leaves a route with its own target annotation pointing there', () => {
    expect(published(run([route(), traefik()], FRONT))).toEqual([
      `shop.example.com CNAME ${NLB} ingressroute/shop/web`,
    ]);
  });

  it('takes spec.externalIPs before the status, as the service source does', () => {
    const result = run([untargeted, traefik({ spec: { externalIPs: ['203.0.113.7'] } })], FRONT);
    expect(published(result)).toEqual(['shop.example.com A 203.0.113.7 ingressroute/shop/web']);
  });

  it('holds the names while the Service has no load balancer yet', () => {
    const result = run([untargeted, traefik({ status: {} })], FRONT);
    expect(result.endpoints).toEqual([]);
    expect(heldNames(result)).toEqual(['shop.example.com ingressroute/shop/web']);
    expect(result.warnings).toEqual([]);
  });

  it('holds the names, and says so naming the field, when the Service does not exist', () => {
    const result = run([untargeted], FRONT);
    expect(heldNames(result)).toEqual(['shop.example.com ingressroute/shop/web']);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'missing-target',
        field: 'traefikService',
        object: 'service/traefik/traefik',
        cluster: 'prod-eu',
      }),
    ]);
  });

  it('holds the names when the Service has a bad address, naming the Service and its field', () => {
    const bad = traefik({ status: { loadBalancer: { ingress: [{ hostname: 'not a host!' }] } } });
    const result = run([untargeted, bad], FRONT);
    expect(heldNames(result)).toEqual(['shop.example.com ingressroute/shop/web']);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'invalid-target',
        field: 'status.loadBalancer.ingress[0].hostname',
        object: 'service/traefik/traefik',
      }),
    ]);
  });

  it('is not read without the config: the route gets no record and the missing-target warning', () => {
    const result = run([untargeted, traefik()]);
    expect(result.endpoints).toEqual([]);
    expect(codes(result)).toEqual([`missing-target ${TARGET}`]);
  });

  it('refuses a value that is not namespace/name, naming the field', () => {
    expect(() => config({ traefikService: 'traefik' })).toThrow(/traefikService: namespace\/name/);
  });
});
