import { describe, expect, it } from 'vitest';
import { SERVICE_ENDPOINT_SLICES, SERVICE_NODES } from '../../../shared/sources/definitions/service.js';
import { endpointsFromObjects, type SourceResult } from '../../../shared/sources/index.js';
import type { KubernetesObject } from '../../../shared/sources/objects.js';
import { ALPHA, codes, config, heldNames, service, summary } from './helpers.js';

/**
 * ExternalDNS's NodePort and headless Service rules (source/service.go: extractNodePortTargets,
 * extractNodePortEndpoints, extractHeadlessEndpoints), from Nodes and EndpointSlices.
 */

function node(name: string, addresses: Record<string, string>, unschedulable = false): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: unschedulable ? { unschedulable: true } : {},
    status: { addresses: Object.entries(addresses).map(([address, type]) => ({ type, address })) },
  };
}

interface SliceEndpoint {
  ip: string;
  pod?: string;
  hostname?: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

function slice(
  serviceName: string,
  endpoints: SliceEndpoint[],
  o: { name?: string; namespace?: string; addressType?: string } = {},
): KubernetesObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: o.name ?? `${serviceName}-abcde`,
      namespace: o.namespace ?? 'shop',
      labels: { 'kubernetes.io/service-name': serviceName },
    },
    addressType: o.addressType ?? 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: {
        ready: e.ready ?? true,
        ...(e.serving !== undefined ? { serving: e.serving } : {}),
        ...(e.terminating !== undefined ? { terminating: e.terminating } : {}),
      },
      ...(e.hostname ? { hostname: e.hostname } : {}),
      ...(e.node ? { nodeName: e.node } : {}),
      targetRef: { kind: 'Pod', namespace: o.namespace ?? 'shop', name: e.pod ?? `pod-${e.ip}` },
    })),
  } as KubernetesObject;
}

function run(
  objects: KubernetesObject[],
  overrides: Record<string, unknown> = {},
  unreadable: string[] = [],
): SourceResult {
  return endpointsFromObjects(objects, {
    config: config(overrides),
    clusterName: 'prod-eu',
    ownerId: 'prod-eu-owner',
    unreadable,
  });
}

const HOST = { [`${ALPHA}hostname`]: 'shop.example.com' };
const nodePort = (extra: Record<string, string> = {}, spec: Record<string, unknown> = {}) =>
  service({
    annotations: { ...HOST, ...extra },
    spec: {
      type: 'NodePort',
      ports: [
        { name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' },
        { name: 'dns', port: 53, nodePort: 30053, protocol: 'UDP' },
      ],
      ...spec,
    },
    status: {},
  });
const headless = (extra: Record<string, string> = {}, spec: Record<string, unknown> = {}) =>
  service({
    name: 'db',
    annotations: { [`${ALPHA}hostname`]: 'db.example.com', ...extra },
    spec: { type: 'ClusterIP', clusterIP: 'None', ...spec },
    status: {},
  });

const NODES = [
  node('n1', { '10.0.0.1': 'InternalIP', '203.0.113.1': 'ExternalIP' }),
  node('n2', { '10.0.0.2': 'InternalIP', '203.0.113.2': 'ExternalIP' }),
  node('cordoned', { '10.0.0.9': 'InternalIP', '203.0.113.9': 'ExternalIP' }, true),
];
const PRIVATE_NODES = [node('n1', { '10.0.0.1': 'InternalIP' }), node('n2', { '10.0.0.2': 'InternalIP' })];

describe('NodePort Services', () => {
  it.each<[string, KubernetesObject, KubernetesObject[], string[]]>([
    [
      'node ExternalIPs, unschedulable nodes left out',
      nodePort(),
      NODES,
      ['shop.example.com A 203.0.113.1,203.0.113.2'],
    ],
    [
      'access: private → InternalIPs',
      nodePort({ [`${ALPHA}access`]: 'private' }),
      NODES,
      ['shop.example.com A 10.0.0.1,10.0.0.2'],
    ],
    [
      'no node with an ExternalIP → InternalIPs',
      nodePort(),
      PRIVATE_NODES,
      ['shop.example.com A 10.0.0.1,10.0.0.2'],
    ],
    [
      'externalTrafficPolicy Local → the nodes running ready pods only',
      nodePort({}, { externalTrafficPolicy: 'Local' }),
      [
        ...NODES,
        slice('web', [
          { ip: '10.1.0.1', node: 'n2' },
          { ip: '10.1.0.2', node: 'n1', ready: false },
        ]),
      ],
      ['shop.example.com A 203.0.113.2'],
    ],
    [
      'externalTrafficPolicy Local without ready pods → the nodes of serving terminating ones',
      nodePort({}, { externalTrafficPolicy: 'Local' }),
      [
        ...NODES,
        slice('web', [
          { ip: '10.1.0.1', node: 'n2', ready: false },
          { ip: '10.1.0.2', node: 'n1', ready: false, serving: true, terminating: true },
        ]),
      ],
      ['shop.example.com A 203.0.113.1'],
    ],
  ])('%s', (_t, svc, others, expected) => {
    const result = run([svc, ...others]);
    expect(summary(result)).toEqual(expected);
    expect(result.warnings).toEqual([]);
  });

  it('adds an SRV record per node port when SRV is managed, as ExternalDNS does', () => {
    const result = run([nodePort(), ...NODES], { managedRecordTypes: ['A', 'AAAA', 'CNAME', 'SRV'] });
    expect(summary(result)).toEqual([
      '_web._tcp.shop.example.com SRV 0 50 30080 shop.example.com.',
      '_web._udp.shop.example.com SRV 0 50 30053 shop.example.com.',
      'shop.example.com A 203.0.113.1,203.0.113.2',
    ]);
  });

  it('access: public with no ExternalIP anywhere: held, and says why', () => {
    const result = run([nodePort({ [`${ALPHA}access`]: 'public' }), ...PRIVATE_NODES]);
    expect(summary(result)).toEqual([]);
    expect(heldNames(result)).toEqual(['shop.example.com service/shop/web']);
    expect(codes(result)).toEqual(['missing-target spec.type']);
  });

  it('a bad access value is reported and read as unset', () => {
    const result = run([nodePort({ [`${ALPHA}access`]: 'internal' }), ...NODES]);
    expect(summary(result)).toEqual(['shop.example.com A 203.0.113.1,203.0.113.2']);
    expect(codes(result)).toEqual([`bad-annotation ${ALPHA}access`]);
  });

  it('nodes the cluster refused to list: held with a warning naming the list, never published empty', () => {
    const result = run([nodePort()], {}, ['nodes']);
    expect(summary(result)).toEqual([]);
    // Every record it owns, its SRV records included.
    expect(result.held).toEqual([
      {
        dnsName: 'shop.example.com',
        resource: 'service/shop/web',
        owner: 'prod-eu-owner',
        allOfResource: true,
      },
    ]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'unreadable-addresses', object: 'service/shop/web' }),
    ]);
    expect(result.warnings[0]?.message).toMatch(/nodes, which this cluster does not let the reconciler list/);
  });
});

describe('headless Services', () => {
  const pods = slice('db', [
    { ip: '10.1.0.1', hostname: 'db-0', node: 'n1' },
    { ip: '10.1.0.2', hostname: 'db-1', node: 'n2' },
    { ip: '10.1.0.3', node: 'n2', ready: false },
  ]);

  it('the name points at every ready pod; each pod with a hostname gets <hostname>.<name>', () => {
    const result = run([headless(), pods]);
    expect(summary(result)).toEqual([
      'db-0.db.example.com A 10.1.0.1',
      'db-1.db.example.com A 10.1.0.2',
      'db.example.com A 10.1.0.1,10.1.0.2',
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('publishNotReadyAddresses: not-ready pods too', () => {
    const result = run([headless({}, { publishNotReadyAddresses: true }), pods]);
    expect(summary(result)).toContain('db.example.com A 10.1.0.1,10.1.0.2,10.1.0.3');
  });

  it('endpoints-type NodeExternalIP / HostIP: the addresses of the pods’ nodes', () => {
    const external = run([headless({ [`${ALPHA}endpoints-type`]: 'NodeExternalIP' }), pods, ...NODES]);
    expect(summary(external)).toEqual([
      'db-0.db.example.com A 203.0.113.1',
      'db-1.db.example.com A 203.0.113.2',
      'db.example.com A 203.0.113.1,203.0.113.2',
    ]);
    const host = run([headless({ [`${ALPHA}endpoints-type`]: 'HostIP' }), pods, ...NODES]);
    expect(summary(host)).toContain('db.example.com A 10.0.0.1,10.0.0.2');
  });

  it('IPv6 slices give AAAA; a slice of another Service or namespace, or a non-pod endpoint, is not read', () => {
    const v6 = slice('db', [{ ip: '2001:db8::1' }], { name: 'db-v6', addressType: 'IPv6' });
    const otherNs = slice('db', [{ ip: '10.9.0.1' }], { namespace: 'other' });
    const otherSvc = slice('cache', [{ ip: '10.9.0.2' }]);
    const notPod = slice('db', [{ ip: '10.9.0.3' }], { name: 'db-manual' });
    (notPod as unknown as { endpoints: { targetRef?: unknown }[] }).endpoints[0]!.targetRef = undefined;
    const result = run([headless(), v6, otherNs, otherSvc, notPod]);
    expect(summary(result)).toEqual(['db.example.com AAAA 2001:db8::1']);
  });

  it('no ready pod: the name is held, not emptied', () => {
    const result = run([headless(), slice('db', [{ ip: '10.1.0.3', ready: false }])]);
    expect(summary(result)).toEqual([]);
    expect(heldNames(result)).toEqual(['db.example.com service/shop/db']);
    expect(codes(result)).toEqual(['missing-target spec.clusterIP']);
  });

  it('EndpointSlices the cluster refused to list: every record of the Service is held, per-pod ones too', () => {
    const result = run([headless(), pods], {}, ['endpointslices.discovery.k8s.io']);
    expect(summary(result)).toEqual([]);
    expect(result.held).toEqual([
      { dnsName: 'db.example.com', resource: 'service/shop/db', owner: 'prod-eu-owner', allOfResource: true },
    ]);
    expect(codes(result)).toEqual(['unreadable-addresses spec.type']);
  });
});

describe('what the service source lists for them', () => {
  const cfg = config({});
  it('Nodes only when an annotated NodePort (or node-addressed headless) Service exists', () => {
    expect(SERVICE_NODES.neededFor?.([service({ annotations: HOST })], cfg)).toBeUndefined();
    expect(SERVICE_NODES.neededFor?.([nodePort()], cfg)).toBe('');
    expect(SERVICE_NODES.neededFor?.([nodePort({ [`${ALPHA}target`]: '192.0.2.1' })], cfg)).toBeUndefined();
    expect(SERVICE_NODES.neededFor?.([headless()], cfg)).toBeUndefined();
    expect(SERVICE_NODES.neededFor?.([headless({ [`${ALPHA}endpoints-type`]: 'HostIP' })], cfg)).toBe('');
  });

  it('EndpointSlices only of the Services that need them, by label selector', () => {
    expect(
      SERVICE_ENDPOINT_SLICES.neededFor?.([nodePort(), service({ annotations: HOST })], cfg),
    ).toBeUndefined();
    expect(
      SERVICE_ENDPOINT_SLICES.neededFor?.(
        [
          headless(),
          nodePort({}, { externalTrafficPolicy: 'Local' }),
          service({ name: 'x', annotations: HOST }),
        ],
        cfg,
      ),
    ).toBe('kubernetes.io/service-name in (db,web)');
  });
});
