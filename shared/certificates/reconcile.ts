import type { KeyAlgorithm } from '@aws-sdk/client-acm';
import type { AwsClients } from '../aws-clients.js';
import type { Clock } from '../clock.js';
import { mapConcurrent } from '../concurrency.js';
import type { Config } from '../config.js';
import type { ZoneListing } from '../dns/provider.js';
import { isWithinDomain } from '../dns/zones.js';
import { DomainFilter } from '../endpoint/domain-filter.js';
import {
  type Endpoint,
  LABEL_OWNER,
  LABEL_PUBLIC_ONLY,
  LABEL_RESOURCE,
  newEndpoint,
} from '../endpoint/endpoint.js';
import { errorMessage, type PassError, passError } from '../errors.js';
import type { Log } from '../log.js';
import { SSL_CERT_ANNOTATION } from '../sources/annotations.js';
import type { TlsHost } from '../sources/index.js';
import type { PassWarning } from '../warnings.js';
import { AcmCertificates } from './acm.js';
import { normalizeCertificateName, unrequestableReason, validationBase } from './coverage.js';
import { durationMs } from './duration.js';
import { FAILED_STATUSES, type KnownCertificate, type NeededHost } from './model.js';
import {
  type CertificatePlan,
  type CertificateReport,
  emptyReport,
  type PlanSettings,
  planCertificates,
} from './plan.js';
import { isOurs, readOwnState, STATE_TAG } from './tags.js';

/**
 * Step 3 of the pass: the fleet's TLS hosts against the ACM inventory of every region involved (one
 * ListCertificates walk per region), planned by `planCertificates`, applied, and the validation CNAMEs
 * handed to the DNS stage as desired endpoints of their own owner.
 */

export const VALIDATION_RECORD_TTL = 300;

export interface CertificateStageInput {
  tlsHosts: readonly TlsHost[];
  /** The pass's clusters; `region` when known, else the config's cluster entry gives it. */
  clusters: readonly { name: string; status: string; region?: string }[];
  /** Not the whole fleet (some clusters only, an audit event): nothing is cleaned up. */
  partial?: boolean;
  dryRun?: boolean;
  /** The pass's one zone listing: validation needs a public zone the pass may write. */
  zones: ZoneListing;
}

export interface CertificateStageDeps {
  config: Config;
  aws: AwsClients;
  clock: Clock;
  log: Log;
}

export interface CertificatesOutcome extends CertificateReport {
  enabled: boolean;
  dryRun: boolean;
  requested: { region: string; names: string[]; attempt: number; arn?: string }[];
  deleted: { arn: string; region: string; names: string[]; reason: string }[];
  skipped: { host: string; reason: string; resources: string[] }[];
  counts: {
    pendingTooLong: number;
    expiringSoon: number;
    failed: number;
    renewalAtRisk: number;
  };
}

export interface CertificateStageResult {
  /** The TXT owner of the validation CNAMEs. */
  owner: string;
  /**
   * `known`: the inventory was read in full, the owner's records may be changed and deleted (add it to
   * knownOwners); `frozen`: something was not read, its records stay as they are (frozenOwners);
   * `untouched`: certificates are off, the owner is neither.
   */
  ownerState: 'known' | 'frozen' | 'untouched';
  validationEndpoints: Endpoint[];
  outcome: CertificatesOutcome;
  errors: PassError[];
  warnings: PassWarning[];
}

export function emptyCertificatesOutcome(enabled: boolean, dryRun: boolean): CertificatesOutcome {
  return {
    enabled,
    dryRun,
    ...emptyReport(),
    requested: [],
    deleted: [],
    skipped: [],
    counts: { pendingTooLong: 0, expiringSoon: 0, failed: 0, renewalAtRisk: 0 },
  };
}

export function planSettings(config: Config): PlanSettings {
  const c = config.certificates;
  return {
    ownerTagKey: c.ownerTagKey,
    ownerId: c.ownerId,
    maxNamesPerCertificate: c.maxNamesPerCertificate,
    yearlyRequestQuota: c.yearlyRequestQuota,
    maxRequestsPerPass: c.maxRequestsPerPass,
    backoffInitialMs: durationMs(c.retryBackoff.initial, 'retryBackoff.initial'),
    backoffMaxMs: durationMs(c.retryBackoff.max, 'retryBackoff.max'),
    cleanupGraceMs: durationMs(c.cleanupGracePeriod, 'cleanupGracePeriod'),
    expiryWarningDays: c.expiryWarningDays,
    pendingWarningMs: durationMs(c.pendingWarningAfter, 'pendingWarningAfter'),
    unusedWarningMs: durationMs(c.unusedWarningAfter, 'unusedWarningAfter'),
  };
}

export async function reconcileCertificates(
  input: CertificateStageInput,
  deps: CertificateStageDeps,
): Promise<CertificateStageResult> {
  const { config, clock } = deps;
  const settings = config.certificates;
  const dryRun = input.dryRun ?? config.dryRun;
  const result: CertificateStageResult = {
    owner: settings.ownerId,
    ownerState: 'untouched',
    validationEndpoints: [],
    outcome: emptyCertificatesOutcome(settings.enabled, dryRun),
    errors: [],
    warnings: [],
  };
  if (!settings.enabled) return result;
  const outcome = result.outcome;
  const now = clock();

  const publicZones = publicZonesOf(input.zones, result);
  const regionOf = clusterRegions(input, config);
  const { hosts, skipped } = neededHosts(input, config, regionOf, publicZones);
  reportSkipped(skipped, result);
  const inventory = await readInventories(inventoryRegions(input, config, regionOf, hosts), deps);
  result.errors.push(...inventory.errors);
  const complete = publicZones !== undefined && inventory.complete;

  const plan = planCertificates({
    now,
    hosts: hosts.filter((h) => inventory.readRegions.has(h.region)),
    certificates: inventory.certificates,
    cleanup: complete && !input.partial && input.clusters.every((c) => c.status === 'ok'),
    settings: planSettings(config),
  });
  result.warnings.push(...planWarnings(plan));
  Object.assign(outcome, plan.report);
  for (const h of hosts.filter((h) => !inventory.readRegions.has(h.region))) {
    outcome.waiting.push({ host: h.host, region: h.region, reason: 'inventory-unread' });
  }

  if (dryRun) {
    outcome.requested = plan.requests.map((r) => ({ region: r.region, names: r.names, attempt: r.attempt }));
    outcome.deleted = plan.deletions.map((d) => ({
      arn: d.arn,
      region: d.region,
      names: d.names,
      reason: d.reason,
    }));
  } else {
    await apply(plan, { ...deps, outcome, errors: result.errors });
  }

  result.validationEndpoints = validationEndpoints(plan, outcome, dryRun, settings.ownerId);
  result.ownerState = complete ? 'known' : 'frozen';
  outcome.counts = {
    pendingTooLong: outcome.pending.filter((p) => p.tooLong).length,
    expiringSoon: outcome.expiring.length,
    failed: outcome.failed.length,
    renewalAtRisk: outcome.renewalAtRisk.length,
  };
  deps.log.info('certificates reconciled', {
    requested: outcome.requested.length,
    deleted: outcome.deleted.length,
    pending: outcome.pending.length,
    failed: outcome.failed.length,
    validationRecords: result.validationEndpoints.length,
    ownerState: result.ownerState,
  });
  return result;
}

/** The public hosted zones validation records can go to; undefined (and an error) when unread. */
function publicZonesOf(listing: ZoneListing, result: CertificateStageResult): string[] | undefined {
  if (listing.error !== undefined) {
    result.errors.push(
      passError(
        'certificates-unread',
        `certificates: listing hosted zones failed: ${listing.error}; no certificate requested`,
      ),
    );
    return undefined;
  }
  return listing.zones.filter((z) => !z.private).map((z) => z.name);
}

interface SkippedHost {
  host: string;
  reason: string;
  resources: Set<string>;
}

/**
 * Which hosts can have a certificate: a name ACM issues for, ours to manage, with a public zone to validate
 * in; each in every region its cluster's load balancers live in. With the zones unread, none can.
 */
function neededHosts(
  input: CertificateStageInput,
  config: Config,
  regionOf: (cluster: string) => string[],
  publicZones: readonly string[] | undefined,
): { hosts: NeededHost[]; skipped: Map<string, SkippedHost> } {
  const domainFilter = new DomainFilter(config);
  const hosts: NeededHost[] = [];
  const skipped = new Map<string, SkippedHost>();
  for (const t of input.tlsHosts) {
    const host = normalizeCertificateName(t.host);
    const resource = `${t.cluster}:${t.resource}`;
    const reason =
      unrequestableReason(host) ??
      (!domainFilter.matches(host) ? 'outside the domain filters' : undefined) ??
      (publicZones &&
      !publicZones.some((z) => isWithinDomain(validationBase(host), normalizeCertificateName(z)))
        ? 'no public hosted zone to validate it in'
        : undefined);
    if (reason) {
      const entry = skipped.get(host) ?? { host, reason, resources: new Set<string>() };
      entry.resources.add(resource);
      skipped.set(host, entry);
      continue;
    }
    if (!publicZones) continue;
    const attachments = t.attachedCertificateArns
      ? [{ cluster: t.cluster, resource: t.resource, arns: t.attachedCertificateArns }]
      : undefined;
    for (const region of regionOf(t.cluster)) {
      hosts.push({ host, region, resources: [resource], ...(attachments ? { attachments } : {}) });
    }
  }
  return { hosts, skipped };
}

function reportSkipped(skipped: ReadonlyMap<string, SkippedHost>, result: CertificateStageResult): void {
  for (const s of [...skipped.values()].sort((a, b) => (a.host < b.host ? -1 : 1))) {
    const resources = [...s.resources].sort();
    result.outcome.skipped.push({ host: s.host, reason: s.reason, resources });
    result.warnings.push({
      code: 'certificate-host-skipped',
      message: `TLS host ${s.host} (${resources.join(', ')}): no certificate: ${s.reason}`,
      dnsName: s.host,
      ...(resources[0]
        ? {
            object: resources[0].slice(resources[0].indexOf(':') + 1),
            cluster: resources[0].slice(0, resources[0].indexOf(':')),
          }
        : {}),
    });
  }
}

/** Every region the fleet's load balancers live in, or the one configured. */
function inventoryRegions(
  input: CertificateStageInput,
  config: Config,
  regionOf: (cluster: string) => string[],
  hosts: readonly NeededHost[],
): string[] {
  const fixed = config.certificates.region;
  return [
    ...new Set([
      ...hosts.map((h) => h.region),
      ...input.clusters.flatMap((c) => regionOf(c.name)),
      ...(fixed ? [fixed] : config.clusters.map((c) => c.region)),
    ]),
  ].sort();
}

/** The inventory of each region, one after the other; `complete` when every read succeeded. */
async function readInventories(
  regions: readonly string[],
  deps: CertificateStageDeps,
): Promise<{
  certificates: KnownCertificate[];
  readRegions: Set<string>;
  complete: boolean;
  errors: PassError[];
}> {
  const { aws, config } = deps;
  const domainFilter = new DomainFilter(config);
  const out = {
    certificates: [] as KnownCertificate[],
    readRegions: new Set<string>(),
    complete: true,
    errors: [] as PassError[],
  };
  for (const region of regions) {
    const acm = new AcmCertificates(aws.acm(region), region);
    const read = await readInventory(acm, config, domainFilter);
    out.errors.push(
      ...read.errors.map((e) =>
        passError(
          'certificates-unread',
          `certificates: ${region}: ${e.message}`,
          e.arn ? { name: e.arn } : {},
        ),
      ),
    );
    if (read.errors.length > 0) out.complete = false;
    if (read.listed) {
      out.readRegions.add(region);
      out.certificates.push(...read.certificates);
    }
  }
  return out;
}

function planWarnings(plan: CertificatePlan): PassWarning[] {
  const warnings: PassWarning[] = plan.warnings.map((w) => ({
    code: 'certificate-validation-record',
    message: w,
  }));
  for (const n of plan.report.notAttached) {
    warnings.push({
      code: 'certificate-not-attached',
      cluster: n.cluster,
      object: n.resource,
      field: SSL_CERT_ANNOTATION,
      dnsName: n.hosts[0] as string,
      message:
        `${n.resource} in cluster ${n.cluster} serves ${n.hosts.join(', ')} but its ${SSL_CERT_ANNOTATION} ` +
        `does not name ${n.arn}, ` +
        `issued for it: add it (the AWS Load Balancer Controller does not find certificates for a Service, ` +
        `and ACM renews only certificates in use)`,
    });
  }
  return warnings;
}

/**
 * The validation CNAMEs as desired endpoints of the certificates' owner: what the plan keeps, and those of
 * a certificate whose deletion failed, since it is still there and so is its need for them.
 */
function validationEndpoints(
  plan: CertificatePlan,
  outcome: CertificatesOutcome,
  dryRun: boolean,
  ownerId: string,
): Endpoint[] {
  const records = new Map(plan.validationRecords.map((r) => [r.name, r]));
  const deletedArns = new Set(outcome.deleted.map((d) => d.arn));
  for (const d of plan.deletions.filter((d) => !dryRun && !deletedArns.has(d.arn))) {
    for (const r of d.validationRecords) {
      if (!records.has(r.name))
        records.set(r.name, { ...r, base: r.name.slice(r.name.indexOf('.') + 1), certificates: [d.arn] });
    }
  }
  return [...records.values()].map((r) =>
    newEndpoint(r.name, 'CNAME', [r.value], {
      ttl: VALIDATION_RECORD_TTL,
      labels: {
        [LABEL_OWNER]: ownerId,
        [LABEL_RESOURCE]: `certificate/${r.base}`,
        [LABEL_PUBLIC_ONLY]: 'true',
      },
    }),
  );
}

/** A TLS host's certificate belongs where its cluster's load balancers are, or in the one configured region. */
function clusterRegions(input: CertificateStageInput, config: Config): (cluster: string) => string[] {
  const fixed = config.certificates.region;
  return (cluster) => {
    if (fixed) return [fixed];
    const fromPass = input.clusters
      .filter((c) => c.name === cluster && c.region)
      .map((c) => c.region as string);
    if (fromPass.length > 0) return [...new Set(fromPass)];
    const fromConfig = config.clusters.filter((c) => c.name === cluster).map((c) => c.region);
    return fromConfig.length > 0 ? [...new Set(fromConfig)] : [config.region];
  };
}

interface InventoryRead {
  listed: boolean;
  certificates: KnownCertificate[];
  /** What was not read, and of which certificate. */
  errors: { message: string; arn?: string }[];
}

/**
 * ListCertificates (all key types, every page); tags of the certificates that could be ours (requested by
 * ACM for a name we manage); DescribeCertificate only for ours that need it — live ones whose validation
 * records are not in our tags yet, newly failed ones (reason) — and for any whose names the listing cut short.
 */
async function readInventory(
  acm: AcmCertificates,
  config: Config,
  filter: DomainFilter,
): Promise<InventoryRead> {
  const out: InventoryRead = { listed: false, certificates: [], errors: [] };
  let listed: Awaited<ReturnType<AcmCertificates['list']>>;
  try {
    listed = await acm.list();
  } catch (err) {
    out.errors.push({ message: `ListCertificates failed: ${errorMessage(err)}` });
    return out;
  }
  out.listed = true;
  const concurrency = config.certificates.apiConcurrency;
  const ownership = config.certificates;
  await mapConcurrent(listed, concurrency, async (c) => {
    if (c.type !== 'AMAZON_ISSUED' || !c.names.some((n) => filter.matches(n))) return;
    try {
      c.tags = await acm.tags(c.arn);
    } catch (err) {
      out.errors.push({
        message: `ListTagsForCertificate ${c.arn} failed: ${errorMessage(err)}`,
        arn: c.arn,
      });
    }
  });
  await mapConcurrent(listed, concurrency, async (c) => {
    if (!needsDescribe(c, ownership)) return;
    try {
      const d = await acm.describe(c.arn);
      if (d.names.length > 0) c.names = d.names;
      if (d.status) c.status = d.status;
      if (d.failureReason) c.failureReason = d.failureReason;
      if (d.validationRecords.length > 0) c.validationRecords = d.validationRecords;
    } catch (err) {
      out.errors.push({ message: `DescribeCertificate ${c.arn} failed: ${errorMessage(err)}`, arn: c.arn });
    }
  });
  out.certificates = listed.map(({ hasMoreNames: _, ...c }) => c);
  return out;
}

function needsDescribe(
  c: KnownCertificate & { hasMoreNames: boolean },
  ownership: Config['certificates'],
): boolean {
  if (c.hasMoreNames) return true;
  if (!isOurs(c, ownership)) return false;
  const st = readOwnState(c.tags);
  if (FAILED_STATUSES.has(c.status)) return !c.tags?.[STATE_TAG.failureReason];
  if (c.status !== 'ISSUED' && c.status !== 'PENDING_VALIDATION') return false;
  const cachedBases = new Set(st.validationRecords.map((r) => r.name.slice(r.name.indexOf('.') + 1)));
  return c.names.some((n) => !cachedBases.has(validationBase(n)));
}

async function apply(
  plan: CertificatePlan,
  ctx: CertificateStageDeps & { outcome: CertificatesOutcome; errors: PassError[] },
): Promise<void> {
  const { aws, config, outcome } = ctx;
  const failed = (message: string, name: string) =>
    ctx.errors.push(passError('certificate-change-failed', message, { name }));
  const acm = (region: string) => new AcmCertificates(aws.acm(region), region);
  const concurrency = config.certificates.apiConcurrency;
  await mapConcurrent(plan.tagging, concurrency, async (t) => {
    try {
      await acm(t.region).addTags(t.arn, t.add);
    } catch (err) {
      failed(`certificates: tagging ${t.arn} failed: ${errorMessage(err)}`, t.arn);
    }
  });
  await mapConcurrent(plan.requests, concurrency, async (r) => {
    try {
      const arn = await acm(r.region).request(r, config.certificates.keyAlgorithm as KeyAlgorithm);
      outcome.requested.push({ region: r.region, names: r.names, attempt: r.attempt, arn });
      ctx.log.info('certificate requested', { arn, region: r.region, names: r.names, attempt: r.attempt });
    } catch (err) {
      failed(
        `certificates: RequestCertificate for ${r.names.join(', ')} in ${r.region} failed: ${errorMessage(err)}`,
        r.domainName,
      );
    }
  });
  await mapConcurrent(plan.untagging, concurrency, async (t) => {
    try {
      await acm(t.region).removeTags(t.arn, t.keys);
    } catch (err) {
      failed(`certificates: untagging ${t.arn} failed: ${errorMessage(err)}`, t.arn);
    }
  });
  await mapConcurrent(plan.deletions, concurrency, async (d) => {
    try {
      await acm(d.region).delete(d.arn);
      outcome.deleted.push({ arn: d.arn, region: d.region, names: d.names, reason: d.reason });
    } catch (err) {
      // Put in use since it was listed: ACM refuses, and the certificate is simply kept.
      if ((err as { name?: string }).name === 'ResourceInUseException') {
        outcome.kept.push({ arn: d.arn, region: d.region, names: d.names, reason: 'in-use' });
      } else {
        failed(`certificates: DeleteCertificate ${d.arn} failed: ${errorMessage(err)}`, d.arn);
      }
    }
  });
  outcome.requested.sort((a, b) => (a.names[0] ?? '').localeCompare(b.names[0] ?? ''));
  outcome.deleted.sort((a, b) => (a.arn < b.arn ? -1 : 1));
}
