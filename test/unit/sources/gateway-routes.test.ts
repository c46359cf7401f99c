import { describe, expect, it } from 'vitest';
import { LABEL_OWNER, LABEL_RESOURCE } from '../../../shared/endpoint/endpoint.js';
import type { GatewayRouteKind } from '../../../shared/sources/gateway-routes.js';
import type { KubernetesObject } from '../../../shared/sources/objects.js';
import type { SourceResult } from '../../../shared/sources/output.js';
import { ALPHA, heldNames, run as runSources, summary } from './helpers.js';

/**
 * The route kinds beyond HTTPRoute (gateway-httproute.test.ts covers the resolver they share): what
 * sets each apart — listener protocols, spec.hostnames or the annotation alone, allowed kinds, the
 * resource label, and which listeners hand names to the certificate planner.
 */

const NLB = 'k8s-infra-edge-0123456789-abcdef0123456789.elb.eu-central-1.amazonaws.com';

const SOURCE: Record<GatewayRouteKind, string> = {
  HTTPRoute: 'gateway-httproute',
  GRPCRoute: 'gateway-grpcroute',
  TLSRoute: 'gateway-tlsroute',
  TCPRoute: 'gateway-tcproute',
  UDPRoute: 'gateway-udproute',
};

const API_VERSION: Record<GatewayRouteKind, string> = {
  HTTPRoute: 'gateway.networking.k8s.io/v1',
  GRPCRoute: 'gateway.networking.k8s.io/v1',
  TLSRoute: 'gateway.networking.k8s.io/v1alpha2',
  TCPRoute: 'gateway.networking.k8s.io/v1alpha2',
  UDPRoute: 'gateway.networking.k8s.io/v1alpha2',
};

interface ListenerSpec {
  name?: string;
  protocol: string;
  port?: number;
  hostname?: string;
  allowedRoutes?: unknown;
  tls?: unknown;
}

function gateway(listeners: ListenerSpec[], addresses: unknown[] = [{ type: 'Hostname', value: NLB }]) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'edge', namespace: 'shop' },
    spec: {
      gatewayClassName: 'aws-nlb',
      listeners: listeners.map((l, i) => ({ name: l.name ?? `l${i}`, port: 443, ...l })),
    },
    status: { addresses },
  };
}

interface RouteOptions {
  hostnames?: string[];
  /** The `hostname` annotation. */
  annotated?: string;
  parentRefs?: Record<string, unknown>[];
  accepted?: boolean;
}

function route(kind: GatewayRouteKind, o: RouteOptions = {}): KubernetesObject {
  const parentRefs = o.parentRefs ?? [{ name: 'edge' }];
  return {
    apiVersion: API_VERSION[kind],
    kind,
    metadata: {
      name: 'app',
      namespace: 'shop',
      ...(o.annotated !== undefined ? { annotations: { [`${ALPHA}hostname`]: o.annotated } } : {}),
    },
    spec: {
      parentRefs,
      ...(o.hostnames ? { hostnames: o.hostnames } : {}),
      rules: [{ backendRefs: [{ name: 'app', port: 5432 }] }],
    },
    status: {
      parents: parentRefs.map((parentRef) => ({
        parentRef,
        controllerName: 'gateway.k8s.aws/nlb',
        conditions: [{ type: 'Accepted', status: o.accepted === false ? 'False' : 'True' }],
      })),
    },
  };
}

function run(kind: GatewayRouteKind, objects: unknown[], overrides: Record<string, unknown> = {}) {
  return runSources(objects, { sources: [SOURCE[kind]], ...overrides });
}

function names(result: SourceResult): string[] {
  return [...new Set(result.endpoints.map((e) => e.dnsName))];
}

const PASSTHROUGH = { mode: 'Passthrough' };
const TERMINATE = { mode: 'Terminate', certificateRefs: [{ name: 'edge-tls' }] };

/** The listener each kind attaches to in the tables below. */
const HOME: Record<GatewayRouteKind, ListenerSpec> = {
  HTTPRoute: { protocol: 'HTTP' },
  GRPCRoute: { protocol: 'HTTPS', tls: TERMINATE },
  TLSRoute: { protocol: 'TLS', tls: PASSTHROUGH },
  TCPRoute: { protocol: 'TCP' },
  UDPRoute: { protocol: 'UDP' },
};

describe('listener protocols each kind attaches to (gwProtocolMatches)', () => {
  const protocols: ListenerSpec[] = [
    { protocol: 'HTTP' },
    { protocol: 'HTTPS', tls: TERMINATE },
    { protocol: 'TLS', tls: PASSTHROUGH },
    { protocol: 'TCP' },
    { protocol: 'UDP' },
  ];

  it.each<[GatewayRouteKind, string[]]>([
    ['HTTPRoute', ['HTTP', 'HTTPS']],
    ['GRPCRoute', ['HTTP', 'HTTPS']],
    ['TLSRoute', ['TLS']],
    // A TLS listener that terminates forwards plain TCP: ExternalDNS pairs TCPRoute with it too.
    ['TCPRoute', ['TLS', 'TCP']],
    ['UDPRoute', ['UDP']],
  ])('a %s attaches to %j listeners only', (kind, expected) => {
    const attached = protocols.filter((listener) => {
      const result = run(kind, [gateway([listener]), route(kind, { annotated: 'app.example.com' })]);
      return names(result).includes('app.example.com');
    });
    expect(attached.map((l) => l.protocol)).toEqual(expected);
  });
});

describe('names: spec.hostnames, or the hostname annotation alone', () => {
  const wildcard = (kind: GatewayRouteKind): ListenerSpec => ({ ...HOME[kind], hostname: '*.example.com' });

  it.each<[string, GatewayRouteKind, ListenerSpec, RouteOptions, string[]]>([
    [
      'a GRPCRoute publishes its hostnames',
      'GRPCRoute',
      wildcard('GRPCRoute'),
      { hostnames: ['api.example.com', 'api.example.org'] },
      ['api.example.com'],
    ],
    [
      'a GRPCRoute without hostnames takes the listener hostname',
      'GRPCRoute',
      wildcard('GRPCRoute'),
      {},
      ['*.example.com'],
    ],
    [
      'a TLSRoute publishes its SNI hostnames, narrowed by the listener',
      'TLSRoute',
      wildcard('TLSRoute'),
      { hostnames: ['db.example.com', 'db.example.org'] },
      ['db.example.com'],
    ],
    [
      'a TLSRoute adds the annotation to its hostnames',
      'TLSRoute',
      wildcard('TLSRoute'),
      { hostnames: ['db.example.com'], annotated: 'replica.example.com' },
      ['db.example.com', 'replica.example.com'],
    ],
    [
      'a TLSRoute without hostnames takes the listener hostname',
      'TLSRoute',
      { ...HOME.TLSRoute, hostname: 'db.example.com' },
      {},
      ['db.example.com'],
    ],
    [
      'a TCPRoute is named by its annotation',
      'TCPRoute',
      HOME.TCPRoute,
      { annotated: 'pg.example.com, pg-ro.example.com' },
      ['pg-ro.example.com', 'pg.example.com'],
    ],
    ['a TCPRoute without the annotation publishes nothing', 'TCPRoute', HOME.TCPRoute, {}, []],
    [
      'a TCPRoute has no spec.hostnames: an unknown field there names nothing',
      'TCPRoute',
      HOME.TCPRoute,
      { hostnames: ['stray.example.com'], annotated: 'pg.example.com' },
      ['pg.example.com'],
    ],
    [
      'a TCPRoute behind a TLS listener: its annotation narrowed, never the listener’s own hostname',
      'TCPRoute',
      { protocol: 'TLS', hostname: '*.example.com', tls: TERMINATE },
      { annotated: 'pg.example.com, pg.example.org' },
      ['pg.example.com'],
    ],
    [
      'a TCPRoute without the annotation behind a TLS listener with a hostname: nothing',
      'TCPRoute',
      { protocol: 'TLS', hostname: 'pg.example.com', tls: TERMINATE },
      {},
      [],
    ],
    [
      'a UDPRoute is named by its annotation',
      'UDPRoute',
      HOME.UDPRoute,
      { annotated: 'dns.example.com' },
      ['dns.example.com'],
    ],
    ['a UDPRoute without the annotation publishes nothing', 'UDPRoute', HOME.UDPRoute, {}, []],
  ])('%s', (_name, kind, listener, options, expected) => {
    const result = run(kind, [gateway([listener]), route(kind, options)]);
    expect(names(result)).toEqual(expected);
  });

  it.each<GatewayRouteKind>(['TCPRoute', 'UDPRoute'])(
    'ignoreHostnameAnnotation leaves a %s without names',
    (kind) => {
      const objects = [gateway([HOME[kind]]), route(kind, { annotated: 'app.example.com' })];
      expect(names(run(kind, objects))).toEqual(['app.example.com']);
      expect(names(run(kind, objects, { ignoreHostnameAnnotation: true }))).toEqual([]);
    },
  );

  it('an annotation name no listener takes is reported, naming the annotation', () => {
    const result = run('TCPRoute', [
      gateway([{ protocol: 'TLS', hostname: '*.example.com', tls: TERMINATE }]),
      route('TCPRoute', { annotated: 'pg.example.org' }),
    ]);
    expect(names(result)).toEqual([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'unmatched-hostname',
        object: 'tcproute/shop/app',
        field: `${ALPHA}hostname`,
        dnsName: 'pg.example.org',
      }),
    ]);
  });
});

describe('parents: acceptance and addresses, as for HTTPRoutes', () => {
  it.each<GatewayRouteKind>(['GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'])(
    'a %s not accepted by its Gateway publishes nothing',
    (kind) => {
      const result = run(kind, [
        gateway([HOME[kind]]),
        route(kind, { hostnames: ['app.example.com'], annotated: 'app.example.com', accepted: false }),
      ]);
      expect(names(result)).toEqual([]);
    },
  );

  it.each<GatewayRouteKind>(['GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'])(
    'a %s behind a Gateway without an address yet is held',
    (kind) => {
      const result = run(kind, [
        gateway([HOME[kind]], []),
        route(kind, { hostnames: ['app.example.com'], annotated: 'app.example.com' }),
      ]);
      expect(result.endpoints).toEqual([]);
      expect(heldNames(result)).toEqual([`app.example.com ${kind.toLowerCase()}/shop/app`]);
    },
  );

  it('sectionName picks the TCP listener among several', () => {
    const listeners: ListenerSpec[] = [
      { name: 'pg', protocol: 'TCP', port: 5432 },
      { name: 'dns', protocol: 'UDP', port: 53 },
    ];
    const objects = (section: string) => [
      gateway(listeners),
      route('TCPRoute', {
        annotated: 'pg.example.com',
        parentRefs: [{ name: 'edge', sectionName: section }],
      }),
    ];
    expect(names(run('TCPRoute', objects('pg')))).toEqual(['pg.example.com']);
    expect(names(run('TCPRoute', objects('dns')))).toEqual([]);
  });
});

describe('listener allowedRoutes.kinds', () => {
  it.each<[string, GatewayRouteKind, unknown[] | undefined, boolean]>([
    ['no kinds: the protocol decides', 'TCPRoute', undefined, true],
    ['kinds naming the route', 'TCPRoute', [{ kind: 'TCPRoute' }], true],
    [
      'kinds naming the route with its group',
      'UDPRoute',
      [{ group: 'gateway.networking.k8s.io', kind: 'UDPRoute' }],
      true,
    ],
    ['kinds naming another route only', 'TCPRoute', [{ kind: 'TLSRoute' }], false],
    ['a TLS listener for TLSRoutes refuses a TCPRoute', 'TCPRoute', [{ kind: 'TLSRoute' }], false],
    ['a TLS listener for TCPRoutes refuses a TLSRoute', 'TLSRoute', [{ kind: 'TCPRoute' }], false],
    ['kinds naming a GRPCRoute', 'GRPCRoute', [{ kind: 'GRPCRoute' }], true],
    ['an HTTPS listener for HTTPRoutes refuses a GRPCRoute', 'GRPCRoute', [{ kind: 'HTTPRoute' }], false],
    ['the same kind in another group', 'TCPRoute', [{ group: 'example.io', kind: 'TCPRoute' }], false],
  ])('%s', (name, kind, kinds, published) => {
    const base = name.includes('TLS listener') ? { protocol: 'TLS', tls: TERMINATE } : HOME[kind];
    const listener = { ...base, ...(kinds ? { allowedRoutes: { kinds } } : {}) };
    const result = run(kind, [
      gateway([listener]),
      route(kind, { hostnames: ['app.example.com'], annotated: 'app.example.com' }),
    ]);
    expect(names(result)).toEqual(published ? ['app.example.com'] : []);
  });
});

describe('resource labels and the source each kind belongs to', () => {
  it.each<[GatewayRouteKind, string]>([
    ['GRPCRoute', 'grpcroute/shop/app'],
    ['TLSRoute', 'tlsroute/shop/app'],
    ['TCPRoute', 'tcproute/shop/app'],
    ['UDPRoute', 'udproute/shop/app'],
  ])('a %s owns its records as %s', (kind, label) => {
    const result = run(kind, [
      gateway([HOME[kind]]),
      route(kind, { hostnames: ['app.example.com'], annotated: 'app.example.com' }),
    ]);
    expect(summary(result)).toEqual([`app.example.com CNAME ${NLB}`]);
    expect(result.endpoints[0]?.labels).toEqual({ [LABEL_OWNER]: 'prod-eu-owner', [LABEL_RESOURCE]: label });
  });

  it('each source reads its own kind only', () => {
    const listeners: ListenerSpec[] = [
      { name: 'tcp', protocol: 'TCP' },
      { name: 'udp', protocol: 'UDP' },
      { name: 'tls', protocol: 'TLS', tls: PASSTHROUGH },
    ];
    const objects = [
      gateway(listeners),
      route('TCPRoute', { annotated: 'tcp.example.com' }),
      route('UDPRoute', { annotated: 'udp.example.com' }),
      route('TLSRoute', { hostnames: ['tls.example.com'] }),
    ];
    expect(names(run('TCPRoute', objects))).toEqual(['tcp.example.com']);
    expect(names(run('UDPRoute', objects))).toEqual(['udp.example.com']);
    expect(names(run('TLSRoute', objects))).toEqual(['tls.example.com']);
    expect(names(runSources(objects, { sources: ['gateway-tcproute', 'gateway-udproute'] }))).toEqual([
      'tcp.example.com',
      'udp.example.com',
    ]);
  });
});

describe('TLS hosts: only listeners that terminate TLS need a certificate', () => {
  it.each<[string, GatewayRouteKind, ListenerSpec, { host: string; secretName?: string }[]]>([
    [
      'a GRPCRoute through an HTTPS listener',
      'GRPCRoute',
      { protocol: 'HTTPS', tls: TERMINATE },
      [{ host: 'app.example.com', secretName: 'edge-tls' }],
    ],
    ['a GRPCRoute through an HTTP listener', 'GRPCRoute', { protocol: 'HTTP' }, []],
    [
      'a TLSRoute through a TLS listener in Passthrough: the backend holds it',
      'TLSRoute',
      { protocol: 'TLS', tls: PASSTHROUGH },
      [],
    ],
    [
      'a TLSRoute through a TLS listener that terminates',
      'TLSRoute',
      { protocol: 'TLS', tls: TERMINATE },
      [{ host: 'app.example.com', secretName: 'edge-tls' }],
    ],
    [
      'Terminate is the mode a TLS listener defaults to',
      'TLSRoute',
      { protocol: 'TLS', tls: { certificateRefs: [{ name: 'edge-tls' }] } },
      [{ host: 'app.example.com', secretName: 'edge-tls' }],
    ],
    [
      'a TCPRoute through a TLS listener that terminates (no Secret: ACM by hostname, say)',
      'TCPRoute',
      { protocol: 'TLS', tls: { mode: 'Terminate' } },
      [{ host: 'app.example.com' }],
    ],
    ['a TCPRoute through a TCP listener', 'TCPRoute', { protocol: 'TCP' }, []],
    ['a UDPRoute through a UDP listener', 'UDPRoute', { protocol: 'UDP' }, []],
  ])('%s', (_name, kind, listener, expected) => {
    const result = run(kind, [
      gateway([listener]),
      route(kind, { hostnames: ['app.example.com'], annotated: 'app.example.com' }),
    ]);
    expect(names(result)).toEqual(['app.example.com']);
    const resource = `${kind.toLowerCase()}/shop/app`;
    expect(result.tlsHosts).toEqual(expected.map((t) => ({ ...t, resource, cluster: 'prod-eu' })));
  });
});
