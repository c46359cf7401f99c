import { type Endpoint, endpointKey, LABEL_RESOURCE } from '../endpoint/endpoint.js';
import type { PassWarning } from '../warnings.js';

/**
 * Several objects of one cluster naming the same record, as ExternalDNS resolves it before the
 * planner sees anything:
 *
 * - within one source (`MergeEndpoints`, and the Service source's own merge): endpoints with the same
 *   name, type, set identifier and TTL become one, their targets united. The object whose `resource`
 *   label sorts first keeps ownership, so the TXT record does not change hands from pass to pass.
 *   CNAMEs are not united (a CNAME holds one name): identical ones collapse, different ones both stay
 *   and are reported, and the planner's conflict rule picks one.
 * - across sources (`dedupSource`): an endpoint with the same name, set identifier and targets as an
 *   earlier one is dropped; sources count in the order the config lists them.
 *
 * Endpoints that still differ (two TTLs, say) all stay for the planner to decide.
 */

function byResource(a: Endpoint, b: Endpoint): number {
  const ra = a.labels[LABEL_RESOURCE] ?? '';
  const rb = b.labels[LABEL_RESOURCE] ?? '';
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

/** One source's endpoints merged; the input is not modified. */
export function mergeWithinSource(
  endpoints: readonly Endpoint[],
  report: (w: PassWarning) => void,
): Endpoint[] {
  const merged = new Map<string, Endpoint>();
  const cnameTarget = new Map<string, Endpoint>();
  for (const ep of [...endpoints].sort(byResource)) {
    const key = `${endpointKey(ep)}|${ep.ttl ?? ''}`;
    if (ep.recordType === 'CNAME') {
      const nameKey = `${ep.dnsName}|${ep.setIdentifier ?? ''}`;
      const first = cnameTarget.get(nameKey);
      if (first && first.targets.join(',') !== ep.targets.join(',')) {
        report({
          code: 'cname-conflict',
          object: ep.labels[LABEL_RESOURCE],
          dnsName: ep.dnsName,
          message: `${ep.dnsName}: CNAME to ${ep.targets.join(', ')} conflicts with ${first.labels[LABEL_RESOURCE]}'s CNAME to ${first.targets.join(', ')}`,
        });
      }
      if (!first) cnameTarget.set(nameKey, ep);
      const cnameKey = `${key}|${ep.targets.join(',')}`;
      if (!merged.has(cnameKey)) merged.set(cnameKey, copy(ep));
      continue;
    }
    const existing = merged.get(key);
    if (existing) existing.targets = [...new Set([...existing.targets, ...ep.targets])].sort();
    else merged.set(key, copy(ep));
  }
  return [...merged.values()];
}

/** Sources' results concatenated in order, later exact repeats dropped. */
export function dedupAcrossSources(perSource: readonly (readonly Endpoint[])[]): Endpoint[] {
  const seen = new Set<string>();
  const out: Endpoint[] = [];
  for (const endpoints of perSource) {
    for (const ep of endpoints) {
      const id = `${ep.dnsName}|${ep.setIdentifier ?? ''}|${ep.targets.join(',')}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(ep);
    }
  }
  return out;
}

/** The order every stage can rely on: name, type, set identifier, then owning resource. */
export function compareEndpoints(a: Endpoint, b: Endpoint): number {
  const fields = (e: Endpoint) => [
    e.dnsName,
    e.recordType,
    e.setIdentifier ?? '',
    e.labels[LABEL_RESOURCE] ?? '',
  ];
  const fa = fields(a);
  const fb = fields(b);
  for (let i = 0; i < fa.length; i++) {
    const x = fa[i] as string;
    const y = fb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function copy(ep: Endpoint): Endpoint {
  return {
    ...ep,
    targets: [...ep.targets],
    labels: { ...ep.labels },
    properties: structuredClone(ep.properties),
  };
}
