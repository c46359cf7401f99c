import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import {
  type Endpoint,
  type FailoverRole,
  LABEL_ANNOTATED_WEIGHT,
  type Route53Properties,
} from '../endpoint/endpoint.js';
import type { DnsWarningCode, PassWarning } from '../warnings.js';
import { ownerOf, pushTo, resourceOf, routingPolicyOf } from './conflicts.js';
import { ROUTE53_LATENCY_REGIONS } from './latency-regions.js';

/**
 * Fleet routing: one name served by many clusters. Every cluster publishing a name under a `fleetRouting`
 * domain gets its own record set — set identifier = its owner id — under the configured Route 53 routing
 * policy, so no cluster needs a hand-written set identifier and weight in its annotations (the
 * ExternalDNS way). Each member keeps its own ownership TXT (same set identifier), so a failed cluster
 * freezes only its member and a removed cluster releases only its member. Pure.
 */

export type FleetPolicy = Config['fleetRouting'][number]['policy'];

const FLEET_POLICIES: ReadonlySet<string> = new Set<FleetPolicy>(['weighted', 'latency', 'failover']);

/** What fleet routing needs to know of one owner's cluster. */
export interface FleetMember {
  /** The cluster's name, for warnings. */
  cluster: string;
  region: string;
  weight: number;
  failover?: FailoverRole;
  drain: boolean;
}

export interface FleetRouting {
  rules: Config['fleetRouting'];
  /** By owner id. */
  members: ReadonlyMap<string, FleetMember>;
  /** The zone planned (health checks' caller references name it). */
  zoneId?: string;
  /** The ids of the health checks that exist, by caller reference (`wantedHealthCheck`). */
  healthCheckIds?: ReadonlyMap<string, string>;
}

/** The members of a pass by owner id: each configured or discovered cluster, the first one of an owner. */
export function fleetMembers(
  clusters: readonly {
    name: string;
    region: string;
    ownerId?: string | undefined;
    weight?: number | undefined;
    failover?: FailoverRole | undefined;
    drain?: boolean | undefined;
  }[],
): Map<string, FleetMember> {
  const members = new Map<string, FleetMember>();
  for (const c of clusters) {
    const owner = c.ownerId ?? c.name;
    if (members.has(owner)) continue;
    members.set(owner, {
      cluster: c.name,
      region: c.region,
      weight: c.weight ?? 1,
      ...(c.failover ? { failover: c.failover } : {}),
      drain: c.drain ?? false,
    });
  }
  return members;
}

/** The policy of the first rule whose domains hold `dnsName` (the domain itself or a name below it). */
export function fleetPolicyOf(dnsName: string, rules: FleetRouting['rules']): FleetPolicy | undefined {
  return fleetRuleOf(dnsName, rules)?.policy;
}

/** The first rule whose domains hold `dnsName`. */
export function fleetRuleOf(
  dnsName: string,
  rules: FleetRouting['rules'],
): FleetRouting['rules'][number] | undefined {
  for (const rule of rules) {
    for (const raw of rule.domains) {
      const below = raw.startsWith('.');
      const domain = raw.replace(/^\./, '').replace(/\.$/, '').toLowerCase();
      if (dnsName.endsWith(`.${domain}`) || (!below && dnsName === domain)) return rule;
    }
  }
  return undefined;
}

/** A Route 53 health check as the reconciler creates it for one member (`fleetRouting[].healthCheck`). */
export interface HealthCheckSpec {
  type: 'HTTP' | 'HTTPS' | 'TCP';
  ipAddress: string;
  port?: number;
  resourcePath?: string;
  requestInterval: number;
  failureThreshold: number;
}

/** A health check one member wants: its spec and the caller reference that makes its creation idempotent. */
export interface WantedHealthCheck {
  callerReference: string;
  owner: string;
  /** `name type [set identifier]`: the member it serves. */
  member: string;
  spec: HealthCheckSpec;
}

/**
 * The health check a claim's member wants: under a rule with `healthCheck`, an address record (not an
 * alias) with one target. The caller reference is a digest of the zone, the member and the spec, so the
 * same member asks for the same health check every pass, and a changed spec for a new one.
 */
export function wantedHealthCheck(
  claim: Endpoint,
  rules: FleetRouting['rules'],
  zoneId: string,
): WantedHealthCheck | undefined {
  // A claim before fleet routing (no set identifier) or the member it became (its owner's).
  const fleetRouted = claim.setIdentifier === undefined || claim.setIdentifier === ownerOf(claim);
  const config = fleetRouted ? fleetRuleOf(claim.dnsName, rules)?.healthCheck : undefined;
  if (!config || claim.properties.alias || claim.targets.length !== 1) return undefined;
  if (claim.recordType !== 'A' && claim.recordType !== 'AAAA') return undefined;
  const owner = ownerOf(claim);
  const spec: HealthCheckSpec = {
    type: config.type,
    ipAddress: claim.targets[0]!,
    ...(config.port !== undefined ? { port: config.port } : {}),
    ...(config.resourcePath !== undefined ? { resourcePath: config.resourcePath } : {}),
    requestInterval: config.requestInterval,
    failureThreshold: config.failureThreshold,
  };
  const digest = createHash('sha256')
    .update(JSON.stringify([zoneId, claim.dnsName, claim.recordType, owner, spec]))
    .digest('hex');
  return {
    callerReference: `edge-reconciler-${digest.slice(0, 40)}`,
    owner,
    member: `${claim.dnsName} ${claim.recordType} [${owner}]`,
    spec,
  };
}

/**
 * Every health check the fleet-routed members of a zone want, by caller reference; and a warning for each
 * member under a `healthCheck` rule with several addresses (a record set names one health check, which
 * checks one address), which gets none.
 */
export function wantedHealthChecks(
  desired: readonly Endpoint[],
  routing: FleetRouting,
  zoneId: string,
): { wanted: Map<string, WantedHealthCheck>; warnings: PassWarning[] } {
  const wanted = new Map<string, WantedHealthCheck>();
  const warnings: PassWarning[] = [];
  for (const d of desired) {
    if (!routing.members.has(ownerOf(d))) continue;
    const w = wantedHealthCheck(d, routing.rules, zoneId);
    if (w) wanted.set(w.callerReference, w);
    else if (
      d.targets.length > 1 &&
      !d.properties.alias &&
      (d.recordType === 'A' || d.recordType === 'AAAA') &&
      fleetRuleOf(d.dnsName, routing.rules)?.healthCheck
    ) {
      warnings.push(
        warning(
          d,
          'fleet-routing',
          `${d.targets.length} addresses: a Route 53 health check checks one, so this member gets none`,
        ),
      );
    }
  }
  return { wanted, warnings };
}

/** Route 53 refuses a failover PRIMARY that is not an alias and has no health check. */
export function needsHealthCheck(e: Endpoint): boolean {
  return e.properties.failover === 'PRIMARY' && e.properties.alias !== true && !e.properties.healthCheckId;
}

const ROUTING_KEYS = ['weight', 'region', 'failover', 'geolocation', 'multiValueAnswer'] as const;

function withoutRouting(p: Route53Properties): Route53Properties {
  const out = { ...p };
  for (const k of ROUTING_KEYS) delete out[k];
  return out;
}

function warning(e: Endpoint, code: DnsWarningCode, message: string): PassWarning {
  return {
    code,
    message: `${e.dnsName} ${e.recordType} [${ownerOf(e)}]: ${message}`,
    dnsName: e.dnsName,
    ...(resourceOf(e) ? { object: resourceOf(e) } : {}),
  };
}

/**
 * The desired endpoints with every fleet-routed claim made a member record set. A claim with its own set
 * identifier (hand-written routing annotations) is left as written; so is one whose owner is not a
 * cluster of the pass (the certificates' validation records). Draining: weight 0 in a weighted set; left
 * out of a latency or failover set only while another member stays — a member that stays whatever this
 * pass claims (`stays`: its owner failed or is not read this pass) counts, so a name never loses its last
 * member to a drain. Failover holds one PRIMARY and one SECONDARY per name and type: a further claim on a
 * role is left out (lowest owner first), as is a non-alias PRIMARY without a health check, which Route 53
 * refuses.
 */
export function routeFleet(
  desired: readonly Endpoint[],
  current: readonly Endpoint[],
  routing: FleetRouting,
  stays: (record: Endpoint) => boolean,
): { desired: Endpoint[]; warnings: PassWarning[] } {
  const warnings: PassWarning[] = [];
  const out: Endpoint[] = [];
  const routed = new Map<string, { claim: Endpoint; member: FleetMember; policy: FleetPolicy }[]>();
  for (const d of desired) {
    const policy = d.setIdentifier === undefined ? fleetPolicyOf(d.dnsName, routing.rules) : undefined;
    const member = policy ? routing.members.get(ownerOf(d)) : undefined;
    if (!policy || !member) {
      out.push(d);
      continue;
    }
    pushTo(routed, `${d.dnsName}|${d.recordType}`, { claim: d, member, policy });
  }
  const staying = new Map<string, Endpoint[]>();
  for (const r of current) {
    if (r.setIdentifier !== undefined && stays(r)) pushTo(staying, `${r.dnsName}|${r.recordType}`, r);
  }
  for (const [key, claims] of routed) {
    claims.sort((a, b) => (ownerOf(a.claim) < ownerOf(b.claim) ? -1 : 1));
    const others = staying.get(key) ?? [];
    const takenRoles = new Set(others.map((r) => r.properties.failover).filter((r) => r !== undefined));
    const active: Endpoint[] = [];
    const drained: { record: Endpoint; member: FleetMember; policy: FleetPolicy }[] = [];
    // A member that stays whatever is claimed (its cluster failed) keeps its policy: Route 53 holds one
    // per name and type, so the others follow it until that member can move too.
    const frozenPolicy = others.map(routingPolicyOf).find((p): p is FleetPolicy => FLEET_POLICIES.has(p));
    for (const { claim, member, policy: configured } of claims) {
      const policy = frozenPolicy ?? configured;
      if (policy !== configured) {
        warnings.push(
          warning(
            claim,
            'fleet-routing',
            `stays ${policy} while a member of another cluster that failed holds the name; moves to ${configured} when it can`,
          ),
        );
      }
      const record = memberRecord(claim, member, policy, warnings, healthCheckOf(claim, routing));
      if (!record) continue;
      if (member.drain && policy !== 'weighted') drained.push({ record, member, policy });
      else if (takeRole(record, takenRoles, member, warnings)) active.push(record);
    }
    out.push(...active);
    const serving = others.length + active.length;
    let members = serving;
    for (const { record, member, policy } of drained) {
      if (serving > 0) {
        warnings.push(
          warning(
            record,
            'drained',
            `cluster ${member.cluster} is drained: left out of the ${policy} set (${serving} other member(s) serve it)`,
          ),
        );
        continue;
      }
      warnings.push(
        warning(
          record,
          'drain-held',
          `cluster ${member.cluster} is drained but no other member serves the ${policy} set: kept until one does`,
        ),
      );
      if (takeRole(record, takenRoles, member, warnings)) {
        out.push(record);
        members += 1;
      }
    }
    // No claim could become a member (no failover role, a PRIMARY without a health check, a region
    // Route 53 has no latency records for): this name and type keep what the claimants have rather than
    // lose every record over a config it cannot write. The warnings above say what to fix. Kept as they
    // are, per type: holding the whole name would also keep a claimant's record of another type whose set
    // moves to a new policy this pass, and Route 53 refuses the move beside it.
    if (members === 0) {
      const claimants = new Set(claims.map(({ claim }) => ownerOf(claim)));
      for (const r of current) {
        if (`${r.dnsName}|${r.recordType}` === key && claimants.has(ownerOf(r))) out.push(r);
      }
    }
  }
  return { desired: out, warnings };
}

/** The claim as its owner's member record set, or undefined (with a warning) when it cannot be one. */
function memberRecord(
  claim: Endpoint,
  member: FleetMember,
  policy: FleetPolicy,
  warnings: PassWarning[],
  healthCheck: { wanted: boolean; id?: string },
): Endpoint | undefined {
  const properties = withoutRouting(claim.properties);
  if (healthCheck.id !== undefined) properties.healthCheckId = healthCheck.id;
  // Route 53 steers away from an unhealthy load balancer with no health-check resource of ours.
  if (properties.alias) properties.evaluateTargetHealth = true;
  const { [LABEL_ANNOTATED_WEIGHT]: annotated, ...labels } = claim.labels;
  const record: Endpoint = { ...claim, labels, setIdentifier: ownerOf(claim), properties };
  // An object's own aws-weight wins over its cluster's weight; a drain wins over both.
  if (policy === 'weighted')
    properties.weight = member.drain ? 0 : annotated !== undefined ? Number(annotated) : member.weight;
  else if (policy === 'latency') {
    if (!ROUTE53_LATENCY_REGIONS.has(member.region)) {
      warnings.push(
        warning(
          claim,
          'fleet-routing',
          `cluster ${member.cluster}'s region ${member.region} is not one Route 53 takes for latency records: left out of the latency set`,
        ),
      );
      return undefined;
    }
    properties.region = member.region;
  } else if (member.failover) properties.failover = member.failover;
  else {
    warnings.push(
      warning(
        claim,
        'fleet-routing',
        `cluster ${member.cluster} has no failover role (clusters[].failover): left out of the failover set`,
      ),
    );
    return undefined;
  }
  // One the reconciler creates counts (the planner drops the member later if it could not be created).
  if (needsHealthCheck(record) && !healthCheck.wanted) {
    warnings.push(
      warning(
        claim,
        'fleet-routing',
        'a failover PRIMARY that is not an alias needs a health check; Route 53 refuses it without one',
      ),
    );
    return undefined;
  }
  return record;
}

/** Whether a claim's member gets a health check, and its id once it exists. */
function healthCheckOf(claim: Endpoint, routing: FleetRouting): { wanted: boolean; id?: string } {
  const wanted = wantedHealthCheck(claim, routing.rules, routing.zoneId ?? '');
  const id = wanted && routing.healthCheckIds?.get(wanted.callerReference);
  return { wanted: wanted !== undefined, ...(id ? { id } : {}) };
}

/** A failover member's role, if no other member holds it (Route 53 takes one PRIMARY, one SECONDARY). */
function takeRole(
  record: Endpoint,
  taken: Set<FailoverRole>,
  member: FleetMember,
  warnings: PassWarning[],
): boolean {
  const role = record.properties.failover;
  if (role === undefined) return true;
  if (taken.has(role)) {
    warnings.push(
      warning(
        record,
        'fleet-routing',
        `cluster ${member.cluster} wants the failover ${role} role, which another member holds; Route 53 takes one ${role} per name and type`,
      ),
    );
    return false;
  }
  taken.add(role);
  return true;
}

/** How one routed name and type answers before and after a pass's changes: what `plan` shows for a drain. */
export interface TrafficShift {
  dnsName: string;
  recordType: string;
  before: string;
  after: string;
}

/**
 * The traffic shift of each routed name and type a plan changes: its member record sets before and after,
 * weighted ones as shares of the answers (Route 53 answers each member in proportion to its weight, all
 * alike when every weight is 0), latency ones with their regions, failover ones with their roles.
 */
export function trafficShifts(
  current: readonly Endpoint[],
  changes: {
    create: readonly Endpoint[];
    updateOld: readonly Endpoint[];
    updateNew: readonly Endpoint[];
    delete: readonly Endpoint[];
  },
): TrafficShift[] {
  const keyOf = (e: Endpoint) => `${e.dnsName}|${e.recordType}`;
  const changed = [...changes.create, ...changes.updateNew, ...changes.delete];
  const touched = new Set(changed.filter((e) => e.setIdentifier !== undefined).map(keyOf));
  for (const e of changes.updateOld) if (e.setIdentifier !== undefined) touched.add(keyOf(e));
  if (touched.size === 0) return [];
  const setKey = (e: Endpoint) => `${keyOf(e)}|${e.setIdentifier ?? ''}`;
  const before = new Map<string, Map<string, Endpoint>>();
  for (const r of current) {
    if (!touched.has(keyOf(r)) || r.recordType === 'TXT') continue;
    const at = before.get(keyOf(r)) ?? new Map<string, Endpoint>();
    at.set(setKey(r), r);
    before.set(keyOf(r), at);
  }
  const after = new Map([...before].map(([k, v]) => [k, new Map(v)]));
  const at = (e: Endpoint) => {
    const m = after.get(keyOf(e)) ?? new Map<string, Endpoint>();
    after.set(keyOf(e), m);
    return m;
  };
  for (const e of changes.delete) at(e).delete(setKey(e));
  for (const e of changes.updateOld) at(e).delete(setKey(e));
  for (const e of [...changes.updateNew, ...changes.create]) at(e).set(setKey(e), e);
  return [...touched].sort().flatMap((key) => {
    const [dnsName = '', recordType = ''] = key.split('|');
    const was = describeMembers([...(before.get(key)?.values() ?? [])]);
    const now = describeMembers([...(after.get(key)?.values() ?? [])]);
    return was === now ? [] : [{ dnsName, recordType, before: was, after: now }];
  });
}

function describeMembers(records: readonly Endpoint[]): string {
  if (records.length === 0) return 'no record';
  const routed = records
    .filter((r) => r.setIdentifier !== undefined)
    .sort((a, b) => (a.setIdentifier! < b.setIdentifier! ? -1 : 1));
  const simple = records.length - routed.length;
  const parts: string[] = simple > 0 ? ['a simple record'] : [];
  const total = routed.reduce((n, r) => n + (r.properties.weight ?? 0), 0);
  for (const r of routed) {
    const p = r.properties;
    if (p.weight !== undefined) {
      const share = total === 0 ? 1 / routed.length : p.weight / total;
      parts.push(`${r.setIdentifier} ${Math.round(share * 100)}% (weight ${p.weight})`);
    } else if (p.region !== undefined) parts.push(`${r.setIdentifier} in ${p.region}`);
    else if (p.failover !== undefined) parts.push(`${r.setIdentifier} ${p.failover}`);
    else parts.push(`${r.setIdentifier}`);
  }
  return parts.join(', ');
}
