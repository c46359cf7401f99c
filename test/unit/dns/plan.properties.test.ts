import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownedRecordCounts, type PlanInput, planChanges } from '../../../shared/dns/plan.js';
import type { Plan } from '../../../shared/endpoint/changes.js';
import { DomainFilter } from '../../../shared/endpoint/domain-filter.js';
import { type Endpoint, endpointKey, type RecordType } from '../../../shared/endpoint/endpoint.js';
import { isOwnershipTxt } from '../../../shared/registry/txt.js';

/** A small world so that names, owners and types collide often. */
const NAMES = ['a.example.com', 'b.example.com', 'c.example.com', 'example.com', 'x.other.org'];
const OWNERS = ['o1', 'o2', 'o3'];
/** A value that makes a one-value TXT an ownership record: never a record to the planner. */
const OWNERSHIP_VALUE = '"heritage=external-dns,external-dns/owner=o1,external-dns/resource=svc/a"';

const arbEndpoint = (owners: string[]) =>
  fc
    .record({
      dnsName: fc.constantFrom(...NAMES),
      recordType: fc.constantFrom<RecordType>('A', 'AAAA', 'CNAME', 'TXT', 'MX'),
      targets: fc.uniqueArray(
        fc.constantFrom('1.1.1.1', '2.2.2.2', 'LB.example.net', 'lb.example.net', OWNERSHIP_VALUE),
        { minLength: 1, maxLength: 2 },
      ),
      ttl: fc.option(fc.constantFrom(60, 300), { nil: undefined }),
      setIdentifier: fc.option(fc.constantFrom('blue', 'green'), { nil: undefined }),
      owner: fc.constantFrom(...owners),
      resource: fc.constantFrom('svc/a', 'svc/b', 'ing/c'),
      alias: fc.boolean(),
      weight: fc.option(fc.constantFrom(1, 5), { nil: undefined }),
    })
    .map(
      (g): Endpoint => ({
        dnsName: g.dnsName,
        recordType: g.recordType,
        targets: g.targets,
        ...(g.ttl !== undefined ? { ttl: g.ttl } : {}),
        ...(g.setIdentifier !== undefined ? { setIdentifier: g.setIdentifier } : {}),
        labels: g.owner ? { owner: g.owner, resource: g.resource } : {},
        properties: {
          ...(g.alias && g.recordType === 'A' ? { alias: true, evaluateTargetHealth: true } : {}),
          ...(g.setIdentifier !== undefined && g.weight !== undefined ? { weight: g.weight } : {}),
        },
      }),
    );

/** A zone holds one record set per key. */
const arbCurrent = fc.array(arbEndpoint(['', ...OWNERS]), { maxLength: 10 }).map((records) => {
  const byKey = new Map(records.map((r) => [endpointKey(r), r]));
  return [...byKey.values()];
});

const arbInput = (opts: { guard: boolean }) =>
  fc
    .record({
      current: arbCurrent,
      desired: fc.array(arbEndpoint(OWNERS), { maxLength: 10 }),
      policy: fc.constantFrom<PlanInput['policy']>('sync', 'upsert-only', 'create-only'),
      known: fc.subarray(OWNERS),
      frozen: fc.subarray(OWNERS),
      excludeAAAA: fc.boolean(),
      filter: fc.constantFrom([], ['example.com'], ['a.example.com']),
      held: fc.array(fc.record({ dnsName: fc.constantFrom(...NAMES), owner: fc.constantFrom(...OWNERS) }), {
        maxLength: 2,
      }),
      scope: fc.option(fc.subarray(NAMES), { nil: undefined }),
      maxShare: fc.constantFrom(0, 0.5, 1),
    })
    .map(
      (g): PlanInput => ({
        current: g.current,
        // Sources only produce endpoints of clusters that answered.
        desired: g.desired.filter(
          (d) => g.known.includes(d.labels.owner!) && !g.frozen.includes(d.labels.owner!),
        ),
        policy: g.policy,
        managedRecordTypes: ['A', 'AAAA', 'CNAME', 'TXT'],
        excludeRecordTypes: g.excludeAAAA ? ['AAAA'] : [],
        domainFilter: new DomainFilter({ domainFilters: [...g.filter] }),
        knownOwners: new Set(g.known.filter((o) => !g.frozen.includes(o))),
        frozenOwners: new Set(g.frozen),
        held: g.held.map((h) => ({ ...h, resource: 'svc/a' })),
        deletionGuard: opts.guard
          ? { maxShare: g.maxShare, minRecords: 2, allow: false }
          : { maxShare: 0.5, minRecords: 2, allow: true },
        ...(g.scope ? { scope: new Set(g.scope) } : {}),
      }),
    );

/** What Route 53 holds after the plan's changes, by key. */
function apply(current: Endpoint[], plan: Plan): Endpoint[] {
  const byKey = new Map(current.map((r) => [endpointKey(r), r]));
  for (const d of plan.delete) byKey.delete(endpointKey(d));
  for (const o of plan.updateOld) byKey.delete(endpointKey(o));
  for (const n of plan.updateNew) byKey.set(endpointKey(n), n);
  for (const c of plan.create) byKey.set(endpointKey(c), c);
  return [...byKey.values()];
}

const isEmpty = (p: Plan) =>
  p.create.length === 0 && p.updateOld.length === 0 && p.updateNew.length === 0 && p.delete.length === 0;

describe('planChanges properties', () => {
  it('(a) idempotence: after applying a plan, the same desired state plans nothing', () => {
    fc.assert(
      fc.property(arbInput({ guard: false }), (input) => {
        const first = planChanges(input);
        const second = planChanges({ ...input, current: apply(input.current, first) });
        expect(isEmpty(second), JSON.stringify(second, null, 1)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('(b) safety: only records of known, unfrozen owners are ever updated, deleted or held', () => {
    fc.assert(
      fc.property(arbInput({ guard: true }), fc.subarray(OWNERS), (input, extraFrozen) => {
        // Inconsistent inputs too: an owner both known and frozen, desired endpoints of unknown owners.
        const frozenOwners = new Set([...input.frozenOwners, ...extraFrozen]);
        const r = planChanges({ ...input, frozenOwners });
        for (const e of [...r.updateOld, ...r.delete, ...r.heldDeletions]) {
          const owner = e.labels.owner ?? '';
          expect(owner).not.toBe('');
          expect(input.knownOwners.has(owner)).toBe(true);
          expect(frozenOwners.has(owner)).toBe(false);
        }
        // An update rewrites the record it replaces, never another one.
        for (const [i, o] of r.updateOld.entries()) expect(endpointKey(r.updateNew[i]!)).toBe(endpointKey(o));
      }),
      { numRuns: 500 },
    );
  });

  it('(c) one create per key, never over an existing record, never outside scope or filter', () => {
    fc.assert(
      fc.property(arbInput({ guard: true }), (input) => {
        const r = planChanges(input);
        const keys = r.create.map(endpointKey);
        expect(new Set(keys).size).toBe(keys.length);
        const existing = new Set(input.current.map(endpointKey));
        for (const c of r.create) {
          expect(existing.has(endpointKey(c))).toBe(false);
          expect(input.domainFilter.matches(c.dnsName)).toBe(true);
          if (input.scope) expect(input.scope.has(c.dnsName)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('(c2) an ownership TXT is never created, updated or deleted, whatever its labels say', () => {
    fc.assert(
      fc.property(arbInput({ guard: false }), (input) => {
        const r = planChanges(input);
        for (const e of [...r.create, ...r.updateOld, ...r.updateNew, ...r.delete, ...r.heldDeletions])
          expect(isOwnershipTxt(e), JSON.stringify(e)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('(c3) a managed TXT is planned as any other type: TXT and MX swapped, the same plan with them swapped', () => {
    const swap = (e: Endpoint): Endpoint =>
      e.recordType === 'TXT'
        ? { ...e, recordType: 'MX' }
        : e.recordType === 'MX'
          ? { ...e, recordType: 'TXT' }
          : e;
    const keys = (p: Plan) =>
      [p.create, p.updateNew, p.delete].map((l) => l.map((e) => `${endpointKey(e)}|${e.targets}`).sort());
    const notOwnershipLike = (e: Endpoint) => !e.targets.includes(OWNERSHIP_VALUE);
    fc.assert(
      fc.property(arbInput({ guard: true }), (generated) => {
        const input = {
          ...generated,
          current: generated.current.filter(notOwnershipLike),
          desired: generated.desired.filter(notOwnershipLike),
          managedRecordTypes: [...generated.managedRecordTypes, 'MX' as const],
        };
        const swapped = planChanges({
          ...input,
          current: input.current.map(swap),
          desired: input.desired.map(swap),
        });
        const r = planChanges(input);
        const back: Plan = {
          create: swapped.create.map(swap),
          updateOld: swapped.updateOld.map(swap),
          updateNew: swapped.updateNew.map(swap),
          delete: swapped.delete.map(swap),
        };
        expect(keys(back)).toEqual(keys(r));
      }),
      { numRuns: 500 },
    );
  });

  it('(d) the deletion guard holds a share of the owner’s whole zone, whatever the scope', () => {
    fc.assert(
      fc.property(arbInput({ guard: true }), fc.boolean(), (input, withCounts) => {
        const zone = ownedRecordCounts(input.current, input);
        const r = planChanges({ ...input, ...(withCounts ? { zoneOwnedCounts: zone } : {}) });
        const { maxShare, minRecords } = input.deletionGuard;
        if (input.scope && !withCounts) {
          // It cannot judge a share of what it has not read: nothing goes, and it says why.
          expect(r.delete).toEqual([]);
          expect(r.needsZoneCounts).toBe(r.heldDeletions.length > 0);
          return;
        }
        const gone = new Map<string, number>();
        for (const d of r.delete) gone.set(d.labels.owner!, (gone.get(d.labels.owner!) ?? 0) + 1);
        for (const [owner, n] of gone) {
          const total = zone.get(owner) ?? 0;
          expect(total < minRecords || n / total <= maxShare, `${owner}: ${n} of ${total}`).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a plan never leaves a CNAME sharing its name with another type it created', () => {
    fc.assert(
      fc.property(arbInput({ guard: true }), (input) => {
        const r = planChanges(input);
        const after = apply(input.current, r);
        for (const c of r.create) {
          const others = after.filter((e) => e.dnsName === c.dnsName && e !== c);
          if (c.recordType === 'CNAME') expect(others.filter((e) => e.recordType !== 'CNAME')).toEqual([]);
          else expect(others.filter((e) => e.recordType === 'CNAME')).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the result does not depend on the order of the desired endpoints (stable conflict winner)', () => {
    fc.assert(
      fc.property(arbInput({ guard: true }), fc.func(fc.integer()), (input, rank) => {
        const shuffled = [...input.desired].sort((a, b) => rank(a) - rank(b));
        const a = planChanges(input);
        const b = planChanges({ ...input, desired: shuffled });
        expect([b.create, b.updateNew, b.delete]).toEqual([a.create, a.updateNew, a.delete]);
      }),
      { numRuns: 300 },
    );
  });
});
