import type { ChangeGroup } from '../endpoint/changes.js';
import type { Endpoint } from '../endpoint/endpoint.js';
import type {
  ApplyResult,
  CallOptions,
  DnsProvider,
  RecordsOptions,
  UnreachableAccount,
} from './provider.js';
import type { HealthCheckApi } from './route53-health-checks.js';
import { type HostedZone, inAccounts, type ZoneFilterConfig } from './zones.js';

/**
 * Zone records read ahead, at most this many in all (by the listing's counts): what a pass may hold in
 * memory beyond what it would hold anyway (~75 MiB at most), and ~170 pages — 35 s of an account's
 * Route 53 rate, longer than a fleet too small to shard spends reading its clusters.
 */
export const READ_AHEAD_MAX_RECORDS = 50_000;

/**
 * Whole-zone reads started while the clusters are still being read, so the pass's Route 53 reads (its
 * floor under the account's rate) overlap the Kubernetes ones instead of following them. A provider in
 * front of another: `start` reads the zones in the order the DNS stage takes them (each account's in
 * listing order, `perAccount` at once), until `stop` or the record budget; a later whole read of such a
 * zone takes that read instead of making another. Scoped and partial reads always go to the provider.
 * Each zone is still read at most once per pass.
 */
export class ZoneReadAhead implements DnsProvider {
  private readonly reads = new Map<string, Promise<Endpoint[]>>();
  private started = false;
  private stopped = false;

  constructor(
    private readonly inner: DnsProvider,
    private readonly options: { perAccount: number; maxRecords?: number },
  ) {}

  /** Starts reading `zones` ahead (once; later calls do nothing). */
  start(zones: readonly HostedZone[], call: CallOptions = {}): void {
    if (this.started || this.stopped) return;
    this.started = true;
    let budget = this.options.maxRecords ?? READ_AHEAD_MAX_RECORDS;
    void inAccounts(zones, this.options.perAccount, async (zone) => {
      if (this.stopped || budget <= 0) return;
      budget -= zone.recordCount ?? 0;
      const read = this.inner.records(zone, call);
      this.reads.set(keyOf(zone), read);
      // Taken later or never (the stage may skip the zone): a failure is the taker's to see, never unhandled.
      await read.catch(() => {});
    }).catch(() => {});
  }

  /** No zone read starts ahead after this: the DNS stage reads the rest itself, in its order. */
  stop(): void {
    this.stopped = true;
  }

  /** The zones read (or being read) ahead and not yet taken (what the tests look at). */
  readAheadZones(): string[] {
    return [...this.reads.keys()];
  }

  listZones(filter: ZoneFilterConfig, call?: CallOptions): Promise<HostedZone[]> {
    return this.inner.listZones(filter, call);
  }

  unreachableAccounts(): UnreachableAccount[] {
    return this.inner.unreachableAccounts?.() ?? [];
  }

  records(zone: HostedZone, options: RecordsOptions & CallOptions = {}): Promise<Endpoint[]> {
    const whole = !options.names && !options.startName && !options.enough;
    const ahead = whole ? this.reads.get(keyOf(zone)) : undefined;
    if (!ahead) return this.inner.records(zone, options);
    this.reads.delete(keyOf(zone));
    return ahead;
  }

  applyChanges(zone: HostedZone, groups: readonly ChangeGroup[], call?: CallOptions): Promise<ApplyResult> {
    return this.inner.applyChanges(zone, groups, call);
  }

  healthChecks(zone: HostedZone): HealthCheckApi | undefined {
    return this.inner.healthChecks?.(zone);
  }
}

function keyOf(zone: HostedZone): string {
  return `${zone.account ?? ''}/${zone.id}`;
}
