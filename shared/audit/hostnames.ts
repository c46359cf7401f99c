import { checkHostname } from '../endpoint/names.js';
import { GA_ANNOTATION_PREFIX } from '../sources/annotations.js';
import { isRecord } from '../sources/shape.js';
import { hostsInRule } from '../sources/traefik-proxy.js';

/**
 * The hostnames an object body in an audit event says it publishes: the `hostname` and
 * `internal-hostname` annotations (under every prefix given), Ingress rule and TLS hosts, Gateway API
 * route `hostnames` and listener `hostname`, Traefik `Host(...)`/`HostSNI(...)` matchers, and a
 * DNSEndpoint's `spec.endpoints[].dnsName`, and Istio's `spec.hosts` and `spec.servers[].hosts`.
 *
 * Deliberately wider than the sources (no filters, no class or target checks): these names only widen
 * what a partial pass reads, and reading one name too many is cheap while missing one leaves a deleted
 * object's records behind. Works on partial bodies too (a merge patch), so a patch's new names count.
 */

/** ExternalDNS's prefixes before and since v0.22; the configured one is added by the caller. */
export const DEFAULT_ANNOTATION_PREFIXES = [
  'external-dns.alpha.kubernetes.io/',
  GA_ANNOTATION_PREFIX,
] as const;

const HOSTNAME_ANNOTATIONS = ['hostname', 'internal-hostname'];

export function publishedHostnames(
  body: unknown,
  prefixes: readonly string[] = DEFAULT_ANNOTATION_PREFIXES,
): string[] {
  if (!isRecord(body)) return [];
  const raw: string[] = [];
  const metadata = body.metadata;
  if (isRecord(metadata) && isRecord(metadata.annotations)) {
    for (const prefix of prefixes) {
      for (const suffix of HOSTNAME_ANNOTATIONS) {
        const value = metadata.annotations[prefix + suffix];
        if (typeof value === 'string') raw.push(...value.split(','));
      }
    }
  }
  const spec = body.spec;
  if (isRecord(spec)) {
    for (const rule of records(spec.rules)) pushString(raw, rule.host);
    for (const tls of records(spec.tls)) for (const h of strings(tls.hosts)) raw.push(h);
    for (const h of strings(spec.hostnames)) raw.push(h);
    for (const listener of records(spec.listeners)) pushString(raw, listener.hostname);
    for (const entry of records(spec.endpoints)) pushString(raw, entry.dnsName);
    // Istio: a VirtualService's hosts, a Gateway's server hosts, either as `namespace/host`.
    for (const h of strings(spec.hosts)) raw.push(h.slice(h.indexOf('/') + 1));
    for (const server of records(spec.servers)) {
      for (const h of strings(server.hosts)) raw.push(h.slice(h.indexOf('/') + 1));
    }
    for (const route of records(spec.routes)) {
      if (typeof route.match === 'string') raw.push(...hostsInRule(route.match));
    }
  }
  const out = new Set<string>();
  for (const r of raw) {
    const checked = checkHostname(r);
    if (checked.ok) out.add(checked.name);
  }
  return [...out].sort();
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function pushString(out: string[], value: unknown): void {
  if (typeof value === 'string') out.push(value);
}
