import { randomUUID } from 'node:crypto';
import type { AwsClients } from './aws-clients.js';
import {
  type CertificateStageInput,
  type CertificateStageResult,
  reconcileCertificates,
} from './certificates/reconcile.js';
import type { Clock } from './clock.js';
import { collectDesired, type FleetDesired, logFailedClusters } from './clusters/collect.js';
import type { ConfirmedRelease } from './clusters/confirm-deleted.js';
import { resolveFleet } from './clusters/discover.js';
import type { ClusterConfig, Config } from './config.js';
import { passDeadline } from './deadline.js';
import { type FleetMember, fleetMembers } from './dns/fleet-routing.js';
import { type DnsProvider, listZoneOnce, type ZoneListing } from './dns/provider.js';
import { type ChangeOutcome, reconcileZones } from './dns/reconcile-zones.js';
import { Route53Provider, route53ProviderOptions } from './dns/route53.js';
import { route53AccountsProvider } from './dns/route53-accounts.js';
import { ZoneReadAhead } from './dns/zone-read-ahead.js';
import { type Endpoint, LABEL_CLUSTER, LABEL_RESOURCE, normalizeDnsName } from './endpoint/endpoint.js';
import { type PassError, passError } from './errors.js';
import type { FilteredOut } from './filtered.js';
import type { Log } from './log.js';
import type { PassResult, TouchedObject, TriggerKind } from './pass.js';
import type { PassProgress } from './progress.js';
import { labelKindOf } from './sources/reads.js';
import { clusterDomains } from './sources/tenancy.js';
import { Route53Meters } from './telemetry/api-usage.js';
import type { MetricsSink, ReportedPass } from './telemetry/metrics.js';
import { reportPass } from './telemetry/report.js';
import type { PassWarning } from './warnings.js';

export type { ChangeOutcome, PassResult };

/** What a trigger asks of one pass. Handlers build it from their event; nothing else reaches `reconcile`. */
export interface ReconcileRequest {
  trigger: TriggerKind;
  /** Limit the pass to these clusters (by name); all configured clusters when absent. */
  clusters?: string[];
  dryRun?: boolean;
  reason?: string;
  /**
   * A partial pass after objects changed (audit events): only the names these objects publish now, plus
   * `names` (ones they published before, when the event tells), are read and changed. Needs `clusters`.
   */
  touched?: { objects: TouchedObject[]; names?: string[] };
  /**
   * A cluster EKS confirmed gone (`confirmClusterDeleted`, after a DeleteCluster event): nothing is
   * listed, its owner's records are released as the policy allows (sync deletes them), and the deletion
   * guard does not hold them back. No handler builds it from an event's say-so.
   */
  release?: ConfirmedRelease;
}

export interface ReconcileDeps {
  config: Config;
  aws: AwsClients;
  /** Where the records live; Route 53 over `aws.route53()` when absent. */
  dns?: DnsProvider;
  clock: Clock;
  log: Log;
  /** Where the pass's EMF metrics go (Lambda: Powertools Metrics, flushed by middy); none when absent. */
  metrics?: MetricsSink;
  /**
   * The time this invocation has left (Lambda's `context.getRemainingTimeInMillis`): the pass's deadline
   * is cut from it. Outside Lambda, `config.timeouts.passMs`.
   */
  remainingTimeMs?: () => number;
  /** Told as each cluster is listed and each zone read (the CLI's terminal line); none when absent. */
  progress?: PassProgress;
}

/** One pass: clusters → sources → DNS plan per zone → apply → report. The only orchestration. */
export async function reconcile(request: ReconcileRequest, deps: ReconcileDeps): Promise<PassResult> {
  const { config } = deps;
  const passId = randomUUID();
  const startedAt = deps.clock().toISOString();
  const wallStart = performance.now();
  const dryRun = request.dryRun ?? config.dryRun;
  // Every account's Route 53 calls: the home client's, and each role's as the provider opens it.
  const route53Meters = new Route53Meters();
  route53Meters.meter('home', deps.aws.route53());
  const deadline = passDeadline(deps.remainingTimeMs?.() ?? config.timeouts.passMs, config.timeouts);

  // The zones, listed once for both stages that need them, while the clusters are read; once a cluster
  // has answered (the DNS stage will then read every zone), whole zones are read ahead too.
  const listingErrors: PassError[] = [];
  const dnsProvider = new ZoneReadAhead(
    route53AccountsProvider({
      config,
      aws: deps.aws,
      home: deps.dns ?? new Route53Provider(deps.aws.route53(), route53ProviderOptions(config)),
      clock: deps.clock,
      passId,
      onError: (message) => listingErrors.push(passError('zones-unlisted', message)),
      onRoleClients: (account, clients) => route53Meters.meter(account, clients.route53()),
    }),
    { perAccount: config.zoneConcurrency },
  );
  const listing = listZoneOnce(dnsProvider, config, deadline.apply);
  const readAhead = () =>
    void listing.then((l) => l.zones && dnsProvider.start(l.zones, { signal: deadline.apply }));

  // 1–2. clusters and their sources
  const { clusters, errors } = await passClusters(request, deps, deadline.read);
  const fleet = request.release
    ? releasedFleet(clusters)
    : await collectDesired(
        clusters,
        { ...deps, ...(request.touched ? {} : { onClusterRead: readAhead }) },
        deadline.read,
      );
  dnsProvider.stop();
  logFailedClusters(fleet, deps.log, passId);
  const zones = await listing;
  errors.push(...listingErrors);

  // 3. certificates: ACM state for the fleet's TLS hosts; their validation CNAMEs become desired records
  const certs = await certificateStage(request, fleet, clusters, { dryRun, zones }, deps);
  // 4. DNS, one read per zone for the whole fleet
  const managed = withinDomainFilters(fleet.endpoints, config);
  const dns = await dnsStage(
    request,
    fleet,
    certs,
    { zones, managed, dryRun, deadline: deadline.apply, members: fleetMembers(clusters) },
    {
      ...deps,
      dns: dnsProvider,
    },
  );

  // 5. report
  const result: ReportedPass = {
    passId,
    trigger: request.trigger,
    ...(request.reason !== undefined ? { reason: request.reason } : {}),
    dryRun,
    startedAt,
    durationMs: Math.round(performance.now() - wallStart),
    changes: dns.changes,
    recordChanges: dns.recordChanges,
    clusters: fleet.clusters,
    errors: [...errors, ...fleet.errors, ...certs.errors, ...dns.errors],
    warnings: [...fleet.warnings, ...certs.warnings, ...withClusters(dns.warnings, fleet.endpoints)],
    filtered: [...fleet.filtered, ...managed.filtered],
    certificates: certs.outcome,
    heldDeletions: dns.heldDeletions,
    refusedChanges: dns.refused,
    ...(dns.trafficShifts.length > 0 ? { trafficShifts: dns.trafficShifts } : {}),
    ...(dns.healthChecks.length > 0 ? { healthChecks: dns.healthChecks } : {}),
    tlsHosts: fleet.tlsHosts,
  };
  // With awsAssumeRole the home account's Route 53 is not used (its client may still count other calls).
  result.route53 = route53Meters.usage(config.awsAssumeRole === undefined);
  await reportPass(result, deps);
  return result;
}

/**
 * The DNS stage's inputs: the fleet's endpoints inside the domain filters plus the certificates' validation
 * records; the certificate owner counts as known or frozen as its stage found it. A confirmed release lifts
 * the deletion guard: the cluster is gone, so its records go with it.
 */
function dnsStage(
  request: ReconcileRequest,
  fleet: FleetDesired,
  certs: CertificateStageResult,
  pass: {
    zones: ZoneListing;
    managed: ReturnType<typeof withinDomainFilters>;
    dryRun: boolean;
    deadline: AbortSignal;
    members: ReadonlyMap<string, FleetMember>;
  },
  deps: ReconcileDeps & { dns: DnsProvider },
): ReturnType<typeof reconcileZones> {
  const { knownOwners, frozenOwners } = withCertificateOwner(fleet, certs);
  const { config } = deps;
  return reconcileZones(
    {
      zones: pass.zones,
      desired: [...pass.managed.kept, ...certs.validationEndpoints],
      held: fleet.held,
      heldKinds: fleet.heldKinds,
      knownOwners,
      frozenOwners,
      dryRun: pass.dryRun,
      deadline: pass.deadline,
      fleetMembers: pass.members,
      ...(request.touched ? { scope: touchedNames(request.touched, fleet) } : {}),
    },
    request.release
      ? { ...deps, config: { ...config, deletionGuard: { ...config.deletionGuard, allow: true } } }
      : deps,
  );
}

/** The owners the DNS stage may change and those it must freeze, the certificates' owner as its stage found it. */
export function withCertificateOwner(
  fleet: Pick<FleetDesired, 'knownOwners' | 'frozenOwners'>,
  certs: Pick<CertificateStageResult, 'owner' | 'ownerState'>,
): { knownOwners: Set<string>; frozenOwners: Set<string> } {
  const knownOwners = new Set(fleet.knownOwners);
  const frozenOwners = new Set(fleet.frozenOwners);
  if (certs.ownerState === 'known') knownOwners.add(certs.owner);
  if (certs.ownerState === 'frozen') frozenOwners.add(certs.owner);
  return { knownOwners, frozenOwners };
}

/** The clusters the pass reads: the fleet (or those asked for), or the one released; a name asked for and not found is an error. */
export async function passClusters(
  request: ReconcileRequest,
  deps: ReconcileDeps,
  deadline: AbortSignal,
): Promise<{ clusters: ClusterConfig[]; errors: PassError[] }> {
  const wanted = request.clusters ? new Set(request.clusters) : undefined;
  const resolved = request.release
    ? { clusters: releasedClusters(deps.config, request.release), errors: [] }
    : await resolveFleet(deps.config, deps.aws, {
        clock: deps.clock,
        deadline,
        ...(wanted ? { only: wanted } : {}),
      });
  const errors = [...resolved.errors];
  for (const name of wanted ?? []) {
    if (!resolved.clusters.some((c) => c.name === name)) {
      errors.push(passError('cluster-not-in-fleet', `cluster ${name}: not in the fleet`, { cluster: name }));
    }
  }
  return { clusters: resolved.clusters, errors };
}

/** The certificate stage for the fleet read: a cluster with capped objects keeps the clean-up off, like a failed one. */
function certificateStage(
  request: ReconcileRequest,
  fleet: FleetDesired,
  clusters: readonly ClusterConfig[],
  pass: { dryRun: boolean; zones: ZoneListing },
  deps: ReconcileDeps,
): Promise<CertificateStageResult> {
  return reconcileCertificates(
    {
      tlsHosts: fleet.tlsHosts,
      clusters: certificateClusters(fleet, clusters),
      partial: Boolean(request.clusters || request.touched || request.release),
      ...pass,
    },
    deps,
  );
}

/** The clusters as the certificate stage judges them: one with capped objects counts as `capped`. */
export function certificateClusters(
  fleet: Pick<FleetDesired, 'clusters' | 'warnings'>,
  clusters: readonly ClusterConfig[],
): CertificateStageInput['clusters'] {
  return fleet.clusters.map((c) => ({
    name: c.name,
    status: c.status === 'ok' && hasCappedObjects(c.name, fleet) ? 'capped' : c.status,
    ...regionOf(c.name, clusters),
  }));
}

/**
 * The desired endpoints the config's domain filters manage, and the names they leave out — which the
 * planner would ignore anyway, and which no zone the pass lists may hold: said as such, not as "no zone".
 */
export function withinDomainFilters(
  endpoints: readonly Endpoint[],
  config: Config,
): { kept: Endpoint[]; filtered: FilteredOut[] } {
  const domains = clusterDomains(config);
  if (!domains) return { kept: [...endpoints], filtered: [] };
  const kept: Endpoint[] = [];
  const filtered = new Map<string, FilteredOut>();
  for (const e of endpoints) {
    if (domains.filter.matches(e.dnsName)) {
      kept.push(e);
      continue;
    }
    const left: FilteredOut = {
      filter: 'domainFilters',
      setting: domains.description,
      ...(e.labels[LABEL_CLUSTER] ? { cluster: e.labels[LABEL_CLUSTER] } : {}),
      ...(e.labels[LABEL_RESOURCE] ? { object: e.labels[LABEL_RESOURCE] } : {}),
      dnsName: e.dnsName,
    };
    filtered.set(JSON.stringify([left.cluster, left.object, left.dnsName]), left);
  }
  return { kept, filtered: [...filtered.values()] };
}

/**
 * The DNS stage's warnings with the cluster of the object they name: the zone's planner and registry know
 * records by owner and object, and an owner may span clusters. Left out where the object and name do not
 * point at one cluster.
 */
export function withClusters(warnings: readonly PassWarning[], desired: readonly Endpoint[]): PassWarning[] {
  const clustersOf = new Map<string, Set<string>>();
  for (const e of desired) {
    const cluster = e.labels[LABEL_CLUSTER];
    if (!cluster) continue;
    const key = JSON.stringify([e.labels[LABEL_RESOURCE] ?? '', e.dnsName]);
    clustersOf.set(key, (clustersOf.get(key) ?? new Set()).add(cluster));
  }
  return warnings.map((w) => {
    if (w.cluster || !w.object || !w.dnsName) return w;
    const found = clustersOf.get(JSON.stringify([w.object, w.dnsName]));
    return found?.size === 1 ? { ...w, cluster: [...found][0] as string } : w;
  });
}

/**
 * The cluster EKS confirmed gone: its listed entry (one per name and region), or — the handler having
 * checked that discovery would have found it — the one discovery made, whose owner is its name.
 */
function releasedClusters(config: Config, release: ConfirmedRelease): ClusterConfig[] {
  const listed = config.clusters.find((c) => c.name === release.cluster && c.region === release.region);
  if (listed) return [listed];
  return config.clusterDiscovery ? [{ name: release.cluster, region: release.region, tags: {} }] : [];
}

/** A released cluster's owner is known and wants nothing: sync deletes what it owned. */
function releasedFleet(clusters: readonly ClusterConfig[]): FleetDesired {
  return {
    clusters: clusters.map((c) => ({ name: c.name, status: 'ok', endpoints: 0 })),
    endpoints: [],
    held: [],
    heldKinds: [],
    tlsHosts: [],
    knownOwners: new Set(clusters.map((c) => c.ownerId ?? c.name)),
    frozenOwners: new Set(),
    errors: [],
    warnings: [],
    filtered: [],
  };
}

/** The names a partial pass may touch: what the touched objects publish or hold now, and what they did. */
function touchedNames(touched: NonNullable<ReconcileRequest['touched']>, fleet: FleetDesired): Set<string> {
  const resources = new Set(touched.objects.map(resourceLabel));
  const names = new Set((touched.names ?? []).map(normalizeDnsName));
  for (const e of fleet.endpoints) if (resources.has(e.labels.resource ?? '')) names.add(e.dnsName);
  for (const h of fleet.held) if (resources.has(h.resource)) names.add(h.dnsName);
  return names;
}

/**
 * An object over `maxNamesPerObject` asks for no certificate this pass, which is not the same as needing
 * none: like a failed cluster, its cluster keeps the certificate clean-up from running.
 */
function hasCappedObjects(cluster: string, fleet: Pick<FleetDesired, 'warnings'>): boolean {
  return fleet.warnings.some((w) => w.code === 'cap-exceeded' && w.cluster === cluster && w.object);
}

function regionOf(name: string, clusters: readonly ClusterConfig[]): { region?: string } {
  const region = clusters.find((c) => c.name === name)?.region;
  return region ? { region } : {};
}

function resourceLabel(o: TouchedObject): string {
  const kind = labelKindOf(o.kind);
  return o.namespace ? `${kind}/${o.namespace}/${o.name}` : `${kind}/${o.name}`;
}
