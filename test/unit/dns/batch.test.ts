import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BatchLimits,
  batchChangeGroups,
  batchChanges,
  changeCost,
  groupCost,
  ROUTE53_BATCH_LIMITS,
} from '../../../shared/dns/batch.js';
import type { ChangeAction, ChangeGroup, RecordChange } from '../../../shared/endpoint/changes.js';
import { newEndpoint } from '../../../shared/endpoint/endpoint.js';

function change(action: ChangeAction, name: string, targets: string[], alias = false): RecordChange {
  return {
    action,
    endpoint: newEndpoint(name, alias ? 'A' : 'TXT', targets, alias ? { properties: { alias: true } } : {}),
  };
}

/** A record and its ownership TXT, the usual group. */
function pair(i: number, action: ChangeAction = 'CREATE'): ChangeGroup {
  return [
    change(action, `r${i}.example.com`, ['192.0.2.1']),
    change(action, `a-r${i}.example.com`, ['"owner"']),
  ];
}

describe('changeCost', () => {
  it.each<[string, RecordChange, { records: number; valueChars: number }]>([
    ['CREATE counts each value once', change('CREATE', 'x', ['abc', 'de']), { records: 2, valueChars: 5 }],
    ['DELETE counts each value once', change('DELETE', 'x', ['abc']), { records: 1, valueChars: 3 }],
    [
      'UPSERT counts records and characters twice',
      change('UPSERT', 'x', ['abc', 'de']),
      { records: 4, valueChars: 10 },
    ],
    [
      'an ALIAS counts its DNS name as one value',
      change('CREATE', 'x', ['lb.example.net'], true),
      { records: 1, valueChars: 14 },
    ],
    [
      'multi-byte characters count as their bytes',
      change('CREATE', 'x', ['"é"']),
      { records: 1, valueChars: 4 },
    ],
  ])('%s', (_title, c, expected) => {
    expect(changeCost(c)).toEqual({ changes: 1, ...expected });
  });
});

describe('batchChangeGroups', () => {
  it('cuts 3,000 single-record changes into batches of at most 1,000 ResourceRecord elements', () => {
    const groups = Array.from({ length: 3000 }, (_, i) => [
      change('CREATE', `r${i}.example.com`, ['192.0.2.1']),
    ]);
    const { batches, oversized } = batchChangeGroups(groups, ROUTE53_BATCH_LIMITS);
    expect(oversized).toEqual([]);
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 1000]);
  });

  it('counts UPSERT twice: 600 upserts need two requests', () => {
    const groups = Array.from({ length: 600 }, (_, i) => [
      change('UPSERT', `r${i}.example.com`, ['192.0.2.1']),
    ]);
    expect(batchChangeGroups(groups, ROUTE53_BATCH_LIMITS).batches.map((b) => b.length)).toEqual([500, 100]);
  });

  it('respects batchChangeSize and never splits a group', () => {
    const groups = Array.from({ length: 5 }, (_, i) => pair(i));
    const { batches } = batchChangeGroups(groups, { ...ROUTE53_BATCH_LIMITS, maxChanges: 5 });
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it('cuts on value characters', () => {
    const big = 'x'.repeat(4000);
    const groups = Array.from({ length: 9 }, (_, i) => [change('CREATE', `t${i}.example.com`, [big])]);
    expect(batchChangeGroups(groups, ROUTE53_BATCH_LIMITS).batches.map((b) => b.length)).toEqual([8, 1]);
  });

  it('reports a group over a limit on its own and sends the rest', () => {
    const huge: ChangeGroup = [
      change(
        'UPSERT',
        'big.example.com',
        Array.from({ length: 501 }, (_, i) => `v${i}`),
      ),
    ];
    const { batches, oversized } = batchChangeGroups([pair(1), huge, pair(2)], ROUTE53_BATCH_LIMITS);
    expect(batches).toEqual([[pair(1), pair(2)]]);
    expect(oversized).toHaveLength(1);
    expect(oversized[0]?.group).toBe(huge);
    expect(oversized[0]?.reason).toMatch(/1002 ResourceRecord elements/);
  });

  it('drops empty groups', () => {
    expect(batchChangeGroups([[], pair(1), []], ROUTE53_BATCH_LIMITS).batches).toEqual([[pair(1)]]);
  });

  it('rejects nonsense limits with the field named', () => {
    expect(() => batchChangeGroups([pair(1)], { ...ROUTE53_BATCH_LIMITS, maxChanges: 0 })).toThrow(
      /maxChanges/,
    );
  });

  const actionArb = fc.constantFrom<ChangeAction>('CREATE', 'UPSERT', 'DELETE');
  const changeArb = fc
    .record({
      action: actionArb,
      name: fc.stringMatching(/^[a-z]{1,8}$/),
      values: fc.array(fc.string({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 40 }),
      alias: fc.boolean(),
    })
    .map(({ action, name, values, alias }) =>
      change(action, `${name}.example.com`, alias ? values.slice(0, 1) : values, alias),
    );
  const groupArb = fc.array(changeArb, { minLength: 0, maxLength: 4 });
  const limitsArb = fc.record<BatchLimits>({
    maxChanges: fc.integer({ min: 1, max: 20 }),
    maxRecords: fc.integer({ min: 1, max: 200 }),
    maxValueChars: fc.integer({ min: 1, max: 8000 }),
  });

  it('property: every group lands exactly once, in order, and no batch exceeds a limit', () => {
    fc.assert(
      fc.property(fc.array(groupArb, { maxLength: 60 }), limitsArb, (groups, limits) => {
        const { batches, oversized } = batchChangeGroups(groups, limits);
        const sent = batches.flat();
        const nonEmpty = groups.filter((g) => g.length > 0);
        // Exactly once: sent or reported, never both, never lost; order kept among the sent ones.
        expect(sent.length + oversized.length).toBe(nonEmpty.length);
        expect(new Set(sent).size).toBe(sent.length);
        const oversizedSet = new Set(oversized.map((o) => o.group));
        expect(sent).toEqual(nonEmpty.filter((g) => !oversizedSet.has(g)));
        for (const batch of batches) {
          expect(batch.length).toBeGreaterThan(0);
          const cost = groupCost(batch.flat());
          expect(cost.changes).toBeLessThanOrEqual(limits.maxChanges);
          expect(cost.records).toBeLessThanOrEqual(limits.maxRecords);
          expect(cost.valueChars).toBeLessThanOrEqual(limits.maxValueChars);
        }
        for (const o of oversized) {
          const c = groupCost(o.group);
          expect(
            c.changes > limits.maxChanges ||
              c.records > limits.maxRecords ||
              c.valueChars > limits.maxValueChars,
          ).toBe(true);
        }
        // First fit: a batch is cut only when the next group would not have fitted.
        for (let i = 0; i + 1 < batches.length; i++) {
          const joined = groupCost([...batches[i]!.flat(), ...batches[i + 1]![0]!]);
          expect(
            joined.changes > limits.maxChanges ||
              joined.records > limits.maxRecords ||
              joined.valueChars > limits.maxValueChars,
          ).toBe(true);
        }
      }),
    );
  });
});

describe('batchChanges', () => {
  it('puts deletions first, then upserts, then creates, keeping order within each', () => {
    const batch: ChangeGroup[] = [
      [change('CREATE', 'new.example.com', ['1']), change('UPSERT', 'a-new.example.com', ['"o"'])],
      [change('DELETE', 'old.example.com', ['2']), change('DELETE', 'a-old.example.com', ['"o"'])],
      [change('CREATE', 'x.example.com', ['3']), change('DELETE', 'x.example.com', ['4'])],
    ];
    expect(
      batchChanges(batch).map((c) => `${c.action} ${c.endpoint.dnsName} ${c.endpoint.targets[0]}`),
    ).toEqual([
      'DELETE old.example.com 2',
      'DELETE a-old.example.com "o"',
      'DELETE x.example.com 4',
      'UPSERT a-new.example.com "o"',
      'CREATE new.example.com 1',
      'CREATE x.example.com 3',
    ]);
  });

  it('property: is a permutation of the batch with actions in DELETE, UPSERT, CREATE order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom<ChangeAction>('CREATE', 'UPSERT', 'DELETE'), { maxLength: 4 }), {
          maxLength: 20,
        }),
        (shape) => {
          let n = 0;
          const batch = shape.map((g) => g.map((a) => change(a, `n${n++}.example.com`, ['v'])));
          const out = batchChanges(batch);
          expect(new Set(out)).toEqual(new Set(batch.flat()));
          const rank = { DELETE: 0, UPSERT: 1, CREATE: 2 };
          for (let i = 0; i + 1 < out.length; i++) {
            expect(rank[out[i]!.action]).toBeLessThanOrEqual(rank[out[i + 1]!.action]);
          }
        },
      ),
    );
  });
});
