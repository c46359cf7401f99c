import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesce } from '../../../shared/audit/coalesce.js';
import type { AuditEvent } from '../../../shared/audit/decode.js';
import { parseConfig } from '../../../shared/config.js';
import { batch, type FixtureName, fixture } from './fixtures.js';

const SHOP_INGRESS = { kind: 'Ingress', namespace: 'shop', name: 'shop' };
const WEB_SERVICE = { kind: 'Service', namespace: 'shop', name: 'web' };
const INGRESS_NAMES = ['api.shop.example.com', 'promo.example.com', 'shop.example.com'];

function touchOf(...names: FixtureName[]) {
  const result = coalesce([batch(names.map(fixture))]);
  return { touch: result.touches[0], result };
}

describe('coalesce', () => {
  it('joins a create and its status patch into one touched Service with its annotated names', () => {
    const { touch } = touchOf('service-create', 'service-status-patch');
    expect(touch).toEqual({
      cluster: 'prod-eu',
      objects: [WEB_SERVICE],
      names: ['web.example.com', 'www.example.com'],
      unbounded: [],
      writes: 2,
    });
  });

  it('counts a repeated event as a write but touches the object once', () => {
    const { touch } = touchOf('service-status-patch', 'service-status-patch', 'service-status-patch');
    expect(touch?.objects).toEqual([WEB_SERVICE]);
    expect(touch?.writes).toBe(3);
  });

  it('gives no touch for a batch with nothing relevant, and counts why', () => {
    const { result } = touchOf(
      'service-get',
      'service-proxy',
      'configmap-update',
      'ingress-update-conflict',
      'service-create-dry-run',
      'service-create-request-received',
    );
    expect(result.touches).toEqual([]);
    expect(result.ignored).toEqual({
      verb: 1,
      subresource: 1,
      resource: 1,
      failed: 1,
      'dry-run': 1,
      stage: 1,
    });
  });

  it('finds a deleted Ingress names when the delete answers with the object (it had finalizers)', () => {
    const { touch } = touchOf('ingress-delete-finalizer');
    expect(touch).toMatchObject({ objects: [SHOP_INGRESS], names: INGRESS_NAMES, unbounded: [] });
  });

  it('marks the cluster unbounded when a delete answers with a Status and nothing earlier showed the object', () => {
    const { touch } = touchOf('ingress-delete-status');
    expect(touch?.objects).toEqual([SHOP_INGRESS]);
    expect(touch?.names).toEqual([]);
    expect(touch?.unbounded).toEqual([expect.stringContaining('delete of ingress/shop/shop')]);
  });

  it('bounds a delete answered by a Status when an earlier event of the batch showed the object', () => {
    const update = {
      ...fixture('ingress-delete-finalizer'),
      verb: 'update',
      responseObject: fixture('ingress-delete-finalizer').responseObject,
    };
    const result = coalesce([batch([update, fixture('ingress-delete-status')])]);
    expect(result.touches[0]).toMatchObject({ objects: [SHOP_INGRESS], names: INGRESS_NAMES, unbounded: [] });
  });

  it('create then delete in one batch: one object, the names the create showed, no full pass', () => {
    const create = fixture('service-create');
    const del: AuditEvent = {
      ...fixture('ingress-delete-status'),
      requestURI: '/api/v1/namespaces/shop/services/web',
      objectRef: { resource: 'services', namespace: 'shop', name: 'web', apiVersion: 'v1' },
    };
    const result = coalesce([batch([create, del])]);
    expect(result.touches[0]).toMatchObject({
      objects: [WEB_SERVICE],
      names: ['web.example.com', 'www.example.com'],
      unbounded: [],
      writes: 2,
    });
  });

  it('delete (Status) then re-create: the old names are unknown even though the new body is seen', () => {
    const del: AuditEvent = {
      ...fixture('ingress-delete-status'),
      requestURI: '/api/v1/namespaces/shop/services/web',
      objectRef: { resource: 'services', namespace: 'shop', name: 'web', apiVersion: 'v1' },
    };
    const result = coalesce([batch([del, fixture('service-create')])]);
    expect(result.touches[0]?.unbounded).toHaveLength(1);
    expect(result.touches[0]?.names).toEqual(['web.example.com', 'www.example.com']);
  });

  it('takes the objects and names of a deletecollection from the deleted list', () => {
    const { touch } = touchOf('ingress-deletecollection');
    expect(touch).toMatchObject({ objects: [SHOP_INGRESS], names: INGRESS_NAMES, unbounded: [] });
  });

  it('marks a deletecollection without the deleted list unbounded', () => {
    const e = {
      ...fixture('ingress-deletecollection'),
      level: 'Metadata' as const,
      responseObject: undefined,
      requestObject: undefined,
    };
    const result = coalesce([batch([e])]);
    expect(result.touches[0]).toMatchObject({
      objects: [],
      unbounded: [expect.stringMatching(/deletecollection of Ingress in namespace shop/)],
    });
  });

  it('touches an object written at Metadata level without names (the listing finds its current ones)', () => {
    const { touch } = touchOf('httproute-patch-metadata');
    expect(touch).toMatchObject({
      objects: [{ kind: 'HTTPRoute', namespace: 'shop', name: 'checkout' }],
      names: [],
      unbounded: [],
    });
  });

  describe('Gateway API writes whose names live elsewhere', () => {
    const route = (hostnames: unknown) => {
      const e = fixture('httproute-patch-metadata');
      e.responseObject = {
        kind: 'HTTPRoute',
        metadata: { name: 'checkout', namespace: 'shop' },
        spec: { ...(hostnames === undefined ? {} : { hostnames }) },
      };
      return e;
    };
    const unboundedOf = (e: AuditEvent) => coalesce([batch([e])]).touches[0]?.unbounded;

    it.each<[string, unknown, boolean]>([
      ['concrete hostnames bound the pass', ['checkout.example.com'], false],
      ['no hostnames: the listeners name it', undefined, true],
      ['empty hostnames: the listeners name it', [], true],
      ['a wildcard hostname: the listeners narrow it', ['*.example.com'], true],
    ])('an HTTPRoute with %s', (_, hostnames, unbounded) => {
      expect(unboundedOf(route(hostnames))).toEqual(
        unbounded ? [expect.stringContaining('takes its names from its Gateways')] : [],
      );
    });

    it('a Gateway write (its address arriving, say) needs the whole cluster', () => {
      const e = fixture('httproute-patch-metadata');
      e.objectRef = { ...e.objectRef, resource: 'gateways', name: 'edge', subresource: 'status' };
      expect(unboundedOf(e)).toEqual([expect.stringContaining('routes behind a Gateway')]);
    });
  });

  describe('the traefikService (Traefik behind its own load balancer)', () => {
    const config = parseConfig({ sources: ['traefik-proxy'], traefikService: 'traefik/traefik' });
    const statusWrite = (namespace: string, name: string) => {
      const e = fixture('service-status-patch');
      e.objectRef = { ...e.objectRef, resource: 'services', namespace, name, subresource: 'status' };
      return e;
    };

    it('a write to it needs the whole cluster: the routes pointing at it are not named', () => {
      const [touch] = coalesce([batch([statusWrite('traefik', 'traefik')])], { config }).touches;
      expect(touch?.unbounded).toEqual([
        expect.stringContaining('IngressRoutes pointing at the traefikService'),
      ]);
    });

    it('a write to another Service stays bounded by its own names', () => {
      const [touch] = coalesce([batch([statusWrite('shop', 'web')])], { config }).touches;
      expect(touch?.unbounded).toEqual([]);
    });

    it('without the config it is a Service like any other', () => {
      const [touch] = coalesce([batch([statusWrite('traefik', 'traefik')])]).touches;
      expect(touch?.unbounded).toEqual([]);
    });
  });

  it('takes a create name from the response when objectRef has none (generateName)', () => {
    const e = fixture('service-create');
    e.objectRef = { resource: 'services', namespace: 'shop', apiVersion: 'v1' };
    expect(coalesce([batch([e])]).touches[0]?.objects).toEqual([WEB_SERVICE]);
  });

  it('marks a write that names no object anywhere unbounded', () => {
    const e = {
      ...fixture('service-create'),
      level: 'Metadata' as const,
      requestObject: undefined,
      responseObject: undefined,
    };
    e.objectRef = { resource: 'services', namespace: 'shop', apiVersion: 'v1' };
    expect(coalesce([batch([e])]).touches[0]?.unbounded).toEqual([
      expect.stringMatching(/create of a Service in namespace shop names no object/),
    ]);
  });

  it('keeps clusters apart and sorts everything', () => {
    const result = coalesce([
      batch([fixture('service-create'), fixture('ingress-delete-finalizer')], 'zeta'),
      batch([fixture('httproute-patch-metadata')], 'alpha'),
      batch([fixture('service-status-patch')], 'zeta'),
    ]);
    expect(result.touches.map((t) => [t.cluster, t.objects.map((o) => o.kind), t.writes])).toEqual([
      ['alpha', ['HTTPRoute'], 1],
      ['zeta', ['Ingress', 'Service'], 3],
    ]);
    expect(result.touches[1]?.names).toEqual([...INGRESS_NAMES, 'web.example.com', 'www.example.com'].sort());
  });

  it('reads hostname annotations only under the prefixes asked for', () => {
    const result = coalesce([batch([fixture('ingress-delete-finalizer')])], {
      annotationPrefixes: ['external-dns.alpha.kubernetes.io/'],
    });
    expect(result.touches[0]?.names).toEqual(['api.shop.example.com', 'shop.example.com']);
  });

  it('does not depend on how a batch is split, and touches each written object once', () => {
    const names: FixtureName[] = [
      'service-create',
      'service-status-patch',
      'ingress-delete-finalizer',
      'httproute-patch-metadata',
      'service-get',
      'ingress-deletecollection',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (picked, cut) => {
          const events = picked.map(fixture);
          const at = cut % (events.length + 1);
          const whole = coalesce([batch(events)]);
          const split = coalesce([batch(events.slice(0, at)), batch(events.slice(at))]);
          expect(split.touches.map((t) => [t.objects, t.names, t.writes])).toEqual(
            whole.touches.map((t) => [t.objects, t.names, t.writes]),
          );
          const keys = whole.touches.flatMap((t) =>
            t.objects.map((o) => `${o.kind}/${o.namespace}/${o.name}`),
          );
          expect(new Set(keys).size).toBe(keys.length);
        },
      ),
    );
  });
});
