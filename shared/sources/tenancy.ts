import { DomainFilter, type DomainFilterOptions } from '../endpoint/domain-filter.js';
import type { ObjectOutput } from './output.js';

/**
 * What one cluster's objects may publish in a fleet that teams share: names inside the cluster's own
 * domains, and no more names per object than the cap. ExternalDNS gets the first for free (one install
 * per cluster, each with its own `--domain-filter`); a fleet-wide reconciler gives it back here, before
 * anything is planned, so a dev cluster never even bids for a prod name.
 */

/** A cluster's own domain fields (config `clusters[]`), or undefined when it sets none. */
export interface ClusterDomains {
  filter: DomainFilter;
  /** The fields as configured, for warnings. */
  description: string;
}

export function clusterDomains(options: DomainFilterOptions | undefined): ClusterDomains | undefined {
  if (!options) return undefined;
  const filter = new DomainFilter(options);
  if (!filter.isConfigured) return undefined;
  const parts: string[] = [];
  if (options.domainFilters?.length) parts.push(`domainFilters ${options.domainFilters.join(', ')}`);
  if (options.excludeDomains?.length) parts.push(`excludeDomains ${options.excludeDomains.join(', ')}`);
  if (options.regexDomainFilter) parts.push(`regexDomainFilter ${options.regexDomainFilter}`);
  if (options.regexDomainExclusion) parts.push(`regexDomainExclusion ${options.regexDomainExclusion}`);
  return { filter, description: parts.join('; ') };
}

/**
 * Drops every name of the object outside its cluster's domains: no record, no hold, no certificate. Each
 * name is reported once, naming the object, the cluster and the name. Sync then releases a record the
 * cluster's owner holds there (it took the name before its domains were set) to whoever may have it.
 */
export function keepInsideDomains(out: ObjectOutput, domains: ClusterDomains | undefined): void {
  if (!domains) return;
  const outside = new Set<string>();
  const inside = (name: string): boolean => {
    if (domains.filter.matches(name)) return true;
    outside.add(name);
    return false;
  };
  replace(
    out.endpoints,
    out.endpoints.filter((e) => inside(e.dnsName)),
  );
  replace(
    out.held,
    out.held.filter((h) => inside(h.dnsName)),
  );
  replace(
    out.tlsHosts,
    out.tlsHosts.filter((t) => inside(t.host)),
  );
  for (const name of [...outside].sort()) {
    out.report({
      code: 'outside-cluster-domains',
      dnsName: name,
      message: `${name} is outside the domains of cluster ${out.cluster} (${domains.description}): not published`,
    });
  }
}

/**
 * An object naming more than `max` names publishes nothing new: its names are held (records it has stay
 * as they are, nothing is created, updated or deleted for them) and it asks for no certificate. One
 * annotation with 300 names is a mistake or an attack, never a reason to write 600 records.
 */
export function capNamesPerObject(out: ObjectOutput, max: number): void {
  const names = new Set([...out.endpoints.map((e) => e.dnsName), ...out.held.map((h) => h.dnsName)]);
  if (names.size <= max) return;
  const held = new Set(out.held.map((h) => h.dnsName));
  out.hold([...names].filter((n) => !held.has(n)).sort());
  replace(out.endpoints, []);
  replace(out.tlsHosts, []);
  out.report({
    code: 'cap-exceeded',
    field: 'maxNamesPerObject',
    message: `names ${names.size} host names, above maxNamesPerObject (${max}): nothing new is published for it; records it has are kept as they are`,
  });
}

function replace<T>(list: T[], items: readonly T[]): void {
  list.splice(0, list.length, ...items);
}
