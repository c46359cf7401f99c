import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beforeDeadline, DeadlineError, deadlineOf, passDeadline } from '../../shared/deadline.js';

const RESERVES = { applyReserveMs: 60_000, reportReserveMs: 5_000 };

describe('passDeadline', () => {
  it('keeps the reserves back from a Lambda’s remaining time', () => {
    expect(passDeadline(300_000, RESERVES).budgetMs).toEqual({ read: 235_000, apply: 295_000 });
  });

  it('caps the reserves when little time is left, so reading still gets some', () => {
    // 30 s left: apply keeps a third (10 s), report a tenth (3 s).
    expect(passDeadline(30_000, RESERVES).budgetMs).toEqual({ read: 17_000, apply: 27_000 });
  });

  it('read ≤ apply ≤ remaining, and reading gets over half of any time left', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 900_000 }),
        fc.integer({ min: 0, max: 900_000 }),
        fc.integer({ min: 0, max: 900_000 }),
        (remaining, applyReserveMs, reportReserveMs) => {
          const { budgetMs } = passDeadline(remaining, { applyReserveMs, reportReserveMs });
          expect(budgetMs.read).toBeLessThanOrEqual(budgetMs.apply);
          expect(budgetMs.apply).toBeLessThanOrEqual(remaining);
          expect(budgetMs.read).toBeGreaterThanOrEqual(Math.floor(remaining / 2));
        },
      ),
    );
  });

  it('a phase with no time left is aborted from the start, its reason naming the phase', () => {
    const deadline = passDeadline(0, RESERVES);
    expect(deadline.read.aborted).toBe(true);
    expect(deadline.apply.reason).toBeInstanceOf(DeadlineError);
    expect((deadline.apply.reason as DeadlineError).phase).toBe('apply');
  });

  it('aborts a phase once its time is up', async () => {
    const deadline = passDeadline(40, { applyReserveMs: 0, reportReserveMs: 0 });
    expect(deadline.read.aborted).toBe(false);
    await new Promise<void>((resolve) => deadline.read.addEventListener('abort', () => resolve()));
    expect((deadline.read.reason as Error).message).toMatch(/deadline for reading passed \(40 ms/);
  });
});

describe('beforeDeadline', () => {
  it('gives the work’s result, or its error, while the deadline has not passed', async () => {
    const open = new AbortController().signal;
    await expect(beforeDeadline(open, async () => 7)).resolves.toBe(7);
    await expect(beforeDeadline(open, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
  });

  it('frees the caller from work that never ends, with the deadline as the error', async () => {
    const controller = new AbortController();
    const waiting = beforeDeadline(controller.signal, () => new Promise<never>(() => {}));
    const reason = new DeadlineError('read', 10);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(deadlineOf(new Error('AbortError'), controller.signal)).toBe(reason);
    expect(deadlineOf(new Error('other'), new AbortController().signal)).toBeUndefined();
  });
});
