import { isIP } from 'node:net';
import type { PassWarning } from '../warnings.js';
import { AnnotationReader, readEndpointSettings } from './annotations.js';
import { selectorMatches } from './filters.js';
import type { KubernetesObject } from './objects.js';
import { type NamedHost, ObjectOutput, resourceLabel, type SourceEnv } from './output.js';
import { isRecord } from './shape.js';

/**
 * The Gateways of one cluster as the Gateway API route sources need them: which listeners each offers
 * and where its names should point. ExternalDNS reads only the `target` annotation on a Gateway (every
 * other annotation belongs on the route), else `status.addresses`. Built once per cluster and pass, so
 * a Gateway's problems are reported once, not once per route.
 */

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const GATEWAY_KIND = 'Gateway';

export interface Listener {
  name: string;
  /** Normalized; undefined when the listener takes any hostname. */
  hostname?: string;
  protocol: string;
  port?: number;
  /** `allowedRoutes.namespaces.from`, `Same` when unset. */
  from: string;
  /** `allowedRoutes.kinds` as `group/kind`; empty when the listener leaves it to its protocol. */
  kinds: string[];
  /**
   * Set when the listener terminates TLS (HTTPS or TLS, mode Terminate), with its first Secret if it
   * names one. A TLS listener in Passthrough hands the handshake to the backend, which holds the certificate.
   */
  tls?: { secretName?: string };
}

export type GatewayTargets =
  | { kind: 'targets'; targets: string[] }
  /** No usable address yet: the load balancer is still being made, or was cleared in a rollout. */
  | { kind: 'awaiting' }
  /** A bad target annotation or address; the Gateway has been warned about. */
  | { kind: 'bad' };

export interface Gateway {
  namespace: string;
  name: string;
  listeners: Listener[];
  targets: GatewayTargets;
}

/** `namespace/name` → Gateway, only those the gateway filters let through. */
export type GatewayIndex = ReadonlyMap<string, Gateway>;

export function gatewayKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * Every Gateway among `objects` that passes ExternalDNS's `--gateway-name`, `--gateway-namespace` and
 * `--gateway-label-filter`. A Gateway being deleted still counts: ExternalDNS sees it until it is gone,
 * and its routes' names should not go before it does.
 */
export function indexGateways(
  objects: readonly KubernetesObject[],
  env: SourceEnv,
  report: (w: PassWarning) => void,
): GatewayIndex {
  const { gatewayName, gatewayNamespace } = env.config;
  const index = new Map<string, Gateway>();
  for (const o of objects) {
    // An Istio Gateway (networking.istio.io) is another kind of the same name.
    if (!isRecord(o) || o.kind !== GATEWAY_KIND || !String(o.apiVersion).startsWith(`${GATEWAY_GROUP}/`))
      continue;
    const meta: unknown = o.metadata;
    if (!isRecord(meta) || typeof meta.name !== 'string' || meta.name === '') {
      report({
        code: 'bad-object',
        field: 'metadata',
        message: 'a Gateway without metadata.name is skipped',
        object: 'gateway/?',
      });
      continue;
    }
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
    if (gatewayName !== '' && meta.name !== gatewayName) continue;
    if (gatewayNamespace !== '' && namespace !== gatewayNamespace) continue;
    if (!selectorMatches(env.filters.gatewayLabels, o.metadata.labels)) continue;

    const out = new ObjectOutput(resourceLabel('gateway', namespace, meta.name), env.cluster, env.ownerId);
    index.set(gatewayKey(namespace, meta.name), {
      namespace,
      name: meta.name,
      listeners: readListeners(o.spec, out),
      targets: readTargets(o, env, out),
    });
    for (const w of out.warnings) report(w);
  }
  return index;
}

function readListeners(spec: unknown, out: ObjectOutput): Listener[] {
  const raw = isRecord(spec) && Array.isArray(spec.listeners) ? (spec.listeners as unknown[]) : [];
  const listeners: Listener[] = [];
  for (const [i, l] of raw.entries()) {
    const field = `spec.listeners[${i}]`;
    if (!isRecord(l) || typeof l.name !== 'string' || typeof l.protocol !== 'string') {
      out.report({
        code: 'bad-object',
        field,
        message: `${field} has no name or protocol; no route gets names through it`,
      });
      continue;
    }
    const listener: Listener = {
      name: l.name,
      protocol: l.protocol,
      from: allowedFrom(l.allowedRoutes),
      kinds: allowedKinds(l.allowedRoutes),
    };
    if (l.hostname !== undefined && l.hostname !== null && l.hostname !== '') {
      // A listener whose hostname we cannot read would widen to "any hostname": skip it instead.
      const hostname = listenerHostname(l.hostname, `${field}.hostname`, out);
      if (hostname === undefined) continue;
      listener.hostname = hostname;
    }
    if (typeof l.port === 'number') listener.port = l.port;
    const tls = terminatedTls(l);
    if (tls) listener.tls = tls;
    listeners.push(listener);
  }
  return listeners;
}

function listenerHostname(value: unknown, field: string, out: ObjectOutput): string | undefined {
  if (typeof value !== 'string') {
    out.report({
      code: 'invalid-hostname',
      field,
      message: `${field} is not a string; the listener is skipped`,
    });
    return undefined;
  }
  return routeOrListenerHostname({ raw: value, field }, 'invalid-hostname', out);
}

/**
 * A route or listener hostname, normalized, or undefined (reported) when it cannot be one. The Gateway
 * API forbids IP addresses here, and so does ExternalDNS, though they would pass as DNS labels.
 */
export function routeOrListenerHostname(
  h: NamedHost,
  code: 'bad-annotation' | 'invalid-hostname',
  out: ObjectOutput,
): string | undefined {
  if (isIP(h.raw) !== 0) {
    out.report({ code, field: h.field, message: `${h.field}: "${h.raw}" is an IP address, not a hostname` });
    return undefined;
  }
  return out.validNames([h], code)[0];
}

function allowedFrom(allowedRoutes: unknown): string {
  const namespaces = isRecord(allowedRoutes) ? allowedRoutes.namespaces : undefined;
  const from = isRecord(namespaces) ? namespaces.from : undefined;
  return typeof from === 'string' && from !== '' ? from : 'Same';
}

function allowedKinds(allowedRoutes: unknown): string[] {
  const kinds = isRecord(allowedRoutes) && Array.isArray(allowedRoutes.kinds) ? allowedRoutes.kinds : [];
  return kinds.flatMap((k) => {
    if (!isRecord(k) || typeof k.kind !== 'string') return [];
    const group = typeof k.group === 'string' && k.group !== '' ? k.group : GATEWAY_GROUP;
    return [`${group}/${k.kind}`];
  });
}

function terminatedTls(l: Record<string, unknown>): Listener['tls'] {
  if (l.protocol !== 'HTTPS' && l.protocol !== 'TLS') return undefined;
  const tls = isRecord(l.tls) ? l.tls : {};
  // The API's default, for HTTPS and TLS listeners alike.
  const mode = typeof tls.mode === 'string' && tls.mode !== '' ? tls.mode : 'Terminate';
  if (mode !== 'Terminate') return undefined;
  const refs = Array.isArray(tls.certificateRefs) ? tls.certificateRefs : [];
  const secret = refs.find(
    (r): r is Record<string, unknown> =>
      isRecord(r) &&
      typeof r.name === 'string' &&
      r.name !== '' &&
      (r.kind === undefined || r.kind === 'Secret') &&
      (r.group === undefined || r.group === ''),
  );
  return secret ? { secretName: secret.name as string } : {};
}

const PUBLISHABLE_ADDRESS_TYPES = new Set(['IPAddress', 'Hostname']);

/** The Gateway's `target` annotation, else its `status.addresses` values. */
function readTargets(gw: KubernetesObject, env: SourceEnv, out: ObjectOutput): GatewayTargets {
  const settings = readEndpointSettings(
    new AnnotationReader(
      targetAnnotationOnly(gw.metadata.annotations, env),
      env.config.annotationPrefix,
      out.report,
    ),
    out.report,
  );
  if (!settings.ok) return { kind: 'bad' };
  if (settings.targets) return { kind: 'targets', targets: settings.targets };

  const status = isRecord(gw.status) ? gw.status : {};
  const addresses = Array.isArray(status.addresses) ? (status.addresses as unknown[]) : [];
  const candidates: NamedHost[] = [];
  for (const [i, a] of addresses.entries()) {
    const field = `status.addresses[${i}]`;
    if (!isRecord(a) || typeof a.value !== 'string' || a.value === '') continue;
    const type = typeof a.type === 'string' && a.type !== '' ? a.type : 'IPAddress';
    if (!PUBLISHABLE_ADDRESS_TYPES.has(type)) {
      // A NamedAddress (or a vendor's own type) names something only its controller knows.
      out.report({
        code: 'ignored-address',
        field: `${field}.type`,
        message: `${field}: a ${type} address cannot be a record target; it is left out`,
      });
      continue;
    }
    candidates.push({ raw: a.value, field: `${field}.value` });
  }
  if (candidates.length === 0) return { kind: 'awaiting' };
  const targets = out.validTargets(candidates);
  return targets ? { kind: 'targets', targets } : { kind: 'bad' };
}

/** Only the `target` annotation: ExternalDNS reads nothing else on a Gateway. */
function targetAnnotationOnly(annotations: unknown, env: SourceEnv): Record<string, unknown> {
  if (!isRecord(annotations)) return {};
  const key = `${env.config.annotationPrefix}target`;
  return Object.fromEntries(Object.entries(annotations).filter(([k]) => k === key));
}

/**
 * Where a listener hostname and a route hostname overlap, as the Gateway API defines it and ExternalDNS's
 * `gwMatchingHost` computes it: the more specific of the two, or undefined when they do not overlap.
 * Undefined on either side means "any hostname". `*.example.com` covers one or more labels in front of
 * `example.com`, never `example.com` itself.
 */
export function intersectHostnames(
  listener: string | undefined,
  route: string | undefined,
): string | undefined {
  if (listener === undefined) return route;
  if (route === undefined || listener === route) return listener;
  // The shorter one (or, at equal length, the wildcard) is the only one that can cover the other.
  const [wide, narrow] =
    route.length < listener.length || (route.length === listener.length && route.startsWith('*.'))
      ? [route, listener]
      : [listener, route];
  return wide.startsWith('*.') && narrow.endsWith(wide.slice(1)) ? narrow : undefined;
}
