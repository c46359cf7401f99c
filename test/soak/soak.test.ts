import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/sandbox.js';
import { runSoak } from './soak.js';

/**
 * The short soak `npm test` runs (the long one is `npm run soak`), and proof that its invariants bite:
 * a world broken behind the reconciler's back fails the soak, naming what broke.
 */

/** Deletes the first record of `zone` that `which` picks, as a stray writer outside the reconciler would. */
function deleteRecord(sandbox: Sandbox, which: (name: string, type: string) => boolean): void {
  for (const zone of sandbox.route53.zones()) {
    const record = sandbox.route53.records(zone.id).find((r) => which(r.name, r.type));
    if (record) {
      sandbox.route53.changeRecords(zone.id, [{ action: 'DELETE', record }]);
      return;
    }
  }
  throw new Error('nothing to delete');
}

describe('the soak', () => {
  it('short: random faults break no invariant, and the zones converge within two passes', async () => {
    const figures = await runSoak({ seed: 7, passes: 6, cycleLength: 3 });
    expect(figures.violations).toEqual([]);
    expect(figures.faultedPasses).toBe(6);
    expect(figures.passesToConverge).toHaveLength(2);
    expect(Math.max(...figures.passesToConverge)).toBeLessThanOrEqual(2);
    expect(Object.values(figures.faultsInjected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(figures.invariantChecks).toBeGreaterThan(0);
  });

  it('catches a record that is not ours changing', async () => {
    const run = runSoak({
      seed: 7,
      passes: 2,
      maxFaultsPerPass: 0,
      sabotage: (sandbox, pass) => {
        if (pass === 2) deleteRecord(sandbox, (name) => name.startsWith('manual.'));
      },
    });
    await expect(run).rejects.toThrow(/pass 2: a record not ours changed: manual\.example\.(com|net)\. A/);
  });

  it('catches the record of a live object being deleted', async () => {
    const run = runSoak({
      seed: 7,
      passes: 2,
      maxFaultsPerPass: 0,
      sabotage: (sandbox, pass) => {
        if (pass === 2) deleteRecord(sandbox, (name, type) => /^h\d+\.c\d+\./.test(name) && type === 'A');
      },
    });
    await expect(run).rejects.toThrow(/pass 2: the record of live c\d+\/svc-\d+ was deleted/);
  });
});
