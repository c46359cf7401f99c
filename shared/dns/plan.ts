import type { Config } from '../config.js';
import type { Plan } from '../endpoint/changes.js';
import {
  type Endpoint,
  endpointKey,
  LABEL_OWNER,
  LABEL_RESOURCE,
  type RecordType,
  type Route53Properties,
} from '../endpoint/endpoint.js';
import { isOwnershipTxt, LABEL_TXT_MIGRATE, txtOfAnotherOwner } from '../registry/txt.js';
import type { PassWarning } from '../warnings.js';
import {
  compareClaims,
  conflictWarning,
  describeClaim,
  dropCnameConflicts,
  ownerOf,
  pushTo,
  resolveCreate,
  resolveUpdate,
  resourceOf,
  routingPolicyOf,
  type StayingRecords,
  sameClaim,
  settleRoutingPolicies,
  targetsKey,
} from './conflicts.js';
import { type FleetRouting, needsHealthCheck, routeFleet } from './fleet-routing.js';

/** Anything with ExternalDNS's domain filter contract (`DomainFilter` in domain-filter.ts). */
export interface NameFilter {
  matches(name: string): boolean;
}

export interface HeldName {
  dnsName: string;
  owner: string;
  resource: string;
  /** Every record of `owner` for `resource` is kept, whatever its name (its names are unknown this pass). */
  allOfResource?: true;
}

/**
 * Every object of one kind a cluster could not list this pass (its API is not served there: CRDs absent,
 * or only an older version installed). Nothing says those objects are gone, so their owner keeps every
 * record they own, as a held name keeps one.
 */
export interface HeldKind {
  owner: string;
  /** The kind as it stands in the `resource` label (`httproute` of `httproute/ns/name`). */
  kind: string;
}

export interface PlanInput {
  /** `readOwnership(...).records` for the zone (or for a name range). */
  current: Endpoint[];
  /** Every cluster's desired endpoints for the zone, each labelled with its `owner` and `resource`. */
  desired: Endpoint[];
  policy: Config['policy'];
  managedRecordTypes: readonly RecordType[];
  excludeRecordTypes: readonly RecordType[];
  domainFilter: NameFilter;
  /** Owners whose desired state is known this pass: only their records may be updated or deleted. */
  knownOwners: ReadonlySet<string>;
  /** Owners whose cluster failed: their records are frozen (no update, no delete). */
  frozenOwners: ReadonlySet<string>;
  /** Names whose object exists but has no targets now: their owner keeps them. */
  held: readonly HeldName[];
  /** Kinds a cluster could not list: every record their objects own is kept. */
  heldKinds?: readonly HeldKind[];
  deletionGuard: Config['deletionGuard'];
  /** When set (a partial pass after an audit event), only these names are considered; nothing else is deleted. */
  scope?: ReadonlySet<string>;
  /**
   * Each owner's records in the whole zone (`ownedRecordCounts` over a full read), for a pass whose
   * `current` holds only the names in `scope`. The deletion guard judges a share of these.
   */
  zoneOwnedCounts?: ReadonlyMap<string, number>;
  /**
   * The owner of the ownership TXT a record would be written with, where one exists
   * (`ownershipTxtHolder`): a claim whose TXT another owner holds without a record is not planned.
   */
  ownershipTxtHolder?: (record: Endpoint) => { owner: string | undefined; txtName: string } | undefined;
  /** Names served by many clusters: each cluster's claim becomes its own member record set. */
  fleetRouting?: FleetRouting;
}

export interface PlanResult extends Plan {
  /** Deletions the guard held back (the records as they are now). */
  heldDeletions: Endpoint[];
  /**
   * A scoped pass without `zoneOwnedCounts` that would release records: the guard cannot judge a share
   * of records it has not seen, so it held them all. Plan again with the zone's counts.
   */
  needsZoneCounts: boolean;
  warnings: PassWarning[];
}

/** What makes a record count for the planner: a managed type, under the domain filter. */
type Considered = Pick<PlanInput, 'managedRecordTypes' | 'excludeRecordTypes' | 'domainFilter'>;

/**
 * A managed type under the domain filter. TXT is a type like any other here (a DNSEndpoint's SPF or site
 * verification, with TXT in managedRecordTypes, as in ExternalDNS): the registry's own ownership TXTs never
 * reach the planner (`readOwnership` keeps them apart), and the planner rules out any that would
 * (`isOwnershipTxt`).
 */
export function isManaged(e: Endpoint, input: Considered): boolean {
  const t = e.recordType;
  return (
    input.managedRecordTypes.includes(t) &&
    !input.excludeRecordTypes.includes(t) &&
    input.domainFilter.matches(e.dnsName)
  );
}

/**
 * Each owner's records among `records` (ownership read), counted as the deletion guard counts them: an
 * ownership TXT is never a record the planner can release, so it never counts towards the share.
 */
export function ownedRecordCounts(records: readonly Endpoint[], input: Considered): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) {
    if (isManaged(r, input) && !isOwnershipTxt(r)) counts.set(ownerOf(r), (counts.get(ownerOf(r)) ?? 0) + 1);
  }
  return counts;
}

/**
 * Current × desired → changes, ExternalDNS's planner rules for a whole fleet at once:
 * - a record is updated or deleted only when its owner is known this pass and not frozen;
 *   unowned records and records of other owners are never touched;
 * - a new record is created only where every record at its name and set identifier belongs to the same
 *   owner (or is deleted this pass), and never next to a CNAME / as a CNAME next to anything else;
 * - several claims on one record: the resource holding it keeps it, else the lowest owner/resource
 *   wins; A/AAAA beat CNAME; each loser is reported;
 * - a record its owner no longer wants goes (sync only), or passes straight to the winning claim of
 *   another owner; a held name, a frozen owner or a name outside `scope` keeps it;
 * - the deletion guard holds all of one owner's deletions when they are too large a share of its records
 *   in the whole zone, whatever the pass: a scoped pass judges against `zoneOwnedCounts`, and without
 *   them holds every release (`needsZoneCounts`).
 * Pure: no I/O, no clock. Results are sorted by record key.
 */
export function planChanges(planned: PlanInput): PlanResult {
  const { input, warnings } = withFleetRouting(planned);
  // A routing policy chosen for a claim that then cannot be created (another owner's record or claim at
  // its set identifier, a CNAME) would release the old record set for nothing and settle a pass later:
  // such a claim is ruled out and the zone planned again. Each round rules out at least one more claim.
  const unwritable = new Set<Endpoint>();
  for (;;) {
    const { result, blockedDeciders } = planOnce(input, unwritable);
    const fresh = blockedDeciders.filter((c) => !unwritable.has(c));
    if (fresh.length === 0) {
      result.warnings.unshift(...warnings);
      return result;
    }
    for (const c of fresh) unwritable.add(c);
  }
}

/**
 * The input with fleet-routed claims made member record sets, and a non-alias failover PRIMARY without a
 * health check (Route 53 refuses it, whatever wrote it) left out with a warning.
 */
function withFleetRouting(input: PlanInput): { input: PlanInput; warnings: PassWarning[] } {
  const rules = planRules(input);
  let desired = input.desired;
  const warnings: PassWarning[] = [];
  if (input.fleetRouting && input.fleetRouting.rules.length > 0) {
    const routed = routeFleet(
      desired,
      input.current,
      input.fleetRouting,
      (r) => !rules.touchable(ownerOf(r)),
    );
    desired = routed.desired;
    warnings.push(...routed.warnings);
  }
  if (desired.some(needsHealthCheck)) {
    desired = desired.filter((d) => {
      if (!needsHealthCheck(d) || !rules.considered(d)) return true;
      warnings.push({
        ...conflictWarning(d, 'Route 53', 'a failover PRIMARY that is not an alias needs a health check'),
        code: 'needs-health-check',
      });
      return false;
    });
  }
  return {
    input: desired === input.desired ? input : { ...input, desired },
    warnings,
  };
}

function planOnce(
  input: PlanInput,
  unwritable: ReadonlySet<Endpoint>,
): { result: PlanResult; blockedDeciders: Endpoint[] } {
  const warnings: PassWarning[] = [];
  const rules = planRules(input);
  const current = input.current.filter(rules.considered);
  const currentByKey = new Map<string, Endpoint>();
  for (const c of current) {
    const key = endpointKey(c);
    if (!currentByKey.has(key)) currentByKey.set(key, c);
  }
  const { claimsByKey, contested } = settledClaims(
    input,
    rules,
    { current, currentByKey, unwritable },
    warnings,
  );
  const { updates, releases } = decideCurrent(input, rules, currentByKey, claimsByKey, warnings);
  const guard = deletionGuard(input, current, releases, warnings);
  const deletes: Endpoint[] = [];
  for (const r of releases) {
    if (guard.guarded.has(ownerOf(r.old))) guard.heldDeletions.push(r.old);
    else if (r.next) updates.push({ old: r.old, next: r.next });
    else deletes.push(r.old);
  }
  warnings.push(...frozenWarnings(input.frozenOwners, current));
  const creates = planCreates(input, rules, currentByKey, claimsByKey, { deletes, updates }, warnings);

  updates.sort((a, b) => byKey(a.old, b.old));
  const result: PlanResult = {
    create: creates.made.sort(byKey),
    updateOld: updates.map((u) => u.old),
    updateNew: updates.map((u) => u.next),
    delete: deletes.sort(byKey),
    heldDeletions: guard.heldDeletions.sort(byKey),
    needsZoneCounts: guard.needsZoneCounts,
    warnings,
  };
  const blockedDeciders = creates.blocked.filter((c) => contested.has(`${c.dnsName}|${c.recordType}`));
  return { result, blockedDeciders };
}

/** The pass's rules about which records count and which owners may change them. */
interface PlanRules {
  inScope(name: string): boolean;
  /** A managed type under the domain filter, in scope. */
  considered(e: Endpoint): boolean;
  /** Its owner is known this pass and not frozen. */
  touchable(owner: string): boolean;
}

function planRules(input: PlanInput): PlanRules {
  const inScope = (name: string) => !input.scope || input.scope.has(name);
  return {
    inScope,
    considered: (e) => isManaged(e, input) && inScope(e.dnsName) && !isOwnershipTxt(e),
    touchable: (owner) => owner !== '' && input.knownOwners.has(owner) && !input.frozenOwners.has(owner),
  };
}

function byKey(a: Endpoint, b: Endpoint): number {
  return endpointKey(a) < endpointKey(b) ? -1 : 1;
}

/**
 * The desired endpoints that may take part, by record key: owned, not a CNAME beside another type, not
 * under another owner's orphan TXT, one routing policy per name and type.
 */
function settledClaims(
  input: PlanInput,
  rules: PlanRules,
  zone: {
    current: readonly Endpoint[];
    currentByKey: ReadonlyMap<string, Endpoint>;
    unwritable: ReadonlySet<Endpoint>;
  },
  warnings: PassWarning[],
): { claimsByKey: Map<string, Endpoint[]>; contested: ReadonlySet<string> } {
  const { current, currentByKey, unwritable } = zone;
  const wanted: Endpoint[] = [];
  for (const d of input.desired) {
    if (isOwnershipTxt(d)) {
      warnings.push(readsAsOwnership(d));
      continue;
    }
    if (!rules.considered(d)) continue;
    if (ownerOf(d)) wanted.push(d);
    else {
      warnings.push({
        code: 'no-owner',
        message: `${d.dnsName} ${d.recordType}: desired endpoint without an owner label; skipped`,
        dnsName: d.dnsName,
        ...(resourceOf(d) ? { object: resourceOf(d) } : {}),
      });
    }
  }
  const typed = dropCnameConflicts(wanted);
  warnings.push(...typed.warnings);
  const placeable = dropClaimsUnderForeignTxt(typed.kept, currentByKey, input.ownershipTxtHolder);
  warnings.push(...placeable.warnings);
  const routed = settleRoutingPolicies(
    placeable.kept,
    current,
    stayingRecords(input, rules, placeable.kept, unwritable),
  );
  warnings.push(...routed.warnings);
  const claimsByKey = new Map<string, Endpoint[]>();
  for (const d of routed.kept) pushTo(claimsByKey, endpointKey(d), d);
  return { claimsByKey, contested: routed.contested };
}

/**
 * What of the zone stays as it is this pass whatever is claimed — unmanaged types, records of owners that
 * are not touchable, records their owner keeps (held, or by the policy) without claiming them — and the
 * claims those records keep from being created. Settling routing policies goes by these: a policy, or a
 * claim, they rule out cannot decide a name (the old record set would be released for nothing).
 */
function stayingRecords(
  input: PlanInput,
  rules: PlanRules,
  claims: readonly Endpoint[],
  unwritable: ReadonlySet<Endpoint>,
): StayingRecords {
  // Built on first use: only a name whose claims want different policies asks.
  let claimedByOwner: Set<string> | undefined;
  const stays = (r: Endpoint) => {
    claimedByOwner ??= new Set(claims.map((c) => `${endpointKey(c)}|${ownerOf(c)}`));
    return (
      !rules.considered(r) ||
      !rules.touchable(ownerOf(r)) ||
      (whyKept(input, r) !== undefined &&
        (input.policy === 'create-only' || !claimedByOwner.has(`${endpointKey(r)}|${ownerOf(r)}`)))
    );
  };
  let zone: { keys: Set<string>; stayingByName: Map<string, Endpoint[]> } | undefined;
  const zoneNow = () => {
    if (zone) return zone;
    zone = { keys: new Set(), stayingByName: new Map() };
    for (const r of input.current) {
      if (!rules.inScope(r.dnsName)) continue;
      zone.keys.add(endpointKey(r));
      if (stays(r)) pushTo(zone.stayingByName, r.dnsName, r);
    }
    return zone;
  };
  return {
    stays,
    blocked: (claim) =>
      unwritable.has(claim) ||
      (!zoneNow().keys.has(endpointKey(claim)) &&
        blockerOf(
          claim,
          zoneNow().stayingByName.get(claim.dnsName) ?? [],
          (r) => rules.considered(r) && ownerOf(r) !== ownerOf(claim),
        ) !== undefined),
  };
}

interface Update {
  old: Endpoint;
  next: Endpoint;
}

/** A record its owner gives up: `next` is the other owner's claim taking the record over, if any. */
interface Release {
  old: Endpoint;
  next?: Endpoint;
}

/** Each record there now against the claims on it: kept, updated for its owner, or released. */
function decideCurrent(
  input: PlanInput,
  rules: PlanRules,
  currentByKey: ReadonlyMap<string, Endpoint>,
  claimsByKey: ReadonlyMap<string, Endpoint[]>,
  warnings: PassWarning[],
): { updates: Update[]; releases: Release[] } {
  const updates: Update[] = [];
  const releases: Release[] = [];
  for (const key of [...currentByKey.keys()].sort()) {
    const cur = currentByKey.get(key)!;
    const candidates = claimsByKey.get(key) ?? NO_CLAIMS;
    const owner = ownerOf(cur);
    if (!rules.touchable(owner)) {
      const why = input.frozenOwners.has(owner) ? 'frozen: its cluster failed this pass' : '';
      for (const c of candidates) warnings.push(conflictWarning(c, describeClaim(cur), why));
      continue;
    }
    const alone = candidates.length === 1 && ownerOf(candidates[0]!) === owner;
    const mine = alone ? candidates : candidates.filter((c) => ownerOf(c) === owner);
    const others = alone ? NO_CLAIMS : candidates.filter((c) => ownerOf(c) !== owner);
    if (mine.length > 0) {
      const winner = resolveUpdate(cur, mine);
      reportLosers(winner, candidates, warnings);
      const next = asRecordOf(winner, owner, cur);
      if (input.policy !== 'create-only' && needsUpdate(cur, next)) updates.push({ old: cur, next });
      continue;
    }
    const kept = whyKept(input, cur);
    if (kept) {
      for (const c of others) warnings.push(conflictWarning(c, describeClaim(cur), kept));
      continue;
    }
    if (others.length === 0) {
      releases.push({ old: cur });
      continue;
    }
    const winner = resolveCreate(others);
    reportLosers(winner, others, warnings);
    releases.push({ old: cur, next: asRecordOf(winner, ownerOf(winner), cur) });
  }
  return { updates, releases };
}

const NO_CLAIMS: readonly Endpoint[] = [];

/** Why a touchable owner keeps a record it no longer claims (a held name or kind, the policy), if it does. */
function whyKept(input: PlanInput, cur: Endpoint): string | undefined {
  const owner = ownerOf(cur);
  const held = input.held.find(
    (h) =>
      h.owner === owner && (h.dnsName === cur.dnsName || (h.allOfResource && h.resource === resourceOf(cur))),
  );
  if (held) return `kept for ${held.resource}, which has no targets now`;
  const heldKind = input.heldKinds?.find(
    (k) => k.owner === owner && resourceOf(cur).startsWith(`${k.kind}/`),
  );
  if (heldKind)
    return `kept for ${resourceOf(cur)}: its cluster does not serve the ${heldKind.kind} API this pass`;
  if (input.policy !== 'sync') return `policy ${input.policy} keeps it`;
  return undefined;
}

function reportLosers(
  winner: Endpoint,
  candidates: readonly Endpoint[],
  warnings: PassWarning[],
  holder = describeClaim(winner),
): void {
  for (const c of candidates)
    if (c !== winner && !sameClaim(c, winner)) warnings.push(conflictWarning(c, holder));
}

/**
 * The guard: one owner losing too large a share of its records at once looks like a broken source, or
 * a forged event. The share is of the owner's records in the whole zone, whatever the trigger: a
 * scoped pass sees only the names an event named, and judging it on those alone let one audit delivery
 * naming many names delete what a full pass had held. Without the zone's counts a scoped pass cannot
 * know the share, so it holds every release and asks for them (`needsZoneCounts`).
 */
function deletionGuard(
  input: PlanInput,
  current: readonly Endpoint[],
  releases: readonly Release[],
  warnings: PassWarning[],
): { guarded: Set<string>; heldDeletions: Endpoint[]; needsZoneCounts: boolean } {
  const ownedCount = input.scope ? input.zoneOwnedCounts : ownedRecordCounts(current, input);
  const releasedBy = new Map<string, number>();
  for (const r of releases) releasedBy.set(ownerOf(r.old), (releasedBy.get(ownerOf(r.old)) ?? 0) + 1);
  const guarded = new Set<string>();
  const { maxShare, minRecords, allow } = input.deletionGuard;
  const needsZoneCounts = !allow && ownedCount === undefined && releasedBy.size > 0;
  for (const [owner, count] of [...releasedBy].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (allow) continue;
    if (!ownedCount) {
      guarded.add(owner);
      continue;
    }
    // At least what this pass saw go: a zone read before a concurrent change can count fewer.
    const total = Math.max(ownedCount.get(owner) ?? 0, count);
    if (total < minRecords || count / total <= maxShare) continue;
    guarded.add(owner);
    warnings.push({
      code: 'deletions-held',
      message:
        `owner ${owner}: ${count} of its ${total} records (${Math.round((count / total) * 100)}%) would go, ` +
        `above the ${Math.round(maxShare * 100)}% limit; all held back. Set deletionGuard.allow to let them through`,
    });
  }
  return { guarded, heldDeletions: [], needsZoneCounts };
}

function frozenWarnings(frozenOwners: ReadonlySet<string>, current: readonly Endpoint[]): PassWarning[] {
  if (frozenOwners.size === 0) return [];
  const frozenCount = new Map<string, number>();
  for (const c of current) {
    const owner = ownerOf(c);
    if (frozenOwners.has(owner)) frozenCount.set(owner, (frozenCount.get(owner) ?? 0) + 1);
  }
  return [...frozenOwners]
    .sort()
    .filter((owner) => (frozenCount.get(owner) ?? 0) > 0)
    .map((owner) => ({
      code: 'frozen',
      message: `owner ${owner}: its cluster failed this pass; its ${frozenCount.get(owner)} records are left as they are`,
    }));
}

/**
 * Claims on record sets that are not there, lowest claim first (when two owners want different types at
 * one free name, the lowest owner gets it): each created where it fits next to what its name holds once
 * this pass's deletes and updates are made.
 */
function planCreates(
  input: PlanInput,
  rules: PlanRules,
  currentByKey: ReadonlyMap<string, Endpoint>,
  claimsByKey: ReadonlyMap<string, Endpoint[]>,
  made: { deletes: readonly Endpoint[]; updates: readonly Update[] },
  warnings: PassWarning[],
): { made: Endpoint[]; blocked: Endpoint[] } {
  // Each name as it will be: deleted records gone, updated ones as updated (owner and routing policy).
  const contested = [...claimsByKey]
    .filter(([key]) => !currentByKey.has(key))
    .map(([key, candidates]) => ({ key, candidates, winner: resolveCreate(candidates) }))
    .sort((a, b) => compareClaims(a.winner, b.winner) || (a.key < b.key ? -1 : 1));
  // Each name a create goes to as it will be: deleted records gone, updated ones as updated (owner and
  // routing policy).
  const names = new Set(contested.map((c) => c.winner.dnsName));
  const deletedKeys = new Set(made.deletes.map(endpointKey));
  const updated = new Map<string, Endpoint>(made.updates.map((u) => [endpointKey(u.old), u.next]));
  const after = new Map<string, Endpoint[]>();
  for (const c of input.current) {
    if (!names.has(c.dnsName) || !rules.inScope(c.dnsName)) continue;
    const key = endpointKey(c);
    if (!deletedKeys.has(key)) pushTo(after, c.dnsName, updated.get(key) ?? c);
  }

  const creates: Endpoint[] = [];
  const blocked: Endpoint[] = [];
  for (const { candidates, winner } of contested) {
    reportLosers(winner, candidates, warnings);
    const atName = after.get(winner.dnsName) ?? [];
    const blocker = blockerOf(winner, atName, (r) => rules.considered(r) && ownerOf(r) !== ownerOf(winner));
    if (blocker) {
      warnings.push(blockedWarning(winner, blocker));
      blocked.push(winner);
      continue;
    }
    const record = asRecordOf(winner, ownerOf(winner));
    creates.push(record);
    pushTo(after, record.dnsName, record);
  }
  return { made: creates, blocked };
}

/**
 * What at the name keeps `winner` from being created: an ownership TXT that is its very record set (an
 * old-format registry TXT sits at the record's own name), a CNAME beside another type, a record of its type
 * under another routing policy, or a record at its set identifier another owner will hold.
 */
function blockerOf(
  winner: Endpoint,
  atName: readonly Endpoint[],
  foreign: (r: Endpoint) => boolean,
): Endpoint | undefined {
  return (
    atName.find((r) => isOwnershipTxt(r) && endpointKey(r) === endpointKey(winner)) ??
    atName.find((r) => (winner.recordType === 'CNAME') !== (r.recordType === 'CNAME')) ??
    atName.find(
      (r) => r.recordType === winner.recordType && routingPolicyOf(r) !== routingPolicyOf(winner),
    ) ??
    atName.find((r) => (r.setIdentifier ?? '') === (winner.setIdentifier ?? '') && foreign(r))
  );
}

function blockedWarning(winner: Endpoint, blocker: Endpoint): PassWarning {
  const why = isOwnershipTxt(blocker)
    ? 'an ownership TXT of the registry is that record set; Route 53 holds one record set per name, type and set identifier'
    : blocker.recordType === winner.recordType && routingPolicyOf(blocker) !== routingPolicyOf(winner)
      ? `it wants a ${routingPolicyOf(winner)} record where ${routingPolicyOf(blocker)} routing is; Route 53 holds one routing policy per name and type`
      : winner.recordType === 'CNAME' || blocker.recordType === 'CNAME'
        ? 'a CNAME cannot share its name'
        : 'the name holds records of another owner';
  return conflictWarning(winner, `${describeClaim(blocker)} with a ${blocker.recordType} record`, why);
}

/** The desired endpoint as the record it becomes: ownership labels set, an unset TTL kept as it is now. */
function asRecordOf(desired: Endpoint, owner: string, current?: Endpoint): Endpoint {
  const labels: Record<string, string> = { ...desired.labels, [LABEL_OWNER]: owner };
  if (resourceOf(desired)) labels[LABEL_RESOURCE] = resourceOf(desired);
  const ttl = desired.ttl ?? (desired.properties.alias ? undefined : current?.ttl);
  const record: Endpoint = { ...desired, labels };
  if (ttl === undefined) delete record.ttl;
  else record.ttl = ttl;
  return record;
}

/**
 * ExternalDNS's update test: targets as a set, the TTL only when the source set one (and never for an
 * ALIAS, which has none), every Route 53 property; plus a change of owner or resource (the TXT must say
 * so) and a record whose new-format TXT is missing.
 */
function needsUpdate(current: Endpoint, next: Endpoint): boolean {
  if (targetsKey(current) !== targetsKey(next)) return true;
  if (next.ttl !== undefined && !next.properties.alias && next.ttl !== current.ttl) return true;
  if (propertiesDiffer(current.properties, next.properties)) return true;
  if (ownerOf(current) !== ownerOf(next) || resourceOf(current) !== resourceOf(next)) return true;
  return current.labels[LABEL_TXT_MIGRATE] === 'true';
}

function propertiesDiffer(current: Route53Properties, desired: Route53Properties): boolean {
  const alias = desired.alias === true;
  if ((current.alias === true) !== alias) return true;
  if (alias) {
    if (
      desired.evaluateTargetHealth !== undefined &&
      (current.evaluateTargetHealth ?? false) !== desired.evaluateTargetHealth
    ) {
      return true;
    }
    // Left unset, the Route 53 adapter resolves it: only a different explicit zone is a change.
    if (desired.aliasHostedZoneId !== undefined && current.aliasHostedZoneId !== desired.aliasHostedZoneId)
      return true;
  }
  const geo = (p: Route53Properties) =>
    p.geolocation
      ? [p.geolocation.continentCode, p.geolocation.countryCode, p.geolocation.subdivisionCode]
      : null;
  return (
    current.weight !== desired.weight ||
    current.region !== desired.region ||
    current.failover !== desired.failover ||
    (current.multiValueAnswer ?? false) !== (desired.multiValueAnswer ?? false) ||
    current.healthCheckId !== desired.healthCheckId ||
    JSON.stringify(geo(current)) !== JSON.stringify(geo(desired))
  );
}

/**
 * A desired TXT whose one value carries `heritage=external-dns`: written, it would read back as an ownership
 * TXT (here and in every ExternalDNS), never as the record it is, and be created again every pass.
 */
function readsAsOwnership(d: Endpoint): PassWarning {
  return {
    code: 'txt-reads-as-ownership',
    message:
      `${d.dnsName} TXT: its value carries heritage=external-dns, so it would read back as an ownership ` +
      'record, not as this record; not written',
    dnsName: d.dnsName,
    ...(resourceOf(d) ? { object: resourceOf(d) } : {}),
  };
}

/**
 * Claims on a record set that is not there but whose ownership TXT another owner holds (that owner may be
 * about to write the record again): the registry will not overwrite the TXT, so the claim is dropped here,
 * before it could decide a routing policy or take part in a conflict it cannot win.
 */
function dropClaimsUnderForeignTxt(
  claims: Endpoint[],
  currentByKey: ReadonlyMap<string, Endpoint>,
  holderOf: PlanInput['ownershipTxtHolder'],
): { kept: Endpoint[]; warnings: PassWarning[] } {
  if (!holderOf) return { kept: claims, warnings: [] };
  const kept: Endpoint[] = [];
  const warnings: PassWarning[] = [];
  for (const c of claims) {
    const txt = currentByKey.has(endpointKey(c)) ? undefined : holderOf(c);
    if (txt === undefined || txt.owner === ownerOf(c)) kept.push(c);
    else warnings.push(txtOfAnotherOwner(c, txt.txtName, txt.owner));
  }
  return { kept, warnings };
}
