import type { ChangeGroup, Plan, RecordChange } from '../endpoint/changes.js';
import {
  type Endpoint,
  endpointKey,
  LABEL_OWNER,
  LABEL_RESOURCE,
  type RecordType,
  type Route53Properties,
} from '../endpoint/endpoint.js';
import { nameLengthProblem } from '../endpoint/names.js';
import type { PassWarning } from '../warnings.js';
import { isInZone, type TxtNameMapper, type TxtNameOptions, txtNameMapper } from './txt-names.js';

/**
 * ExternalDNS's TXT ownership registry (registry/txt in kubernetes-sigs/external-dns), value and names
 * unchanged, so records move between an in-cluster ExternalDNS and this reconciler without changing hands.
 */

export interface RegistryOptions extends TxtNameOptions {
  /** The hosted zone's name. When set, an ownership TXT that would fall outside it is never written. */
  zone?: string;
}

/**
 * Set by `readOwnership` on an owned record whose new-format TXT is missing (old-format or legacy `cname-`
 * ownership only): the planner rewrites such a record so the new-format TXT gets written
 * (ExternalDNS's `txt/force-update`). Never serialized into a TXT.
 */
export const LABEL_TXT_MIGRATE = 'txt/force-update';

/** An ownership TXT as `readOwnership` read it: the TXT record, and the records it speaks for. */
export interface RegistryTxt extends Endpoint {
  /**
   * The keys (`endpointKey`) of the records whose ownership this TXT carries, so an old-format or legacy
   * TXT is deleted only together with the last record that relies on it. Empty: an orphan.
   */
  users: readonly string[];
}

export const REGISTRY_TXT_TTL = 300;
const HERITAGE = 'external-dns';

/** A DNS character-string holds at most 255 characters (RFC 1035 3.3); Route 53 refuses a longer one. */
export const MAX_TXT_STRING = 255;

/**
 * The TXT value ExternalDNS writes: quoted, `heritage` first, then `external-dns/<key>` sorted by key.
 *
 * A value longer than one character-string (a 253-character Ingress name makes the resource label alone
 * longer) is written as several quoted strings of 255 characters in one value, `"…" "…"`, instead of the
 * one string Route 53 refuses with CharacterStringTooLong. Splitting rather than shortening keeps the
 * labels whole for this registry (`parseOwnership` joins the strings) and keeps ExternalDNS reading the
 * owner: its `NewLabelsFromStringPlain` trims the outer quotes and splits on commas, so the heritage and
 * owner, which come first, read as written; only the resource label, which ExternalDNS uses just to pick
 * between conflicting claims, reads with the `" "` join inside it. A shortened (hashed) resource label
 * would be wrong for both readers. Values that fit stay one string, byte for byte what ExternalDNS writes.
 */
export function serializeOwnership(labels: { owner: string; resource?: string }): string {
  const pairs: [string, string][] = [[LABEL_OWNER, labels.owner]];
  if (labels.resource !== undefined) pairs.push([LABEL_RESOURCE, labels.resource]);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = [`heritage=${HERITAGE}`, ...pairs.map(([k, v]) => `${HERITAGE}/${k}=${v}`)].join(',');
  const strings: string[] = [];
  for (let i = 0; i < text.length; i += MAX_TXT_STRING)
    strings.push(`"${text.slice(i, i + MAX_TXT_STRING)}"`);
  return strings.join(' ');
}

/**
 * The labels of an ownership TXT value, or undefined when the value is not an ExternalDNS one
 * (no `heritage=external-dns`). Tolerates any order, extra labels, and the value split into quoted strings.
 */
export function parseOwnership(value: string): Record<string, string> | undefined {
  // Most TXT values in a zone are not ours (SPF, verification tokens): no need to parse those.
  if (!value.includes('heritage=')) return undefined;
  const text = unquoteTxt(value);
  const labels: Record<string, string> = {};
  let heritage = false;
  for (const token of text.split(',')) {
    const eq = token.indexOf('=');
    if (eq < 0 || token.indexOf('=', eq + 1) >= 0) continue;
    const key = token.slice(0, eq);
    const val = token.slice(eq + 1);
    if (key === 'heritage') {
      if (val !== HERITAGE) return undefined;
      heritage = true;
    } else if (key.startsWith(`${HERITAGE}/`)) {
      labels[key.slice(HERITAGE.length + 1)] = val;
    }
  }
  return heritage ? labels : undefined;
}

/** `"a" "b"` → `ab`: Route 53 returns a TXT value as one or more quoted character strings. */
function unquoteTxt(value: string): string {
  // The common case, one plain quoted string, without the pattern.
  const last = value.length - 1;
  if (last > 0 && value[0] === '"' && value.indexOf('"', 1) === last && !value.includes('\\')) {
    return value.slice(1, last);
  }
  const strings = [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '');
  return strings.length > 0 ? strings.join('') : value;
}

/**
 * The labels of `record` when it is an ownership TXT of this registry, else undefined. The one rule that
 * tells the registry's records from a zone's other TXTs, managed (a DNSEndpoint's SPF or site verification,
 * with `TXT` in managedRecordTypes) or not: a TXT set of exactly one value carrying `heritage=external-dns`,
 * as ExternalDNS's registry reads them. A set with several values is someone's (SPF, site verification...)
 * even if one value looks like ours: deleting it as a registry record would take their values with it.
 */
export function ownershipLabels(record: Endpoint): Record<string, string> | undefined {
  return record.recordType === 'TXT' && record.targets.length === 1
    ? parseOwnership(record.targets[0]!)
    : undefined;
}

export function isOwnershipTxt(record: Endpoint): boolean {
  return ownershipLabels(record) !== undefined;
}

function registryKey(
  dnsName: string,
  recordType: RecordType | '',
  setIdentifier: string | undefined,
): string {
  return `${dnsName}|${recordType}|${setIdentifier ?? ''}`;
}

function txtKey(dnsName: string, setIdentifier: string | undefined): string {
  return `${dnsName}|${setIdentifier ?? ''}`;
}

function indexByTxtKey(registry: readonly RegistryTxt[]): Map<string, RegistryTxt> {
  const byKey = new Map<string, RegistryTxt>();
  for (const t of registry) {
    const key = txtKey(t.dnsName, t.setIdentifier);
    if (!byKey.has(key)) byKey.set(key, t);
  }
  return byKey;
}

/**
 * The owner of the new-format ownership TXT a record would be written with, where that TXT stands without
 * any record it speaks for (an orphan). The planner asks before it plans a create: `planRegistryChanges`
 * never overwrites another owner's orphan TXT, so a claim under one cannot be created, and settling
 * routing policies or conflicts on it would make the pass give a name up for a record that never comes.
 * A TXT that speaks for a record (a legacy `cname-` TXT of an alias A, say) is left to the planner's own
 * conflict rules: it goes with that record when the record is released.
 */
export function ownershipTxtHolder(
  registry: readonly RegistryTxt[],
  options: RegistryOptions,
): (record: Endpoint) => { owner: string | undefined; txtName: string } | undefined {
  const names = txtNameMapper(options);
  const byKey = indexByTxtKey(registry.filter((t) => t.users.length === 0));
  return (record) => {
    const txtName = names.txtName(record.dnsName, record.recordType);
    const txt = byKey.get(txtKey(txtName, record.setIdentifier));
    return txt && { owner: txt.labels[LABEL_OWNER], txtName };
  };
}

/**
 * Another owner's TXT without its record: that owner may be about to write the record again (a cluster
 * mid-migration, a second install). Overwriting the TXT would take the name from it, so the record is
 * not created.
 */
export function txtOfAnotherOwner(record: Endpoint, txtName: string, owner: string | undefined): PassWarning {
  return {
    code: 'txt-of-another-owner',
    message:
      `${record.dnsName} ${record.recordType}: its ownership TXT ${txtName} belongs to owner ` +
      `${owner ?? '(none)'}; left as it is and the record not created. Delete that TXT if nobody owns the name`,
    dnsName: record.dnsName,
    ...(record.labels[LABEL_RESOURCE] ? { object: record.labels[LABEL_RESOURCE] } : {}),
  };
}

function isAliasA(e: Endpoint): boolean {
  return e.recordType === 'A' && e.properties.alias === true;
}

/** A zone's records split by `readOwnership`: the records proper, labelled with their owners, and the TXTs. */
export interface Ownership {
  records: Endpoint[];
  registry: RegistryTxt[];
}

interface ParsedTxt {
  txt: Endpoint;
  labels: Record<string, string>;
  key: string;
}

/**
 * Splits a zone's records into the records proper, each labelled with its owner and resource from its
 * ownership TXT (none: unowned), and the ownership TXTs themselves. Lookup order as in ExternalDNS: the
 * new-format TXT for the record's type, for an ALIAS A the legacy `cname-` TXT, then (not for AAAA) the
 * old-format TXT without a type.
 */
export function readOwnership(records: Endpoint[], options: RegistryOptions): Ownership {
  const names = txtNameMapper(options);
  const byKey = new Map<string, ParsedTxt>();
  const parsed: ParsedTxt[] = [];
  const others: Endpoint[] = [];

  for (const r of records) {
    const labels = ownershipLabels(r);
    if (!labels) {
      others.push(r);
      continue;
    }
    const mapped = names.recordFor(r.dnsName);
    const key = mapped ? registryKey(mapped.dnsName, mapped.recordType ?? '', r.setIdentifier) : '';
    const p: ParsedTxt = { txt: r, labels, key };
    parsed.push(p);
    if (mapped && !byKey.has(key)) byKey.set(key, p);
  }

  const users = new Map<ParsedTxt, string[]>();
  // A TXT that is not an ownership record is a record like any other (a DNSEndpoint's SPF, say): owned through
  // its own `txt-` TXT, or the old-format one.
  const labelled = others.map((r) => {
    const name = names.lookupName(r.dnsName);
    const own = byKey.get(registryKey(name, r.recordType, r.setIdentifier));
    const source =
      own ??
      (isAliasA(r) ? byKey.get(registryKey(name, 'CNAME', r.setIdentifier)) : undefined) ??
      (r.recordType !== 'AAAA' ? byKey.get(registryKey(name, '', r.setIdentifier)) : undefined);
    if (!source) return r;
    const speaksFor = users.get(source);
    if (speaksFor) speaksFor.push(endpointKey(r));
    else users.set(source, [endpointKey(r)]);
    const out: Endpoint = { ...r, labels: { ...r.labels, ...source.labels } };
    if (!own && out.labels[LABEL_OWNER] && newFormatWritable(names, r, options.zone))
      out.labels[LABEL_TXT_MIGRATE] = 'true';
    return out;
  });

  const registry = parsed.map(
    (p): RegistryTxt => ({ ...p.txt, labels: { ...p.txt.labels, ...p.labels }, users: users.get(p) ?? [] }),
  );
  return { records: labelled, registry };
}

/**
 * Each owner's records in a zone read page by page, kept current as pages arrive, with the owner each record
 * would get from `readOwnership` over everything read so far (the same lookup order: new-format TXT,
 * legacy `cname-` TXT of an ALIAS A, old-format TXT; the first TXT read under a key holds it). A page costs
 * its own records: a record's TXT may come pages later (Route 53's order puts `a-web` before `web`, a
 * suffix after it), and then only the records waiting for that TXT move to its owner.
 */
export class OwnershipTally {
  private readonly names: TxtNameMapper;
  private readonly ownerOfKey = new Map<string, string>();
  /** Records still hoping for a better source, by the registry key they would take it from. */
  private readonly waiting = new Map<string, TalliedRecord[]>();
  private readonly counts = new Map<string, number>();

  constructor(
    options: RegistryOptions,
    /** Whether a record counts (the deletion guard's: a managed type under the domain filter). */
    private readonly counted: (record: Endpoint) => boolean,
  ) {
    this.names = txtNameMapper(options);
  }

  /** Takes one more page of the zone. */
  add(page: readonly Endpoint[]): void {
    for (const r of page) {
      const labels = ownershipLabels(r);
      if (labels) this.addTxt(r, labels);
      else if (this.counted(r)) this.addRecord(r);
    }
  }

  /** Records counted for `owner` ('' for records without one) so far. */
  count(owner: string): number {
    return this.counts.get(owner) ?? 0;
  }

  /** Every owner's count so far (owners with none left out). */
  owned(): Map<string, number> {
    return new Map([...this.counts].filter(([, n]) => n > 0));
  }

  private addTxt(txt: Endpoint, labels: Record<string, string>): void {
    const mapped = this.names.recordFor(txt.dnsName);
    if (!mapped) return;
    const key = registryKey(mapped.dnsName, mapped.recordType ?? '', txt.setIdentifier);
    if (this.ownerOfKey.has(key)) return;
    const owner = labels[LABEL_OWNER] ?? '';
    this.ownerOfKey.set(key, owner);
    for (const record of this.waiting.get(key) ?? []) {
      const rank = record.keys.indexOf(key);
      if (rank >= record.rank) continue;
      this.move(record.owner, owner);
      record.owner = owner;
      record.rank = rank;
    }
    this.waiting.delete(key);
  }

  private addRecord(r: Endpoint): void {
    const name = this.names.lookupName(r.dnsName);
    const keys = [registryKey(name, r.recordType, r.setIdentifier)];
    if (isAliasA(r)) keys.push(registryKey(name, 'CNAME', r.setIdentifier));
    if (r.recordType !== 'AAAA') keys.push(registryKey(name, '', r.setIdentifier));
    const rank = keys.findIndex((k) => this.ownerOfKey.has(k));
    const record: TalliedRecord = {
      keys,
      rank: rank < 0 ? keys.length : rank,
      owner: rank < 0 ? '' : this.ownerOfKey.get(keys[rank]!)!,
    };
    this.move(undefined, record.owner);
    for (const k of keys.slice(0, record.rank)) {
      const list = this.waiting.get(k);
      if (list) list.push(record);
      else this.waiting.set(k, [record]);
    }
  }

  private move(from: string | undefined, to: string): void {
    if (from !== undefined) this.counts.set(from, (this.counts.get(from) ?? 0) - 1);
    this.counts.set(to, (this.counts.get(to) ?? 0) + 1);
  }
}

interface TalliedRecord {
  /** The registry keys it may take its owner from, best first. */
  keys: string[];
  /** The index in `keys` of its source now; `keys.length` for none. */
  rank: number;
  owner: string;
}

/** Whether the new-format TXT of `r` can be written in `zone` (it cannot fall outside it). */
function newFormatWritable(names: TxtNameMapper, r: Endpoint, zone: string | undefined): boolean {
  return !zone || isInZone(names.txtName(r.dnsName, r.recordType), zone);
}

/**
 * Routing properties a record's TXT shares, so weighted/latency/failover/geo records each get their own
 * (ExternalDNS copies the record's provider-specific properties to its TXT). One exception: a failover
 * record's TXT is written weighted (weight 1), not failover. Route 53 refuses a non-alias failover PRIMARY
 * without a health check ("A non-alias primary ResourceRecordSet must have an associated health check",
 * kubernetes-sigs/external-dns#1420 and #2362: ExternalDNS's own failover TXT fails so), and a TXT is never
 * an alias. The TXT keeps the record's set identifier, all that ExternalDNS matches ownership by.
 */
function routingProperties(p: Route53Properties): Route53Properties {
  const out: Route53Properties = {};
  if (p.weight !== undefined) out.weight = p.weight;
  if (p.region !== undefined) out.region = p.region;
  if (p.failover !== undefined) out.weight = 1;
  if (p.geolocation !== undefined) out.geolocation = { ...p.geolocation };
  if (p.multiValueAnswer !== undefined) out.multiValueAnswer = p.multiValueAnswer;
  if (p.healthCheckId !== undefined) out.healthCheckId = p.healthCheckId;
  return out;
}

function ownershipTxt(record: Endpoint, dnsName: string): Endpoint {
  const owner = record.labels[LABEL_OWNER] ?? '';
  const resource = record.labels[LABEL_RESOURCE];
  return {
    dnsName,
    recordType: 'TXT',
    targets: [serializeOwnership(resource === undefined ? { owner } : { owner, resource })],
    ttl: REGISTRY_TXT_TTL,
    ...(record.setIdentifier !== undefined ? { setIdentifier: record.setIdentifier } : {}),
    labels: {},
    properties: routingProperties(record.properties),
  };
}

/** A record without ownership labels: what goes to Route 53. */
function recordOnly(e: Endpoint): Endpoint {
  const labels = { ...e.labels };
  delete labels[LABEL_TXT_MIGRATE];
  return { ...e, labels };
}

/**
 * The plan as Route 53 changes, each record change grouped with the TXT changes that keep the registry true:
 *   create → CREATE record + CREATE (or UPSERT over an orphan) new-format TXT
 *   update → UPSERT record (+ UPSERT new-format TXT when it is missing or its owner/resource differ)
 *   delete → DELETE record + DELETE each of its TXTs that exists (as read: a DELETE must match exactly)
 * Groups come deletes first, then updates, then creates, so a name is freed before it is taken again.
 * With `zone` set, a create whose TXT would fall outside the zone (an apex record with an affix that
 * keeps no dot) is not made and is reported instead: the record would be created without an owner.
 */
export function planRegistryChanges(
  plan: Plan,
  registry: readonly RegistryTxt[],
  options: RegistryOptions,
  /** The zone's records as `readOwnership` read them: the TXTs among them hold names no ownership TXT may take. */
  records: readonly Endpoint[] = [],
): { groups: ChangeGroup[]; warnings: PassWarning[] } {
  const index = new RegistryIndex(registry, options, recordTxtNames(plan, records));
  const warnings: PassWarning[] = [];
  const deleted = deleteGroups(plan.delete, index);
  const updated = updateGroups(plan, index, warnings);
  const created = createGroups(plan.create, index, deleted.txts, warnings);
  return { groups: oneGroupPerRoutedSet([...deleted.groups, ...updated, ...created]), warnings };
}

/**
 * Every change at a record name and type where routed record sets are involved goes into one group, at the
 * place of the first: Route 53 holds one routing policy per name and type, so a move — a simple record
 * becoming the first member of a weighted set, a policy change, a member joining as the last but one
 * leaves, two failover roles swapping — is only accepted whole, and applied whole the name never stops
 * resolving. A group is never split across batches (batch.ts), so neither is a move.
 */
function oneGroupPerRoutedSet(groups: ChangeGroup[]): ChangeGroup[] {
  const keyOf = (g: ChangeGroup) => `${g[0]!.endpoint.dnsName}|${g[0]!.endpoint.recordType}`;
  const count = new Map<string, number>();
  const routed = new Set<string>();
  for (const g of groups) {
    if (g.length === 0) continue;
    const key = keyOf(g);
    count.set(key, (count.get(key) ?? 0) + 1);
    if (g.some((c) => c.endpoint.setIdentifier !== undefined)) routed.add(key);
  }
  const merged = new Map<string, RecordChange[]>();
  const out: ChangeGroup[] = [];
  for (const g of groups) {
    if (g.length === 0) continue;
    const key = keyOf(g);
    if (!routed.has(key) || count.get(key) === 1) {
      out.push(g);
      continue;
    }
    const into = merged.get(key);
    if (into) into.push(...g);
    else {
      const group = [...g];
      merged.set(key, group);
      out.push(group);
    }
  }
  return out;
}

/** The registry as one pass looks it up, indexed once: by TXT name, and by the record name each speaks for. */
class RegistryIndex {
  readonly names: TxtNameMapper;
  /** By TXT name and set identifier (`txtKey`). */
  readonly byTxtKey: Map<string, RegistryTxt>;
  /** By the name of the records each TXT speaks for and its set identifier (`txtKey`), in registry order. */
  private readonly bySpokenName = new Map<string, { txt: RegistryTxt; recordType?: RecordType }[]>();

  /** Names of every ownership TXT there now (Route 53 holds one TXT set per name and set identifier). */
  private readonly ownershipNames = new Set<string>();

  constructor(
    registry: readonly RegistryTxt[],
    readonly options: RegistryOptions,
    /** Names holding a TXT record that is not an ownership TXT once the plan is made (`recordTxtNames`). */
    private readonly recordTxts: ReadonlySet<string> = new Set(),
  ) {
    this.names = txtNameMapper(options);
    this.byTxtKey = indexByTxtKey(registry);
    for (const txt of registry) {
      this.ownershipNames.add(txt.dnsName);
      const mapped = this.names.recordFor(txt.dnsName);
      if (!mapped) continue;
      const key = txtKey(mapped.dnsName, txt.setIdentifier);
      const entry = mapped.recordType ? { txt, recordType: mapped.recordType } : { txt };
      const list = this.bySpokenName.get(key);
      if (list) list.push(entry);
      else this.bySpokenName.set(key, [entry]);
    }
  }

  /** The TXTs that may speak for `record`: its own type's, the legacy `cname-` one of an ALIAS A, the old format. */
  txtsOf(record: Endpoint): RegistryTxt[] {
    const entries = this.bySpokenName.get(
      txtKey(this.names.lookupName(record.dnsName), record.setIdentifier),
    );
    const out: RegistryTxt[] = [];
    for (const { txt, recordType } of entries ?? []) {
      const ownType = recordType === record.recordType;
      const legacy = recordType === 'CNAME' && isAliasA(record);
      const old = recordType === undefined && record.recordType !== 'AAAA';
      if (ownType || legacy || old) out.push(txt);
    }
    return out;
  }

  /** Why the TXT `name` cannot be written for `record`, if it cannot. */
  unwritable(record: Endpoint, name: string): PassWarning | undefined {
    const zone = this.options.zone;
    if (zone && !isInZone(name, zone)) return outsideZone(record, name, zone);
    if (this.recordTxts.has(name)) return ownershipNameTaken(record, name);
    return invalidTxtName(record, name);
  }

  /**
   * A TXT record to create where an ownership TXT stands: the two would be one record set, and writing the
   * record would take another record's ownership away (or fail the batch).
   */
  ownershipRecordAt(record: Endpoint): PassWarning | undefined {
    if (record.recordType !== 'TXT' || !this.ownershipNames.has(record.dnsName)) return undefined;
    return {
      code: 'txt-name-is-ownership-record',
      message:
        `${record.dnsName} TXT: the ownership TXT of another record stands at this name (the registry's ` +
        `naming: txtPrefix/txtSuffix and the record type); not written. Choose another name for the TXT record`,
      dnsName: record.dnsName,
      ...(record.labels[LABEL_RESOURCE] ? { object: record.labels[LABEL_RESOURCE] } : {}),
    };
  }

  /** A same-zone alias (no target zone known) to a name outside the zone: Route 53 finds no target, ever. */
  strayAlias(record: Endpoint): PassWarning | undefined {
    const target = record.targets[0];
    const zone = this.options.zone;
    if (record.properties.alias !== true || record.properties.aliasHostedZoneId || !zone || !target)
      return undefined;
    if (isInZone(target, zone)) return undefined;
    return {
      code: 'alias-target-not-found',
      message:
        `${record.dnsName} ${record.recordType}: an alias to ${target}, which is neither an AWS endpoint with a ` +
        `canonical zone nor a name in zone ${zone}; Route 53 would refuse it, so it is not written`,
      dnsName: record.dnsName,
      ...(record.labels[LABEL_RESOURCE] ? { object: record.labels[LABEL_RESOURCE] } : {}),
    };
  }
}

/** Each deleted record with the TXTs that go with it; `txts` are the TXT keys deleted. */
function deleteGroups(
  deletes: readonly Endpoint[],
  index: RegistryIndex,
): { groups: ChangeGroup[]; txts: Set<string> } {
  const deletedKeys = new Set(deletes.map(endpointKey));
  const txts = new Set<string>();
  const groups: ChangeGroup[] = [];
  for (const record of deletes) {
    const group: RecordChange[] = [{ action: 'DELETE', endpoint: recordOnly(record) }];
    for (const t of index.txtsOf(record)) {
      // An old-format or legacy TXT can speak for several records: it goes with the last of them.
      if (!t.users.every((k) => deletedKeys.has(k))) continue;
      const k = txtKey(t.dnsName, t.setIdentifier);
      if (txts.has(k)) continue;
      txts.add(k);
      group.push({ action: 'DELETE', endpoint: asWritten(t), ownership: true });
    }
    groups.push(group);
  }
  return { groups, txts };
}

/** Each update with its new-format TXT written or rewritten where it is missing or says another owner. */
function updateGroups(plan: Plan, index: RegistryIndex, warnings: PassWarning[]): ChangeGroup[] {
  const groups: ChangeGroup[] = [];
  plan.updateNew.forEach((record, i) => {
    const old = plan.updateOld[i];
    const stray = index.strayAlias(record);
    if (stray) {
      warnings.push(stray);
      return;
    }
    const group: RecordChange[] = replace(old, record);
    const txtName = index.names.txtName(record.dnsName, record.recordType);
    const existing = index.byTxtKey.get(txtKey(txtName, record.setIdentifier));
    const wanted = ownershipTxt(record, txtName);
    const sameOwnership =
      existing !== undefined &&
      existing.labels[LABEL_OWNER] === record.labels[LABEL_OWNER] &&
      existing.labels[LABEL_RESOURCE] === record.labels[LABEL_RESOURCE] &&
      sameRouting(existing.properties, wanted.properties);
    if (!sameOwnership) {
      const problem = index.unwritable(record, txtName);
      if (!problem) group.push(...replace(existing && asWritten(existing), wanted).map(asOwnership));
      else if (old && old.labels[LABEL_OWNER] !== record.labels[LABEL_OWNER]) {
        // The owner would change but the record's TXT cannot say so: leave the record as it is.
        warnings.push(problem);
        return;
      }
    }
    groups.push(group);
  });
  return groups;
}

/** Each create with its new-format TXT; not where the TXT cannot be written or another owner's orphan holds it. */
function createGroups(
  creates: readonly Endpoint[],
  index: RegistryIndex,
  deletedTxts: ReadonlySet<string>,
  warnings: PassWarning[],
): ChangeGroup[] {
  const groups: ChangeGroup[] = [];
  for (const record of creates) {
    const txtName = index.names.txtName(record.dnsName, record.recordType);
    const problem =
      index.strayAlias(record) ?? index.ownershipRecordAt(record) ?? index.unwritable(record, txtName);
    if (problem) {
      warnings.push(problem);
      continue;
    }
    const left = index.byTxtKey.get(txtKey(txtName, record.setIdentifier));
    const orphan = left !== undefined && !deletedTxts.has(txtKey(txtName, record.setIdentifier));
    if (orphan && left.labels[LABEL_OWNER] !== record.labels[LABEL_OWNER]) {
      warnings.push(txtOfAnotherOwner(record, txtName, left.labels[LABEL_OWNER]));
      continue;
    }
    groups.push([
      { action: 'CREATE', endpoint: recordOnly(record) },
      // This owner's TXT left behind by a record deleted outside the registry: CREATE would fail the batch.
      { action: orphan ? 'UPSERT' : 'CREATE', endpoint: ownershipTxt(record, txtName), ownership: true },
    ]);
  }
  return groups;
}

/**
 * The changes that turn `old` into `next` at one name, type and set identifier: an UPSERT, or — where
 * Route 53 cannot apply it in place — DELETE of the record as read plus CREATE, in the same group so they
 * land in one batch. Route 53 refuses an UPSERT that changes a set's routing policy ("cannot be created
 * as a non-weighted set exists", kubernetes-sigs/external-dns#1411); ExternalDNS's AWS provider
 * (`requiresDeleteCreate`) deletes and creates whenever a routing property appears or disappears, and so
 * does this.
 */
function replace(old: Endpoint | undefined, next: Endpoint): RecordChange[] {
  if (old && routingShape(old.properties) !== routingShape(next.properties)) {
    return [
      { action: 'DELETE', endpoint: recordOnly(old), routingChange: true },
      { action: 'CREATE', endpoint: recordOnly(next), routingChange: true },
    ];
  }
  return [{ action: 'UPSERT', endpoint: recordOnly(next), ...(old ? { previous: recordOnly(old) } : {}) }];
}

function asOwnership(change: RecordChange): RecordChange {
  return { ...change, ownership: true };
}

/**
 * Names that hold a TXT record (not an ownership TXT) once the plan is made: those there now and not
 * deleted, and those it creates. An ownership TXT written there would replace or collide with it.
 */
function recordTxtNames(plan: Plan, records: readonly Endpoint[]): Set<string> {
  const deleted = new Set(plan.delete.filter((r) => r.recordType === 'TXT').map(endpointKey));
  const names = new Set<string>();
  for (const r of records)
    if (r.recordType === 'TXT' && !deleted.has(endpointKey(r)) && !isOwnershipTxt(r)) names.add(r.dnsName);
  for (const r of plan.create) if (r.recordType === 'TXT') names.add(r.dnsName);
  return names;
}

/** Which routing properties a record has, not their values: what an UPSERT cannot change. */
function routingShape(p: Route53Properties): string {
  const g = p.geolocation;
  return [
    p.weight !== undefined,
    p.region !== undefined,
    // A failover role changes by DELETE + CREATE too: two UPSERTs swapping PRIMARY and SECONDARY would
    // each meet the other's old role, and Route 53 takes one of each per name and type.
    p.failover,
    g?.continentCode !== undefined,
    g?.countryCode !== undefined,
    g?.subdivisionCode !== undefined,
    p.multiValueAnswer === true,
  ].join();
}

/** `planRegistryChanges` without its warnings. */
export function toChangeGroups(
  plan: Plan,
  registry: readonly RegistryTxt[],
  options: RegistryOptions,
): ChangeGroup[] {
  return planRegistryChanges(plan, registry, options).groups;
}

/** The TXT as it stands in the zone, without what `readOwnership` learned about it. */
function asWritten(t: RegistryTxt): Endpoint {
  const { users: _users, ...endpoint } = t;
  return endpoint;
}

function sameRouting(a: Route53Properties, b: Route53Properties): boolean {
  return canonicalRouting(a) === canonicalRouting(b);
}

function canonicalRouting(p: Route53Properties): string {
  const r = routingProperties(p);
  const geo = r.geolocation;
  return JSON.stringify([
    r.weight,
    r.region,
    r.failover,
    geo ? [geo.continentCode, geo.countryCode, geo.subdivisionCode] : undefined,
    r.multiValueAnswer,
    r.healthCheckId,
  ]);
}

/**
 * The TXT name's affix lengthens the record's first label: a 62-character host becomes `cname-` + 62, which
 * Route 53 refuses (DomainLabelTooLong). The sources hold such names already (`txt-name-too-long`); this is
 * the registry's own guard for endpoints from elsewhere: the record is not created without an owner.
 */
function invalidTxtName(record: Endpoint, txtName: string): PassWarning | undefined {
  const problem = nameLengthProblem(txtName);
  if (!problem) return undefined;
  return {
    code: 'txt-name-invalid',
    message:
      `${record.dnsName} ${record.recordType}: its ownership TXT name ${txtName} ${problem}; ` +
      'not written, and the record not created without an owner. Shorten the name, or the txtPrefix/txtSuffix',
    dnsName: record.dnsName,
    ...(record.labels[LABEL_RESOURCE] ? { object: record.labels[LABEL_RESOURCE] } : {}),
  };
}

function ownershipNameTaken(record: Endpoint, txtName: string): PassWarning {
  return {
    code: 'ownership-txt-name-taken',
    message:
      `${record.dnsName} ${record.recordType}: its ownership TXT name ${txtName} holds a TXT record that is not ` +
      'an ownership record; neither is written over the other, and the record not created without an owner. ' +
      'Rename that TXT record, or set txtPrefix/txtSuffix',
    dnsName: record.dnsName,
    ...(record.labels[LABEL_RESOURCE] ? { object: record.labels[LABEL_RESOURCE] } : {}),
  };
}

function outsideZone(record: Endpoint, txtName: string, zone: string | undefined): PassWarning {
  return {
    code: 'txt-outside-zone',
    message:
      `${record.dnsName} ${record.recordType}: its ownership TXT ${txtName} would fall outside zone ${zone}; ` +
      `not written. Set txtPrefix to a value ending in a dot, e.g. "%{record_type}.", to manage apex records`,
    dnsName: record.dnsName,
    ...(record.labels[LABEL_RESOURCE] ? { object: record.labels[LABEL_RESOURCE] } : {}),
  };
}
