import type { AwsClients } from '../aws-clients.js';
import { type Config, roleAccount, route53RolesOf } from '../config.js';
import { deadlineOf } from '../deadline.js';
import type { RecordChange } from '../endpoint/changes.js';
import { DomainFilter } from '../endpoint/domain-filter.js';
import {
  type Endpoint,
  endpointKey,
  LABEL_OWNER,
  LABEL_PUBLIC_ONLY,
  LABEL_RESOURCE,
  normalizeDnsName,
  type RecordType,
} from '../endpoint/endpoint.js';
import { errorMessage, type PassError, passError } from '../errors.js';
import type { Log } from '../log.js';
import type { PassProgress } from '../progress.js';
import {
  isOwnershipTxt,
  type Ownership,
  OwnershipTally,
  ownershipTxtHolder,
  planRegistryChanges,
  type RegistryOptions,
  readOwnership,
} from '../registry/txt.js';
import { type TxtNameOptions, txtNameMapper } from '../registry/txt-names.js';
import type { PassWarning } from '../warnings.js';
import { adjustEndpoints, canonicalHostedZoneId, parseLoadBalancerHostname } from './alias.js';
import {
  type FleetMember,
  routeFleet,
  type TrafficShift,
  trafficShifts,
  type WantedHealthCheck,
  wantedHealthChecks,
} from './fleet-routing.js';
import {
  type HeldKind,
  type HeldName,
  isManaged,
  ownedRecordCounts,
  type PlanResult,
  planChanges,
} from './plan.js';
import type { CallOptions, DnsProvider, RefusedChange, UnreachableAccount, ZoneListing } from './provider.js';
import { scopedReadPlan } from './record-reads.js';
import { type ExistingHealthCheck, HEALTH_CHECK_TAGS, type HealthCheckApi } from './route53-health-checks.js';
import { type HostedZone, inAccounts, isWithinDomain, zonesForName } from './zones.js';

export interface ChangeOutcome {
  zone: string;
  action: RecordChange['action'];
  name: string;
  type: string;
  setIdentifier?: string;
  /** An ownership TXT written or deleted with its record (`RecordChange.ownership`), not a record itself. */
  ownership?: true;
}

export interface DnsInput {
  /** The pass's one zone listing (`listZoneOnce`), shared with the certificate stage. */
  zones: ZoneListing;
  desired: Endpoint[];
  held: HeldName[];
  /** Kinds a cluster could not list: the records their objects own are kept. */
  heldKinds?: HeldKind[];
  knownOwners: ReadonlySet<string>;
  frozenOwners: ReadonlySet<string>;
  dryRun: boolean;
  /** A partial pass: only these names are read and changed. */
  scope?: ReadonlySet<string>;
  /** The pass's deadline for applying: a zone not done by then is reported and left for the next pass. */
  deadline?: AbortSignal;
  /** The pass's clusters by owner id, for `fleetRouting` (`fleetMembers`). */
  fleetMembers?: ReadonlyMap<string, FleetMember>;
}

export interface DnsDeps {
  config: Config;
  /** ELBv2, for ALIAS targets the static table cannot place. */
  aws: Pick<AwsClients, 'kept' | 'clientConfig'>;
  log: Log;
  dns: DnsProvider;
  /** Told as each zone is done (the CLI's terminal line). */
  progress?: PassProgress;
}

export interface DnsOutcome {
  changes: ChangeOutcome[];
  /** The same changes with their records, for a readable diff. */
  recordChanges: (RecordChange & { zone: string })[];
  heldDeletions: number;
  /** Change groups the provider refused alone; the rest of their zones applied. */
  refused: RefusedChange[];
  /** How each routed name the pass changes answers before and after (draining shows here). */
  trafficShifts: (TrafficShift & { zone: string })[];
  /** Health checks the pass created or deleted for fleet-routed members (in a dry run: would). */
  healthChecks: HealthCheckChange[];
  errors: PassError[];
  warnings: PassWarning[];
}

/**
 * Step 4 of the pass: the fleet's desired endpoints grouped by zone, each zone read once (or, for a
 * scoped pass, just the names in scope), planned against the TXT registry and applied in batches — the
 * accounts' zones side by side, `zoneConcurrency` at once in each. A zone out of reach is reported, and
 * no name of it is written anywhere else.
 */
export async function reconcileZones(input: DnsInput, deps: DnsDeps): Promise<DnsOutcome> {
  const out = emptyDnsOutcome();
  if (input.zones.error !== undefined) {
    out.errors.push(
      passError('zones-unlisted', `route53: listing hosted zones failed: ${input.zones.error}`),
    );
    return out;
  }
  const zones = input.zones.zones;
  const reach = zoneReach(input.zones, deps.config);
  out.errors.push(...reach.errors);
  const zoneOf = await loadBalancerZoneLookup(input.desired, deps.aws, out.warnings);
  const desired = adjustEndpoints(input.desired, {
    preferCname: deps.config.preferCname,
    evaluateTargetHealth: deps.config.evaluateTargetHealth,
    zoneOf,
  });
  const byZone = desiredByZone(desired, zones, reach, out.warnings);
  const shared: ZonePass = { domainFilter: new DomainFilter(deps.config), healthCheckLists: new Map() };
  let done = 0;
  const zoneOutcomes = await inAccounts(zones, deps.config.zoneConcurrency, async (zone) => {
    const zoneOut = emptyDnsOutcome();
    await reconcileOneZone(zone, byZone.get(zone.id) ?? [], shared, input, deps, zoneOut);
    done += 1;
    if (done < zones.length) deps.progress?.zoneRead(done, zones.length);
    return zoneOut;
  });
  // In the listing's order, whichever zone finished first: the report reads the same every time.
  for (const z of zoneOutcomes) mergeOutcome(out, z);
  if (zones.length > 0) deps.progress?.zoneRead(zones.length, zones.length);
  return out;
}

/** A DNS outcome with nothing in it yet. */
export function emptyDnsOutcome(): DnsOutcome {
  return {
    changes: [],
    recordChanges: [],
    heldDeletions: 0,
    refused: [],
    trafficShifts: [],
    healthChecks: [],
    errors: [],
    warnings: [],
  };
}

function mergeOutcome(into: DnsOutcome, from: DnsOutcome): void {
  into.changes.push(...from.changes);
  into.recordChanges.push(...from.recordChanges);
  into.heldDeletions += from.heldDeletions;
  into.refused.push(...from.refused);
  into.trafficShifts.push(...from.trafficShifts);
  into.healthChecks.push(...from.healthChecks);
  into.errors.push(...from.errors);
  into.warnings.push(...from.warnings);
}

/** One zone of the pass: skipped when it needs no read, reported when the deadline passed or it failed. */
async function reconcileOneZone(
  zone: HostedZone,
  wanted: Endpoint[],
  shared: ZonePass,
  input: DnsInput,
  deps: DnsDeps,
  out: DnsOutcome,
): Promise<void> {
  // Nothing to create, and no owner whose records could go: the zone needs no read.
  if (input.knownOwners.size === 0 && wanted.length === 0) return;
  const scopedNames = input.scope
    ? [...input.scope].filter((n) => zonesForName(n, [zone]).length > 0)
    : undefined;
  if (scopedNames && scopedNames.length === 0) return;
  if (input.deadline?.aborted) {
    out.errors.push(
      passError(
        'zone-failed',
        `zone ${zone.name}: not reconciled, left for the next pass: ${errorMessage(input.deadline.reason)}`,
        { zone: zone.name },
      ),
    );
    return;
  }
  try {
    await reconcileZone({ zone, wanted, scopedNames, ...shared }, input, deps, out);
  } catch (err) {
    const why = errorMessage(deadlineOf(err, input.deadline) ?? err);
    out.errors.push(passError('zone-failed', `zone ${zone.name}: ${why}`, { zone: zone.name }));
    deps.log.error('zone reconcile failed', { zone: zone.name, error: why });
  }
}

/** Each zone's share of the desired endpoints; an endpoint no zone can hold is reported and skipped. */
export function desiredByZone(
  desired: readonly Endpoint[],
  zones: readonly HostedZone[],
  reach: ZoneReach,
  warnings: PassWarning[],
): Map<string, Endpoint[]> {
  const byZone = new Map<string, Endpoint[]>(zones.map((z) => [z.id, []]));
  // A zone of an unreachable account still claims its names: none may land in a parent zone elsewhere.
  const all = [...zones, ...reach.unreachableZones.keys()];
  const publicZones = all.filter((z) => !z.private);
  for (const e of desired) {
    // ACM validates through public DNS only: a validation CNAME in a split-horizon private zone is noise.
    const candidates = e.labels[LABEL_PUBLIC_ONLY] === 'true' ? publicZones : all;
    const matches = zonesForName(e.dnsName, candidates);
    const resource = e.labels.resource ?? 'unknown resource';
    const about = { dnsName: e.dnsName, ...(e.labels.resource ? { object: e.labels.resource } : {}) };
    if (matches.length === 0) {
      const why = reach.whyNoZone(e.dnsName);
      warnings.push(
        why
          ? {
              code: 'zone-unreachable',
              message: `no reachable hosted zone for ${e.dnsName} (${resource}): ${why}; skipped, nothing changed for it`,
              ...about,
            }
          : { code: 'no-zone', message: `no hosted zone for ${e.dnsName} (${resource}); skipped`, ...about },
      );
      continue;
    }
    for (const z of matches) {
      const unreachable = reach.unreachableZones.get(z);
      if (unreachable) {
        warnings.push({
          code: 'zone-unreachable',
          message: `zone ${z.name} (${z.id}) is in account ${unreachable.account}, unreachable through ${unreachable.roleArn} (${unreachable.reason}): ${e.dnsName} (${resource}) skipped, its records there kept`,
          zone: z.name,
          ...about,
        });
        continue;
      }
      byZone.get(z.id)?.push(e);
    }
  }
  return byZone;
}

/**
 * What the pass knows about zones it cannot reach: those of accounts it could not reach (as last listed),
 * and the domains the config names that no reachable zone holds — a zone in an account without a role
 * (route53Roles), or behind a role that failed. Each such domain is one `zone-unreachable` error naming
 * it and why; a name under it is reported `zone-unreachable`, not `no-zone`, and nothing is changed for it.
 */
export interface ZoneReach {
  unreachableZones: Map<HostedZone, UnreachableAccount>;
  errors: PassError[];
  /** Why a name no zone holds may be out of reach; undefined when nothing says it is (a plain no-zone). */
  whyNoZone(name: string): string | undefined;
}

export function zoneReach(listing: Extract<ZoneListing, { zones: HostedZone[] }>, config: Config): ZoneReach {
  const accounts = listing.unreachable ?? [];
  const unreachableZones = new Map<HostedZone, UnreachableAccount>();
  for (const a of accounts) for (const z of a.lastKnownZones) unreachableZones.set(z, a);
  const failed = accounts.map(
    (a) => `account ${a.account} is unreachable through ${a.roleArn} (${a.reason})`,
  );
  const looked = listedAccounts(config);
  const domains = config.domainFilters
    .map((d) => normalizeDnsName(d).replace(/^\.+/, ''))
    .filter((d) => d !== '' && !config.excludeDomains.some((x) => isWithinDomain(d, normalizeDnsName(x))))
    .filter((d) => !listing.zones.some((z) => isWithinDomain(d, z.name) || isWithinDomain(z.name, d)));
  const domainWhy = (d: string) =>
    failed.length > 0
      ? `no hosted zone in reach holds ${d} (domainFilters); ${failed.join('; ')}`
      : `no hosted zone in reach holds ${d} (domainFilters): none listed in ${looked} (zone filters applied); a zone in another account needs a role there (route53Roles)`;
  const errors = [...new Set(domains)].map((d) =>
    passError(
      'zone-unreachable',
      `domain ${d}: unreachable, ${domainWhy(d)}; names under it are skipped and nothing is changed for them`,
      {
        zone: d,
      },
    ),
  );
  return {
    unreachableZones,
    errors,
    whyNoZone(name) {
      const host = normalizeDnsName(name);
      const domain = domains.find((d) => isWithinDomain(host, d));
      const accountsOut = failed.length > 0 ? failed.join('; ') : undefined;
      if (domain) return `${domain} has no hosted zone in reach${accountsOut ? ` (${accountsOut})` : ''}`;
      return accountsOut ? `it may be in an account out of reach: ${accountsOut}` : undefined;
    },
  };
}

/** The accounts the pass lists zones in, as the config makes them: for messages. */
function listedAccounts(config: Config): string {
  const roles = route53RolesOf(config).map((r) => `account ${roleAccount(r.roleArn)}`);
  const home = config.awsAssumeRole === undefined ? ['the home account'] : [];
  return [...home, ...roles].join(', ');
}

/** What the zones of one pass share. */
interface ZonePass {
  domainFilter: DomainFilter;
  /**
   * Our health checks, listed once per account for the pass (ListHealthChecks and a ListTagsForResources
   * per 10 checks): each zone takes those tagged with its id, and creates or deletes only those.
   */
  healthCheckLists: Map<string, Promise<ExistingHealthCheck[]>>;
}

interface ZoneWork extends ZonePass {
  zone: HostedZone;
  wanted: Endpoint[];
  /** A scoped pass: the names in scope that lie in this zone. */
  scopedNames: string[] | undefined;
  /** Names this zone keeps for their owners without writing them (delegated below it: `delegatedAway`). */
  held?: HeldName[];
}

/** One zone: read, plan against the registry, apply. */
async function reconcileZone(read: ZoneWork, input: DnsInput, deps: DnsDeps, out: DnsOutcome): Promise<void> {
  const { config } = deps;
  const { zone } = read;
  const registryOptions = registryOptionsOf(config, zone.name);
  const call = input.deadline ? { signal: input.deadline } : {};
  const { current, zoneCounts } = await readZone(read, deps, call);
  const work = delegatedAway(read, current.records, out.warnings);
  // Health checks first: a record may name only one that exists.
  const checks = await prepareHealthChecks(work, current, input, deps, call, out);
  const ids = checks?.ids;
  let plan = planZone(work, current, input, config, zoneCounts, ids);
  if (plan.needsZoneCounts) {
    const counts = await zoneOwnedCounts(work, plan, deps, call);
    plan = planZone(work, current, input, config, counts, ids);
  }
  out.warnings.push(...plan.warnings);
  out.heldDeletions += plan.heldDeletions.length;
  const registry = planRegistryChanges(plan, current.registry, registryOptions, current.records);
  out.warnings.push(...registry.warnings);
  if (registry.groups.length === 0) {
    if (checks) await cleanUpHealthChecks(checks, current, [], work, input, call, out);
    return;
  }
  out.trafficShifts.push(
    ...trafficShifts(current.records, plan).map((t) => ({ ...t, zone: `${zone.name}.` })),
  );
  const applied = input.dryRun
    ? { applied: registry.groups.flat(), failed: [], refused: [], warnings: [] }
    : await deps.dns.applyChanges(zone, registry.groups, call);
  // Health checks last: one goes only once no record names it.
  if (checks) await cleanUpHealthChecks(checks, current, applied.applied, work, input, call, out);
  out.warnings.push(...applied.warnings);
  out.changes.push(...applied.applied.map((c) => changeOutcome(zone, c)));
  out.recordChanges.push(...applied.applied.map((c) => ({ ...c, zone: `${zone.name}.` })));
  for (const r of applied.refused) {
    out.refused.push(r);
    out.errors.push(passError('change-failed', refusalMessage(r), { zone: zone.name, name: r.name }));
    deps.log.error('route53 refused a change', { ...r });
  }
  for (const f of applied.failed) {
    const { action, endpoint: e } = f.change;
    out.errors.push(
      passError(
        'change-failed',
        `zone ${zone.name}: ${action} ${e.dnsName} ${e.recordType} failed: ${f.error}`,
        {
          zone: zone.name,
          name: e.dnsName,
        },
      ),
    );
  }
}

function registryOptionsOf(config: Config, zone: string): RegistryOptions {
  return {
    prefix: config.txtPrefix,
    suffix: config.txtSuffix,
    wildcardReplacement: config.txtWildcardReplacement,
    zone,
  };
}

function planZone(
  work: ZoneWork,
  current: Ownership,
  input: DnsInput,
  config: Config,
  zoneOwnedCounts?: ReadonlyMap<string, number>,
  healthCheckIds?: ReadonlyMap<string, string>,
): PlanResult {
  return planChanges({
    current: current.records,
    desired: work.wanted,
    policy: config.policy,
    managedRecordTypes: config.managedRecordTypes,
    excludeRecordTypes: config.excludeRecordTypes,
    domainFilter: work.domainFilter,
    knownOwners: input.knownOwners,
    frozenOwners: input.frozenOwners,
    held: work.held ? [...input.held, ...work.held] : input.held,
    ...(input.heldKinds ? { heldKinds: input.heldKinds } : {}),
    deletionGuard: config.deletionGuard,
    ...(input.scope ? { scope: input.scope } : {}),
    ...(zoneOwnedCounts ? { zoneOwnedCounts } : {}),
    ownershipTxtHolder: ownershipTxtHolder(current.registry, registryOptionsOf(config, work.zone.name)),
    ...(config.fleetRouting.length > 0
      ? {
          fleetRouting: {
            rules: config.fleetRouting,
            members: input.fleetMembers ?? new Map(),
            zoneId: work.zone.id,
            ...(healthCheckIds ? { healthCheckIds } : {}),
          },
        }
      : {}),
  });
}

/**
 * A scoped pass would delete: the guard judges each owner's share of the whole zone. The zone is read
 * page by page only until every owner losing records is seen to hold enough of them (n ≤ maxShare ×
 * seen: reading more can only shrink the share), so an owner with many records costs a page or two; one
 * with few costs the whole zone, the only way to know it has few.
 */
async function zoneOwnedCounts(
  work: ZoneWork,
  plan: PlanResult,
  deps: DnsDeps,
  call: CallOptions,
): Promise<Map<string, number>> {
  const { config } = deps;
  const registryOptions = registryOptionsOf(config, work.zone.name);
  const counted = considered(config, work);
  const losing = new Map<string, number>();
  for (const e of plan.heldDeletions) {
    const owner = e.labels[LABEL_OWNER] ?? '';
    losing.set(owner, (losing.get(owner) ?? 0) + 1);
  }
  const { maxShare } = config.deletionGuard;
  const tally = new OwnershipTally(registryOptions, (r) => isManaged(r, counted));
  const enough = (page: readonly Endpoint[]) => {
    tally.add(page);
    return [...losing].every(([owner, n]) => tally.count(owner) * maxShare >= n);
  };
  await deps.dns.records(work.zone, { enough, ...call });
  return tally.owned();
}

/**
 * The names this zone delegates to a zone below it (an NS record set under the apex) are that zone's, not
 * this one's: a record here would not be served. When the pass got such a name here, the zone below is
 * out of reach (its account has no role, its role failed, or a zone filter leaves it out): the name is
 * reported (`zone-unreachable`), not written here, and what its owner has here stays (held). Only a
 * whole-zone read sees every delegation; a scoped read sees those it reads.
 */
function delegatedAway(work: ZoneWork, current: readonly Endpoint[], warnings: PassWarning[]): ZoneWork {
  const apex = normalizeDnsName(work.zone.name);
  const delegations = current
    .filter((r) => r.recordType === 'NS' && normalizeDnsName(r.dnsName) !== apex)
    .map((r) => normalizeDnsName(r.dnsName));
  if (delegations.length === 0) return work;
  const wanted: Endpoint[] = [];
  const held: HeldName[] = [];
  for (const e of work.wanted) {
    const name = normalizeDnsName(e.dnsName);
    const delegation = delegations.find((d) => isWithinDomain(name, d));
    // The NS record set of the delegation itself is this zone's to hold.
    if (!delegation || (name === delegation && e.recordType === 'NS')) {
      wanted.push(e);
      continue;
    }
    const resource = e.labels[LABEL_RESOURCE] ?? '';
    warnings.push({
      code: 'zone-unreachable',
      message: `zone ${work.zone.name} delegates ${delegation} (NS) to a zone not in reach: ${e.dnsName} (${resource || 'unknown resource'}) is not written here; its records stay`,
      zone: work.zone.name,
      dnsName: e.dnsName,
      ...(resource ? { object: resource } : {}),
    });
    held.push({ dnsName: e.dnsName, owner: e.labels[LABEL_OWNER] ?? '', resource });
  }
  return { ...work, wanted, held };
}

/** One line naming everything an operator needs: zone, record, owner, object and Route 53's answer. */
function refusalMessage(r: RefusedChange): string {
  const record = `${r.action} ${r.name} ${r.type}${r.setIdentifier ? ` (set ${r.setIdentifier})` : ''}`;
  const who = `owner ${r.owner || '(none)'}${r.resource ? `, ${r.resource}` : ''}`;
  return `zone ${r.zone}: Route 53 refused ${record} (${who}): ${r.code}: ${r.message}`;
}

/**
 * The zone as the pass needs it: whole, or for a scoped pass the names in scope and then the ownership
 * TXT names of the types there or wanted there — unless that costs more calls than reading the whole zone
 * (`scopedReadPlan`; the zone's record count comes with the zone listing). A whole read in a scoped pass
 * gives the deletion guard the zone's counts at once.
 */
async function readZone(
  work: ZoneWork,
  deps: DnsDeps,
  call: CallOptions,
): Promise<{ current: Ownership; zoneCounts?: Map<string, number> }> {
  const { config } = deps;
  const options = registryOptionsOf(config, work.zone.name);
  const names = work.scopedNames;
  if (!names) return { current: readOwnership(await deps.dns.records(work.zone, call), options) };
  const wantedTypes = new Map<string, Set<RecordType>>();
  for (const e of work.wanted) {
    const types = wantedTypes.get(e.dnsName) ?? new Set<RecordType>();
    wantedTypes.set(e.dnsName, types.add(e.recordType));
  }
  const typesPerName = Math.max(1, ...[...wantedTypes.values()].map((t) => t.size));
  if (scopedReadPlan(work.zone, names.length, typesPerName).read === 'names') {
    const thenNames = (found: readonly Endpoint[]) =>
      ownershipNamesToRead(found, names, wantedTypes, options, config.managedRecordTypes);
    const records = await deps.dns.records(work.zone, { names, thenNames, ...call });
    return { current: readOwnership(records, options) };
  }
  const current = readOwnership(await deps.dns.records(work.zone, call), options);
  return { current, zoneCounts: ownedRecordCounts(current.records, considered(config, work)) };
}

function considered(config: Config, work: ZoneWork) {
  return {
    managedRecordTypes: config.managedRecordTypes,
    excludeRecordTypes: config.excludeRecordTypes,
    domainFilter: work.domainFilter,
  };
}

/**
 * The ownership TXT names a scoped read needs after the names themselves: for each name, those of the
 * managed types found there or wanted there (new format; the legacy `cname-` one for an ALIAS A; the old
 * format, with the affix), so a type nobody has or wants at the name costs no call.
 */
function ownershipNamesToRead(
  found: readonly Endpoint[],
  names: readonly string[],
  wantedTypes: ReadonlyMap<string, ReadonlySet<RecordType>>,
  options: TxtNameOptions,
  managed: readonly RecordType[],
): string[] {
  const mapper = txtNameMapper(options);
  const types = new Map<string, Set<RecordType>>();
  for (const n of names) types.set(n, new Set(wantedTypes.get(n) ?? []));
  for (const e of found) {
    const at = types.get(e.dnsName);
    if (!at || isOwnershipTxt(e)) continue;
    at.add(e.recordType);
    if (e.recordType === 'A' && e.properties.alias === true) at.add('CNAME');
  }
  return [...types].flatMap(([n, at]) =>
    mapper.ownershipNames(
      n,
      [...at].filter((t) => managed.includes(t) || t === 'CNAME'),
    ),
  );
}

/** Canonical hosted zones for ALIAS targets: the static table first, ELBv2 for load balancers it can't place. */
async function loadBalancerZoneLookup(
  desired: Endpoint[],
  aws: Pick<AwsClients, 'kept' | 'clientConfig'>,
  warnings: PassWarning[],
): Promise<(hostname: string) => string | undefined> {
  const unknown = [
    ...new Set(
      desired
        .filter((e) => e.recordType === 'CNAME')
        .flatMap((e) => e.targets)
        .filter((t) => parseLoadBalancerHostname(t) && !canonicalHostedZoneId(t)),
    ),
  ];
  let resolved = new Map<string, string>();
  if (unknown.length > 0) {
    try {
      // Loaded only now: most passes meet no load balancer the table cannot place.
      const { elbv2Client, resolveLoadBalancerZones } = await import('./elb-zones.js');
      resolved = await resolveLoadBalancerZones(unknown, (region) => elbv2Client(aws, region));
    } catch (err) {
      warnings.push({ code: 'elbv2-lookup', message: `DescribeLoadBalancers failed: ${errorMessage(err)}` });
    }
  }
  return (hostname) => canonicalHostedZoneId(hostname) ?? resolved.get(hostname);
}

function changeOutcome(zone: HostedZone, c: RecordChange): ChangeOutcome {
  return {
    zone: `${zone.name}.`,
    action: c.action,
    name: `${c.endpoint.dnsName}.`,
    type: c.endpoint.recordType,
    ...(c.endpoint.setIdentifier ? { setIdentifier: c.endpoint.setIdentifier } : {}),
    ...(c.ownership ? { ownership: true as const } : {}),
  };
}

export interface HealthCheckChange {
  zone: string;
  action: 'CREATE' | 'DELETE';
  /** The member it serves: `name type [owner]`. */
  member: string;
  id?: string;
  ipAddress?: string;
}

/** The id a dry run plans a health check it would create with. */
const DRY_RUN_HEALTH_CHECK = '(new health check)';

interface ZoneHealthChecks {
  api: HealthCheckApi;
  /** Ours in this zone, as listed before the pass. */
  existing: ExistingHealthCheck[];
  wanted: Map<string, WantedHealthCheck>;
  /** By caller reference: those that exist now. */
  ids: Map<string, string>;
}

/**
 * The health checks this zone's fleet-routed IP members want (`fleetRouting[].healthCheck`), created where
 * missing — for owners known this pass only — before any record names them. None when no rule asks.
 */
async function prepareHealthChecks(
  work: ZoneWork,
  current: Ownership,
  input: DnsInput,
  deps: DnsDeps,
  call: CallOptions,
  out: DnsOutcome,
): Promise<ZoneHealthChecks | undefined> {
  const { config } = deps;
  const { zone } = work;
  if (!config.fleetRouting.some((r) => r.healthCheck)) return undefined;
  const routing = { rules: config.fleetRouting, members: input.fleetMembers ?? new Map(), zoneId: zone.id };
  // The members the plan will hold: a drained member left out of its set wants no health check.
  const touchable = (owner: string) => input.knownOwners.has(owner) && !input.frozenOwners.has(owner);
  const members = routeFleet(
    work.wanted,
    current.records,
    routing,
    (r) => !touchable(r.labels[LABEL_OWNER] ?? ''),
  );
  const { wanted, warnings } = wantedHealthChecks(members.desired, routing, zone.id);
  out.warnings.push(...warnings);
  const api = deps.dns.healthChecks?.(zone);
  if (!api) return undefined;
  let existing: ExistingHealthCheck[];
  try {
    const account = zone.account ?? '';
    let listed = work.healthCheckLists.get(account);
    if (!listed) {
      listed = api.listOurs(call);
      work.healthCheckLists.set(account, listed);
    }
    existing = (await listed).filter((h) => h.tags[HEALTH_CHECK_TAGS.zone] === zone.id);
  } catch (err) {
    out.warnings.push({
      code: 'health-check-failed',
      message: `zone ${zone.name}: listing health checks failed, none created or deleted this pass: ${errorMessage(err)}`,
    });
    return undefined;
  }
  const ids = new Map(existing.map((h) => [h.callerReference, h.id]));
  for (const w of wanted.values()) {
    if (ids.has(w.callerReference) || !input.knownOwners.has(w.owner) || input.frozenOwners.has(w.owner))
      continue;
    const change: HealthCheckChange = {
      zone: `${zone.name}.`,
      action: 'CREATE',
      member: w.member,
      ipAddress: w.spec.ipAddress,
    };
    if (input.dryRun) {
      // Planned as if it existed, so the plan shows the member it would serve (never sent: a dry run).
      ids.set(w.callerReference, DRY_RUN_HEALTH_CHECK);
      out.healthChecks.push(change);
      continue;
    }
    try {
      const id = await api.create(
        w.callerReference,
        w.spec,
        {
          [HEALTH_CHECK_TAGS.owner]: w.owner,
          [HEALTH_CHECK_TAGS.zone]: zone.id,
          [HEALTH_CHECK_TAGS.record]: w.member,
        },
        call,
      );
      ids.set(w.callerReference, id);
      out.healthChecks.push({ ...change, id });
    } catch (err) {
      out.warnings.push({
        code: 'health-check-failed',
        message: `${w.member}: creating its health check failed; the member is written without one: ${errorMessage(err)}`,
        dnsName: w.member.split(' ')[0]!,
      });
    }
  }
  return { api, existing, wanted, ids };
}

/**
 * Ours in this zone that no member wants any more and no record names once this pass's changes are made
 * — and whose owner is known this pass (a failed cluster keeps its health checks as it keeps its records)
 * — are deleted, after the records that named them.
 */
async function cleanUpHealthChecks(
  checks: ZoneHealthChecks,
  current: Ownership,
  applied: readonly RecordChange[],
  work: ZoneWork,
  input: DnsInput,
  call: CallOptions,
  out: DnsOutcome,
): Promise<void> {
  const deleted = new Set(applied.filter((c) => c.action === 'DELETE').map((c) => endpointKey(c.endpoint)));
  const named = new Set<string>();
  for (const r of [...current.records, ...current.registry]) {
    if (r.properties.healthCheckId && !deleted.has(endpointKey(r))) named.add(r.properties.healthCheckId);
  }
  for (const c of applied) {
    if (c.action !== 'DELETE' && c.endpoint.properties.healthCheckId)
      named.add(c.endpoint.properties.healthCheckId);
  }
  for (const h of checks.existing) {
    const owner = h.tags[HEALTH_CHECK_TAGS.owner] ?? '';
    if (checks.wanted.has(h.callerReference) || named.has(h.id)) continue;
    if (!input.knownOwners.has(owner) || input.frozenOwners.has(owner)) continue;
    const change: HealthCheckChange = {
      zone: `${work.zone.name}.`,
      action: 'DELETE',
      member: h.tags[HEALTH_CHECK_TAGS.record] ?? h.id,
      id: h.id,
    };
    if (input.dryRun) {
      out.healthChecks.push(change);
      continue;
    }
    try {
      await checks.api.delete(h.id, call);
      out.healthChecks.push(change);
    } catch (err) {
      out.warnings.push({
        code: 'health-check-failed',
        message: `health check ${h.id} (${change.member}): deleting it failed, tried again next pass: ${errorMessage(err)}`,
      });
    }
  }
}
