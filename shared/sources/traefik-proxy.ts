import { isDeepStrictEqual } from 'node:util';
import { type Config, readsTraefikLegacy } from '../config.js';
import type { PassWarning } from '../warnings.js';
import { readEndpointSettings } from './annotations.js';
import type { Reader } from './definition.js';
import { passesCommonFilters } from './filters.js';
import type { KubernetesObject } from './objects.js';
import {
  type NamedHost,
  type ObjectOutput,
  openObject,
  resourceLabel,
  type SourceEnv,
  specAndAnnotatedNames,
} from './output.js';
import { isRecord } from './shape.js';
import { type FrontTargets, frontTargets } from './traefik-service.js';

/**
 * ExternalDNS's `traefik-proxy` source (`source/traefik_proxy.go`) for IngressRoute, IngressRouteTCP and
 * IngressRouteUDP objects:
 *
 * - names: the `hostname` annotation, and for IngressRoute and IngressRouteTCP every backquoted value of
 *   the `Host`, `HostHeader` and `HostSNI` matchers in `spec.routes[].match`, wherever they stand in the
 *   rule (`&&`, `||`, parentheses). `*` is not a name (`HostSNI(`*`)` is TLS passthrough for any name),
 *   and `HostRegexp` is a pattern, not a name. IngressRouteUDP has no rule: annotation only.
 * - targets: the `target` annotation. An IngressRoute has no status: the address of the Traefik in
 *   front of it is not written on it anywhere, so without the annotation there is nothing to point at —
 *   unless config `traefikService` names the Service in front of Traefik (beyond ExternalDNS), whose
 *   load balancer it then points at (./traefik-service.ts).
 * - groups: `traefik.io` unless `traefikDisableNew`; Traefik's old `traefik.containo.us` only with
 *   `traefikEnableLegacy` (as ExternalDNS ≥ 0.19).
 */

export const TRAEFIK_GROUP = 'traefik.io';
export const TRAEFIK_LEGACY_GROUP = 'traefik.containo.us';
export const TRAEFIK_KINDS = ['IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP'] as const;

/** The API groups the source reads with this config, current one first. */
export function traefikGroups(
  config: Pick<Config, 'traefikDisableNew' | 'traefikEnableLegacy' | 'traefikDisableLegacy'>,
): string[] {
  return [
    ...(config.traefikDisableNew ? [] : [TRAEFIK_GROUP]),
    ...(readsTraefikLegacy(config) ? [TRAEFIK_LEGACY_GROUP] : []),
  ];
}

// ExternalDNS's two expressions: a matcher whose arguments are backquoted, then each backquoted value.
const HOST_MATCHER = /(?:HostSNI|HostHeader|Host)\s*\(\s*(`.*?`)\s*\)/g;
const QUOTED_VALUE = /`([^,`]+)`/g;

/** The host names a Traefik rule matches on, as written (`*` left out); `HostRegexp` is not read. */
export function hostsInRule(rule: string): string[] {
  const hosts: string[] = [];
  for (const matcher of rule.matchAll(HOST_MATCHER)) {
    for (const value of (matcher[1] ?? '').matchAll(QUOTED_VALUE)) {
      const host = value[1] ?? '';
      if (host !== '*' && host !== '') hosts.push(host);
    }
  }
  return hosts;
}

/**
 * The reader for one cluster's Traefik objects, given everything listed in that cluster: an object in
 * the old group with the same kind, namespace and name as one in `traefik.io` is that object's
 * leftover, and is not read.
 *
 * Why `traefik.io` wins: it is the group Traefik v3 serves and the only one it reads, so a route moved
 * to it during the upgrade is the one that stays live; the `traefik.containo.us` copy is what the
 * upgrade leaves behind and is deleted with the old CRDs. Both carry the same `resource` label
 * (`ingressroute/<ns>/<name>`), so reading both would publish the union of the copies' names, keeping
 * alive a name the live copy has dropped. A copy that differs is reported; an identical one is not.
 */
export function traefikProxyReader(
  objects: readonly KubernetesObject[],
  env: SourceEnv,
  report: (w: PassWarning) => void,
): Reader {
  const groups = traefikGroups(env.config);
  const front = frontTargets(objects, env.config, report);
  const current = new Map<string, KubernetesObject>();
  if (groups.includes(TRAEFIK_GROUP)) {
    for (const o of objects) {
      if (isRecord(o) && groupOf(o) === TRAEFIK_GROUP && isRecord(o.metadata)) current.set(keyOf(o), o);
    }
  }
  return (o, objectEnv) => {
    const group = groupOf(o);
    if (!groups.includes(group)) return undefined;
    const winner = group === TRAEFIK_LEGACY_GROUP ? current.get(keyOf(o)) : undefined;
    if (winner) {
      if (!sameRoute(o, winner) && passesCommonFilters(o, objectEnv.filters)) report(shadowed(o));
      return undefined;
    }
    return readTraefikRoute(o, objectEnv, front);
  };
}

/** What one Traefik object contributes, or undefined when the filters leave it out. */
function readTraefikRoute(
  route: KubernetesObject,
  env: SourceEnv,
  front: FrontTargets,
): ObjectOutput | undefined {
  if (!passesCommonFilters(route, env.filters)) return undefined;
  const opened = openObject(route.kind, route, env);
  if (!opened) return undefined;
  const { out, reader } = opened;

  const ruleNames = route.kind === 'IngressRouteUDP' ? [] : ruleHosts(route.spec);
  const names = specAndAnnotatedNames(out, reader, env, ruleNames);
  if (names.length === 0) return out;

  const settings = readEndpointSettings(reader, out.report);
  if (!settings.targets && front.kind === 'targets') {
    out.publish(names, front.targets, settings);
    return out;
  }
  if (!settings.targets && front.kind === 'held') {
    out.hold(names);
    return out;
  }
  if (!settings.targets) {
    // ExternalDNS skips such an object without a word; saying why its names get no record saves a
    // search. Nothing is held either: with the annotation removed, ExternalDNS deletes the records the
    // object had, and an operator who removes it means exactly that. There is no status to wait for,
    // so nothing else will ever say where these names point.
    const key = `${env.config.annotationPrefix}target`;
    out.report({
      code: 'missing-target',
      field: key,
      message: `no record for ${names.join(', ')}: an ${route.kind} has no status to take an address from, so it needs the ${key} annotation (the hostname or IPs of the load balancer in front of Traefik)`,
    });
    return out;
  }
  out.publish(names, settings.targets, settings);
  return out;
}

function ruleHosts(spec: unknown): NamedHost[] {
  const routes = isRecord(spec) && Array.isArray(spec.routes) ? (spec.routes as unknown[]) : [];
  return routes.flatMap((route, i) =>
    isRecord(route) && typeof route.match === 'string'
      ? hostsInRule(route.match).map((raw) => ({ raw, field: `spec.routes[${i}].match` }))
      : [],
  );
}

function groupOf(o: KubernetesObject): string {
  const apiVersion: unknown = o.apiVersion;
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function keyOf(o: KubernetesObject): string {
  return resourceLabel(o.kind, o.metadata.namespace, o.metadata.name);
}

/** What the source reads of an object: a copy that differs elsewhere (status, uid) is the same route. */
function sameRoute(a: KubernetesObject, b: KubernetesObject): boolean {
  const read = (o: KubernetesObject) => ({
    labels: o.metadata.labels ?? {},
    annotations: o.metadata.annotations ?? {},
    spec: o.spec ?? {},
  });
  return isDeepStrictEqual(read(a), read(b));
}

function shadowed(o: KubernetesObject): PassWarning {
  return {
    code: 'shadowed-object',
    field: 'apiVersion',
    object: keyOf(o),
    message: `the ${o.kind} in ${TRAEFIK_LEGACY_GROUP} differs from the one of the same name in ${TRAEFIK_GROUP}, which is the one read: delete the old copy, or leave traefikEnableLegacy unset`,
  };
}
