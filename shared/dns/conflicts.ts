import {
  type Endpoint,
  endpointKey,
  LABEL_CLUSTER,
  LABEL_OWNER,
  LABEL_RESOURCE,
} from '../endpoint/endpoint.js';
import type { PassWarning } from '../warnings.js';

/**
 * Who gets a name when several desired endpoints want it (ExternalDNS's `PerResource` conflict resolver,
 * extended to a fleet: owners are compared before resources so every pass picks the same winner).
 */

export function ownerOf(e: Endpoint): string {
  return e.labels[LABEL_OWNER] ?? '';
}

export function resourceOf(e: Endpoint): string {
  return e.labels[LABEL_RESOURCE] ?? '';
}

/** Targets as a set: case and order do not make two records different. */
export function targetsKey(e: Endpoint): string {
  return e.targets
    .map((t) => t.toLowerCase())
    .sort()
    .join('\n');
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Lowest owner, then resource, then targets (then TTL, properties, and finally the exact spelling of
 * everything, so that even two claims differing only in a target's case are ordered): a total order,
 * hence the same winner whatever order the clusters answered in.
 */
export function compareClaims(a: Endpoint, b: Endpoint): number {
  return (
    compareStrings(ownerOf(a), ownerOf(b)) ||
    compareStrings(resourceOf(a), resourceOf(b)) ||
    compareStrings(targetsKey(a), targetsKey(b)) ||
    (a.ttl ?? -1) - (b.ttl ?? -1) ||
    compareStrings(canonicalJson(a.properties), canonicalJson(b.properties)) ||
    compareStrings(
      canonicalJson({ ...a, targets: [...a.targets].sort() }),
      canonicalJson({ ...b, targets: [...b.targets].sort() }),
    )
  );
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => compareStrings(x, y)))
      : v,
  );
}

/** A name nobody holds: the lowest claim wins. */
export function resolveCreate(candidates: readonly Endpoint[]): Endpoint {
  return [...candidates].sort(compareClaims)[0]!;
}

/** A name `current` holds: the resource that already has it keeps it, else the lowest claim. */
export function resolveUpdate(current: Endpoint, candidates: readonly Endpoint[]): Endpoint {
  const sorted = [...candidates].sort(compareClaims);
  return sorted.find((c) => resourceOf(c) === resourceOf(current)) ?? sorted[0]!;
}

export function describeClaim(e: Endpoint): string {
  const owner = ownerOf(e);
  const resource = resourceOf(e);
  if (!owner) return resource ? `${resource} (no owner)` : 'a record no owner manages';
  return resource ? `${resource} (owner ${owner})` : `owner ${owner}`;
}

export function conflictWarning(loser: Endpoint, holder: string, reason = ''): PassWarning {
  const resource = resourceOf(loser);
  const cluster = loser.labels[LABEL_CLUSTER];
  return {
    code: 'conflict',
    message:
      `${loser.dnsName} ${loser.recordType}${loser.setIdentifier ? ` [${loser.setIdentifier}]` : ''}: ` +
      `${describeClaim(loser)} wants it but ${holder} has it${reason ? ` (${reason})` : ''}`,
    dnsName: loser.dnsName,
    ...(resource ? { object: resource } : {}),
    ...(cluster ? { cluster } : {}),
  };
}

/** Same claimant and same targets: a duplicate, not a conflict worth reporting. */
export function sameClaim(a: Endpoint, b: Endpoint): boolean {
  return ownerOf(a) === ownerOf(b) && resourceOf(a) === resourceOf(b) && targetsKey(a) === targetsKey(b);
}

/**
 * A CNAME cannot share its name with any other type (RFC 1034 3.6.2). When desired endpoints want both at
 * one name, A/AAAA and the rest win and the CNAMEs are dropped (ExternalDNS `ResolveRecordTypes`).
 */
export function dropCnameConflicts(desired: Endpoint[]): { kept: Endpoint[]; warnings: PassWarning[] } {
  const byName = new Map<string, Endpoint[]>();
  for (const e of desired) pushTo(byName, e.dnsName, e);
  const kept: Endpoint[] = [];
  const warnings: PassWarning[] = [];
  for (const group of byName.values()) {
    const others = group.filter((e) => e.recordType !== 'CNAME');
    if (others.length === 0 || others.length === group.length) {
      kept.push(...group);
      continue;
    }
    const winner = resolveCreate(others);
    kept.push(...others);
    for (const c of group) {
      if (c.recordType === 'CNAME') {
        warnings.push(
          conflictWarning(
            c,
            `${describeClaim(winner)} with a ${winner.recordType} record`,
            'a CNAME cannot share its name',
          ),
        );
      }
    }
  }
  return { kept, warnings };
}

/**
 * A record set's routing policy: `simple` without a SetIdentifier, else the policy its properties name.
 * Route 53 holds one policy per name and type: a weighted set next to a simple one (or a latency one) is
 * refused with InvalidChangeBatch, so the planner must choose before it sends.
 */
export function routingPolicyOf(e: Endpoint): string {
  const p = e.properties;
  if (e.setIdentifier === undefined) return 'simple';
  if (p.weight !== undefined) return 'weighted';
  if (p.region !== undefined) return 'latency';
  if (p.failover !== undefined) return 'failover';
  if (p.geolocation !== undefined) return 'geolocation';
  if (p.multiValueAnswer) return 'multivalue answer';
  return 'routed';
}

/**
 * Claims on one name and type that want different routing policies (one cluster weighted, another simple):
 * one policy is kept, the other claims lose with a warning. Records that stay this pass whatever is claimed
 * (`staying`: unowned, another cluster's, frozen, kept by the policy or a held name) decide first: their
 * policy is the only one that can be written next to them. Then the incumbent — the policy of the claims
 * whose owners hold the name and type now — and only a free name goes by the conflict order (the lowest
 * claim's policy); in both, a claim the staying records keep from being created does not count. Settling
 * on a policy that cannot be written would release a claimant's old record set for nothing, the name
 * settling a pass later.
 */
export function settleRoutingPolicies(
  claims: readonly Endpoint[],
  current: readonly Endpoint[],
  staying: StayingRecords = NOTHING_STAYS,
): { kept: Endpoint[]; warnings: PassWarning[]; contested: Set<string> } {
  const byNameType = new Map<string, Endpoint[]>();
  for (const c of claims) pushTo(byNameType, `${c.dnsName}|${c.recordType}`, c);
  /** The names and types (`name|type`) whose claims want more than one policy. */
  const contested = new Set<string>();
  for (const [key, group] of byNameType) if (!onePolicy(group)) contested.add(key);
  if (contested.size === 0) return { kept: [...claims], warnings: [], contested };
  const currentByNameType = new Map<string, Endpoint[]>();
  for (const r of current) {
    const key = `${r.dnsName}|${r.recordType}`;
    if (contested.has(key)) pushTo(currentByNameType, key, r);
  }
  const kept: Endpoint[] = [];
  const warnings: PassWarning[] = [];
  for (const [key, group] of byNameType) {
    if (!contested.has(key)) {
      kept.push(...group);
      continue;
    }
    const holding = currentByNameType.get(key) ?? [];
    const deciding = decidingClaim(group, holding, staying);
    const policy = routingPolicyOf(deciding);
    const holder = holding.includes(deciding)
      ? describeClaim(deciding)
      : `${describeClaim(deciding)}'s claim`;
    for (const c of group) {
      if (routingPolicyOf(c) === policy) kept.push(c);
      else
        warnings.push({
          ...conflictWarning(
            c,
            holder,
            `it wants a ${routingPolicyOf(c)} record where ${policy} routing ${holding.length > 0 ? 'is' : 'goes'}; Route 53 holds one routing policy per name and type`,
          ),
          code: 'routing-policy-conflict',
        });
    }
  }
  return { kept, warnings, contested };
}

function onePolicy(group: readonly Endpoint[]): boolean {
  const first = routingPolicyOf(group[0]!);
  return group.every((c) => routingPolicyOf(c) === first);
}

/** What the planner knows stays at the zone's names this pass, whatever is claimed. */
export interface StayingRecords {
  /** The record stays as it is. */
  stays(record: Endpoint): boolean;
  /** Records that stay keep this claim from being created (a CNAME beside them, their set identifier). */
  blocked(claim: Endpoint): boolean;
}

const NOTHING_STAYS: StayingRecords = { stays: () => false, blocked: () => false };

/** The claim or record whose routing policy one name and type gets (see `settleRoutingPolicies`). */
function decidingClaim(
  group: readonly Endpoint[],
  holding: readonly Endpoint[],
  staying: StayingRecords,
): Endpoint {
  const fixed = holding
    .filter((r) => staying.stays(r))
    .sort((a, b) => compareStrings(endpointKey(a), endpointKey(b)));
  if (fixed[0]) return fixed[0];
  // A claim that cannot be written decides nothing, unless no claim can be.
  const writable = group.filter((c) => !staying.blocked(c));
  const viable = writable.length > 0 ? writable : group;
  const holders = new Set(holding.map(ownerOf));
  const incumbents = viable.filter((c) => holders.has(ownerOf(c)));
  if (incumbents.length === 0) return resolveCreate(viable);
  // The claim on the very record set there now that keeps its policy (several claims can share one set
  // identifier: taking the first in arrival order made the policy flip from pass to pass), else any
  // claim on it, else one from the resource holding it (switching its own record's policy), else the
  // holders' lowest claim.
  const onHeldSet = (c: Endpoint, samePolicy: boolean) =>
    holding.some(
      (r) => endpointKey(r) === endpointKey(c) && (!samePolicy || routingPolicyOf(r) === routingPolicyOf(c)),
    );
  return (
    incumbents.find((c) => onHeldSet(c, true)) ??
    incumbents.find((c) => onHeldSet(c, false)) ??
    incumbents.find((c) => holding.some((r) => resourceOf(r) === resourceOf(c))) ??
    resolveCreate(incumbents)
  );
}

/** Appends `value` to the list under `key` (no copy of the list). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
