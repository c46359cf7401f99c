import type { Config } from '../config.js';
import type { DomainFilterOptions } from '../endpoint/domain-filter.js';
import type { Endpoint } from '../endpoint/endpoint.js';
import type { FilteredOut } from '../filtered.js';
import type { PassWarning } from '../warnings.js';
import { compileSourceFilters, filteredByIngressClass, type SourceFilters } from './filters.js';
import { compareEndpoints, dedupAcrossSources, mergeWithinSource } from './merge.js';
import type { KubernetesObject } from './objects.js';
import type { HeldName, SourceEnv, SourceResult, TlsHost } from './output.js';
import { enabledSources, readsObject } from './reads.js';
import { isRecord } from './shape.js';
import { capNamesPerObject, clusterDomains, keepInsideDomains } from './tenancy.js';

export { GA_ANNOTATION_PREFIX, parseTtl } from './annotations.js';
export { compileSourceFilters, parseSelector, type Selector, selectorMatches } from './filters.js';
export type { HeldName, SourceResult, TlsHost } from './output.js';

/**
 * The sources stage of a pass for one cluster: listed Kubernetes objects in, desired endpoints out,
 * at ExternalDNS parity (`source/service.go`, `source/ingress.go`, `source/gateway.go`,
 * `source/annotations`). Pure: no I/O, no clock. Never throws on an odd object: whatever cannot be read
 * becomes a warning that names the object and the field. It does throw ConfigError for a config whose
 * selectors do not parse — call `compileSourceFilters` when loading config to fail at start instead.
 */
export interface SourceContext {
  config: Config;
  clusterName: string;
  ownerId: string;
  /** The cluster's own domains (config `clusters[]`), inside the global ones; none: the global ones. */
  domains?: DomainFilterOptions;
  /** Lists the cluster refused that the sources may go without (`Dependency.mayBeRefused`). */
  unreadable?: readonly string[];
}

// The same config serves every cluster of a pass: parse its selectors once.
const compiled = new WeakMap<Config, SourceFilters>();

function filtersFor(config: Config): SourceFilters {
  let filters = compiled.get(config);
  if (!filters) {
    filters = compileSourceFilters(config);
    compiled.set(config, filters);
  }
  return filters;
}

export function endpointsFromObjects(objects: readonly KubernetesObject[], ctx: SourceContext): SourceResult {
  const env: SourceEnv = {
    config: ctx.config,
    cluster: ctx.clusterName,
    ownerId: ctx.ownerId,
    filters: filtersFor(ctx.config),
    unreadable: new Set(ctx.unreadable ?? []),
  };
  const domains = clusterDomains(ctx.domains);
  const warnings: PassWarning[] = [];
  const held: HeldName[] = [];
  const tlsHosts: TlsHost[] = [];
  const filtered: FilteredOut[] = [];
  const perSource: Endpoint[][] = [];
  const report = (w: PassWarning): void => {
    warnings.push({ ...w, cluster: ctx.clusterName });
  };

  for (const source of enabledSources(ctx.config)) {
    const read = source.reader(objects, env, report);
    const endpoints: Endpoint[] = [];
    for (const o of objects) {
      if (!isRecord(o) || !readsObject(source, o)) continue;
      if (!hasUsableMetadata(o)) {
        report({
          code: 'bad-object',
          field: 'metadata',
          message: `a ${o.kind} without metadata.name is skipped`,
          object: `${o.kind.toLowerCase()}/?`,
        });
        continue;
      }
      const left = filteredByIngressClass(o, env.filters);
      if (left) filtered.push({ ...left, cluster: ctx.clusterName });
      const out = read(o, env);
      if (!out) continue;
      capNamesPerObject(out, ctx.config.maxNamesPerObject);
      keepInsideDomains(out, domains);
      endpoints.push(...out.endpoints);
      held.push(...out.held);
      tlsHosts.push(...out.tlsHosts);
      warnings.push(...out.warnings);
    }
    perSource.push(mergeWithinSource(endpoints, report));
  }

  return {
    endpoints: dedupAcrossSources(perSource).sort(compareEndpoints),
    tlsHosts: uniqueSorted(tlsHosts, (t) => [t.host, t.resource, t.secretName ?? '']),
    held: uniqueSorted(held, (h) => [h.dnsName, h.resource]),
    warnings,
    filtered,
  };
}

function hasUsableMetadata(o: KubernetesObject): boolean {
  const m: unknown = o.metadata;
  return isRecord(m) && typeof m.name === 'string' && m.name !== '';
}

function uniqueSorted<T>(items: readonly T[], key: (t: T) => string[]): T[] {
  const byKey = new Map<string, { fields: string[]; item: T }>();
  for (const item of items) {
    const fields = key(item);
    const id = JSON.stringify(fields);
    if (!byKey.has(id)) byKey.set(id, { fields, item });
  }
  return [...byKey.values()].sort((a, b) => compareFields(a.fields, b.fields)).map((v) => v.item);
}

function compareFields(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
