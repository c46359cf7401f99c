import type { ChangeGroup } from '../endpoint/changes.js';
import { type Endpoint, endpointKey, normalizeDnsName } from '../endpoint/endpoint.js';
import type { ApplyResult, CallOptions, DnsProvider, RecordsOptions } from './provider.js';
import { compareRoute53Names } from './record-reads.js';
import type { HealthCheckApi } from './route53-health-checks.js';
import type { HostedZone, ZoneFilterConfig } from './zones.js';

/**
 * A warm function's zone cache (`zoneCacheSeconds`): a provider in front of another that answers a full
 * zone read from memory while the last real one is younger than `maxAgeMs`. What this reconciler does keeps
 * the copy true: its own changes are written into it as applied, and a scoped read (an audit pass) replaces
 * the names it read. Anything else — a change made by hand, another writer — is seen at the next real read,
 * at most `maxAgeMs` later: that is the drift window it costs. A batch that failed (sent or not, its outcome
 * unknown) drops the zone's copy.
 */
export class ZoneCache implements DnsProvider {
  private readonly zones = new Map<string, { readAt: number; records: Map<string, Endpoint> }>();

  constructor(
    private readonly inner: DnsProvider,
    private readonly options: {
      maxAgeMs: number;
      now: () => number;
      /** The record as a read would return it after writing `endpoint` (the provider's defaults applied). */
      asRead: (zone: HostedZone, endpoint: Endpoint) => Endpoint;
    },
  ) {}

  listZones(filter: ZoneFilterConfig, call?: CallOptions): Promise<HostedZone[]> {
    return this.inner.listZones(filter, call);
  }

  async records(zone: HostedZone, opts: RecordsOptions & CallOptions = {}): Promise<Endpoint[]> {
    if (opts.names) return this.readNames(zone, opts);
    if (opts.enough || opts.startName) return this.inner.records(zone, opts);
    const cached = this.zones.get(zone.id);
    if (cached && this.options.now() - cached.readAt < this.options.maxAgeMs) return sorted(cached.records);
    const readAt = this.options.now();
    const read = await this.inner.records(zone, opts);
    this.zones.set(zone.id, { readAt, records: new Map(read.map((r) => [endpointKey(r), copy(r)])) });
    return read;
  }

  healthChecks(zone: HostedZone): HealthCheckApi | undefined {
    return this.inner.healthChecks?.(zone);
  }

  async applyChanges(
    zone: HostedZone,
    groups: readonly ChangeGroup[],
    call?: CallOptions,
  ): Promise<ApplyResult> {
    const result = await this.inner.applyChanges(zone, groups, call);
    const cached = this.zones.get(zone.id);
    if (!cached) return result;
    if (result.failed.length > 0) {
      this.zones.delete(zone.id);
      return result;
    }
    for (const { action, endpoint } of result.applied) {
      if (action === 'DELETE') cached.records.delete(endpointKey(endpoint));
      else cached.records.set(endpointKey(endpoint), this.options.asRead(zone, endpoint));
    }
    return result;
  }

  /** A scoped read goes to the provider; the names it read replace theirs in the copy. */
  private async readNames(zone: HostedZone, opts: RecordsOptions & CallOptions): Promise<Endpoint[]> {
    const asked = new Set((opts.names ?? []).map(normalizeDnsName));
    const thenNames = opts.thenNames;
    const read = await this.inner.records(zone, {
      ...opts,
      ...(thenNames
        ? {
            thenNames: (found: readonly Endpoint[]) => {
              const more = thenNames(found);
              for (const n of more) asked.add(normalizeDnsName(n));
              return more;
            },
          }
        : {}),
    });
    const cached = this.zones.get(zone.id);
    if (cached) {
      for (const [key, r] of cached.records) if (asked.has(r.dnsName)) cached.records.delete(key);
      for (const r of read) cached.records.set(endpointKey(r), copy(r));
    }
    return read;
  }
}

function copy(e: Endpoint): Endpoint {
  return { ...e, targets: [...e.targets], labels: {}, properties: { ...e.properties } };
}

/** Copies in Route 53's order, as a read returns them. */
function sorted(records: ReadonlyMap<string, Endpoint>): Endpoint[] {
  return [...records.values()]
    .sort(
      (a, b) =>
        compareRoute53Names(a.dnsName, b.dnsName) ||
        (a.recordType < b.recordType ? -1 : a.recordType > b.recordType ? 1 : 0) ||
        ((a.setIdentifier ?? '') < (b.setIdentifier ?? '')
          ? -1
          : (a.setIdentifier ?? '') > (b.setIdentifier ?? '')
            ? 1
            : 0),
    )
    .map(copy);
}
