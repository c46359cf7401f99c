import type { AwsClients } from '../aws-clients.js';
import type { Config } from '../config.js';
import { deadlineOf } from '../deadline.js';
import type { RecordChange } from '../endpoint/changes.js';
import { DomainFilter } from '../endpoint/domain-filter.js';
import { type Endpoint, LABEL_OWNER, LABEL_PUBLIC_ONLY, type RecordType } from '../endpoint/endpoint.js';
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
import {
  adjustEndpoints,
  canonicalHostedZoneId,
  parseLoadBalancerHostname,
  resolveLoadBalancerZones,
} from './alias.js';
import type { FleetMember } from './fleet-routing.js';
import {
  type HeldKind,
  type HeldName,
  isManaged,
  ownedRecordCounts,
  type PlanResult,
  planChanges,
} from './plan.js';
import type { CallOptions, DnsProvider, RefusedChange, ZoneListing } from './provider.js';
import { scopedReadPlan } from './record-reads.js';
import { type HostedZone, zonesForName } from './zones.js';

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
  aws: Pick<AwsClients, 'elbv2'>;
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
  errors: PassError[];
  warnings: PassWarning[];
}

/**
 * Step 4 of the pass: the fleet's desired endpoints grouped by zone, each zone read once (or, for a
 * scoped pass, just the names in scope), planned against the TXT registry and applied in batches.
 */
export async function reconcileZones(input: DnsInput, deps: DnsDeps): Promise<DnsOutcome> {
  const out: DnsOutcome = {
    changes: [],
    recordChanges: [],
    heldDeletions: 0,
    refused: [],
    errors: [],
    warnings: [],
  };
  if (input.zones.error !== undefined) {
    out.errors.push(
      passError('zones-unlisted', `route53: listing hosted zones failed: ${input.zones.error}`),
    );
    return out;
  }
  const zones = input.zones.zones;
  const zoneOf = await loadBalancerZoneLookup(input.desired, deps.aws, out.warnings);
  const desired = adjustEndpoints(input.desired, {
    preferCname: deps.config.preferCname,
    evaluateTargetHealth: deps.config.evaluateTargetHealth,
    zoneOf,
  });
  const byZone = desiredByZone(desired, zones, out.warnings);
  const domainFilter = new DomainFilter(deps.config);
  for (const [i, zone] of zones.entries()) {
    if (i > 0) deps.progress?.zoneRead(i, zones.length);
    const wanted = byZone.get(zone.id) ?? [];
    // Nothing to create, and no owner whose records could go: the zone needs no read.
    if (input.knownOwners.size === 0 && wanted.length === 0) continue;
    const scopedNames = input.scope
      ? [...input.scope].filter((n) => zonesForName(n, [zone]).length > 0)
      : undefined;
    if (scopedNames && scopedNames.length === 0) continue;
    if (input.deadline?.aborted) {
      out.errors.push(
        passError(
          'zone-failed',
          `zone ${zone.name}: not reconciled, left for the next pass: ${errorMessage(input.deadline.reason)}`,
          { zone: zone.name },
        ),
      );
      continue;
    }
    try {
      await reconcileZone({ zone, wanted, scopedNames, domainFilter }, input, deps, out);
    } catch (err) {
      const why = errorMessage(deadlineOf(err, input.deadline) ?? err);
      out.errors.push(passError('zone-failed', `zone ${zone.name}: ${why}`, { zone: zone.name }));
      deps.log.error('zone reconcile failed', { zone: zone.name, error: why });
    }
  }
  if (zones.length > 0) deps.progress?.zoneRead(zones.length, zones.length);
  return out;
}

/** Each zone's share of the desired endpoints; an endpoint no zone can hold is reported and skipped. */
function desiredByZone(
  desired: readonly Endpoint[],
  zones: readonly HostedZone[],
  warnings: PassWarning[],
): Map<string, Endpoint[]> {
  const byZone = new Map<string, Endpoint[]>(zones.map((z) => [z.id, []]));
  const publicZones = zones.filter((z) => !z.private);
  for (const e of desired) {
    // ACM validates through public DNS only: a validation CNAME in a split-horizon private zone is noise.
    const candidates = e.labels[LABEL_PUBLIC_ONLY] === 'true' ? publicZones : zones;
    const matches = zonesForName(e.dnsName, candidates);
    if (matches.length === 0) {
      warnings.push({
        code: 'no-zone',
        message: `no hosted zone for ${e.dnsName} (${e.labels.resource ?? 'unknown resource'}); skipped`,
        dnsName: e.dnsName,
        ...(e.labels.resource ? { object: e.labels.resource } : {}),
      });
      continue;
    }
    for (const z of matches) byZone.get(z.id)?.push(e);
  }
  return byZone;
}

interface ZoneWork {
  zone: HostedZone;
  wanted: Endpoint[];
  /** A scoped pass: the names in scope that lie in this zone. */
  scopedNames: string[] | undefined;
  domainFilter: DomainFilter;
}

/** One zone: read, plan against the registry, apply. */
async function reconcileZone(work: ZoneWork, input: DnsInput, deps: DnsDeps, out: DnsOutcome): Promise<void> {
  const { config } = deps;
  const { zone } = work;
  const registryOptions = registryOptionsOf(config, zone.name);
  const call = input.deadline ? { signal: input.deadline } : {};
  const { current, zoneCounts } = await readZone(work, deps, call);
  let plan = planZone(work, current, input, config, zoneCounts);
  if (plan.needsZoneCounts) {
    const counts = await zoneOwnedCounts(work, plan, deps, call);
    plan = planZone(work, current, input, config, counts);
  }
  out.warnings.push(...plan.warnings);
  out.heldDeletions += plan.heldDeletions.length;
  const registry = planRegistryChanges(plan, current.registry, registryOptions, current.records);
  out.warnings.push(...registry.warnings);
  if (registry.groups.length === 0) return;
  const applied = input.dryRun
    ? { applied: registry.groups.flat(), failed: [], refused: [], warnings: [] }
    : await deps.dns.applyChanges(zone, registry.groups, call);
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
    held: input.held,
    ...(input.heldKinds ? { heldKinds: input.heldKinds } : {}),
    deletionGuard: config.deletionGuard,
    ...(input.scope ? { scope: input.scope } : {}),
    ...(zoneOwnedCounts ? { zoneOwnedCounts } : {}),
    ownershipTxtHolder: ownershipTxtHolder(current.registry, registryOptionsOf(config, work.zone.name)),
    ...(config.fleetRouting.length > 0
      ? { fleetRouting: { rules: config.fleetRouting, members: input.fleetMembers ?? new Map() } }
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
  aws: Pick<AwsClients, 'elbv2'>,
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
      resolved = await resolveLoadBalancerZones(unknown, (region) => aws.elbv2(region));
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
