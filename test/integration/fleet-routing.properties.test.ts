import { CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../shared/config.js';
import { adjustEndpoints } from '../../shared/dns/alias.js';
import type { FleetMember } from '../../shared/dns/fleet-routing.js';
import { planChanges } from '../../shared/dns/plan.js';
import { Route53Provider } from '../../shared/dns/route53.js';
import type { HostedZone } from '../../shared/dns/zones.js';
import { DomainFilter } from '../../shared/endpoint/domain-filter.js';
import { type Endpoint, newEndpoint } from '../../shared/endpoint/endpoint.js';
import { planRegistryChanges, readOwnership } from '../../shared/registry/txt.js';
import { type Route53Sandbox, startRoute53Sandbox, stopRoute53Sandbox } from '../support/route53-sandbox.js';

/**
 * Fleet routing over random steps, against the strict sandbox through the real adapter and SDK. A step is
 * a fleet — which clusters publish which names, to what, with which weight, role and drain, which cluster
 * failed — and a policy per domain. For every step:
 * - each routed name and type's changes are one change group, and each group applied alone is accepted
 *   (a move never needs two batches, so it never leaves the name half moved);
 * - a name never drops to zero members because of doubt: a failed cluster's member stays, and a name some
 *   cluster still publishes keeps at least one member, drained or not;
 * - planning again against what the zone then holds changes nothing.
 */

const ELBS = [
  'k8s-a-0123456789.elb.eu-west-1.amazonaws.com',
  'k8s-b-0123456789.elb.eu-west-1.amazonaws.com',
  'k8s-c-0123456789.elb.us-east-1.amazonaws.com',
];
const TARGETS = [...ELBS, '192.0.2.1', '192.0.2.2'];
const NAMES = ['api.fleet.example.com', 'www.fleet.example.com', 'fleet.example.com'];
const CLUSTERS = [
  { owner: 'eu-a', region: 'eu-west-1' },
  { owner: 'eu-b', region: 'eu-west-1' },
  { owner: 'us', region: 'us-east-1' },
];

const arbMember = fc.record({
  names: fc.subarray(NAMES),
  target: fc.constantFrom(...TARGETS),
  weight: fc.integer({ min: 0, max: 3 }),
  failover: fc.constantFrom<FleetMember['failover']>('PRIMARY', 'SECONDARY', undefined),
  drain: fc.boolean(),
  failed: fc.boolean(),
});
const arbStep = fc.record({
  members: fc.tuple(arbMember, arbMember, arbMember),
  policy: fc.constantFrom<Config['fleetRouting'][number]['policy']>('weighted', 'latency', 'failover'),
});
type Step = typeof arbStep extends fc.Arbitrary<infer T> ? T : never;

describe('fleet routing over random steps (property, sandbox)', () => {
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

  const registryOptions = (zone: HostedZone) => ({
    prefix: '',
    suffix: '',
    wildcardReplacement: '',
    zone: zone.name,
  });

  function desiredOf(step: Step): Endpoint[] {
    const desired = step.members.flatMap((m, i) =>
      m.failed
        ? []
        : m.names.map((name) =>
            newEndpoint(name, m.target.startsWith('k8s') ? 'CNAME' : 'A', [m.target], {
              labels: { owner: CLUSTERS[i]!.owner, resource: 'service/shop/api' },
            }),
          ),
    );
    return adjustEndpoints(desired, {
      preferCname: false,
      evaluateTargetHealth: false,
      zoneOf: () => undefined,
    });
  }

  async function plan(zone: HostedZone, step: Step) {
    const read = readOwnership(await provider.records(zone), registryOptions(zone));
    const failed = new Set(step.members.flatMap((m, i) => (m.failed ? [CLUSTERS[i]!.owner] : [])));
    const result = planChanges({
      current: read.records,
      desired: desiredOf(step),
      policy: 'sync',
      managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      excludeRecordTypes: [],
      domainFilter: new DomainFilter({ domainFilters: [] }),
      knownOwners: new Set(CLUSTERS.map((c) => c.owner).filter((o) => !failed.has(o))),
      frozenOwners: failed,
      held: [],
      deletionGuard: { maxShare: 1, minRecords: 0, allow: true },
      fleetRouting: {
        rules: [{ domains: ['fleet.example.com'], policy: step.policy }],
        members: new Map(
          step.members.map((m, i) => [
            CLUSTERS[i]!.owner,
            {
              cluster: CLUSTERS[i]!.owner,
              region: CLUSTERS[i]!.region,
              weight: m.weight,
              ...(m.failover ? { failover: m.failover } : {}),
              drain: m.drain,
            },
          ]),
        ),
      },
    });
    return { read, groups: planRegistryChanges(result, read.registry, registryOptions(zone)).groups };
  }

  /** Member record sets by `name|type`. */
  async function membersByName(zone: HostedZone): Promise<Map<string, Endpoint[]>> {
    const byName = new Map<string, Endpoint[]>();
    for (const r of await provider.records(zone)) {
      if (!['A', 'AAAA', 'CNAME'].includes(r.recordType)) continue;
      const key = `${r.dnsName}|${r.recordType}`;
      byName.set(key, [...(byName.get(key) ?? []), r]);
    }
    return byName;
  }

  async function step(zone: HostedZone, world: Step): Promise<void> {
    const before = await membersByName(zone);
    const { groups } = await plan(zone, world);
    // One group per routed name and type: the move is one batch.
    const seen = new Set<string>();
    for (const g of groups) {
      const key = `${g[0]!.endpoint.dnsName}|${g[0]!.endpoint.recordType}`;
      if (g.some((c) => c.endpoint.setIdentifier !== undefined)) {
        expect(seen.has(key), `${key} split over two groups`).toBe(false);
      }
      seen.add(key);
    }
    // Each group alone is a batch Route 53 accepts.
    for (const g of groups) {
      const applied = await provider.applyChanges(zone, [g]);
      expect(
        applied.failed.map((f) => `${f.change.action} ${f.change.endpoint.dnsName}: ${f.error}`),
      ).toEqual([]);
      expect(applied.refused).toEqual([]);
    }
    const after = await membersByName(zone);
    // Never zero members because of doubt: a failed cluster's member stays where it was.
    for (const [key, records] of before) {
      const frozen = records.filter((r) =>
        world.members.some((m, i) => m.failed && r.setIdentifier === CLUSTERS[i]!.owner),
      );
      for (const r of frozen) {
        expect(
          after.get(key)?.some((a) => a.setIdentifier === r.setIdentifier),
          `${key} lost ${r.setIdentifier}`,
        ).toBe(true);
      }
    }
    // A name keeps a record while a live cluster that had a member there still publishes it (drained or
    // not, whatever the new policy); under weighted or latency, where every cluster can be a member, a
    // published name has one anyway.
    const publishers = new Map<string, Set<string>>();
    for (const d of desiredOf(world)) {
      publishers.set(d.dnsName, (publishers.get(d.dnsName) ?? new Set()).add(d.labels.owner!));
    }
    const has = (m: Map<string, Endpoint[]>, name: string) =>
      [...m.keys()].some((k) => k.startsWith(`${name}|`));
    for (const [name, owners] of publishers) {
      const hadOne = [...before].some(
        ([k, records]) => k.startsWith(`${name}|`) && records.some((r) => owners.has(r.setIdentifier ?? '')),
      );
      if (hadOne || world.policy !== 'failover') expect(has(after, name), `${name} has no record`).toBe(true);
    }
    // And planning again changes nothing.
    expect((await plan(zone, world)).groups).toEqual([]);
  }

  it('moves between random fleets and policies in single accepted batches, never to zero members', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbStep, { minLength: 2, maxLength: 4 }), async (steps) => {
        zones += 1;
        const created = await s.client.send(
          new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `fleet-${zones}` }),
        );
        const zone: HostedZone = {
          id: created.HostedZone!.Id!.replace('/hostedzone/', ''),
          name: 'example.com',
          private: false,
          tags: {},
        };
        for (const world of steps) await step(zone, world);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
