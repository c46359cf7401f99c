import { splitNameList } from '../endpoint/names.js';
import { AnnotationReader, readEndpointSettings } from './annotations.js';
import type { ReaderFactory } from './definition.js';
import { passesCommonFilters } from './filters.js';
import {
  GATEWAY_GROUP,
  GATEWAY_KIND,
  type Gateway,
  type GatewayIndex,
  gatewayKey,
  indexGateways,
  intersectHostnames,
  type Listener,
  routeOrListenerHostname,
} from './gateway.js';
import type { KubernetesObject } from './objects.js';
import { type NamedHost, type ObjectOutput, openObject, type SourceEnv } from './output.js';
import { isRecord } from './shape.js';

/**
 * ExternalDNS's Gateway API route sources (`gateway-httproute`, `gateway-grpcroute`, `gateway-tlsroute`,
 * `gateway-tcproute`, `gateway-udproute`) for one route (`source/gateway.go`, one resolver for every kind):
 *
 * - names: `spec.hostnames` and the route's `hostname` annotation, each narrowed by the listeners of
 *   the route's parent Gateways to the part they overlap (`*.example.com` on the listener and
 *   `shop.example.com` on the route publish `shop.example.com`; the other way round too). A route
 *   without `spec.hostnames` takes each listener's own hostname, wildcard included, as ExternalDNS does.
 *   TCP and UDP routes have no `spec.hostnames`: only the annotation names them (see `GATEWAY_ROUTE_KINDS`).
 * - parents: each `spec.parentRefs` entry naming a Gateway the gateway filters let through, whose
 *   `status.parents` entry says `Accepted: True`, and of that Gateway the listeners the reference selects
 *   (`sectionName`, `port`) that speak the route's protocol and admit the route's namespace and kind.
 * - targets: the parent Gateway's `target` annotation, else its `status.addresses`. ExternalDNS ignores
 *   `target` on a route; so do we, and say so.
 *
 * Where ExternalDNS would drop names while a controller catches up, they are held instead: a Gateway
 * with no address yet, a bad target on a Gateway, a route accepted only in an older generation. A name
 * reached through several Gateways is published with all their targets, and held if any of them is.
 * Listeners that terminate TLS (HTTPS, or TLS in mode Terminate) hand the names they serve to the
 * certificate planner; a TLS listener in Passthrough leaves the certificate to the backend.
 */

interface RouteKind {
  /** Listener protocols the route attaches to, as ExternalDNS's `gwProtocolMatches` pairs them. */
  protocols: ReadonlySet<string>;
  /** Whether the kind has `spec.hostnames` at all. */
  specHostnames: boolean;
}

/**
 * What sets the route kinds apart; everything else is shared. The API version each is listed at lives
 * with the Kubernetes client (`KUBERNETES_RESOURCES`), the one place a request is built from it.
 */
export const GATEWAY_ROUTE_KINDS = {
  HTTPRoute: { protocols: new Set(['HTTP', 'HTTPS']), specHostnames: true },
  GRPCRoute: { protocols: new Set(['HTTP', 'HTTPS']), specHostnames: true },
  TLSRoute: { protocols: new Set(['TLS']), specHostnames: true },
  // A TLS listener that terminates passes plain TCP on, so ExternalDNS lets TCPRoutes attach to it.
  // Without spec.hostnames, ExternalDNS would also give these routes a TLS listener's own hostname:
  // its code says that fallback is meant for HTTP and TLS routes only, so here the annotation alone
  // names them (narrowed by a listener hostname where there is one).
  TCPRoute: { protocols: new Set(['TCP', 'TLS']), specHostnames: false },
  UDPRoute: { protocols: new Set(['UDP']), specHostnames: false },
} as const satisfies Record<string, RouteKind>;

export type GatewayRouteKind = keyof typeof GATEWAY_ROUTE_KINDS;

export function isGatewayRouteKind(kind: string): kind is GatewayRouteKind {
  return Object.hasOwn(GATEWAY_ROUTE_KINDS, kind);
}

/** The reader of one route kind, for a cluster: given everything listed there (its Gateways). */
export function gatewayRouteReader(kind: GatewayRouteKind): ReaderFactory {
  return (objects, env, report) => {
    const gateways = indexGateways(objects, env, report);
    return (route, routeEnv) => readGatewayRoute(kind, route, routeEnv, gateways);
  };
}

interface RouteHost {
  /** Undefined: the route names no hostname and takes the listener's. */
  name?: string;
  field?: string;
}

interface ParentRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  sectionName?: string;
  port?: number;
}

/** How a parent Gateway stands to the route, per the route's `status.parents`. */
type Acceptance = 'accepted' | 'stale' | 'not-accepted';

interface Via {
  gateway: Gateway;
  /** The Gateway accepted an older generation of the route: its current names are not confirmed. */
  stale: boolean;
}

/** What one route of this kind contributes, or undefined when the filters leave it out. */
export function readGatewayRoute(
  kind: GatewayRouteKind,
  route: KubernetesObject,
  env: SourceEnv,
  gateways: GatewayIndex,
): ObjectOutput | undefined {
  if (!passesCommonFilters(route, env.filters)) return undefined;
  const opened = openObject(kind, route, env);
  if (!opened) return undefined;
  const { out, reader } = opened;
  const spec = isRecord(route.spec) ? route.spec : {};

  const ignoredTarget = reader.get('target');
  if (ignoredTarget) {
    out.report({
      code: 'ignored-annotation',
      field: ignoredTarget.key,
      message: `${ignoredTarget.key} is ignored on ${kind}s, as ExternalDNS ignores it: put it on the parent Gateway`,
    });
  }

  const hosts = routeHosts(GATEWAY_ROUTE_KINDS[kind], spec, reader, env, out);
  const found = namesThroughParents(kind, route, spec, hosts, gateways, out);
  if (found.size === 0) return out;
  const settings = readEndpointSettings(settingsReader(route, env, out), out.report);
  const byTargets = new Map<string, { names: string[]; targets: string[] }>();
  for (const [name, vias] of found) {
    const targets: string[] = [];
    let hold = false;
    for (const v of vias) {
      if (v.stale || v.gateway.targets.kind !== 'targets') hold = true;
      else targets.push(...v.gateway.targets.targets);
    }
    if (hold) {
      out.hold([name]);
      continue;
    }
    const unique = [...new Set(targets)].sort();
    const key = unique.join(',');
    const group = byTargets.get(key) ?? { names: [], targets: unique };
    group.names.push(name);
    byTargets.set(key, group);
  }
  for (const { names, targets } of byTargets.values()) out.publish(names, targets, settings);
  return out;
}

/**
 * Each name the route publishes, with the Gateways it is reached through; the TLS hosts of listeners
 * that terminate TLS go straight into `out`.
 */
function namesThroughParents(
  kind: GatewayRouteKind,
  route: KubernetesObject,
  spec: Record<string, unknown>,
  hosts: readonly RouteHost[],
  gateways: GatewayIndex,
  out: ObjectOutput,
): Map<string, Via[]> {
  const namespace = route.metadata.namespace ?? '';
  const found = new Map<string, Via[]>();
  const matched = new Set<string | undefined>();
  let anyParent = false;
  for (const ref of parentRefs(spec.parentRefs, namespace, out)) {
    if (ref.group !== GATEWAY_GROUP || ref.kind !== GATEWAY_KIND) continue;
    const gateway = gateways.get(gatewayKey(ref.namespace, ref.name));
    if (!gateway) continue;
    const acceptance = acceptanceOf(route, ref);
    if (acceptance === 'not-accepted') continue;
    anyParent = true;
    for (const listener of gateway.listeners) {
      if (!admits(kind, listener, ref, gateway, namespace)) continue;
      for (const host of hosts) {
        if (host.name === undefined && listener.hostname === undefined) continue;
        const name = intersectHostnames(listener.hostname, host.name);
        if (name === undefined) continue;
        matched.add(host.name);
        found.set(name, [...(found.get(name) ?? []), { gateway, stale: acceptance === 'stale' }]);
        if (listener.tls) {
          out.tlsHosts.push({
            host: name,
            resource: out.resource,
            cluster: out.cluster,
            ...(listener.tls.secretName ? { secretName: listener.tls.secretName } : {}),
          });
        }
      }
    }
  }
  if (anyParent) reportUnmatched(hosts, matched, out);
  return found;
}

/**
 * `spec.hostnames`, then the `hostname` annotation; an empty `spec.hostnames` adds "any hostname" on a
 * kind that has the field.
 */
function routeHosts(
  kind: RouteKind,
  spec: Record<string, unknown>,
  reader: AnnotationReader,
  env: SourceEnv,
  out: ObjectOutput,
): RouteHost[] {
  const hosts: RouteHost[] = [];
  const add = (h: NamedHost, code: 'bad-annotation' | 'invalid-hostname'): void => {
    const name = routeOrListenerHostname(h, code, out);
    if (name !== undefined && !hosts.some((x) => x.name === name)) hosts.push({ name, field: h.field });
  };
  // A kind without the field never reads it: the API server prunes it from such objects anyway.
  const listed = kind.specHostnames ? spec.hostnames : undefined;
  if (listed !== undefined && listed !== null && !Array.isArray(listed)) {
    out.report({
      code: 'invalid-hostname',
      field: 'spec.hostnames',
      message: 'spec.hostnames is not a list',
    });
  }
  const specHostnames: unknown[] = Array.isArray(listed) ? listed : [];
  for (const [i, h] of specHostnames.entries()) {
    const field = `spec.hostnames[${i}]`;
    if (typeof h === 'string') add({ raw: h, field }, 'invalid-hostname');
    else out.report({ code: 'invalid-hostname', field, message: `${field} is not a string` });
  }
  const annotation = env.config.ignoreHostnameAnnotation ? undefined : reader.get('hostname');
  if (annotation) {
    for (const raw of splitNameList(annotation.value)) add({ raw, field: annotation.key }, 'bad-annotation');
  }
  // ExternalDNS asks whether the spec lists hostnames, not whether any was usable: a bad entry must
  // not widen the route to every name its listeners take.
  if (kind.specHostnames && specHostnames.length === 0) hosts.push({});
  return hosts;
}

function parentRefs(value: unknown, routeNamespace: string, out: ObjectOutput): ParentRef[] {
  if (!Array.isArray(value)) return [];
  const refs: ParentRef[] = [];
  for (const [i, raw] of value.entries()) {
    const ref = parentRef(raw, routeNamespace);
    if (ref) refs.push(ref);
    else {
      out.report({
        code: 'bad-object',
        field: `spec.parentRefs[${i}]`,
        message: `spec.parentRefs[${i}] has no name; no Gateway is reached through it`,
      });
    }
  }
  return refs;
}

/** A parent reference with the API's defaults filled in, so references compare field by field. */
function parentRef(raw: unknown, routeNamespace: string): ParentRef | undefined {
  if (!isRecord(raw) || typeof raw.name !== 'string' || raw.name === '') return undefined;
  const text = (v: unknown, otherwise: string): string => (typeof v === 'string' && v !== '' ? v : otherwise);
  const ref: ParentRef = {
    group: text(raw.group, GATEWAY_GROUP),
    kind: text(raw.kind, GATEWAY_KIND),
    namespace: text(raw.namespace, routeNamespace),
    name: raw.name,
  };
  if (typeof raw.sectionName === 'string' && raw.sectionName !== '') ref.sectionName = raw.sectionName;
  if (typeof raw.port === 'number') ref.port = raw.port;
  return ref;
}

function sameRef(a: ParentRef, b: ParentRef): boolean {
  return (
    a.group === b.group &&
    a.kind === b.kind &&
    a.namespace === b.namespace &&
    a.name === b.name &&
    a.sectionName === b.sectionName &&
    a.port === b.port
  );
}

/**
 * ExternalDNS's `gwRouteIsAccepted`: the `Accepted` condition of the route's status entry for this
 * parent. ExternalDNS also drops a parent whose condition was observed for an older generation of the
 * route; that is the controller catching up, so its names are held rather than dropped.
 */
function acceptanceOf(route: KubernetesObject, ref: ParentRef): Acceptance {
  const status = isRecord(route.status) ? route.status : {};
  const parents = Array.isArray(status.parents) ? (status.parents as unknown[]) : [];
  const generation: unknown = (route.metadata as { generation?: unknown }).generation;
  let best: Acceptance = 'not-accepted';
  for (const p of parents) {
    if (!isRecord(p)) continue;
    const statusRef = parentRef(p.parentRef, route.metadata.namespace ?? '');
    if (!statusRef || !sameRef(statusRef, ref)) continue;
    const conditions = Array.isArray(p.conditions) ? (p.conditions as unknown[]) : [];
    const accepted = conditions.find((c) => isRecord(c) && c.type === 'Accepted');
    if (!isRecord(accepted) || accepted.status !== 'True') continue;
    const observed = accepted.observedGeneration;
    if (typeof observed === 'number' && typeof generation === 'number' && observed !== generation) {
      best = 'stale';
      continue;
    }
    return 'accepted';
  }
  return best;
}

/** Whether a listener of the parent takes this route: section, port, protocol, namespace and kind. */
function admits(
  kind: GatewayRouteKind,
  listener: Listener,
  ref: ParentRef,
  gateway: Gateway,
  routeNamespace: string,
): boolean {
  if (ref.sectionName !== undefined && listener.name !== ref.sectionName) return false;
  if (ref.port !== undefined && listener.port !== ref.port) return false;
  if (!GATEWAY_ROUTE_KINDS[kind].protocols.has(listener.protocol)) return false;
  switch (listener.from) {
    case 'All':
      break;
    case 'Same':
      if (gateway.namespace !== routeNamespace) return false;
      break;
    case 'Selector':
      // Namespace labels are not listed, so the selector cannot be evaluated here. The Gateway's
      // controller has evaluated it: the route's Accepted condition stands for its answer.
      break;
    default:
      return false;
  }
  return listener.kinds.length === 0 || listener.kinds.includes(`${GATEWAY_GROUP}/${kind}`);
}

function reportUnmatched(
  hosts: readonly RouteHost[],
  matched: ReadonlySet<string | undefined>,
  out: ObjectOutput,
): void {
  for (const h of hosts) {
    if (h.name === undefined || matched.has(h.name)) continue;
    out.report({
      code: 'unmatched-hostname',
      field: h.field,
      dnsName: h.name,
      message: `${h.field}: ${h.name} matches no listener of the route's accepted parent Gateways; it gets no record`,
    });
  }
}

/**
 * The route's annotations for TTL, set identifier and routing, without `target`: ExternalDNS does not
 * read it on a route, so a bad one must not hold the route's names either.
 */
function settingsReader(route: KubernetesObject, env: SourceEnv, out: ObjectOutput): AnnotationReader {
  const targetKey = `${env.config.annotationPrefix}target`;
  const annotations = isRecord(route.metadata.annotations) ? route.metadata.annotations : {};
  const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => k !== targetKey));
  return new AnnotationReader(kept, env.config.annotationPrefix, out.report);
}
