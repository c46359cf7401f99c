import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config.js';
import { compileSourceFilters } from '../../../shared/sources/filters.js';
import { intersectHostnames } from '../../../shared/sources/gateway.js';
import type { KubernetesObject } from '../../../shared/sources/objects.js';
import type { SourceResult } from '../../../shared/sources/output.js';
import { ALPHA, codes, config, GA, heldNames, run as runSources, summary } from './helpers.js';

/** ExternalDNS's `gateway-httproute` source (source/gateway.go), one rule per table. */

const API = 'gateway.networking.k8s.io/v1';
const NLB = 'k8s-infra-edge-0123456789-abcdef0123456789.elb.eu-central-1.amazonaws.com';
const RESOURCE = 'httproute/shop/web';

interface ListenerSpec {
  name?: string;
  hostname?: unknown;
  protocol?: string;
  port?: number;
  allowedRoutes?: unknown;
  tls?: unknown;
}

interface GatewayOptions {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, unknown>;
  listeners?: ListenerSpec[];
  addresses?: unknown[] | undefined;
}

function gateway(o: GatewayOptions = {}): KubernetesObject {
  return {
    apiVersion: API,
    kind: 'Gateway',
    metadata: {
      name: o.name ?? 'edge',
      namespace: o.namespace ?? 'shop',
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.annotations ? { annotations: o.annotations as Record<string, string> } : {}),
    },
    spec: {
      gatewayClassName: 'aws-nlb',
      listeners: o.listeners ?? [{ name: 'http', protocol: 'HTTP', port: 80 }],
    },
    status:
      'addresses' in o && o.addresses === undefined
        ? {}
        : { addresses: o.addresses ?? [{ type: 'Hostname', value: NLB }] },
  };
}

type Ref = Record<string, unknown>;

interface RouteOptions {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, unknown>;
  hostnames?: unknown;
  parentRefs?: Ref[];
  /** `status.parents`; by default every parentRef is Accepted. */
  parents?: unknown[];
  generation?: number;
  deletionTimestamp?: string;
}

function accepted(ref: Ref, status = 'True', observedGeneration?: number) {
  return {
    parentRef: ref,
    controllerName: 'gateway.k8s.aws/nlb',
    conditions: [
      { type: 'Accepted', status, ...(observedGeneration !== undefined ? { observedGeneration } : {}) },
      { type: 'ResolvedRefs', status: 'True' },
    ],
  };
}

function route(o: RouteOptions = {}): KubernetesObject {
  const parentRefs = o.parentRefs ?? [{ name: 'edge' }];
  return {
    apiVersion: API,
    kind: 'HTTPRoute',
    metadata: {
      name: o.name ?? 'web',
      namespace: o.namespace ?? 'shop',
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.annotations ? { annotations: o.annotations as Record<string, string> } : {}),
      ...(o.generation !== undefined ? { generation: o.generation } : {}),
      ...(o.deletionTimestamp ? { deletionTimestamp: o.deletionTimestamp } : {}),
    } as KubernetesObject['metadata'],
    spec: {
      parentRefs,
      ...(o.hostnames !== undefined ? { hostnames: o.hostnames } : {}),
      rules: [{ backendRefs: [{ name: 'web', port: 8080 }] }],
    },
    status: { parents: o.parents ?? parentRefs.map((r) => accepted(r)) },
  };
}

function run(objects: unknown[], overrides: Record<string, unknown> = {}): SourceResult {
  return runSources(objects, { sources: ['gateway-httproute'], ...overrides });
}

/** The names published, whatever their targets. */
function names(result: SourceResult): string[] {
  return [...new Set(result.endpoints.map((e) => e.dnsName))];
}

describe('listener and route hostnames (gwMatchingHost)', () => {
  it.each<[string, string | undefined, string[] | undefined, string[]]>([
    [
      'a listener without hostname takes the route hostname',
      undefined,
      ['shop.example.com'],
      ['shop.example.com'],
    ],
    ['equal hostnames', 'shop.example.com', ['shop.example.com'], ['shop.example.com']],
    ['different hostnames do not match', 'api.example.com', ['shop.example.com'], []],
    ['a wildcard listener covers one label', '*.example.com', ['shop.example.com'], ['shop.example.com']],
    ['... and several labels', '*.example.com', ['a.shop.example.com'], ['a.shop.example.com']],
    ['... but not its own base', '*.example.com', ['example.com'], []],
    ['... nor another domain', '*.example.com', ['shop.example.org'], []],
    [
      'a wildcard route narrowed by a specific listener',
      'shop.example.com',
      ['*.example.com'],
      ['shop.example.com'],
    ],
    [
      'a wildcard route under a narrower wildcard listener',
      '*.shop.example.com',
      ['*.example.com'],
      ['*.shop.example.com'],
    ],
    [
      'a narrower wildcard route under a wildcard listener',
      '*.example.com',
      ['*.shop.example.com'],
      ['*.shop.example.com'],
    ],
    ['the same wildcard on both', '*.example.com', ['*.example.com'], ['*.example.com']],
    ['no route hostnames: the listener hostname', 'shop.example.com', undefined, ['shop.example.com']],
    [
      'no route hostnames: a wildcard listener publishes its wildcard',
      '*.example.com',
      [],
      ['*.example.com'],
    ],
    ['no hostname on either side: nothing to publish', undefined, undefined, []],
    [
      'case and trailing dots are normalized',
      'Shop.Example.COM.',
      ['SHOP.example.com'],
      ['shop.example.com'],
    ],
    [
      'each route hostname on its own',
      '*.example.com',
      ['a.example.com', 'b.example.org', 'c.example.com'],
      ['a.example.com', 'c.example.com'],
    ],
  ])('%s', (_name, listenerHost, hostnames, expected) => {
    const result = run([
      gateway({
        listeners: [{ name: 'http', protocol: 'HTTP', ...(listenerHost ? { hostname: listenerHost } : {}) }],
      }),
      route({ ...(hostnames !== undefined ? { hostnames } : {}) }),
    ]);
    expect(names(result)).toEqual(expected);
  });

  it.each<[string | undefined, string | undefined, string | undefined]>([
    [undefined, 'a.example.com', 'a.example.com'],
    ['a.example.com', undefined, 'a.example.com'],
    ['*.example.com', 'a.b.example.com', 'a.b.example.com'],
    ['a.b.example.com', '*.example.com', 'a.b.example.com'],
    ['*.example.com', '*.b.example.com', '*.b.example.com'],
    ['*.b.example.com', 'a.example.com', undefined],
    ['*.example.com', 'xexample.com', undefined],
    ['*.a.example.com', '*.b.example.com', undefined],
  ])('intersectHostnames(%s, %s) = %s', (listener, routeHost, expected) => {
    expect(intersectHostnames(listener, routeHost)).toBe(expected);
  });

  it('a route hostname no listener takes is reported, naming the field', () => {
    const result = run([
      gateway({ listeners: [{ name: 'http', protocol: 'HTTP', hostname: '*.example.com' }] }),
      route({ hostnames: ['shop.example.com', 'shop.example.org'] }),
    ]);
    expect(names(result)).toEqual(['shop.example.com']);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'unmatched-hostname',
        object: RESOURCE,
        field: 'spec.hostnames[1]',
        dnsName: 'shop.example.org',
        cluster: 'prod-eu',
      }),
    ]);
  });
});

describe('the hostname annotation on a route', () => {
  const listener = { name: 'http', protocol: 'HTTP', hostname: '*.example.com' };

  it.each<[string, RouteOptions, Record<string, unknown>, string[]]>([
    [
      'is added to spec.hostnames and narrowed the same way',
      { hostnames: ['a.example.com'], annotations: { [`${ALPHA}hostname`]: 'b.example.com, c.example.org' } },
      {},
      ['a.example.com', 'b.example.com'],
    ],
    [
      'not under another prefix than the configured one',
      { hostnames: ['a.example.com'], annotations: { [`${GA}hostname`]: 'b.example.com' } },
      {},
      ['a.example.com'],
    ],
    [
      'with no spec.hostnames, the listener hostname still counts (ExternalDNS adds "any")',
      { annotations: { [`${ALPHA}hostname`]: 'b.example.com' } },
      {},
      ['*.example.com', 'b.example.com'],
    ],
    [
      'ignoreHostnameAnnotation leaves it out',
      { hostnames: ['a.example.com'], annotations: { [`${ALPHA}hostname`]: 'b.example.com' } },
      { ignoreHostnameAnnotation: true },
      ['a.example.com'],
    ],
  ])('%s', (_name, routeOptions, overrides, expected) => {
    const result = run([gateway({ listeners: [listener] }), route(routeOptions)], overrides);
    expect(names(result)).toEqual(expected);
  });
});

describe('parents: parentRefs, sectionName, port, protocol', () => {
  const listeners: ListenerSpec[] = [
    { name: 'http', protocol: 'HTTP', port: 80, hostname: 'plain.example.com' },
    { name: 'https', protocol: 'HTTPS', port: 443, hostname: 'secure.example.com' },
    { name: 'tls', protocol: 'TLS', port: 8443, hostname: 'tls.example.com' },
    { name: 'tcp', protocol: 'TCP', port: 9000, hostname: 'tcp.example.com' },
  ];

  it.each<[string, Ref[], string[]]>([
    [
      'every HTTP and HTTPS listener without a sectionName',
      [{ name: 'edge' }],
      ['plain.example.com', 'secure.example.com'],
    ],
    ['sectionName picks one listener', [{ name: 'edge', sectionName: 'https' }], ['secure.example.com']],
    ['a sectionName no listener has: nothing', [{ name: 'edge', sectionName: 'admin' }], []],
    ['a TLS listener does not take an HTTPRoute', [{ name: 'edge', sectionName: 'tls' }], []],
    ['port picks the listeners on it', [{ name: 'edge', port: 80 }], ['plain.example.com']],
    ['sectionName and port must both fit', [{ name: 'edge', sectionName: 'https', port: 80 }], []],
    [
      'group and kind spelled out',
      [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', sectionName: 'http' }],
      ['plain.example.com'],
    ],
    ['a parent of another kind is not a Gateway', [{ group: 'example.io', kind: 'Mesh', name: 'edge' }], []],
    ['a Gateway that does not exist', [{ name: 'other' }], []],
    [
      'the namespace defaults to the route',
      [{ name: 'edge', namespace: 'shop', sectionName: 'http' }],
      ['plain.example.com'],
    ],
    ['a Gateway in another namespace is looked up there', [{ name: 'edge', namespace: 'infra' }], []],
  ])('%s', (_name, parentRefs, expected) => {
    const result = run([gateway({ listeners }), route({ parentRefs })]);
    expect(names(result)).toEqual(expected);
  });

  it('names through two Gateways take the targets of both', () => {
    const result = run([
      gateway({ name: 'a', addresses: [{ type: 'IPAddress', value: '192.0.2.1' }] }),
      gateway({
        name: 'b',
        addresses: [{ value: '192.0.2.2' }, { type: 'IPAddress', value: '2001:db8::2' }],
      }),
      route({ hostnames: ['shop.example.com'], parentRefs: [{ name: 'a' }, { name: 'b' }] }),
    ]);
    expect(summary(result)).toEqual([
      'shop.example.com A 192.0.2.1,192.0.2.2',
      'shop.example.com AAAA 2001:db8::2',
    ]);
  });
});

describe('the Accepted condition in status.parents', () => {
  const ref = { name: 'edge', sectionName: 'http' };
  const other = { name: 'edge', sectionName: 'other' };

  it.each<[string, Omit<RouteOptions, 'parentRefs'>, string[], string[]]>([
    ['Accepted True: published', { parents: [accepted(ref)] }, ['shop.example.com'], []],
    ['Accepted False: nothing', { parents: [accepted(ref, 'False')] }, [], []],
    ['Accepted Unknown: nothing', { parents: [accepted(ref, 'Unknown')] }, [], []],
    ['no status yet: nothing', { parents: [] }, [], []],
    ['accepted for another parentRef only: nothing', { parents: [accepted(other)] }, [], []],
    [
      'no Accepted condition: nothing',
      { parents: [{ parentRef: ref, conditions: [{ type: 'ResolvedRefs', status: 'True' }] }] },
      [],
      [],
    ],
    [
      'accepted in the current generation',
      { generation: 3, parents: [accepted(ref, 'True', 3)] },
      ['shop.example.com'],
      [],
    ],
    [
      'accepted in an older generation: held while the controller catches up',
      { generation: 4, parents: [accepted(ref, 'True', 3)] },
      [],
      [`shop.example.com ${RESOURCE}`],
    ],
  ])('%s', (_name, options, published, held) => {
    const result = run([
      gateway(),
      route({ hostnames: ['shop.example.com'], parentRefs: [ref], ...options }),
    ]);
    expect(names(result)).toEqual(published);
    expect(heldNames(result)).toEqual(held);
    expect(result.warnings).toEqual([]);
  });
});

describe('listener allowedRoutes', () => {
  it.each<[string, string, unknown, boolean]>([
    ['Same by default: the route in the Gateway namespace', 'shop', undefined, true],
    ['Same by default: a route elsewhere is refused', 'blog', undefined, false],
    ['Same spelled out', 'blog', { namespaces: { from: 'Same' } }, false],
    ['All', 'blog', { namespaces: { from: 'All' } }, true],
    [
      'Selector: left to the controller (its Accepted condition)',
      'blog',
      { namespaces: { from: 'Selector', selector: { matchLabels: { edge: 'yes' } } } },
      true,
    ],
    ['an unknown from value refuses', 'shop', { namespaces: { from: 'Nearby' } }, false],
    ['kinds naming HTTPRoute', 'shop', { kinds: [{ kind: 'HTTPRoute' }] }, true],
    [
      'kinds naming HTTPRoute with its group',
      'shop',
      { kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] },
      true,
    ],
    ['kinds without HTTPRoute refuse', 'shop', { kinds: [{ kind: 'GRPCRoute' }] }, false],
  ])('%s', (_name, namespace, allowedRoutes, published) => {
    const result = run([
      gateway({
        listeners: [{ name: 'http', protocol: 'HTTP', ...(allowedRoutes ? { allowedRoutes } : {}) }],
      }),
      route({
        namespace,
        hostnames: ['shop.example.com'],
        parentRefs: [{ name: 'edge', namespace: 'shop' }],
      }),
    ]);
    expect(names(result)).toEqual(published ? ['shop.example.com'] : []);
  });
});

describe('targets: the Gateway addresses, or its target annotation', () => {
  it.each<[string, GatewayOptions, string[]]>([
    [
      'a Hostname address (an NLB): CNAME, an alias in Route 53',
      { addresses: [{ type: 'Hostname', value: NLB }] },
      [`shop.example.com CNAME ${NLB}`],
    ],
    [
      'an IPAddress: A',
      { addresses: [{ type: 'IPAddress', value: '192.0.2.10' }] },
      ['shop.example.com A 192.0.2.10'],
    ],
    [
      'an untyped address is an IPAddress',
      { addresses: [{ value: '192.0.2.10' }] },
      ['shop.example.com A 192.0.2.10'],
    ],
    [
      'IPv4 and IPv6: A and AAAA',
      {
        addresses: [
          { type: 'IPAddress', value: '192.0.2.10' },
          { type: 'IPAddress', value: '2001:DB8::10' },
        ],
      },
      ['shop.example.com A 192.0.2.10', 'shop.example.com AAAA 2001:db8::10'],
    ],
    [
      'the Gateway target annotation replaces the addresses',
      { annotations: { [`${ALPHA}target`]: 'edge.example.net.' } },
      ['shop.example.com CNAME edge.example.net'],
    ],
    [
      'the target annotation also works without any address',
      { annotations: { [`${ALPHA}target`]: '198.51.100.1,198.51.100.2' }, addresses: undefined },
      ['shop.example.com A 198.51.100.1,198.51.100.2'],
    ],
  ])('%s', (_name, gatewayOptions, expected) => {
    const result = run([gateway(gatewayOptions), route({ hostnames: ['shop.example.com'] })]);
    expect(summary(result)).toEqual(expected);
    expect(result.warnings).toEqual([]);
  });

  it('a target annotation on the route is ignored, as ExternalDNS ignores it, and said so', () => {
    const result = run([
      gateway(),
      route({ hostnames: ['shop.example.com'], annotations: { [`${ALPHA}target`]: 'not a target!' } }),
    ]);
    expect(summary(result)).toEqual([`shop.example.com CNAME ${NLB}`]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'ignored-annotation', object: RESOURCE, field: `${ALPHA}target` }),
    ]);
  });

  it('ExternalDNS endpoint labels and route annotations (ttl, set-identifier, aws-weight) shape the records', () => {
    const result = run([
      gateway({ addresses: [{ type: 'IPAddress', value: '192.0.2.10' }] }),
      route({
        hostnames: ['shop.example.com'],
        annotations: {
          [`${ALPHA}ttl`]: '1m',
          [`${ALPHA}set-identifier`]: 'blue',
          [`${ALPHA}aws-weight`]: '20',
        },
      }),
    ]);
    expect(result.endpoints).toEqual([
      expect.objectContaining({
        dnsName: 'shop.example.com',
        recordType: 'A',
        targets: ['192.0.2.10'],
        ttl: 60,
        setIdentifier: 'blue',
        labels: { owner: 'prod-eu-owner', resource: RESOURCE },
        properties: { weight: 20 },
      }),
    ]);
  });
});

describe('held, never deleted, while a Gateway cannot say where its names point', () => {
  it.each<[string, GatewayOptions, string[]]>([
    ['no status yet', { addresses: undefined }, []],
    ['no addresses yet', { addresses: [] }, []],
    [
      'only a NamedAddress',
      { addresses: [{ type: 'NamedAddress', value: 'edge-pool' }] },
      ['ignored-address status.addresses[0].type'],
    ],
    [
      'an address that is no target',
      { addresses: [{ type: 'Hostname', value: 'bad name.example.com' }] },
      ['invalid-target status.addresses[0].value'],
    ],
    [
      'a bad target annotation on the Gateway',
      { annotations: { [`${ALPHA}target`]: '*.example.net' } },
      [`bad-annotation ${ALPHA}target`],
    ],
  ])('%s', (_name, gatewayOptions, warnings) => {
    const result = run([gateway(gatewayOptions), route({ hostnames: ['shop.example.com'] })]);
    expect(summary(result)).toEqual([]);
    expect(heldNames(result)).toEqual([`shop.example.com ${RESOURCE}`]);
    expect(codes(result)).toEqual(warnings);
    // A Gateway's problem is the Gateway's: the warning names it.
    for (const w of result.warnings) expect(w.object).toBe('gateway/shop/edge');
  });

  it('a name two Gateways serve is held when one of them has no address', () => {
    const result = run([
      gateway({ name: 'a' }),
      gateway({
        name: 'b',
        addresses: [],
        listeners: [{ name: 'http', protocol: 'HTTP', hostname: 'shop.example.com' }],
      }),
      route({
        hostnames: ['shop.example.com', 'only-a.example.com'],
        parentRefs: [{ name: 'a' }, { name: 'b' }],
      }),
    ]);
    expect(summary(result)).toEqual([`only-a.example.com CNAME ${NLB}`]);
    expect(heldNames(result)).toEqual([`shop.example.com ${RESOURCE}`]);
  });
});

describe('filters', () => {
  const objects = () => [
    gateway({ name: 'public', labels: { exposure: 'public' } }),
    gateway({
      name: 'internal',
      namespace: 'infra',
      labels: { exposure: 'internal' },
      listeners: [{ name: 'http', protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }],
    }),
    route({ name: 'a', hostnames: ['a.example.com'], parentRefs: [{ name: 'public' }] }),
    route({
      name: 'b',
      hostnames: ['b.example.com'],
      parentRefs: [{ name: 'internal', namespace: 'infra' }],
    }),
    route({
      name: 'c',
      namespace: 'blog',
      labels: { team: 'blog' },
      hostnames: ['c.example.com'],
      parentRefs: [{ name: 'internal', namespace: 'infra' }],
    }),
  ];

  it.each<[string, Record<string, unknown>, string[]]>([
    ['none', {}, ['a.example.com', 'b.example.com', 'c.example.com']],
    ['gatewayName', { gatewayName: 'public' }, ['a.example.com']],
    ['gatewayNamespace', { gatewayNamespace: 'infra' }, ['b.example.com', 'c.example.com']],
    ['gatewayLabelFilter', { gatewayLabelFilter: 'exposure=public' }, ['a.example.com']],
    [
      'gatewayLabelFilter, set-based',
      { gatewayLabelFilter: 'exposure notin (public)' },
      ['b.example.com', 'c.example.com'],
    ],
    ['namespace (of routes, not Gateways)', { namespace: ['blog'] }, ['c.example.com']],
    ['labelFilter (on routes)', { labelFilter: 'team=blog' }, ['c.example.com']],
    ['the source not enabled', { sources: ['service', 'ingress'] }, []],
  ])('%s', (_name, overrides, expected) => {
    expect(names(run(objects(), overrides))).toEqual(expected);
  });

  it.each<[string, RouteOptions]>([
    ['annotationFilter', { annotations: { 'team.example.com/dns': 'no' } }],
    ['another controller', { annotations: { [`${ALPHA}controller`]: 'someone-else' } }],
    ['a route being deleted', { deletionTimestamp: '2030-01-01T00:00:00Z' }],
  ])('%s leaves the route out', (_name, options) => {
    const result = run([gateway(), route({ hostnames: ['shop.example.com'], ...options })], {
      annotationFilter: 'team.example.com/dns!=no',
    });
    expect(names(result)).toEqual([]);
    expect(heldNames(result)).toEqual([]);
  });

  it('a gatewayLabelFilter that does not parse is a config error naming the field', () => {
    expect(() => compileSourceFilters(config({ gatewayLabelFilter: 'a in' }))).toThrow(ConfigError);
    expect(() => compileSourceFilters(config({ gatewayLabelFilter: 'a in' }))).toThrow(
      /^gatewayLabelFilter: /,
    );
  });
});

describe('bad input: a warning naming the object and the field, that endpoint only', () => {
  it.each<[string, Partial<RouteOptions>, string[], string[], string[]]>([
    [
      'a hostname that is not a string',
      { hostnames: ['shop.example.com', 7] },
      ['shop.example.com'],
      [],
      ['invalid-hostname spec.hostnames[1]'],
    ],
    [
      'an invalid hostname',
      { hostnames: ['bad_name!.example.com', 'shop.example.com'] },
      ['shop.example.com'],
      [],
      ['invalid-hostname spec.hostnames[0]'],
    ],
    [
      'an IP address as hostname',
      { hostnames: ['192.0.2.1', 'shop.example.com'] },
      ['shop.example.com'],
      [],
      ['invalid-hostname spec.hostnames[0]'],
    ],
    [
      'hostnames that are not a list',
      { hostnames: 'shop.example.com' },
      [],
      [],
      ['invalid-hostname spec.hostnames'],
    ],
    [
      'a bad hostname annotation value',
      { hostnames: ['shop.example.com'], annotations: { [`${ALPHA}hostname`]: 'a..example.com' } },
      ['shop.example.com'],
      [],
      [`bad-annotation ${ALPHA}hostname`],
    ],
    [
      'a hostname annotation that is not a string',
      { hostnames: ['shop.example.com'], annotations: { [`${ALPHA}hostname`]: { name: 'x' } } },
      ['shop.example.com'],
      [],
      [`bad-annotation ${ALPHA}hostname`],
    ],
    [
      'a bad ttl holds the names',
      { hostnames: ['shop.example.com'], annotations: { [`${ALPHA}ttl`]: 'ten' } },
      [],
      [`shop.example.com ${RESOURCE}`],
      [`bad-annotation ${ALPHA}ttl`],
    ],
    [
      'a parentRef without a name',
      { hostnames: ['shop.example.com'], parentRefs: [{ sectionName: 'http' }, { name: 'edge' }] },
      ['shop.example.com'],
      [],
      ['bad-object spec.parentRefs[0]'],
    ],
  ])('%s', (_name, options, published, held, warnings) => {
    const result = run([gateway(), route(options)]);
    expect(names(result)).toEqual(published);
    expect(heldNames(result)).toEqual(held);
    expect(codes(result)).toEqual(warnings);
    for (const w of result.warnings) expect(w).toMatchObject({ object: RESOURCE, cluster: 'prod-eu' });
  });

  it.each<[string, ListenerSpec | string, string]>([
    [
      'a listener hostname that is not a string',
      { name: 'odd', protocol: 'HTTP', hostname: 5 },
      'invalid-hostname spec.listeners[0].hostname',
    ],
    [
      'an invalid listener hostname',
      { name: 'odd', protocol: 'HTTP', hostname: 'a..b' },
      'invalid-hostname spec.listeners[0].hostname',
    ],
    ['a listener without a protocol', { name: 'odd' }, 'bad-object spec.listeners[0]'],
    ['a listener that is not an object', 'http', 'bad-object spec.listeners[0]'],
  ])(
    '%s: the Gateway is warned about and the listener skipped, never widened to any hostname',
    (_name, bad, warning) => {
      const result = run([
        gateway({
          listeners: [bad as ListenerSpec, { name: 'http', protocol: 'HTTP', hostname: 'shop.example.com' }],
        }),
        route(),
      ]);
      expect(names(result)).toEqual(['shop.example.com']);
      expect(codes(result)).toEqual([warning]);
      expect(result.warnings[0]).toMatchObject({ object: 'gateway/shop/edge', cluster: 'prod-eu' });
    },
  );

  it('a Gateway without a name is reported and skipped', () => {
    const nameless = gateway();
    (nameless.metadata as { name?: string }).name = undefined;
    const result = run([nameless, route({ hostnames: ['shop.example.com'] })]);
    expect(names(result)).toEqual([]);
    expect(codes(result)).toEqual(['bad-object metadata']);
  });
});

describe('TLS hosts for the certificate planner', () => {
  it.each<[string, ListenerSpec, { host: string; secretName?: string }[]]>([
    [
      'an HTTPS listener terminating TLS (mode defaults to Terminate), with its Secret',
      {
        name: 'https',
        protocol: 'HTTPS',
        hostname: '*.example.com',
        tls: { certificateRefs: [{ kind: 'Secret', name: 'shop-tls' }] },
      },
      [{ host: 'shop.example.com', secretName: 'shop-tls' }],
    ],
    [
      'mode Terminate without certificateRefs',
      { name: 'https', protocol: 'HTTPS', tls: { mode: 'Terminate' } },
      [{ host: 'shop.example.com' }],
    ],
    [
      'mode Passthrough: the backend holds the certificate',
      { name: 'https', protocol: 'HTTPS', tls: { mode: 'Passthrough' } },
      [],
    ],
    ['plain HTTP', { name: 'http', protocol: 'HTTP' }, []],
  ])('%s', (_name, listener, expected) => {
    const result = run([gateway({ listeners: [listener] }), route({ hostnames: ['shop.example.com'] })]);
    expect(names(result)).toEqual(['shop.example.com']);
    expect(result.tlsHosts).toEqual(expected.map((t) => ({ ...t, resource: RESOURCE, cluster: 'prod-eu' })));
  });

  it('a name held for want of an address still asks for its certificate', () => {
    const result = run([
      gateway({ addresses: [], listeners: [{ name: 'https', protocol: 'HTTPS' }] }),
      route({ hostnames: ['shop.example.com'] }),
    ]);
    expect(heldNames(result)).toEqual([`shop.example.com ${RESOURCE}`]);
    expect(result.tlsHosts.map((t) => t.host)).toEqual(['shop.example.com']);
  });
});
