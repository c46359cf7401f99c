import { CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustEndpoints } from '../../shared/dns/alias.js';
import { planChanges } from '../../shared/dns/plan.js';
import { Route53Provider } from '../../shared/dns/route53.js';
import type { HostedZone } from '../../shared/dns/zones.js';
import { DomainFilter } from '../../shared/endpoint/domain-filter.js';
import type { Endpoint } from '../../shared/endpoint/endpoint.js';
import { planRegistryChanges, readOwnership } from '../../shared/registry/txt.js';
import { AnnotationReader, readEndpointSettings } from '../../shared/sources/annotations.js';
import { mergeWithinSource } from '../../shared/sources/merge.js';
import { type HeldName, ObjectOutput, resourceLabel } from '../../shared/sources/output.js';
import { type Route53Sandbox, startRoute53Sandbox, stopRoute53Sandbox } from '../support/route53-sandbox.js';

/**
 * Every batch the planner produces is one Route 53 accepts. Objects are generated the way clusters hold
 * them — names (some with a 62-character label, some 253-character object names), targets of every kind
 * (IPv4, IPv6, load balancers, other hostnames, several at once), routing annotations with and without a
 * set identifier — read by the sources' own readers, planned for two owners, and applied through the real
 * Route 53 adapter and SDK to the strict sandbox; then the world changes (annotations, targets, objects
 * gone) and the next pass is planned against what the zone holds. No change may be refused, ever.
 */

const PREFIX = 'external-dns.alpha.kubernetes.io/';
const ELBS = [
  'k8s-shop-alpha-0123456789.elb.eu-central-1.amazonaws.com',
  'k8s-shop-zulu-0123456789.elb.eu-central-1.amazonaws.com',
  'k8s-web-0123456789.eu-west-1.elb.amazonaws.com',
];
const TARGETS = ['192.0.2.1', '192.0.2.2', '2001:db8::1', ...ELBS, 'lb.example.net', 'other.example.org'];
const HOSTS = [
  'example.com',
  'a.example.com',
  'b.example.com',
  '*.c.example.com',
  `${'l'.repeat(62)}.example.com`,
  `${'m'.repeat(58)}.example.com`,
];
const OBJECT_NAMES = [
  'web',
  'api',
  ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.'),
];
const OWNERS = ['prod-eu', 'prod-us'];

const arbAnnotations = fc
  .record(
    {
      'set-identifier': fc.constantFrom('blue', 'green'),
      'aws-weight': fc.constantFrom('0', '10'),
      'aws-region': fc.constantFrom('eu-west-1', 'us-east-1'),
      'aws-failover': fc.constantFrom('PRIMARY', 'SECONDARY'),
      'aws-geolocation-country-code': fc.constantFrom('DE', '*'),
      'aws-multi-value-answer': fc.constant('true'),
      'aws-geoproximity-region': fc.constant('eu-west-1'),
      ttl: fc.constantFrom('60', '300'),
      alias: fc.constantFrom('true', 'false'),
    },
    { requiredKeys: [] },
  )
  .map((a) => Object.fromEntries(Object.entries(a).map(([k, v]) => [PREFIX + k, v])));

const arbObject = fc.record({
  kind: fc.constantFrom('service', 'ingress'),
  name: fc.constantFrom(...OBJECT_NAMES),
  hosts: fc.uniqueArray(fc.constantFrom(...HOSTS), { minLength: 1, maxLength: 2 }),
  targets: fc.uniqueArray(fc.constantFrom(...TARGETS), { minLength: 1, maxLength: 3 }),
  annotations: arbAnnotations,
});
type GenObject = typeof arbObject extends fc.Arbitrary<infer T> ? T : never;

/** One world: each owner's objects. */
const arbWorld = fc.tuple(fc.array(arbObject, { maxLength: 4 }), fc.array(arbObject, { maxLength: 4 }));

function sourcesOf(world: GenObject[][]): { desired: Endpoint[]; held: HeldName[] } {
  const desired: Endpoint[] = [];
  const held: HeldName[] = [];
  world.forEach((objects, i) => {
    const owner = OWNERS[i]!;
    const endpoints: Endpoint[] = [];
    for (const o of objects) {
      const out = new ObjectOutput(resourceLabel(o.kind, 'shop', o.name), owner, owner);
      const reader = new AnnotationReader(o.annotations, PREFIX, out.report);
      out.publish(o.hosts, o.targets, readEndpointSettings(reader, out.report));
      endpoints.push(...out.endpoints);
      held.push(...out.held);
    }
    desired.push(...mergeWithinSource(endpoints, () => {}));
  });
  return { desired, held };
}

describe('every batch the planner produces is one the sandbox accepts (property)', () => {
  let s: Route53Sandbox;
  let provider: Route53Provider;
  let zones = 0;

  beforeAll(async () => {
    s = await startRoute53Sandbox({ loadBalancers: ELBS });
    provider = new Route53Provider(s.client);
  });
  afterAll(async () => {
    await stopRoute53Sandbox(s);
  });

  async function pass(
    zone: HostedZone,
    world: GenObject[][],
  ): Promise<{ refused: string[]; groups: number }> {
    const { desired, held } = sourcesOf(world);
    const wanted = adjustEndpoints(desired, {
      preferCname: false,
      evaluateTargetHealth: true,
      zoneOf: () => undefined,
    });
    const registryOptions = { prefix: '', suffix: '', wildcardReplacement: '', zone: zone.name };
    const current = readOwnership(await provider.records(zone), registryOptions);
    const plan = planChanges({
      current: current.records,
      desired: wanted,
      policy: 'sync',
      managedRecordTypes: ['A', 'AAAA', 'CNAME', 'TXT'],
      excludeRecordTypes: [],
      domainFilter: new DomainFilter({ domainFilters: [] }),
      knownOwners: new Set(OWNERS),
      frozenOwners: new Set(),
      held,
      deletionGuard: { maxShare: 1, minRecords: 0, allow: true },
    });
    const { groups } = planRegistryChanges(plan, current.registry, registryOptions);
    const applied = await provider.applyChanges(zone, groups);
    const refused = applied.failed.map(
      (f) => `${f.change.action} ${f.change.endpoint.dnsName} ${f.change.endpoint.recordType}: ${f.error}`,
    );
    return { refused, groups: groups.length };
  }

  it('applies every change of two successive passes, whatever the objects say', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, arbWorld, async (before, after) => {
        zones += 1;
        const created = await s.client.send(
          new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `property-${zones}` }),
        );
        const zone: HostedZone = {
          id: created.HostedZone!.Id!.replace('/hostedzone/', ''),
          name: 'example.com',
          private: false,
          tags: {},
        };
        expect((await pass(zone, before)).refused).toEqual([]);
        expect((await pass(zone, after)).refused).toEqual([]);
        // Nothing left to do once a world has been applied: no change is sent again and again.
        expect(await pass(zone, after)).toEqual({ refused: [], groups: 0 });
      }),
      { numRuns: 100 },
    );
  });
});
