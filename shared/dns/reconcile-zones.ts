import type { AwsClients } from '../aws-clients.js';
import type { Config } from '../config.js';
import { deadlineOf } from '../deadline.js';
import type { RecordChange } from '../endpoint/changes.js';
import { DomainFilter } from '../endpoint/domain-filter.js';
import { type Endpoint, LABEL_OWNER, LABEL_PUBLIC_ONLY, type RecordType } from '../endpoint/endpoint.js';
import { errorMessage } from '../errors.js';
import type { Log } from '../log.js';
import { ownershipTxtHolder, planRegistryChanges, readOwnership } from '../registry/txt.js';
import { type TxtNameOptions, txtNameMapper } from '../registry/txt-names.js';
import type { PassWarning } from '../warnings.js';
import {
  adjustEndpoints,
  canonicalHostedZoneId,
  parseLoadBalancerHostname,
  resolveLoadBalancerZones,
} from './alias.js';
import { type HeldKind, type HeldName, ownedRecordCounts, planChanges } from './plan.js';
import { type RefusedChange, Route53Provider, route53ProviderOptions } from './route53.js';
import { type HostedZone, zonesForName } from './zones.js';

export interface ChangeOutcome {
  zone: string;
  action: RecordChange['action'];
  name: string;
  type: string;
  setIdentifier?: string;
}

export interface DnsInput {
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
}

export interface DnsOutcome {
  changes: ChangeOutcome[];
  /** The same changes with their records, for a readable diff. */
  recordChanges: (RecordChange & { zone: string })[];
  heldDeletions: number;
  /** Change groups Route 53 refused alone; the rest of their zones applied. */
  refused: RefusedChange[];
  errors: string[];
  warnings: PassWarning[];
}

/**
 * Step 4 of the pass: the fleet's desired endpoints grouped by zone, each zone read once (or, for a
 * scoped pass, just the names in scope), planned against the TXT registry and applied in batches.
 */
export async function reconcileZones(
  input: DnsInput,
  deps: { config: Config; aws: AwsClients; log: Log },
): Promise<DnsOutcome> {
  const { config, aws, log } = deps;
  const out: DnsOutcome = {
    changes: [],
    recordChanges: [],
    heldDeletions: 0,
    refused: [],
    errors: [],
    warnings: [],
  };
  const route53 = new Route53Provider(
    aws.route53(),
    route53ProviderOptions(config, {
      onWarning: (w) => out.warnings.push(w),
      ...(input.deadline ? { signal: input.deadline } : {}),
    }),
  );

  let zones: HostedZone[];
  try {
    zones = await route53.listZones(config);
  } catch (err) {
    const why = deadlineOf(err, input.deadline) ?? err;
    out.errors.push(`route53: listing hosted zones failed: ${errorMessage(why)}`);
    return out;
  }

  const zoneOf = await loadBalancerZoneLookup(input.desired, aws, out.warnings);
  const desired = adjustEndpoints(input.desired, {
    preferCname: config.preferCname,
    evaluateTargetHealth: config.evaluateTargetHealth,
    zoneOf,
  });
  const byZone = new Map<string, Endpoint[]>(zones.map((z) => [z.id, []]));
  for (const e of desired) {
    // ACM validates through public DNS only: a validation CNAME in a split-horizon private zone is noise.
    const candidates = e.labels[LABEL_PUBLIC_ONLY] === 'true' ? zones.filter((z) => !z.private) : zones;
    const matches = zonesForName(e.dnsName, candidates);
    if (matches.length === 0) {
      out.warnings.push({
        code: 'no-zone',
        message: `no hosted zone for ${e.dnsName} (${e.labels.resource ?? 'unknown resource'}); skipped`,
        dnsName: e.dnsName,
        ...(e.labels.resource ? { object: e.labels.resource } : {}),
      });
      continue;
    }
    for (const z of matches) byZone.get(z.id)?.push(e);
  }

  const domainFilter = new DomainFilter(config);
  for (const zone of zones) {
    const wanted = byZone.get(zone.id) ?? [];
    // Nothing to create, and no owner whose records could go: the zone needs no read.
    if (input.knownOwners.size === 0 && wanted.length === 0) continue;
    const scopedNames = input.scope
      ? [...input.scope].filter((n) => zonesForName(n, [zone]).length > 0)
      : undefined;
    if (scopedNames && scopedNames.length === 0) continue;
    if (input.deadline?.aborted) {
      out.errors.push(
        `zone ${zone.name}: not reconciled, left for the next pass: ${errorMessage(input.deadline.reason)}`,
      );
      continue;
    }
    const registryOptions = {
      prefix: config.txtPrefix,
      suffix: config.txtSuffix,
      wildcardReplacement: config.txtWildcardReplacement,
      zone: zone.name,
    };
    try {
      const planFrom = (
        current: ReturnType<typeof readOwnership>,
        zoneOwnedCounts?: ReadonlyMap<string, number>,
      ) => {
        const plan = planChanges({
          current: current.records,
          desired: wanted,
          policy: config.policy,
          managedRecordTypes: config.managedRecordTypes,
          excludeRecordTypes: config.excludeRecordTypes,
          domainFilter,
          knownOwners: input.knownOwners,
          frozenOwners: input.frozenOwners,
          held: input.held,
          ...(input.heldKinds ? { heldKinds: input.heldKinds } : {}),
          deletionGuard: config.deletionGuard,
          ...(input.scope ? { scope: input.scope } : {}),
          ...(zoneOwnedCounts ? { zoneOwnedCounts } : {}),
          ownershipTxtHolder: ownershipTxtHolder(current.registry, registryOptions),
        });
        return { current, plan };
      };
      const scopedRead = scopedNames
        ? { names: registryNames(scopedNames, registryOptions, config.managedRecordTypes) }
        : {};
      let { current, plan } = planFrom(
        readOwnership(await route53.records(zone, scopedRead), registryOptions),
      );
      if (plan.needsZoneCounts) {
        // A scoped pass would delete: the guard judges each owner's share of the whole zone. The zone is
        // read page by page only until every owner losing records is seen to hold enough of them
        // (n ≤ maxShare × seen: reading more can only shrink the share), so an owner with many records
        // costs a page or two; one with few costs the whole zone, the only way to know it has few.
        const considered = {
          managedRecordTypes: config.managedRecordTypes,
          excludeRecordTypes: config.excludeRecordTypes,
          domainFilter,
        };
        const losing = new Map<string, number>();
        for (const e of plan.heldDeletions) {
          const owner = e.labels[LABEL_OWNER] ?? '';
          losing.set(owner, (losing.get(owner) ?? 0) + 1);
        }
        const seen = (read: readonly Endpoint[]) =>
          ownedRecordCounts(readOwnership([...read], registryOptions).records, considered);
        const { maxShare } = config.deletionGuard;
        const enough = (read: readonly Endpoint[]) => {
          const counts = seen(read);
          return [...losing].every(([owner, n]) => (counts.get(owner) ?? 0) * maxShare >= n);
        };
        ({ plan } = planFrom(current, seen(await route53.records(zone, { enough }))));
      }
      out.warnings.push(...plan.warnings);
      out.heldDeletions += plan.heldDeletions.length;
      const registry = planRegistryChanges(plan, current.registry, registryOptions);
      out.warnings.push(...registry.warnings);
      if (registry.groups.length === 0) continue;
      const applied = input.dryRun
        ? { applied: registry.groups.flat(), failed: [], refused: [] }
        : await route53.applyChanges(zone, registry.groups);
      out.changes.push(...applied.applied.map((c) => changeOutcome(zone, c)));
      out.recordChanges.push(...applied.applied.map((c) => ({ ...c, zone: `${zone.name}.` })));
      for (const r of applied.refused) {
        out.refused.push(r);
        out.errors.push(refusalMessage(r));
        log.error('route53 refused a change', { ...r });
      }
      for (const f of applied.failed) {
        out.errors.push(
          `zone ${zone.name}: ${f.change.action} ${f.change.endpoint.dnsName} ${f.change.endpoint.recordType} failed: ${f.error}`,
        );
      }
    } catch (err) {
      const why = errorMessage(deadlineOf(err, input.deadline) ?? err);
      out.errors.push(`zone ${zone.name}: ${why}`);
      log.error('zone reconcile failed', { zone: zone.name, error: why });
    }
  }
  return out;
}

/** One line naming everything an operator needs: zone, record, owner, object and Route 53's answer. */
function refusalMessage(r: RefusedChange): string {
  const record = `${r.action} ${r.name} ${r.type}${r.setIdentifier ? ` (set ${r.setIdentifier})` : ''}`;
  const who = `owner ${r.owner || '(none)'}${r.resource ? `, ${r.resource}` : ''}`;
  return `zone ${r.zone}: Route 53 refused ${record} (${who}): ${r.code}: ${r.message}`;
}

/**
 * The names a scoped read must cover: each record name, its ownership TXT names (new format for every
 * managed type and the legacy `cname-` one) and, for old-format TXTs, the name itself.
 */
function registryNames(names: string[], options: TxtNameOptions, types: readonly RecordType[]): string[] {
  const mapper = txtNameMapper(options);
  const out = new Set<string>();
  for (const n of names) {
    out.add(n);
    for (const t of new Set<RecordType>([...types, 'CNAME'])) out.add(mapper.txtName(n, t));
  }
  return [...out];
}

/** Canonical hosted zones for ALIAS targets: the static table first, ELBv2 for load balancers it can't place. */
async function loadBalancerZoneLookup(
  desired: Endpoint[],
  aws: AwsClients,
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
  };
}
