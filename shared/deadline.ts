import { setMaxListeners } from 'node:events';
import type { Timeouts } from './config.js';

/**
 * A pass's deadline, cut from the time the invocation has left (Lambda's
 * `context.getRemainingTimeInMillis()`, or `timeouts.passMs` outside Lambda) into two phases:
 *
 *     now ── read (clusters, certificates) ──► readBy ── plan + apply ──► applyBy ── report ──► end
 *
 * Reading stops at `readBy`, keeping `applyReserveMs` to apply what is planned; applying stops at
 * `applyBy`, keeping `reportReserveMs` to report. When the invocation has less time than the reserves,
 * each reserve is capped (apply at a third, report at a tenth of what is left) so reading still gets
 * time. Signals are real-time (`AbortSignal.timeout`): the sandbox's clock stands still during a pass.
 */
export type DeadlinePhase = 'read' | 'apply';

export interface PassDeadline {
  /** Aborted once the phase's time is up; its reason is a `DeadlineError` naming the phase. */
  readonly read: AbortSignal;
  readonly apply: AbortSignal;
  /** Milliseconds each phase was given from the start of the pass. */
  readonly budgetMs: Readonly<Record<DeadlinePhase, number>>;
}

export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
  constructor(
    readonly phase: DeadlinePhase,
    readonly budgetMs: number,
  ) {
    super(
      phase === 'read'
        ? `the pass deadline for reading passed (${budgetMs} ms; the rest is kept to apply and report)`
        : `the pass deadline for applying passed (${budgetMs} ms; the rest is kept to report)`,
    );
  }
}

export function passDeadline(
  remainingMs: number,
  timeouts: Pick<Timeouts, 'applyReserveMs' | 'reportReserveMs'>,
): PassDeadline {
  const left = Math.max(0, remainingMs);
  const report = Math.min(timeouts.reportReserveMs, Math.floor(left / 10));
  const apply = Math.min(timeouts.applyReserveMs, Math.floor(left / 3));
  const budgetMs = { read: Math.max(0, left - report - apply), apply: Math.max(0, left - report) };
  return {
    read: expiring('read', budgetMs.read),
    apply: expiring('apply', budgetMs.apply),
    budgetMs,
  };
}

function expiring(phase: DeadlinePhase, ms: number): AbortSignal {
  const reason = new DeadlineError(phase, ms);
  if (ms <= 0) return AbortSignal.abort(reason);
  // AbortSignal.timeout's timer does not keep the process alive, and its reason is fixed; this one's
  // reason names the phase, so a caller can say which deadline passed.
  const controller = new AbortController();
  // Every request of a pass listens to it (and stops listening when done): no leak to warn about.
  setMaxListeners(0, controller.signal);
  const timeout = AbortSignal.timeout(ms);
  timeout.addEventListener('abort', () => controller.abort(reason), { once: true });
  return controller.signal;
}

/**
 * `work`, or the signal's reason once it aborts, whichever comes first. The work is not stopped by this
 * (pass the signal to it for that); a caller that must not wait past a deadline is freed.
 */
export function beforeDeadline<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work().then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Whether an error is a passed deadline, ours or an SDK call aborted by our signal. */
export function deadlineOf(err: unknown, signal: AbortSignal | undefined): DeadlineError | undefined {
  if (err instanceof DeadlineError) return err;
  if (signal?.aborted && signal.reason instanceof DeadlineError) return signal.reason;
  return undefined;
}
