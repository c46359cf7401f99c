import type { ChangeGroup, RecordChange } from '../endpoint/changes.js';
import { type Endpoint, endpointKey } from '../endpoint/endpoint.js';
import { type BatchLimits, batchChangeGroups, batchChanges, ROUTE53_BATCH_LIMITS } from './batch.js';
import { targetsKey } from './conflicts.js';
import type { ApplyResult, CallOptions, DnsProvider, RecordsOptions } from './provider.js';
import {
  compareRoute53Names,
  MAX_PAGE,
  type PageStart,
  type RecordPage,
  readRecords,
} from './record-reads.js';
import { filterZones, type HostedZone, type ZoneFilterConfig } from './zones.js';

/**
 * Zones kept in memory (ExternalDNS's `inmemory` provider): the stages above the provider — the DNS stage,
 * the registry, the planner — run against it in milliseconds, without the sandbox. It keeps what of
 * Route 53 those stages lean on: pages of 300 in Route 53's name order, read through the same
 * `readRecords` as the Route 53 adapter; a batch that applies whole or not at all; the refusals a planner
 * mistake would meet (CREATE over a record that is there, DELETE of one that is not as read, a CNAME
 * beside another type, two routing policies at one name and type). It speaks no wire protocol: what
 * Route 53 itself answers is the sandbox's to show.
 */

export interface InMemoryStats {
  listZones: number;
  listRecords: number;
  changeBatches: number;
}

interface StoredZone {
  zone: HostedZone;
  records: Map<string, Endpoint>;
  /** The records in Route 53's order, rebuilt after a change. */
  sorted?: Endpoint[];
}

export class InMemoryProvider implements DnsProvider {
  readonly stats: InMemoryStats = { listZones: 0, listRecords: 0, changeBatches: 0 };
  private readonly zones = new Map<string, StoredZone>();
  private readonly limits: BatchLimits;

  constructor(options: { limits?: Partial<BatchLimits> } = {}) {
    this.limits = { ...ROUTE53_BATCH_LIMITS, ...options.limits };
  }

  /** Adds a zone with its records (as the provider reads them: no labels). */
  addZone(
    zone: Omit<HostedZone, 'tags'> & { tags?: Record<string, string> },
    records: Endpoint[] = [],
  ): HostedZone {
    const stored: StoredZone = { zone: { tags: {}, ...zone }, records: new Map() };
    for (const r of records) stored.records.set(endpointKey(r), copy(r));
    this.zones.set(zone.id, stored);
    return stored.zone;
  }

  /** The zone's records now, in Route 53's order. */
  recordsOf(zoneId: string): Endpoint[] {
    return this.sortedOf(this.stored(zoneId)).map(copy);
  }

  /** The record as a read returns it once written: no labels. */
  asRead(_zone: HostedZone, endpoint: Endpoint): Endpoint {
    return { ...copy(endpoint), labels: {} };
  }

  async listZones(filter: ZoneFilterConfig, call: CallOptions = {}): Promise<HostedZone[]> {
    call.signal?.throwIfAborted();
    this.stats.listZones++;
    const zones = [...this.zones.values()].map((z) => ({
      ...z.zone,
      recordCount: z.records.size,
      tags: { ...z.zone.tags },
    }));
    return filterZones(zones, filter);
  }

  records(zone: HostedZone, opts: RecordsOptions & CallOptions = {}): Promise<Endpoint[]> {
    const stored = this.stored(zone.id);
    return readRecords(
      zone,
      async (start, maxItems) => {
        opts.signal?.throwIfAborted();
        this.stats.listRecords++;
        return this.page(stored, start, Math.min(maxItems, MAX_PAGE));
      },
      opts,
    );
  }

  async applyChanges(
    zone: HostedZone,
    groups: readonly ChangeGroup[],
    call: CallOptions = {},
  ): Promise<ApplyResult> {
    const stored = this.stored(zone.id);
    const result: ApplyResult = { batches: 0, applied: [], failed: [], refused: [], warnings: [] };
    const plan = batchChangeGroups(groups, this.limits);
    for (const o of plan.oversized)
      for (const change of o.group) result.failed.push({ change, error: o.reason });
    for (const batch of plan.batches) {
      if (call.signal?.aborted) {
        for (const change of batch.flat())
          result.failed.push({ change, error: 'not sent: the deadline passed' });
        continue;
      }
      result.batches++;
      this.stats.changeBatches++;
      const changes = batchChanges(batch);
      const refusal = this.refusal(stored, changes);
      if (refusal) {
        for (const change of changes) result.failed.push({ change, error: refusal });
        continue;
      }
      for (const c of changes) {
        if (c.action === 'DELETE') stored.records.delete(endpointKey(c.endpoint));
        else stored.records.set(endpointKey(c.endpoint), { ...copy(c.endpoint), labels: {} });
      }
      stored.sorted = undefined;
      result.applied.push(...changes);
    }
    return result;
  }

  private stored(zoneId: string): StoredZone {
    const stored = this.zones.get(zoneId);
    if (!stored) throw new Error(`NoSuchHostedZone: No hosted zone found with ID: ${zoneId}`);
    return stored;
  }

  private sortedOf(stored: StoredZone): Endpoint[] {
    stored.sorted ??= [...stored.records.values()].sort(compareRoute53Order);
    return stored.sorted;
  }

  /** A page of at most `size` from `start`, in Route 53's order. */
  private page(stored: StoredZone, start: PageStart, size: number): RecordPage {
    const sorted = this.sortedOf(stored);
    const from = start.name === undefined ? 0 : lowerBound(sorted, start);
    const slice = sorted.slice(from, from + size);
    const entries = slice.map((r) => ({ name: r.dnsName, record: copy(r) }));
    const following = sorted[from + size];
    if (!following) return { entries };
    return {
      entries,
      next: {
        name: following.dnsName,
        type: following.recordType,
        ...(following.setIdentifier !== undefined ? { identifier: following.setIdentifier } : {}),
      },
    };
  }

  /** What Route 53 would refuse the batch for (the batch as a whole, as Route 53 answers), or undefined. */
  private refusal(stored: StoredZone, changes: readonly RecordChange[]): string | undefined {
    const after = new Map(stored.records);
    for (const { action, endpoint } of changes) {
      const key = endpointKey(endpoint);
      const there = after.get(key);
      const what = `${endpoint.dnsName} ${endpoint.recordType}${endpoint.setIdentifier ? ` [${endpoint.setIdentifier}]` : ''}`;
      if (action === 'CREATE' && there) return `InvalidChangeBatch: ${what} already exists`;
      if (action === 'DELETE' && (!there || !sameValues(there, endpoint)))
        return `InvalidChangeBatch: ${what} not found with the values given`;
      if (action === 'DELETE') after.delete(key);
      else after.set(key, endpoint);
    }
    const byName = new Map<string, Endpoint[]>();
    for (const r of after.values()) {
      const list = byName.get(r.dnsName);
      if (list) list.push(r);
      else byName.set(r.dnsName, [r]);
    }
    for (const { endpoint } of changes) {
      const atName = byName.get(endpoint.dnsName) ?? [];
      if (atName.some((r) => r.recordType === 'CNAME') && atName.length > 1)
        return `InvalidChangeBatch: RRSet of type CNAME with DNS name ${endpoint.dnsName}. is not permitted as it conflicts with other records`;
      const sameType = atName.filter((r) => r.recordType === endpoint.recordType);
      if (new Set(sameType.map((r) => r.setIdentifier === undefined)).size > 1)
        return `InvalidChangeBatch: ${endpoint.dnsName} ${endpoint.recordType} mixes a simple record with a routed set`;
    }
    return undefined;
  }
}

/** A DELETE must name the record as it is: values and TTL (an ALIAS has none). */
function sameValues(there: Endpoint, asked: Endpoint): boolean {
  return (
    targetsKey(there) === targetsKey(asked) &&
    (there.properties.alias === true || (there.ttl ?? 300) === (asked.ttl ?? 300))
  );
}

function copy(e: Endpoint): Endpoint {
  return { ...e, targets: [...e.targets], labels: { ...e.labels }, properties: { ...e.properties } };
}

/** ListResourceRecordSets' order: name with its labels reversed, then type, then set identifier. */
function compareRoute53Order(a: Endpoint, b: Endpoint): number {
  return compareStart(a, {
    name: b.dnsName,
    type: b.recordType,
    ...(b.setIdentifier !== undefined ? { identifier: b.setIdentifier } : {}),
  });
}

function compareStart(r: Endpoint, start: PageStart): number {
  const byName = compareRoute53Names(r.dnsName, start.name ?? '');
  if (byName !== 0 || start.type === undefined) return byName;
  return compare(r.recordType, start.type) || compare(r.setIdentifier ?? '', start.identifier ?? '');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first record at or after `start`. */
function lowerBound(sorted: readonly Endpoint[], start: PageStart): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareStart(sorted[mid]!, start) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
