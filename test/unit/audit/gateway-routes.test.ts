import { describe, expect, it } from 'vitest';
import { coalesce } from '../../../shared/audit/coalesce.js';
import { batch, fixture } from './fixtures.js';

/**
 * Which route writes bound a partial pass by their bodies. Routes with spec.hostnames are bounded only
 * by concrete ones (coalesce.test.ts covers HTTPRoute); TCP and UDP routes have none and are named by
 * their hostname annotation alone, so that annotation bounds them unless a wildcard there can be
 * narrowed by a listener.
 */

const RESOURCES: Record<string, string> = {
  GRPCRoute: 'grpcroutes',
  TLSRoute: 'tlsroutes',
  TCPRoute: 'tcproutes',
  UDPRoute: 'udproutes',
};

function routeWrite(kind: string, body: { hostnames?: string[]; annotated?: string }) {
  const e = fixture('httproute-patch-metadata');
  const version = kind === 'GRPCRoute' ? 'v1' : 'v1alpha2';
  e.objectRef = { ...e.objectRef, resource: RESOURCES[kind] as string, apiVersion: version, name: 'app' };
  e.responseObject = {
    kind,
    metadata: {
      name: 'app',
      namespace: 'shop',
      ...(body.annotated
        ? { annotations: { 'external-dns.alpha.kubernetes.io/hostname': body.annotated } }
        : {}),
    },
    spec: { parentRefs: [{ name: 'edge' }], ...(body.hostnames ? { hostnames: body.hostnames } : {}) },
  };
  return coalesce([batch([e])]).touches[0];
}

describe('route writes and the partial pass', () => {
  it.each<[string, string, { hostnames?: string[]; annotated?: string }, string[], RegExp | undefined]>([
    [
      'a TCPRoute named by its annotation',
      'TCPRoute',
      { annotated: 'pg.example.com' },
      ['pg.example.com'],
      undefined,
    ],
    [
      'a UDPRoute named by its annotation',
      'UDPRoute',
      { annotated: 'dns.example.com' },
      ['dns.example.com'],
      undefined,
    ],
    ['a TCPRoute without the annotation publishes nothing to miss', 'TCPRoute', {}, [], undefined],
    [
      'a wildcard annotation a TLS listener may narrow',
      'TCPRoute',
      { annotated: '*.example.com' },
      ['*.example.com'],
      /wildcard hostname annotation/,
    ],
    [
      'a TLSRoute with concrete hostnames',
      'TLSRoute',
      { hostnames: ['db.example.com'] },
      ['db.example.com'],
      undefined,
    ],
    [
      'a TLSRoute with only the annotation also takes its listeners’ hostnames',
      'TLSRoute',
      { annotated: 'db.example.com' },
      ['db.example.com'],
      /takes its names from its Gateways/,
    ],
    ['a GRPCRoute without hostnames', 'GRPCRoute', {}, [], /takes its names from its Gateways/],
  ])('%s', (_name, kind, body, names, unbounded) => {
    const touch = routeWrite(kind, body);
    expect(touch?.objects).toEqual([{ kind, namespace: 'shop', name: 'app' }]);
    expect(touch?.names).toEqual(names);
    expect(touch?.unbounded).toEqual(unbounded ? [expect.stringMatching(unbounded)] : []);
  });
});
