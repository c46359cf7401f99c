import { createHash } from 'node:crypto';
import { aliasTargetProblems, type KnownLoadBalancer } from './route53-alias.js';
import { Route53HealthChecks } from './route53-health-checks.js';
import { compareAscii, isWithinZone, nameProblem, normalizeName, reversedLabels } from './route53-names.js';
import {
  type AliasTargetCheck,
  applyChange,
  batchLimitMessages,
  DEFAULT_MAX_RECORD_SETS_PER_ZONE,
  invalidInput,
  normalizeRecord,
  type RecordChange,
  type RecordSet,
  type RecordSetInput,
  Route53Error,
  recordKey,
  ZoneRecords,
} from './route53-records.js';
/**
 * One account's Route 53: hosted zones, their records and tags, and submitted changes. Stored record sets
 * are frozen and shared: a write replaces them, never edits them, so a read hands out the zone's sorted
 * snapshot as it is (sorted once after a write, not copied or re-sorted per page).
 */

export interface Vpc {
  id: string;
  region: string;
}

export interface HostedZone {
  /** The bare id (`Z...`), without the `/hostedzone/` prefix. */
  id: string;
  name: string;
  private: boolean;
  vpcs: Vpc[];
  tags: Record<string, string>;
  callerReference: string;
  comment?: string;
  nameServers: string[];
  recordSetCount: number;
}

export interface CreateZoneInput {
  name: string;
  private?: boolean;
  vpcs?: Vpc[];
  tags?: Record<string, string>;
  records?: RecordSetInput[];
  callerReference?: string;
  comment?: string;
}

export interface ChangeInfo {
  id: string;
  status: 'PENDING' | 'INSYNC';
  submittedAt: Date;
  comment?: string;
}

/** One record in the docs/scenarios.md `zones` output. */
export interface RecordExport {
  name: string;
  type: string;
  ttl?: number;
  values?: string[];
  alias?: { dnsName: string; hostedZoneId: string; evaluateTargetHealth: boolean };
  setIdentifier?: string;
  weight?: number;
  region?: string;
  failover?: string;
  geoLocation?: { continentCode?: string; countryCode?: string; subdivisionCode?: string };
  multiValueAnswer?: boolean;
  healthCheckId?: string;
}

export interface ZoneExport {
  id: string;
  name: string;
  /** The account that owns the zone; absent for the sandbox's own account. */
  account?: string;
  private: boolean;
  records: RecordExport[];
}

export interface Route53StateOptions {
  /** The sandbox clock, for change submission times. */
  clock?: () => Date;
  /** Record sets a zone may hold (SOA and NS included); Route 53's default quota is 10,000. */
  maxRecordSetsPerZone?: number;
  /**
   * The load balancer behind an ELB DNS name (bare, lower case), when the account has one; an alias to
   * any other load balancer is refused. Without it, the account has no load balancers.
   */
  loadBalancer?: (dnsName: string) => KnownLoadBalancer | undefined;
  /**
   * The account these zones belong to, when it is not the sandbox's own: it seeds the zone ids, so zones
   * of different accounts never share an id (Route 53's ids are global).
   */
  account?: string;
}

interface StoredZone extends Omit<HostedZone, 'recordSetCount'> {
  /** Frozen record sets by `recordKey`. */
  records: ZoneRecords;
  /** The records in ListResourceRecordSets order; dropped by a write, rebuilt by the next read. */
  sorted?: readonly RecordSet[];
}

const SOA_TTL = 900;
const NS_TTL = 172800;

/** Route 53's ListResourceRecordSets order: reversed-label name, then type, then set identifier. */
export function compareRecordSets(a: RecordSet, b: RecordSet): number {
  return (
    compareAscii(reversedLabels(a.name), reversedLabels(b.name)) ||
    compareAscii(a.type, b.type) ||
    compareAscii(a.setIdentifier ?? '', b.setIdentifier ?? '')
  );
}

/** Deterministic ids, so one scenario always yields the same zone and change ids. */
function derivedId(prefix: string, seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let out = prefix;
  for (let i = 0; out.length < length + prefix.length; i++) out += alphabet[digest[i]! % alphabet.length];
  return out;
}

export function bareZoneId(id: string): string {
  return id.replace(/^\/?hostedzone\//, '');
}

export function bareChangeId(id: string): string {
  return id.replace(/^\/?change\//, '');
}

function noSuchZone(id: string): Route53Error {
  return new Route53Error('NoSuchHostedZone', 404, [`No hosted zone found with ID: ${id}`]);
}

/** A caller's record set as the zone keeps it: its own copy, frozen, so reads can share it. */
function frozenRecord(r: RecordSet): RecordSet {
  const copy = structuredClone(r);
  if (copy.values) Object.freeze(copy.values);
  if (copy.alias) Object.freeze(copy.alias);
  if (copy.geoLocation) Object.freeze(copy.geoLocation);
  return Object.freeze(copy);
}

/** Sorts by compareRecordSets with each name's sort key computed once, not once per comparison. */
function sortRecordSets(records: Iterable<RecordSet>): readonly RecordSet[] {
  const keyed = [...records].map((record) => ({ record, key: reversedLabels(record.name) }));
  keyed.sort(
    (a, b) =>
      compareAscii(a.key, b.key) ||
      compareAscii(a.record.type, b.record.type) ||
      compareAscii(a.record.setIdentifier ?? '', b.record.setIdentifier ?? ''),
  );
  return Object.freeze(keyed.map((k) => k.record));
}

export class Route53State {
  private readonly zonesById = new Map<string, StoredZone>();
  private readonly changes = new Map<string, ChangeInfo>();
  private readonly callerReferences = new Set<string>();
  private readonly clock: () => Date;
  readonly maxRecordSetsPerZone: number;
  private readonly checkAliasTarget: AliasTargetCheck;
  private readonly account: string | undefined;
  private zoneCounter = 0;
  private changeCounter = 0;
  /** The account's health checks; one in use by a record set cannot be deleted. */
  readonly healthChecks = new Route53HealthChecks((id) =>
    [...this.zonesById.values()].some((z) => [...z.records.values()].some((r) => r.healthCheckId === id)),
  );

  constructor(opts: Route53StateOptions = {}) {
    this.account = opts.account;
    this.clock = opts.clock ?? (() => new Date());
    this.maxRecordSetsPerZone = opts.maxRecordSetsPerZone ?? DEFAULT_MAX_RECORD_SETS_PER_ZONE;
    const loadBalancer = opts.loadBalancer ?? (() => undefined);
    this.checkAliasTarget = (record) =>
      aliasTargetProblems(record, {
        zone: (id) => {
          const z = this.zonesById.get(id);
          return z && { name: z.name, records: z.records.values() };
        },
        loadBalancer,
      });
  }

  /**
   * Creates a hosted zone with its SOA and NS records, as CreateHostedZone does, then adds `records`.
   * Throws a Route53Error (named by code, message naming the field) on bad input.
   */
  createZone(input: CreateZoneInput): HostedZone {
    return this.createHostedZone(input).zone;
  }

  /** CreateHostedZone: the zone and the change that creates it. */
  createHostedZone(input: CreateZoneInput): { zone: HostedZone; change: ChangeInfo } {
    if (typeof input.name !== 'string' || input.name.trim() === '') {
      throw invalidInput('Invalid request: a hosted zone needs a name');
    }
    const name = normalizeName(input.name.trim());
    const problem = nameProblem(name);
    if (problem) throw invalidInput(`Invalid request: hosted zone name ${name} is not valid: ${problem}`);
    const vpcs = (input.vpcs ?? []).map((v) => ({ ...v }));
    const isPrivate = input.private ?? vpcs.length > 0;
    if (!isPrivate && vpcs.length > 0) {
      throw invalidInput(`Invalid request: public hosted zone ${name} cannot have VPCs`);
    }
    const callerReference = input.callerReference ?? `sandbox-${this.zoneCounter + 1}-${name}`;
    if (this.callerReferences.has(callerReference)) {
      throw new Route53Error('HostedZoneAlreadyExists', 409, [
        `A hosted zone has already been created with the specified caller reference.`,
      ]);
    }
    this.zoneCounter += 1;
    const seed = this.account === undefined ? '' : `${this.account}:`;
    const id = derivedId('Z', `zone:${seed}${this.zoneCounter}:${name}`, 20);
    const nameServers = this.nameServersFor(id);
    const zone: StoredZone = {
      id,
      name,
      private: isPrivate,
      vpcs,
      tags: { ...input.tags },
      callerReference,
      nameServers,
      records: new ZoneRecords(),
    };
    if (input.comment !== undefined) zone.comment = input.comment;
    const soa = frozenRecord({
      name,
      type: 'SOA',
      ttl: SOA_TTL,
      values: [`${nameServers[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`],
    });
    const ns = frozenRecord({ name, type: 'NS', ttl: NS_TTL, values: [...nameServers] });
    zone.records.set(recordKey(soa), soa);
    zone.records.set(recordKey(ns), ns);
    if (input.records?.length) {
      // Scenario records go through the same rules as a CREATE batch, so a bad scenario fails loudly.
      const changes = input.records.map((r, i) => {
        try {
          return { action: 'CREATE' as const, record: normalizeRecord(r) };
        } catch (err) {
          if (err instanceof Route53Error) {
            throw new Route53Error(err.code, err.status, [`zone ${name} records[${i}]: ${err.message}`]);
          }
          throw err;
        }
      });
      // Scenario records are not one API request, so the per-request size limits do not apply; and they
      // are the zone as it is, so an alias whose load balancer has gone since stays as Route 53 keeps it.
      zone.records = this.validateBatch(zone, changes, { request: false });
    }
    this.zonesById.set(id, zone);
    this.callerReferences.add(callerReference);
    return { zone: this.view(zone), change: this.submitChange() };
  }

  private nameServersFor(id: string): string[] {
    const digest = createHash('sha256').update(`ns:${id}`).digest();
    const n = (i: number) => digest.readUInt16BE(i * 2);
    return [
      `ns-${n(0) % 512}.awsdns-${n(1) % 64}.com.`,
      `ns-${512 + (n(2) % 512)}.awsdns-${n(3) % 64}.net.`,
      `ns-${1024 + (n(4) % 512)}.awsdns-${n(5) % 64}.org.`,
      `ns-${1536 + (n(6) % 512)}.awsdns-${n(7) % 64}.co.uk.`,
    ];
  }

  private view(zone: StoredZone): HostedZone {
    const { records, ...rest } = zone;
    return structuredClone({ ...rest, recordSetCount: records.size });
  }

  private stored(zoneId: string): StoredZone {
    const zone = this.zonesById.get(bareZoneId(zoneId));
    if (!zone) throw noSuchZone(bareZoneId(zoneId));
    return zone;
  }

  /** Every zone, in creation order. */
  zones(): HostedZone[] {
    return [...this.zonesById.values()].map((z) => this.view(z));
  }

  zone(zoneId: string): HostedZone {
    return this.view(this.stored(zoneId));
  }

  /** A zone's record sets in ListResourceRecordSets order: a frozen snapshot, shared until the next write. */
  records(zoneId: string): readonly RecordSet[] {
    const zone = this.stored(zoneId);
    zone.sorted ??= sortRecordSets(zone.records.values());
    return zone.sorted;
  }

  /**
   * Adds one record set under the rules of a CREATE change (throws InvalidChangeBatch/InvalidInput).
   * Applied in place: a single CREATE either applies whole or not at all, and loading a large zone
   * record by record must not copy the zone each time.
   */
  addRecord(zoneId: string, rrset: RecordSetInput): void {
    const zone = this.stored(zoneId);
    const record = frozenRecord(normalizeRecord(rrset));
    if (zone.records.size >= this.maxRecordSetsPerZone && !zone.records.has(recordKey(record))) {
      throw new Route53Error('InvalidChangeBatch', 400, [
        `Exceeded limit MAX_RRSETS_BY_ZONE for zone: ${zone.id}`,
      ]);
    }
    const messages = applyChange(zone.records, zone, { action: 'CREATE', record }, this.checkAliasTarget);
    if (messages.length > 0) throw new Route53Error('InvalidChangeBatch', 400, messages);
    zone.sorted = undefined;
  }

  deleteZone(zoneId: string): ChangeInfo {
    const zone = this.stored(zoneId);
    const extra = [...zone.records.values()].some(
      (r) => !(r.name === zone.name && (r.type === 'SOA' || r.type === 'NS')),
    );
    if (extra) {
      throw new Route53Error('HostedZoneNotEmpty', 400, [
        'The specified hosted zone contains non-required resource record sets and so cannot be deleted.',
      ]);
    }
    this.zonesById.delete(zone.id);
    return this.submitChange();
  }

  /**
   * Applies a change batch atomically: every change is checked in order against the zone as the earlier
   * changes leave it; if any fails, nothing changes and InvalidChangeBatch lists every failure.
   */
  changeRecords(zoneId: string, changes: readonly RecordChange[], comment?: string): ChangeInfo {
    const zone = this.stored(zoneId);
    if (changes.length === 0)
      throw invalidInput('Invalid request: ChangeBatch must contain at least one Change');
    const gone = this.healthChecks.missing(
      changes.flatMap((c) =>
        c.action !== 'DELETE' && c.record.healthCheckId ? [c.record.healthCheckId] : [],
      ),
    );
    if (gone) throw gone;
    zone.records = this.validateBatch(zone, changes);
    zone.sorted = undefined;
    return this.submitChange(comment);
  }

  private validateBatch(
    zone: StoredZone,
    changes: readonly RecordChange[],
    opts = { request: true },
  ): ZoneRecords {
    const limits = opts.request ? batchLimitMessages(changes) : [];
    if (limits.length > 0) throw new Route53Error('InvalidChangeBatch', 400, limits);
    const next = new ZoneRecords(zone.records);
    const messages: string[] = [];
    for (const change of changes) {
      messages.push(
        ...applyChange(
          next,
          zone,
          { action: change.action, record: frozenRecord(change.record) },
          opts.request ? this.checkAliasTarget : undefined,
        ),
      );
    }
    if (messages.length === 0) {
      const apex = [...next.named(zone.name)];
      if (!apex.some((r) => r.type === 'SOA'))
        messages.push('A HostedZone must contain exactly one SOA record.');
      if (!apex.some((r) => r.type === 'NS')) {
        messages.push('A HostedZone must contain at least one NS record for the zone itself.');
      }
      if (next.size > this.maxRecordSetsPerZone && next.size > zone.records.size) {
        messages.push(`Exceeded limit MAX_RRSETS_BY_ZONE for zone: ${zone.id}`);
      }
    }
    if (messages.length > 0) throw new Route53Error('InvalidChangeBatch', 400, messages);
    return next;
  }

  private submitChange(comment?: string): ChangeInfo {
    this.changeCounter += 1;
    const info: ChangeInfo = {
      id: derivedId('C', `change:${this.changeCounter}`, 20),
      status: 'PENDING',
      submittedAt: this.clock(),
    };
    if (comment !== undefined) info.comment = comment;
    this.changes.set(info.id, info);
    return { ...info };
  }

  /** A submitted change; Route 53 propagates within seconds, so the first look finds it INSYNC. */
  getChange(changeId: string): ChangeInfo {
    const id = bareChangeId(changeId);
    const info = this.changes.get(id);
    if (!info) throw new Route53Error('NoSuchChange', 404, [`Could not find resource with ID: ${id}`]);
    info.status = 'INSYNC';
    return { ...info };
  }

  tags(zoneId: string): Record<string, string> {
    return { ...this.stored(zoneId).tags };
  }

  changeTags(zoneId: string, add: Record<string, string>, remove: readonly string[]): void {
    const zone = this.stored(zoneId);
    const next = { ...zone.tags, ...add };
    for (const key of remove) delete next[key];
    if (Object.keys(next).length > 50) {
      throw invalidInput(`Invalid request: hosted zone ${zone.id} would have more than 50 tags`);
    }
    zone.tags = next;
  }

  /**
   * The values a public resolver would get for `name`/`type` from this account's Route 53: the record in
   * the most specific public zone that contains the name, or undefined when there is none. An alias
   * answers with its target's DNS name.
   */
  findPublicRecordValues(name: string, type: string): string[] | undefined {
    const zone = this.publicZoneFor(name);
    if (!zone) return undefined;
    const fqdn = normalizeName(name);
    const wanted = type.toUpperCase();
    const matches = [...zone.records.named(fqdn)].filter((r) => r.type === wanted);
    if (matches.length === 0) return undefined;
    return matches.flatMap((r) => (r.alias ? [r.alias.dnsName] : [...(r.values ?? [])]));
  }

  /** The name of the most specific public zone of this account that contains `name`. */
  publicZoneName(name: string): string | undefined {
    return this.publicZoneFor(name)?.name;
  }

  private publicZoneFor(name: string): StoredZone | undefined {
    const fqdn = normalizeName(name);
    let best: StoredZone | undefined;
    for (const z of this.zonesById.values()) {
      if (z.private || !isWithinZone(fqdn, z.name)) continue;
      if (!best || z.name.length > best.name.length) best = z;
    }
    return best;
  }

  /** Every zone with every record, in the docs/scenarios.md `zones` output shape and order. */
  exportZones(): ZoneExport[] {
    const byName = (a: { name: string }, b: { name: string }) => compareAscii(a.name, b.name);
    return [...this.zonesById.values()]
      .sort((a, b) => byName(a, b) || compareAscii(a.id, b.id))
      .map((zone) => ({
        id: zone.id,
        name: zone.name,
        ...(this.account === undefined ? {} : { account: this.account }),
        private: zone.private,
        records: [...zone.records.values()]
          .sort(
            (a, b) =>
              byName(a, b) ||
              compareAscii(a.type, b.type) ||
              compareAscii(a.setIdentifier ?? '', b.setIdentifier ?? ''),
          )
          .map(exportRecord),
      }));
  }
}

function exportRecord(r: RecordSet): RecordExport {
  const out: RecordExport = { name: r.name, type: r.type };
  if (r.alias) out.alias = { ...r.alias };
  else {
    out.ttl = r.ttl!;
    out.values = [...(r.values ?? [])];
  }
  if (r.setIdentifier !== undefined) out.setIdentifier = r.setIdentifier;
  if (r.weight !== undefined) out.weight = r.weight;
  if (r.region !== undefined) out.region = r.region;
  if (r.failover !== undefined) out.failover = r.failover;
  if (r.geoLocation !== undefined) out.geoLocation = { ...r.geoLocation };
  if (r.multiValueAnswer !== undefined) out.multiValueAnswer = r.multiValueAnswer;
  if (r.healthCheckId !== undefined) out.healthCheckId = r.healthCheckId;
  return out;
}
