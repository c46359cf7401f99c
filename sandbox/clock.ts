/** The sandbox's own time: starts at the real time and moves only when told (`simulate --advance`). */
export class SandboxClock {
  private offsetMs = 0;
  private fixed: number | undefined;

  constructor(start?: Date) {
    if (start) this.fixed = start.getTime();
  }

  now(): Date {
    return new Date((this.fixed ?? Date.now()) + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** A `Clock` (shared/clock.ts) bound to this sandbox, for the reconciler under simulation. */
  readonly clock = (): Date => this.now();
}
