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
  const { now, settings: s } = input;
  const t = now.getTime();
  const plan: CertificatePlan = {
    requests: [],
    tagging: [],
    untagging: [],
    deletions: [],
    validationRecords: [],
    report: emptyReport(),
    warnings: [],
  };
  const report = plan.report;
  const certificates = [...input.certificates].sort(byArn);
  const ours = new Map<string, OwnState>();
  for (const c of certificates) if (isOurs(c, s)) ours.set(c.arn, readOwnState(c.tags));

  const needBy = new Map<string, Set<NeededHost>>();
  const need = (cs: readonly KnownCertificate[], h: NeededHost) => {
    for (const c of cs) {
      const set = needBy.get(c.arn) ?? new Set();
      set.add(h);
      needBy.set(c.arn, set);
    }
  };
  const tagAdds = new Map<string, PlannedTagging>();
  const addTags = (c: KnownCertificate, add: Record<string, string>) => {
    const entry = tagAdds.get(c.arn) ?? { arn: c.arn, region: c.region, add: {} };
    Object.assign(entry.add, add);
    tagAdds.set(c.arn, entry);
  };

  // A failed certificate of ours gets its retry time (and reason) written the first time we see it failed.
  const retryAfterOf = new Map<string, Date>();
  for (const c of certificates) {
    const st = ours.get(c.arn);
    if (!st || !FAILED_STATUSES.has(c.status)) continue;
    if (st.retryAfter) {
      retryAfterOf.set(c.arn, st.retryAfter);
      continue;
    }
    const retryAfter = new Date(t + backoffMs(st.attempt, s));
    retryAfterOf.set(c.arn, retryAfter);
    addTags(c, {
      [STATE_TAG.retryAfter]: retryAfter.toISOString(),
      [STATE_TAG.failureReason]: tagSafe(c.failureReason ?? String(c.status)),
    });
  }

  const notAttached = new Map<string, NotAttached>();
  let requestsLeft = s.maxRequestsPerPass;
  const regions = [
    ...new Set([...input.hosts.map((h) => h.region), ...certificates.map((c) => c.region)]),
  ].sort();
  const neededHostsByRegion = new Map<string, NeededHost[]>();
  for (const region of regions) {
    const inRegion = certificates.filter((c) => c.region === region);
    const hosts = mergeHosts(input.hosts.filter((h) => h.region === region));
    neededHostsByRegion.set(region, hosts);
    const used = inRegion.filter(
      (c) => c.type === 'AMAZON_ISSUED' && c.createdAt && t - c.createdAt.getTime() < YEAR_MS,
    ).length;
    let remaining = Math.max(0, s.yearlyRequestQuota - used);
    const issued = inRegion.filter(
      (c) => c.status === 'ISSUED' && !(c.notAfter && c.notAfter.getTime() <= t),
    );
    const pending = inRegion.filter((c) => c.status === 'PENDING_VALIDATION');
    const ourFailed = inRegion
      .filter((c) => ours.has(c.arn) && FAILED_STATUSES.has(c.status))
      .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0) || byArn(a, b));

    const toRequest: { host: NeededHost; attempt: number; retryOf?: string }[] = [];
    for (const h of hosts) {
      const covering = issued.filter((c) => coversAny(c.names, h.host));
      if (covering.length > 0) {
        need(covering, h);
        report.coveredHosts++;
        if (covering.length > 1)
          report.duplicates.push({ host: h.host, region, arns: covering.map((c) => c.arn) });
        for (const a of h.attachments ?? []) noteUnattached(notAttached, a, h.host, region, covering);
        continue;
      }
      const waitingOn = pending.filter((c) => coversAny(c.names, h.host));
      if (waitingOn.length > 0) {
        need(waitingOn, h);
        report.waiting.push({
          host: h.host,
          region,
          reason: 'pending',
          arn: (waitingOn[0] as KnownCertificate).arn,
        });
        continue;
      }
      const lastFailure = ourFailed.find((c) => coversAny(c.names, h.host));
      if (lastFailure) {
        // It holds the host's backoff until a newer certificate takes over, so it stays this pass.
        need([lastFailure], h);
        const retryAfter = retryAfterOf.get(lastFailure.arn) as Date;
        if (t < retryAfter.getTime()) {
          report.waiting.push({
            host: h.host,
            region,
            reason: 'backoff',
            arn: lastFailure.arn,
            until: retryAfter.toISOString(),
          });
          continue;
        }
        const attempt = (ours.get(lastFailure.arn)?.attempt ?? 1) + 1;
        toRequest.push({ host: h, attempt, retryOf: lastFailure.arn });
        continue;
      }
      toRequest.push({ host: h, attempt: 1 });
    }

    // A wildcard asked for in this pass serves its one-label names: they wait for it instead.
    const requestable = toRequest.filter((r) => {
      const by = toRequest.find(
        (o) => o !== r && o.host.host.startsWith('*.') && coversAny([o.host.host], r.host.host),
      );
      if (by) report.waiting.push({ host: r.host.host, region, reason: 'covered-by-request' });
      return !by;
    });

    for (const group of groupRequests(requestable, s.maxNamesPerCertificate)) {
      const names = group.map((r) => r.host.host);
      const wait = (reason: WaitReason) => {
        for (const n of names) report.waiting.push({ host: n, region, reason });
      };
      if (requestsLeft <= 0) {
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
        tags: requestTags(s, now, attempt),
        ...(retryOf ? { retryOf } : {}),
      });
      remaining--;
      requestsLeft--;
    }
    report.quota.push({
      region,
      limit: s.yearlyRequestQuota,
      usedLast365Days: used + plan.requests.filter((r) => r.region === region).length,
      remaining,
    });
  }

  // Validation records someone else's live certificate uses too: ours may have written them.
  const foreignBases = new Set<string>();
  for (const c of certificates) {
    if (ours.has(c.arn) || c.type !== 'AMAZON_ISSUED' || !LIVE_STATUSES.has(c.status)) continue;
    for (const n of c.names) foreignBases.add(validationBase(n));
  }

  // Cleanup, tag upkeep and the records our certificates need.
  const deleted = new Set<string>();
  const recordHolders: KnownCertificate[] = [];
  for (const c of certificates) {
    const st = ours.get(c.arn);
    if (!st) continue;
    cacheValidationRecords(c, st, addTags);
    const needed = needBy.has(c.arn);
    const live = LIVE_STATUSES.has(c.status);
    if (needed) {
      if (st.unneededSince)
        plan.untagging.push({ arn: c.arn, region: c.region, keys: [STATE_TAG.unneededSince] });
      if (live) recordHolders.push(c);
      continue;
    }
    if (FAILED_STATUSES.has(c.status)) {
      if (!input.cleanup) continue;
      const hosts = neededHostsByRegion.get(c.region) ?? [];
      const superseded = hosts.some((h) => coversAny(c.names, h.host));
      plan.deletions.push({
        arn: c.arn,
        region: c.region,
        names: c.names,
        reason: superseded ? 'superseded' : 'unneeded',
        validationRecords: [],
      });
      deleted.add(c.arn);
      continue;
    }
    if (c.names.some((n) => foreignBases.has(validationBase(n)))) {
      report.kept.push({ arn: c.arn, region: c.region, names: c.names, reason: 'validation-shared' });
      recordHolders.push(c);
      continue;
    }
    if (!input.cleanup) {
      if (live) recordHolders.push(c);
      continue;
    }
    const since = st.unneededSince ?? now;
    if (!st.unneededSince) addTags(c, { [STATE_TAG.unneededSince]: now.toISOString() });
    const deleteAfter = new Date(since.getTime() + s.cleanupGraceMs);
    if (t < deleteAfter.getTime()) {
      report.kept.push({
        arn: c.arn,
        region: c.region,
        names: c.names,
        reason: 'grace',
        deleteAfter: deleteAfter.toISOString(),
      });
      if (live) recordHolders.push(c);
      continue;
    }
    if (c.inUse) {
      report.kept.push({ arn: c.arn, region: c.region, names: c.names, reason: 'in-use' });
      if (live) recordHolders.push(c);
      continue;
    }
    plan.deletions.push({
      arn: c.arn,
      region: c.region,
      names: c.names,
      reason: 'unneeded',
      validationRecords: live ? recordsOf(c, st) : [],
    });
    deleted.add(c.arn);
  }

  // Keyed by cluster, resource, region, ARN: sorting the keys orders the entries that way.
  report.notAttached = [...notAttached.keys()].sort().map((k) => notAttached.get(k) as NotAttached);
  plan.validationRecords = desiredRecords(recordHolders, ours, plan.warnings);
  plan.tagging = [...tagAdds.values()].filter((e) => !deleted.has(e.arn));
  plan.untagging = plan.untagging.filter((e) => !deleted.has(e.arn));
  fillStateReport(report, certificates, ours, needBy, deleted, retryAfterOf, input);
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

function fillStateReport(
  report: CertificateReport,
  certificates: readonly KnownCertificate[],
  ours: ReadonlyMap<string, OwnState>,
  needBy: ReadonlyMap<string, Set<NeededHost>>,
  deleted: ReadonlySet<string>,
  retryAfterOf: ReadonlyMap<string, Date>,
  input: PlanInput,
): void {
  const { now, settings: s } = input;
  const t = now.getTime();
  for (const c of certificates) {
    if (deleted.has(c.arn)) continue;
    const mine = ours.has(c.arn);
    const hosts = [...(needBy.get(c.arn) ?? [])];
    if (!mine && hosts.length === 0) continue;
    const daysLeft = c.notAfter ? Math.floor((c.notAfter.getTime() - t) / DAY_MS) : undefined;
    if (c.status === 'ISSUED') {
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
      if (
        hosts.length > 0 &&
        c.type === 'AMAZON_ISSUED' &&
        !c.inUse &&
        since &&
        t - since.getTime() >= s.unusedWarningMs
      ) {
        report.renewalAtRisk.push({
          arn: c.arn,
          region: c.region,
          names: c.names,
          hosts: hosts.map((h) => h.host).sort(),
          resources: [...new Set(hosts.flatMap((h) => h.resources))].sort(),
        });
      }
    } else if (c.status === 'PENDING_VALIDATION') {
      const ageMs = c.createdAt ? t - c.createdAt.getTime() : undefined;
      report.pending.push({
        arn: c.arn,
        region: c.region,
        names: c.names,
        ours: mine,
        ...(ageMs !== undefined ? { ageSeconds: Math.floor(ageMs / 1000) } : {}),
        tooLong: ageMs !== undefined && ageMs >= s.pendingWarningMs,
      });
    } else if (mine && FAILED_STATUSES.has(c.status)) {
      const st = ours.get(c.arn) as OwnState;
      const retryAfter = retryAfterOf.get(c.arn);
      report.failed.push({
        arn: c.arn,
        region: c.region,
        names: c.names,
        reason: c.failureReason ?? st.failureReason ?? String(c.status),
        attempt: st.attempt,
        ...(retryAfter ? { retryAfter: retryAfter.toISOString() } : {}),
      });
    }
  }
}

function byArn(a: KnownCertificate, b: KnownCertificate): number {
  return a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0;
}
