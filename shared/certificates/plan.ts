import { createHash } from 'node:crypto';
import { coversAny, MAX_COMMON_NAME_LENGTH, validationBase } from './coverage.js';
import {
  type CertificateAttachment,
  FAILED_STATUSES,
  type KnownCertificate,
  type NeededHost,
  type ValidationRecord,
} from './model.js';
import {
  isOurs,
  type Ownership,
  type OwnState,
  readOwnState,
  requestTags,
  STATE_TAG,
  tagSafe,
  validationTags,
} from './tags.js';

/**
 * The certificate planner: the fleet's TLS hostnames × the ACM inventory → what to request, tag and delete,
 * which validation CNAMEs must exist, and the state of every certificate that matters. Pure: time is a
 * parameter, state comes in as the certificates' tags.
 *
 * Rules:
 * - an ISSUED certificate covers a host exactly or through a one-label wildcard, whoever requested it;
 *   a covered host never gets a second certificate, nor does a host a PENDING certificate already names;
 * - a host whose last certificate of ours failed waits `initial · 2^(attempt-1)` (capped) before a retry,
 *   and is then retried on its own certificate, so one bad name cannot hold back the others;
 * - new hosts are grouped by parent domain, at most `maxNamesPerCertificate` names a request, within the
 *   region's yearly quota (as far as ACM still shows the year's certificates) and the per-pass limit;
 * - a validation CNAME is desired while any live certificate of ours not deleted now needs it; an
 *   unneeded certificate of ours whose validation record also validates someone else's live certificate
 *   is kept, since its tags are what tells us the record is ours to keep;
 * - our certificates that no host needs are deleted after a grace period, never while in use; failed
 *   ones as soon as they no longer hold a host's backoff; nothing at all when the pass is partial;
 * - an object that takes certificates by ARN only (an NLB Service) and names none of those serving its
 *   host is reported with the ARN to add: nothing else will attach it, and ACM renews only what is used.
 */

export interface PlanSettings extends Ownership {
  maxNamesPerCertificate: number;
  yearlyRequestQuota: number;
  maxRequestsPerPass: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  cleanupGraceMs: number;
  expiryWarningDays: number;
  pendingWarningMs: number;
  unusedWarningMs: number;
}

export interface PlanInput {
  now: Date;
  hosts: readonly NeededHost[];
  /** Every certificate of the regions read, foreign ones included. */
  certificates: readonly KnownCertificate[];
  /** False when some hosts may be missing (a failed cluster, a partial pass): nothing is cleaned up. */
  cleanup: boolean;
  settings: PlanSettings;
}

export interface PlannedRequest {
  region: string;
  domainName: string;
  /** Every name, the domain name first. */
  names: string[];
  attempt: number;
  idempotencyToken: string;
  tags: Record<string, string>;
  /** The failed certificate of ours this one retries. */
  retryOf?: string;
}

export interface PlannedTagging {
  arn: string;
  region: string;
  add: Record<string, string>;
}

export interface PlannedUntagging {
  arn: string;
  region: string;
  keys: string[];
}

export interface PlannedDeletion {
  arn: string;
  region: string;
  names: string[];
  reason: 'unneeded' | 'superseded';
  /** Its validation records: needed again if the deletion fails. */
  validationRecords: ValidationRecord[];
}

export interface DesiredValidationRecord extends ValidationRecord {
  /** The name the record validates, for `x` and `*.x` alike. */
  base: string;
  /** The certificates of ours that need it. */
  certificates: string[];
}

export type WaitReason =
  | 'pending'
  | 'backoff'
  | 'quota'
  | 'pass-limit'
  | 'covered-by-request'
  | 'no-short-name'
  | 'inventory-unread';

export interface CertificateReport {
  coveredHosts: number;
  waiting: { host: string; region: string; reason: WaitReason; arn?: string; until?: string }[];
  issued: {
    arn: string;
    region: string;
    names: string[];
    ours: boolean;
    inUse: boolean;
    daysLeft?: number;
    hosts: string[];
  }[];
  pending: {
    arn: string;
    region: string;
    names: string[];
    ours: boolean;
    ageSeconds?: number;
    tooLong: boolean;
  }[];
  failed: {
    arn: string;
    region: string;
    names: string[];
    reason: string;
    attempt: number;
    retryAfter?: string;
  }[];
  expiring: { arn: string; region: string; names: string[]; ours: boolean; daysLeft: number }[];
  /** Issued, serving hosts, and not in use: ACM renews only certificates in use. NLB Services need the ARN. */
  renewalAtRisk: { arn: string; region: string; names: string[]; hosts: string[]; resources: string[] }[];
  kept: {
    arn: string;
    region: string;
    names: string[];
    reason: 'grace' | 'in-use' | 'validation-shared';
    deleteAfter?: string;
  }[];
  duplicates: { host: string; region: string; arns: string[] }[];
  /**
   * An object that takes certificates by ARN only (an NLB Service) serves `hosts`, an issued certificate
   * serves them, and the object names none that does: `arn` must be added to the ARNs it names now.
   */
  notAttached: {
    cluster: string;
    resource: string;
    region: string;
    arn: string;
    hosts: string[];
    /** What its ssl-cert annotation names now. */
    attached: string[];
  }[];
  quota: { region: string; limit: number; usedLast365Days: number; remaining: number }[];
}

type NotAttached = CertificateReport['notAttached'][number];

export interface CertificatePlan {
  requests: PlannedRequest[];
  tagging: PlannedTagging[];
  untagging: PlannedUntagging[];
  deletions: PlannedDeletion[];
  validationRecords: DesiredValidationRecord[];
  report: CertificateReport;
  warnings: string[];
}

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

/** Statuses in which a certificate's validation record keeps mattering (issue now, renew later). */
const LIVE_STATUSES: ReadonlySet<string> = new Set(['PENDING_VALIDATION', 'ISSUED']);

export function backoffMs(
  attempt: number,
  s: Pick<PlanSettings, 'backoffInitialMs' | 'backoffMaxMs'>,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  return Math.min(s.backoffInitialMs * 2 ** exponent, s.backoffMaxMs);
}

export function emptyReport(): CertificateReport {
  return {
    coveredHosts: 0,
    waiting: [],
    issued: [],
    pending: [],
    failed: [],
    expiring: [],
    renewalAtRisk: [],
    kept: [],
    duplicates: [],
    notAttached: [],
    quota: [],
  };
}

export function planCertificates(input: PlanInput): CertificatePlan {
  const p = startPlanning(input);
  scheduleRetries(p);
  for (const region of regionsOf(input.hosts, p.certificates)) planRegion(p, region);
  const foreignBases = foreignValidationBases(p);
  for (const c of p.certificates) {
    const st = p.ours.get(c.arn);
    if (st) planUpkeep(p, c, st, foreignBases);
  }
  return finishPlan(p);
}

/** What the steps of one plan share: the plan being built and what one step learns for the next. */
interface Planning {
  input: PlanInput;
  /** `input.now` in milliseconds. */
  t: number;
  plan: CertificatePlan;
  /** Every certificate, by ARN. */
  certificates: KnownCertificate[];
  /** Our certificates' state, from their tags. */
  ours: Map<string, OwnState>;
  /** The hosts each certificate serves, waits for or holds the backoff of: a certificate here stays. */
  needBy: Map<string, Set<NeededHost>>;
  tagAdds: Map<string, PlannedTagging>;
  /** When each failed certificate of ours lets its hosts be retried. */
  retryAfterOf: Map<string, Date>;
  notAttached: Map<string, NotAttached>;
  neededHostsByRegion: Map<string, NeededHost[]>;
  requestsLeft: number;
  deleted: Set<string>;
  /** Our certificates whose validation records stay desired. */
  recordHolders: KnownCertificate[];
}

function startPlanning(input: PlanInput): Planning {
  const certificates = [...input.certificates].sort(byArn);
  const ours = new Map<string, OwnState>();
  for (const c of certificates) if (isOurs(c, input.settings)) ours.set(c.arn, readOwnState(c.tags));
  return {
    input,
    t: input.now.getTime(),
    plan: {
      requests: [],
      tagging: [],
      untagging: [],
      deletions: [],
      validationRecords: [],
      report: emptyReport(),
      warnings: [],
    },
    certificates,
    ours,
    needBy: new Map(),
    tagAdds: new Map(),
    retryAfterOf: new Map(),
    notAttached: new Map(),
    neededHostsByRegion: new Map(),
    requestsLeft: input.settings.maxRequestsPerPass,
    deleted: new Set(),
    recordHolders: [],
  };
}

function need(p: Planning, cs: readonly KnownCertificate[], h: NeededHost): void {
  for (const c of cs) {
    const set = p.needBy.get(c.arn) ?? new Set();
    set.add(h);
    p.needBy.set(c.arn, set);
  }
}

function addTags(p: Planning, c: KnownCertificate, add: Record<string, string>): void {
  const entry = p.tagAdds.get(c.arn) ?? { arn: c.arn, region: c.region, add: {} };
  Object.assign(entry.add, add);
  p.tagAdds.set(c.arn, entry);
}

/** A failed certificate of ours gets its retry time (and reason) written the first time we see it failed. */
function scheduleRetries(p: Planning): void {
  for (const c of p.certificates) {
    const st = p.ours.get(c.arn);
    if (!st || !FAILED_STATUSES.has(c.status)) continue;
    if (st.retryAfter) {
      p.retryAfterOf.set(c.arn, st.retryAfter);
      continue;
    }
    const retryAfter = new Date(p.t + backoffMs(st.attempt, p.input.settings));
    p.retryAfterOf.set(c.arn, retryAfter);
    addTags(p, c, {
      [STATE_TAG.retryAfter]: retryAfter.toISOString(),
      [STATE_TAG.failureReason]: tagSafe(c.failureReason ?? String(c.status)),
    });
  }
}

function regionsOf(hosts: readonly NeededHost[], certificates: readonly KnownCertificate[]): string[] {
  return [...new Set([...hosts.map((h) => h.region), ...certificates.map((c) => c.region)])].sort();
}

/** One region's certificates, as the hosts of that region are judged against them. */
interface RegionInventory {
  region: string;
  /** ACM-issued certificates created in the last 365 days: what the yearly quota counts. */
  usedLastYear: number;
  /** Issued and not past their notAfter. */
  issued: KnownCertificate[];
  pending: KnownCertificate[];
  /** Our failed certificates, newest first. */
  ourFailed: KnownCertificate[];
}

function regionInventory(p: Planning, region: string): RegionInventory {
  const { t } = p;
  const inRegion = p.certificates.filter((c) => c.region === region);
  return {
    region,
    usedLastYear: inRegion.filter(
      (c) => c.type === 'AMAZON_ISSUED' && c.createdAt && t - c.createdAt.getTime() < YEAR_MS,
    ).length,
    issued: inRegion.filter((c) => c.status === 'ISSUED' && !(c.notAfter && c.notAfter.getTime() <= t)),
    pending: inRegion.filter((c) => c.status === 'PENDING_VALIDATION'),
    ourFailed: inRegion
      .filter((c) => p.ours.has(c.arn) && FAILED_STATUSES.has(c.status))
      .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0) || byArn(a, b)),
  };
}

/** A host no certificate serves or waits for, to be asked for with `attempt`. */
interface HostToRequest {
  host: NeededHost;
  attempt: number;
  /** The failed certificate of ours it retries. */
  retryOf?: string;
}

/** The region's hosts against its inventory: what to request, within the quota and the pass's limit. */
function planRegion(p: Planning, region: string): void {
  const { input, plan } = p;
  const s = input.settings;
  const inventory = regionInventory(p, region);
  const hosts = mergeHosts(input.hosts.filter((h) => h.region === region));
  p.neededHostsByRegion.set(region, hosts);
  const toRequest: HostToRequest[] = [];
  for (const h of hosts) {
    const entry = placeHost(p, inventory, h);
    if (entry) toRequest.push(entry);
  }
  const quotaLeft = Math.max(0, s.yearlyRequestQuota - inventory.usedLastYear);
  const remaining = planRequests(p, region, withoutWildcardCovered(p, region, toRequest), quotaLeft);
  plan.report.quota.push({
    region,
    limit: s.yearlyRequestQuota,
    usedLast365Days: inventory.usedLastYear + plan.requests.filter((r) => r.region === region).length,
    remaining,
  });
}

/**
 * Where a host stands: served by an issued certificate, waiting for a pending one or for its backoff, or to
 * be requested (returned). Each certificate it finds is needed this pass.
 */
function placeHost(p: Planning, inventory: RegionInventory, h: NeededHost): HostToRequest | undefined {
  const { report } = p.plan;
  const { region } = inventory;
  const covering = inventory.issued.filter((c) => coversAny(c.names, h.host));
  if (covering.length > 0) {
    need(p, covering, h);
    report.coveredHosts++;
    if (covering.length > 1)
      report.duplicates.push({ host: h.host, region, arns: covering.map((c) => c.arn) });
    for (const a of h.attachments ?? []) noteUnattached(p.notAttached, a, h.host, region, covering);
    return undefined;
  }
  const waitingOn = inventory.pending.filter((c) => coversAny(c.names, h.host));
  if (waitingOn.length > 0) {
    need(p, waitingOn, h);
    report.waiting.push({
      host: h.host,
      region,
      reason: 'pending',
      arn: (waitingOn[0] as KnownCertificate).arn,
    });
    return undefined;
  }
  const lastFailure = inventory.ourFailed.find((c) => coversAny(c.names, h.host));
  if (!lastFailure) return { host: h, attempt: 1 };
  // It holds the host's backoff until a newer certificate takes over, so it stays this pass.
  need(p, [lastFailure], h);
  const retryAfter = p.retryAfterOf.get(lastFailure.arn) as Date;
  if (p.t < retryAfter.getTime()) {
    report.waiting.push({
      host: h.host,
      region,
      reason: 'backoff',
      arn: lastFailure.arn,
      until: retryAfter.toISOString(),
    });
    return undefined;
  }
  const attempt = (p.ours.get(lastFailure.arn)?.attempt ?? 1) + 1;
  return { host: h, attempt, retryOf: lastFailure.arn };
}

/** A wildcard asked for in this pass serves its one-label names: they wait for it instead. */
function withoutWildcardCovered(p: Planning, region: string, toRequest: HostToRequest[]): HostToRequest[] {
  return toRequest.filter((r) => {
    const by = toRequest.find(
      (o) => o !== r && o.host.host.startsWith('*.') && coversAny([o.host.host], r.host.host),
    );
    if (by) p.plan.report.waiting.push({ host: r.host.host, region, reason: 'covered-by-request' });
    return !by;
  });
}

/** The region's requests, grouped; what the pass's limit or the quota holds back waits. Returns the quota left. */
function planRequests(p: Planning, region: string, requestable: HostToRequest[], quotaLeft: number): number {
  const { input, plan } = p;
  const s = input.settings;
  let remaining = quotaLeft;
  for (const group of groupRequests(requestable, s.maxNamesPerCertificate)) {
    const names = group.map((r) => r.host.host);
    const wait = (reason: WaitReason) => {
      for (const n of names) plan.report.waiting.push({ host: n, region, reason });
    };
    if (p.requestsLeft <= 0) {
      wait('pass-limit');
      continue;
    }
    if (remaining <= 0) {
      wait('quota');
      continue;
    }
    const ordered = orderForRequest(names);
    if (!ordered) {
      wait('no-short-name');
      continue;
    }
    const attempt = Math.max(...group.map((r) => r.attempt));
    const retryOf = group.find((r) => r.retryOf)?.retryOf;
    plan.requests.push({
      region,
      domainName: ordered[0] as string,
      names: ordered,
      attempt,
      idempotencyToken: idempotencyToken(s.ownerId, region, ordered, attempt),
      tags: requestTags(s, input.now, attempt),
      ...(retryOf ? { retryOf } : {}),
    });
    remaining--;
    p.requestsLeft--;
  }
  return remaining;
}

/** Validation records someone else's live certificate uses too: ours may have written them. */
function foreignValidationBases(p: Planning): Set<string> {
  const bases = new Set<string>();
  for (const c of p.certificates) {
    if (p.ours.has(c.arn) || c.type !== 'AMAZON_ISSUED' || !LIVE_STATUSES.has(c.status)) continue;
    for (const n of c.names) bases.add(validationBase(n));
  }
  return bases;
}

/** Cleanup and tag upkeep of one certificate of ours, and whether its validation records stay desired. */
function planUpkeep(p: Planning, c: KnownCertificate, st: OwnState, foreignBases: ReadonlySet<string>): void {
  const { input, plan } = p;
  const { now } = input;
  cacheValidationRecords(c, st, (cert, add) => addTags(p, cert, add));
  const live = LIVE_STATUSES.has(c.status);
  const holdRecords = () => {
    if (live) p.recordHolders.push(c);
  };
  if (p.needBy.has(c.arn)) {
    if (st.unneededSince)
      plan.untagging.push({ arn: c.arn, region: c.region, keys: [STATE_TAG.unneededSince] });
    holdRecords();
    return;
  }
  if (FAILED_STATUSES.has(c.status)) {
    if (input.cleanup) deleteFailed(p, c);
    return;
  }
  if (c.names.some((n) => foreignBases.has(validationBase(n)))) {
    plan.report.kept.push({ arn: c.arn, region: c.region, names: c.names, reason: 'validation-shared' });
    p.recordHolders.push(c);
    return;
  }
  if (!input.cleanup) {
    holdRecords();
    return;
  }
  const since = st.unneededSince ?? now;
  if (!st.unneededSince) addTags(p, c, { [STATE_TAG.unneededSince]: now.toISOString() });
  const deleteAfter = new Date(since.getTime() + input.settings.cleanupGraceMs);
  if (p.t < deleteAfter.getTime()) {
    plan.report.kept.push({
      arn: c.arn,
      region: c.region,
      names: c.names,
      reason: 'grace',
      deleteAfter: deleteAfter.toISOString(),
    });
    holdRecords();
    return;
  }
  if (c.inUse) {
    plan.report.kept.push({ arn: c.arn, region: c.region, names: c.names, reason: 'in-use' });
    holdRecords();
    return;
  }
  plan.deletions.push({
    arn: c.arn,
    region: c.region,
    names: c.names,
    reason: 'unneeded',
    validationRecords: live ? recordsOf(c, st) : [],
  });
  p.deleted.add(c.arn);
}

/** A failed certificate of ours that holds no backoff: superseded when a host it names is needed still. */
function deleteFailed(p: Planning, c: KnownCertificate): void {
  const hosts = p.neededHostsByRegion.get(c.region) ?? [];
  const superseded = hosts.some((h) => coversAny(c.names, h.host));
  p.plan.deletions.push({
    arn: c.arn,
    region: c.region,
    names: c.names,
    reason: superseded ? 'superseded' : 'unneeded',
    validationRecords: [],
  });
  p.deleted.add(c.arn);
}

/** What the earlier steps found, into the plan: nothing is tagged or untagged that is deleted. */
function finishPlan(p: Planning): CertificatePlan {
  const { plan, notAttached } = p;
  // Keyed by cluster, resource, region, ARN: sorting the keys orders the entries that way.
  plan.report.notAttached = [...notAttached.keys()].sort().map((k) => notAttached.get(k) as NotAttached);
  plan.validationRecords = desiredRecords(p.recordHolders, p.ours, plan.warnings);
  plan.tagging = [...p.tagAdds.values()].filter((e) => !p.deleted.has(e.arn));
  plan.untagging = plan.untagging.filter((e) => !p.deleted.has(e.arn));
  fillStateReport(p);
  return plan;
}

/** One entry per host name, the resources of every cluster that asks for it together. */
function mergeHosts(hosts: readonly NeededHost[]): NeededHost[] {
  const byName = new Map<string, NeededHost>();
  for (const h of hosts) {
    const prev = byName.get(h.host);
    const merged: NeededHost = {
      ...h,
      resources: [...new Set([...(prev?.resources ?? []), ...h.resources])].sort(),
    };
    const attachments = [...(prev?.attachments ?? []), ...(h.attachments ?? [])];
    if (attachments.length > 0) merged.attachments = attachments;
    byName.set(h.host, merged);
  }
  return [...byName.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

/**
 * Adds `host` to the report of an object that names its certificates by ARN, unless it names one of
 * `covering` already; one entry per object and ARN to add, so the operator edits each object once.
 */
function noteUnattached(
  notAttached: Map<string, NotAttached>,
  a: CertificateAttachment,
  host: string,
  region: string,
  covering: readonly KnownCertificate[],
): void {
  if (covering.some((c) => a.arns.includes(c.arn))) return;
  const arn = preferredCertificate(covering).arn;
  const key = JSON.stringify([a.cluster, a.resource, region, arn]);
  const entry = notAttached.get(key) ?? {
    cluster: a.cluster,
    resource: a.resource,
    region,
    arn,
    hosts: [],
    attached: [...a.arns],
  };
  if (!entry.hosts.includes(host)) entry.hosts.push(host);
  notAttached.set(key, entry);
}

/** Of several certificates serving a host, the one to attach: one ACM renews, then the longest-lived. */
function preferredCertificate(cs: readonly KnownCertificate[]): KnownCertificate {
  const renewable = (c: KnownCertificate) => (c.type === 'AMAZON_ISSUED' ? 0 : 1);
  return [...cs].sort(
    (a, b) =>
      renewable(a) - renewable(b) ||
      (b.notAfter?.getTime() ?? 0) - (a.notAfter?.getTime() ?? 0) ||
      byArn(a, b),
  )[0] as KnownCertificate;
}

/**
 * Retries alone; new names by parent domain (`x` and `*.x` together, as they share a validation record),
 * in chunks the names-per-certificate quota allows. Deterministic, so a repeated pass repeats the request.
 */
function groupRequests<T extends { host: NeededHost; retryOf?: string }>(
  entries: readonly T[],
  maxNames: number,
): T[][] {
  const groups: T[][] = [];
  const byParent = new Map<string, T[]>();
  for (const e of entries) {
    if (e.retryOf) {
      groups.push([e]);
      continue;
    }
    const key = parentOf(validationBase(e.host.host));
    byParent.set(key, [...(byParent.get(key) ?? []), e]);
  }
  for (const key of [...byParent.keys()].sort()) {
    const members = byParent.get(key) as T[];
    for (let i = 0; i < members.length; i += maxNames) groups.push(members.slice(i, i + maxNames));
  }
  return groups;
}

function parentOf(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(dot + 1);
}

/** The shortest name that fits the subject CN goes first; undefined when none fits. */
function orderForRequest(names: readonly string[]): string[] | undefined {
  const sorted = [...names].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const first = sorted[0];
  if (!first || first.length > MAX_COMMON_NAME_LENGTH) return undefined;
  return [first, ...sorted.slice(1).sort()];
}

/** ACM returns the first certificate for a token repeated within an hour: same names and attempt, same token. */
export function idempotencyToken(
  owner: string,
  region: string,
  names: readonly string[],
  attempt: number,
): string {
  return createHash('sha256')
    .update([owner, region, String(attempt), ...[...names].sort()].join('\n'))
    .digest('hex')
    .slice(0, 32);
}

/** Once DescribeCertificate has shown every record, they go into tags so later passes need not describe. */
function cacheValidationRecords(
  c: KnownCertificate,
  st: OwnState,
  addTags: (c: KnownCertificate, add: Record<string, string>) => void,
): void {
  const shown = c.validationRecords ?? [];
  if (shown.length === 0) return;
  const cached = new Set(st.validationRecords.map((r) => `${r.name}=${r.value}`));
  if (shown.every((r) => cached.has(`${r.name}=${r.value}`))) return;
  const tags = validationTags(shown);
  if (Object.keys(tags).length > 0) addTags(c, tags);
}

function recordsOf(c: KnownCertificate, st: OwnState | undefined): ValidationRecord[] {
  return c.validationRecords?.length ? c.validationRecords : (st?.validationRecords ?? []);
}

function desiredRecords(
  holders: readonly KnownCertificate[],
  ours: ReadonlyMap<string, OwnState>,
  warnings: string[],
): DesiredValidationRecord[] {
  const byName = new Map<string, DesiredValidationRecord>();
  for (const c of holders) {
    const records = c.validationRecords?.length
      ? c.validationRecords
      : (ours.get(c.arn)?.validationRecords ?? []);
    for (const r of records) {
      const prev = byName.get(r.name);
      if (!prev) {
        byName.set(r.name, { ...r, base: parentOf(r.name), certificates: [c.arn] });
        continue;
      }
      if (prev.value !== r.value) {
        warnings.push(
          `validation record ${r.name}: ${c.arn} asks for ${r.value}, another certificate for ${prev.value}; keeping ${prev.value}`,
        );
      }
      if (!prev.certificates.includes(c.arn)) prev.certificates.push(c.arn);
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The state of every certificate that matters (ours, or serving a host) and is not deleted now. */
function fillStateReport(p: Planning): void {
  for (const c of p.certificates) {
    if (p.deleted.has(c.arn)) continue;
    const hosts = [...(p.needBy.get(c.arn) ?? [])];
    if (!p.ours.has(c.arn) && hosts.length === 0) continue;
    if (c.status === 'ISSUED') reportIssued(p, c, hosts);
    else if (c.status === 'PENDING_VALIDATION') reportPending(p, c);
    else if (FAILED_STATUSES.has(c.status)) reportFailed(p, c);
  }
}

function reportIssued(p: Planning, c: KnownCertificate, hosts: readonly NeededHost[]): void {
  const { report } = p.plan;
  const { settings: s } = p.input;
  const { t } = p;
  const mine = p.ours.has(c.arn);
  const daysLeft = c.notAfter ? Math.floor((c.notAfter.getTime() - t) / DAY_MS) : undefined;
  if (hosts.length > 0) {
    report.issued.push({
      arn: c.arn,
      region: c.region,
      names: c.names,
      ours: mine,
      inUse: c.inUse,
      ...(daysLeft !== undefined ? { daysLeft } : {}),
      hosts: hosts.map((h) => h.host).sort(),
    });
  }
  if (daysLeft !== undefined && daysLeft <= s.expiryWarningDays) {
    report.expiring.push({ arn: c.arn, region: c.region, names: c.names, ours: mine, daysLeft });
  }
  const since = c.issuedAt ?? c.createdAt;
  const unusedLong = since !== undefined && t - since.getTime() >= s.unusedWarningMs;
  if (hosts.length > 0 && c.type === 'AMAZON_ISSUED' && !c.inUse && unusedLong) {
    report.renewalAtRisk.push({
      arn: c.arn,
      region: c.region,
      names: c.names,
      hosts: hosts.map((h) => h.host).sort(),
      resources: [...new Set(hosts.flatMap((h) => h.resources))].sort(),
    });
  }
}

function reportPending(p: Planning, c: KnownCertificate): void {
  const ageMs = c.createdAt ? p.t - c.createdAt.getTime() : undefined;
  p.plan.report.pending.push({
    arn: c.arn,
    region: c.region,
    names: c.names,
    ours: p.ours.has(c.arn),
    ...(ageMs !== undefined ? { ageSeconds: Math.floor(ageMs / 1000) } : {}),
    tooLong: ageMs !== undefined && ageMs >= p.input.settings.pendingWarningMs,
  });
}

/** Only ours: someone else's failed request is theirs to retry. */
function reportFailed(p: Planning, c: KnownCertificate): void {
  const st = p.ours.get(c.arn);
  if (!st) return;
  const retryAfter = p.retryAfterOf.get(c.arn);
  p.plan.report.failed.push({
    arn: c.arn,
    region: c.region,
    names: c.names,
    reason: c.failureReason ?? st.failureReason ?? String(c.status),
    attempt: st.attempt,
    ...(retryAfter ? { retryAfter: retryAfter.toISOString() } : {}),
  });
}

function byArn(a: KnownCertificate, b: KnownCertificate): number {
  return a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0;
}
