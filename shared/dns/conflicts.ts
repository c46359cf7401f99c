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
export function resolveCreate(candidates: Endpoint[]): Endpoint {
  return [...candidates].sort(compareClaims)[0]!;
}

/** A name `current` holds: the resource that already has it keeps it, else the lowest claim. */
export function resolveUpdate(current: Endpoint, candidates: Endpoint[]): Endpoint {
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
  for (const e of desired) byName.set(e.dnsName, [...(byName.get(e.dnsName) ?? []), e]);
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
 * one policy is kept, the other claims lose with a warning. The incumbent decides first — the policy of the
 * claims whose owners hold the name and type now, else of the records there now — and only a free name
 * goes by the conflict order (the lowest claim's policy).
 */
export function settleRoutingPolicies(
  claims: readonly Endpoint[],
  current: readonly Endpoint[],
): { kept: Endpoint[]; warnings: PassWarning[] } {
  const byNameType = new Map<string, Endpoint[]>();
  for (const c of claims) {
    const key = `${c.dnsName}|${c.recordType}`;
    byNameType.set(key, [...(byNameType.get(key) ?? []), c]);
  }
  const currentByNameType = new Map<string, Endpoint[]>();
  for (const r of current) {
    const key = `${r.dnsName}|${r.recordType}`;
    currentByNameType.set(key, [...(currentByNameType.get(key) ?? []), r]);
  }
  const kept: Endpoint[] = [];
  const warnings: PassWarning[] = [];
  for (const [key, group] of byNameType) {
    if (new Set(group.map(routingPolicyOf)).size <= 1) {
      kept.push(...group);
      continue;
    }
    const holding = currentByNameType.get(key) ?? [];
    const holders = new Set(holding.map(ownerOf));
    const incumbents = group.filter((c) => holders.has(ownerOf(c)));
    // The claim on the very record set there now that keeps its policy (several claims can share one set
    // identifier: taking the first in arrival order made the policy flip from pass to pass), else any
    // claim on it, else one from the resource holding it (switching its own record's policy), else the
    // holders' lowest claim.
    const onHeldSet = (c: Endpoint, samePolicy: boolean) =>
      holding.some(
        (r) =>
          endpointKey(r) === endpointKey(c) && (!samePolicy || routingPolicyOf(r) === routingPolicyOf(c)),
      );
    const deciding =
      incumbents.length > 0
        ? (incumbents.find((c) => onHeldSet(c, true)) ??
          incumbents.find((c) => onHeldSet(c, false)) ??
          incumbents.find((c) => holding.some((r) => resourceOf(r) === resourceOf(c))) ??
          resolveCreate(incumbents))
        : (holding[0] ?? resolveCreate(group));
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
  return { kept, warnings };
}
