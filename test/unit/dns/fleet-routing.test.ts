import { describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import {
  type FleetMember,
  fleetMembers,
  fleetPolicyOf,
  wantedHealthChecks,
} from '../../../shared/dns/fleet-routing.js';
import { type PlanInput, type PlanResult, planChanges } from '../../../shared/dns/plan.js';
import {
  type Endpoint,
  LABEL_ANNOTATED_WEIGHT,
  newEndpoint,
  type Route53Properties,
} from '../../../shared/endpoint/endpoint.js';
import { planRegistryChanges, readOwnership } from '../../../shared/registry/txt.js';
import { planInput } from '../../support/plan-input.js';

const LB = (n: string) => `k8s-${n}-0123456789.elb.eu-west-1.amazonaws.com`;

/** A cluster's claim on `api.example.com` A, an alias to its load balancer. */
function claim(owner: string, extra: Partial<Endpoint> = {}): Endpoint {
  return newEndpoint('api.example.com', 'A', [LB(owner)], {
    labels: { owner, resource: 'service/shop/api' },
    properties: { alias: true, aliasHostedZoneId: 'Z32O12XQLNTSW2' },
    ...extra,
  });
}

/** A member record as Route 53 holds it, labelled with its owner as `readOwnership` would. */
function member(owner: string, routing: Route53Properties): Endpoint {
  return newEndpoint('api.example.com', 'A', [LB(owner)], {
    setIdentifier: owner,
    labels: { owner, resource: 'service/shop/api' },
    properties: { alias: true, aliasHostedZoneId: 'Z32O12XQLNTSW2', evaluateTargetHealth: true, ...routing },
  });
}

const MEMBERS: Record<string, FleetMember> = {
  'eu-a': { cluster: 'eu-a', region: 'eu-west-1', weight: 2, failover: 'PRIMARY', drain: false },
  'eu-b': { cluster: 'eu-b', region: 'eu-west-1', weight: 1, drain: false },
  us: { cluster: 'us', region: 'us-east-1', weight: 1, failover: 'SECONDARY', drain: false },
};

function plan(
  policy: Config['fleetRouting'][number]['policy'],
  input: Partial<PlanInput>,
  members: Record<string, Partial<FleetMember>> = {},
): PlanResult {
  const all = new Map(Object.entries(MEMBERS).map(([o, m]) => [o, { ...m, ...members[o] }]));
  return planChanges(
    planInput({
      knownOwners: new Set(Object.keys(MEMBERS)),
      fleetRouting: { rules: [{ domains: ['example.com'], policy }], members: all },
      ...input,
    }),
  );
}

const routing = (e: Endpoint) => {
  const p = e.properties;
  const how =
    p.weight !== undefined ? `weight ${p.weight}` : p.region ? p.region : p.failover ? p.failover : 'simple';
  return `${e.setIdentifier ?? '-'} ${how}${p.evaluateTargetHealth ? ' +health' : ''}`;
};

describe('fleet routing: members of one name', () => {
  const everyone = [claim('eu-a'), claim('eu-b'), claim('us')];

  it('weighted: one member per cluster, set identifier = owner id, its weight, target health evaluated', () => {
    const r = plan('weighted', { desired: everyone });
    expect(r.create.map(routing)).toEqual([
      'eu-a weight 2 +health',
      'eu-b weight 1 +health',
      'us weight 1 +health',
    ]);
    expect(r.warnings).toEqual([]);
  });

  it("latency: each member in its cluster's region", () => {
    const r = plan('latency', { desired: everyone });
    expect(r.create.map(routing)).toEqual([
      'eu-a eu-west-1 +health',
      'eu-b eu-west-1 +health',
      'us us-east-1 +health',
    ]);
  });

  it('failover: PRIMARY and SECONDARY by cluster role; a cluster without a role is left out and named', () => {
    const r = plan('failover', { desired: everyone });
    expect(r.create.map(routing)).toEqual(['eu-a PRIMARY +health', 'us SECONDARY +health']);
    expect(r.warnings.map((w) => [w.code, w.message])).toEqual([
      ['fleet-routing', expect.stringContaining('cluster eu-b has no failover role (clusters[].failover)')],
    ]);
  });

  it('failover: a second PRIMARY is left out (lowest owner keeps it); a non-alias PRIMARY needs a health check', () => {
    const twoPrimaries = plan('failover', { desired: everyone }, { 'eu-b': { failover: 'PRIMARY' } });
    expect(twoPrimaries.create.map(routing)).toEqual(['eu-a PRIMARY +health', 'us SECONDARY +health']);
    expect(twoPrimaries.warnings[0]?.message).toContain(
      'wants the failover PRIMARY role, which another member holds',
    );

    const ip = newEndpoint('api.example.com', 'A', ['192.0.2.1'], { labels: { owner: 'eu-a' } });
    const r = plan('failover', { desired: [ip, claim('us')] });
    expect(r.create.map(routing)).toEqual(['us SECONDARY +health']);
    expect(r.warnings[0]?.message).toContain('a failover PRIMARY that is not an alias needs a health check');
  });

  it('a region Route 53 has no latency records for is left out, named', () => {
    const r = plan('latency', { desired: [claim('eu-a'), claim('us')] }, { us: { region: 'xx-nowhere-9' } });
    expect(r.create.map(routing)).toEqual(['eu-a eu-west-1 +health']);
    expect(r.warnings[0]?.message).toContain(
      'region xx-nowhere-9 is not one Route 53 takes for latency records',
    );
  });

  it('hand-written routing annotations win; names outside the fleet domains and owners outside the fleet are left alone', () => {
    const annotated = claim('eu-a', {
      setIdentifier: 'blue',
      properties: { alias: true, aliasHostedZoneId: 'Z32O12XQLNTSW2', weight: 7 },
    });
    const outside = newEndpoint('web.example.org', 'A', ['192.0.2.1'], { labels: { owner: 'eu-b' } });
    const validation = newEndpoint('_x.api.example.com', 'CNAME', ['_y.acm-validations.aws'], {
      labels: { owner: 'certificates' },
    });
    const r = plan('weighted', {
      desired: [annotated, outside, validation],
      knownOwners: new Set(['eu-a', 'eu-b', 'certificates']),
    });
    expect(r.create.map((e) => `${e.dnsName} ${routing(e)}`)).toEqual([
      '_x.api.example.com - simple',
      'api.example.com blue weight 7',
      'web.example.org - simple',
    ]);
  });
});

describe('fleet routing: a config it cannot write keeps what the name has', () => {
  it('failover with no cluster holding a role: the weighted members stay, named by warnings', () => {
    const weighted = ['eu-a', 'us'].map((o) => member(o, { weight: 1 }));
    const r = plan(
      'failover',
      { current: weighted, desired: [claim('eu-a'), claim('us')] },
      {
        'eu-a': { failover: undefined },
        us: { failover: undefined },
      },
    );
    expect(r.delete).toEqual([]);
    expect(r.create).toEqual([]);
    expect(r.warnings.filter((w) => w.code === 'fleet-routing')).toHaveLength(2);
  });

  it('kept per type: a name whose AAAA set cannot move still moves its A set, with the left-out member gone', () => {
    // eu-b's address (A only) may be SECONDARY; us has no role. The AAAA set has no writable member and
    // keeps us; the A set moves to failover, and us's weighted A must go in the same batch, since Route 53
    // refuses a failover record beside a weighted one.
    const aaaa = (o: string) => ({ ...member(o, { weight: 1 }), recordType: 'AAAA' as const });
    const current = [member('eu-b', { weight: 1 }), member('us', { weight: 1 }), aaaa('eu-b'), aaaa('us')];
    const address = newEndpoint('api.example.com', 'A', ['192.0.2.2'], {
      labels: { owner: 'eu-b', resource: 'service/shop/api' },
    });
    const r = plan(
      'failover',
      { current, desired: [address, claim('us'), { ...claim('us'), recordType: 'AAAA' }] },
      { 'eu-b': { failover: 'SECONDARY' }, us: { failover: undefined } },
    );
    const keyOf = (e: Endpoint) => `${e.recordType} ${routing(e)}`;
    expect(r.create).toEqual([]);
    expect(r.updateOld.map(keyOf)).toEqual(['A eu-b weight 1 +health']);
    expect(r.updateNew.map(keyOf)).toEqual(['A eu-b SECONDARY']);
    // us's weighted A goes with the move; its AAAA (a set no claim can be written in) stays.
    expect(r.delete.map(keyOf)).toEqual(['AAAA eu-b weight 1 +health', 'A us weight 1 +health']);
  });
});

describe('fleet routing: draining', () => {
  const weighted = ['eu-a', 'eu-b', 'us'].map((o) => member(o, { weight: MEMBERS[o]!.weight }));
  const latency = ['eu-a', 'eu-b', 'us'].map((o) => member(o, { region: MEMBERS[o]!.region }));

  it('weighted: a drained cluster goes to weight 0, its record stays', () => {
    const r = plan(
      'weighted',
      { current: weighted, desired: [claim('eu-a'), claim('eu-b'), claim('us')] },
      {
        'eu-a': { drain: true },
      },
    );
    expect(r.updateOld.map(routing)).toEqual(['eu-a weight 2 +health']);
    expect(r.updateNew.map(routing)).toEqual(['eu-a weight 0 +health']);
    expect(r.delete).toEqual([]);
  });

  it("weighted: an object's aws-weight (no set identifier) wins over its cluster's weight; a drain wins over both", () => {
    const weighted = (o: string) =>
      claim(o, { labels: { owner: o, resource: 'service/shop/api', [LABEL_ANNOTATED_WEIGHT]: '9' } });
    const r = plan(
      'weighted',
      { desired: [weighted('eu-a'), weighted('eu-b'), claim('us')] },
      { 'eu-b': { drain: true } },
    );
    expect(r.create.map(routing)).toEqual([
      'eu-a weight 9 +health',
      'eu-b weight 0 +health',
      'us weight 1 +health',
    ]);
    // The label is the planner's input, never part of the record written.
    for (const c of r.create) expect(c.labels[LABEL_ANNOTATED_WEIGHT]).toBeUndefined();
    // Outside a weighted rule it changes nothing.
    expect(plan('latency', { desired: [weighted('eu-a')] }).create.map(routing)).toEqual([
      'eu-a eu-west-1 +health',
    ]);
  });

  it('latency: a drained cluster leaves the set while another member serves it', () => {
    const r = plan(
      'latency',
      { current: latency, desired: [claim('eu-a'), claim('eu-b'), claim('us')] },
      {
        us: { drain: true },
      },
    );
    expect(r.delete.map(routing)).toEqual(['us us-east-1 +health']);
    expect(r.warnings.map((w) => w.code)).toEqual(['drained']);
  });

  it('the last member is never drained away: every cluster drained keeps every member', () => {
    const r = plan(
      'latency',
      { current: latency, desired: [claim('eu-a'), claim('eu-b'), claim('us')] },
      {
        'eu-a': { drain: true },
        'eu-b': { drain: true },
        us: { drain: true },
      },
    );
    expect(r.delete).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toEqual(['drain-held', 'drain-held', 'drain-held']);
  });

  it('a failed cluster’s member counts as serving: it stays frozen, and the drained member may leave', () => {
    const r = plan(
      'latency',
      {
        current: [latency[0]!, latency[2]!],
        desired: [claim('eu-a')],
        knownOwners: new Set(['eu-a']),
        frozenOwners: new Set(['us']),
      },
      { 'eu-a': { drain: true } },
    );
    expect(r.delete.map(routing)).toEqual(['eu-a eu-west-1 +health']);
  });

  it("a policy change waits for a failed cluster's member: the others keep its policy meanwhile", () => {
    const r = plan('latency', {
      current: weighted,
      desired: [claim('eu-a'), claim('eu-b')],
      knownOwners: new Set(['eu-a', 'eu-b']),
      frozenOwners: new Set(['us']),
    });
    expect([...r.create, ...r.updateNew].map(routing)).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(r.warnings.map((w) => w.message)).toContain(
      'api.example.com A [eu-a]: stays weighted while a member of another cluster that failed holds the name; moves to latency when it can',
    );
  });

  it('a failed cluster freezes only its own member; the others still move', () => {
    const r = plan(
      'weighted',
      {
        current: weighted,
        desired: [claim('eu-a'), claim('eu-b')],
        knownOwners: new Set(['eu-a', 'eu-b']),
        frozenOwners: new Set(['us']),
      },
      { 'eu-b': { weight: 5 } },
    );
    expect(r.updateNew.map(routing)).toEqual(['eu-b weight 5 +health']);
    expect(r.delete).toEqual([]);
  });
});

describe('fleet routing: moves are one change group (one batch)', () => {
  const registryOptions = { prefix: '', suffix: '', wildcardReplacement: '', zone: 'example.com' };

  /** The zone as Route 53 holds it: records and their ownership TXTs as the registry writes them. */
  function zoneOf(records: Endpoint[]): Endpoint[] {
    const written = planRegistryChanges(
      { create: records, updateOld: [], updateNew: [], delete: [] },
      [],
      registryOptions,
    ).groups.flat();
    return written.map((c) => ({ ...c.endpoint, labels: {} }));
  }

  function groupsFor(
    policy: Config['fleetRouting'][number]['policy'],
    zone: Endpoint[],
    desired: Endpoint[],
  ) {
    const read = readOwnership(zone, registryOptions);
    const r = plan(policy, { current: read.records, desired });
    return planRegistryChanges(r, read.registry, registryOptions).groups.map((g) =>
      g.map(
        (c) =>
          `${c.action} ${c.endpoint.recordType} ${c.endpoint.setIdentifier ?? '-'} ${routing(c.endpoint)}`,
      ),
    );
  }

  it('a second cluster joining a simple record: DELETE simple + CREATE both members, one group', () => {
    const simple = newEndpoint('api.example.com', 'A', [LB('eu-a')], {
      labels: { owner: 'eu-a', resource: 'service/shop/api' },
      properties: { alias: true, aliasHostedZoneId: 'Z32O12XQLNTSW2', evaluateTargetHealth: true },
    });
    const groups = groupsFor('weighted', zoneOf([simple]), [claim('eu-a'), claim('us')]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.filter((c) => c.startsWith('DELETE'))).toHaveLength(2); // the record and its TXT
    expect(groups[0]!.filter((c) => c.startsWith('CREATE A'))).toHaveLength(2);
  });

  it('a policy change (weighted → latency): every member and TXT deleted and created in one group', () => {
    const zone = zoneOf(['eu-a', 'us'].map((o) => member(o, { weight: 1 })));
    const groups = groupsFor('latency', zone, [claim('eu-a'), claim('us')]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.filter((c) => c.startsWith('DELETE A'))).toHaveLength(2);
    expect(groups[0]!.filter((c) => c.startsWith('CREATE A'))).toHaveLength(2);
  });

  it('failover roles swapping: DELETE + CREATE, not two UPSERTs each meeting the other’s old role', () => {
    const zone = zoneOf([member('eu-a', { failover: 'PRIMARY' }), member('us', { failover: 'SECONDARY' })]);
    const read = readOwnership(zone, registryOptions);
    // The ownership TXTs of failover members are weighted: a TXT is never an alias, and Route 53 refuses
    // a non-alias PRIMARY without a health check.
    expect(read.registry.map((t) => routing(t))).toEqual(['eu-a weight 1', 'us weight 1']);
    const swapped = planChanges({
      ...planInput({ knownOwners: new Set(['eu-a', 'us']) }),
      current: read.records,
      desired: [claim('eu-a'), claim('us')],
      managedRecordTypes: ['A'],
      fleetRouting: {
        rules: [{ domains: ['example.com'], policy: 'failover' }],
        members: new Map([
          ['eu-a', { ...MEMBERS['eu-a']!, failover: 'SECONDARY' }],
          ['us', { ...MEMBERS.us!, failover: 'PRIMARY' }],
        ]),
      },
    });
    const groups = planRegistryChanges(swapped, read.registry, registryOptions).groups;
    expect(groups).toHaveLength(1);
    expect(
      groups[0]!
        .filter((c) => c.endpoint.recordType === 'A')
        .map((c) => c.action)
        .sort(),
    ).toEqual(['CREATE', 'CREATE', 'DELETE', 'DELETE']);
  });
});

describe('fleet routing: config helpers', () => {
  it('members by owner id, defaults for discovered clusters', () => {
    const m = fleetMembers([
      { name: 'a', region: 'eu-west-1', ownerId: 'team-a', weight: 3 },
      { name: 'b', region: 'us-east-1' },
    ]);
    expect(m.get('team-a')).toEqual({ cluster: 'a', region: 'eu-west-1', weight: 3, drain: false });
    expect(m.get('b')).toEqual({ cluster: 'b', region: 'us-east-1', weight: 1, drain: false });
  });

  it('the first rule whose domains hold a name; a leading dot means below the domain only', () => {
    const rules: Config['fleetRouting'] = [
      { domains: ['.internal.example.com'], policy: 'latency' },
      { domains: ['example.com'], policy: 'weighted' },
    ];
    expect(fleetPolicyOf('api.internal.example.com', rules)).toBe('latency');
    expect(fleetPolicyOf('internal.example.com', rules)).toBe('weighted');
    expect(fleetPolicyOf('example.com', rules)).toBe('weighted');
    expect(fleetPolicyOf('notexample.com', rules)).toBeUndefined();
  });
});

describe('fleet routing: health checks wanted', () => {
  const rules: Config['fleetRouting'] = [
    {
      domains: ['api.example.com'],
      policy: 'failover',
      healthCheck: { type: 'HTTPS', resourcePath: '/healthz', requestInterval: 30, failureThreshold: 3 },
    },
    { domains: ['web.example.com'], policy: 'weighted' },
  ];
  const routing = { rules, members: new Map(Object.entries(MEMBERS)) };
  const ip = (name: string, owner: string, targets: string[]) =>
    newEndpoint(name, 'A', targets, { labels: { owner } });

  it('one per member with one address, the same caller reference every pass; none for aliases or other rules', () => {
    const desired = [
      ip('api.example.com', 'eu-a', ['192.0.2.1']),
      claim('us'),
      ip('web.example.com', 'eu-b', ['192.0.2.3']),
    ];
    const first = wantedHealthChecks(desired, routing, 'Z1');
    const again = wantedHealthChecks(desired, routing, 'Z1');
    expect([...first.wanted.values()].map((w) => [w.member, w.spec])).toEqual([
      [
        'api.example.com A [eu-a]',
        {
          type: 'HTTPS',
          ipAddress: '192.0.2.1',
          resourcePath: '/healthz',
          requestInterval: 30,
          failureThreshold: 3,
        },
      ],
    ]);
    expect([...again.wanted.keys()]).toEqual([...first.wanted.keys()]);
    // Another zone, or another address, is another health check.
    expect([...wantedHealthChecks(desired, routing, 'Z2').wanted.keys()]).not.toEqual([
      ...first.wanted.keys(),
    ]);
  });

  it('a member with several addresses gets none, and a warning says why', () => {
    const r = wantedHealthChecks([ip('api.example.com', 'eu-a', ['192.0.2.1', '192.0.2.2'])], routing, 'Z1');
    expect(r.wanted.size).toBe(0);
    expect(r.warnings[0]?.message).toContain('2 addresses: a Route 53 health check checks one');
  });
});
