import type { Config } from '../config.js';
import { type KubernetesResource, labelKind, qualifiedName, sameResource } from './api-resources.js';
import type { Dependency, SourceDefinition, SourceName, WriteVerb } from './definition.js';
import { SOURCES } from './definitions/index.js';

/**
 * What the sources read, derived from their definitions (./definitions/): the lists a cluster gets
 * (shared/clusters/collect.ts), the kinds each reader takes (./index.ts), the ClusterRole
 * (shared/clusters/rbac.ts) and the audit-log writes worth a pass (shared/audit/filter.ts,
 * infra/audit-filter.ts). Nothing else names a source's resources.
 */

export type { SourceName } from './definition.js';

/** Every source's definition, in the order of config's `SOURCE_NAMES`. */
export const SOURCE_DEFINITIONS: readonly SourceDefinition[] = Object.values(SOURCES);

export function definitionOf(source: SourceName): SourceDefinition {
  return SOURCES[source];
}

/** The enabled sources, each once, in config order. */
export function enabledSources(config: Pick<Config, 'sources'>): SourceDefinition[] {
  return [...new Set(config.sources)].map(definitionOf);
}

/** The resources one source lists with this config. */
export function resourcesListedBy(source: SourceDefinition, config: Config): readonly KubernetesResource[] {
  return source.listedWith ? source.listedWith(config) : source.resources;
}

/** What a source needs listed besides its own kinds with this config; every dependency without one. */
export function dependenciesOf(source: SourceDefinition, config?: Config): Dependency[] {
  return source.dependencies.filter((d) => !config || !d.when || d.when(config));
}

/** Every resource the enabled sources list, their dependencies included; each once, sorted. */
export function resourcesRead(config: Config): KubernetesResource[] {
  const read: KubernetesResource[] = [];
  for (const source of enabledSources(config)) {
    const resources = [
      ...resourcesListedBy(source, config),
      ...dependenciesOf(source, config).map((d) => d.resource),
    ];
    for (const r of resources) if (!read.some((x) => sameResource(x, r))) read.push(r);
  }
  return read.sort((a, b) => compare(qualifiedName(a), qualifiedName(b)));
}

/**
 * Whether a listed object is one of the source's own: its kind, unless its API group is where another
 * kind of that name lives (an Istio Gateway is not a Gateway API Gateway, nor the other way round).
 */
export function readsObject(source: SourceDefinition, o: { kind: string; apiVersion?: unknown }): boolean {
  const mine = source.resources.filter((r) => r.kind === o.kind);
  if (mine.length === 0) return false;
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (mine.some((r) => r.group === group)) return true;
  return !SOURCE_DEFINITIONS.some((s) =>
    [...s.resources, ...s.dependencies.map((d) => d.resource)].some(
      (r) => r.kind === o.kind && r.group === group,
    ),
  );
}

/** The kinds whose objects a source turns into endpoints. */
export function kindsReadBy(source: SourceDefinition): string[] {
  return [...new Set(source.resources.map((r) => r.kind))];
}

export interface WatchedResource {
  /** '' for the core group. */
  group: string;
  /** The plural, as an audit event's `objectRef.resource` names it. */
  resource: string;
  kind: string;
  verbs: readonly WriteVerb[];
}

/**
 * Every resource some source's audit interest names, in every API group, with the verbs that concern it:
 * its own resources, and what it depends on with this config (everything it may depend on without one).
 */
export function watchedResources(
  sources: readonly SourceDefinition[] = SOURCE_DEFINITIONS,
  config?: Config,
): WatchedResource[] {
  const watched: WatchedResource[] = [];
  for (const source of sources) {
    const resources = [
      ...source.audit.resources,
      ...dependenciesOf(source, config)
        .filter((d) => d.notAudited === undefined)
        .map((d) => d.resource),
    ];
    for (const r of resources) {
      const known = watched.find((w) => w.resource === r.plural && w.group === r.group);
      if (!known) {
        watched.push({ group: r.group, resource: r.plural, kind: r.kind, verbs: [...source.audit.verbs] });
        continue;
      }
      known.verbs = [...new Set([...known.verbs, ...source.audit.verbs])];
    }
  }
  return watched;
}

/**
 * The definitions of these source names; a name no source has is refused, naming it (the stack passes
 * the deploy file's names, which a schema already checked, but the audit filter should not guess).
 */
export function definitionsNamed(names: readonly string[]): SourceDefinition[] {
  return [...new Set(names)].map((name) => {
    const definition = Object.hasOwn(SOURCES, name) ? SOURCES[name as SourceName] : undefined;
    if (!definition) {
      throw new Error(
        `sources: ${name}: no audit-log mapping for this source; define it in shared/sources/definitions/`,
      );
    }
    return definition;
  });
}

/**
 * Why a write to this object needs a whole-cluster pass because some source depends on it (a Gateway,
 * Traefik's Service); undefined when none does. Without a config, every dependency counts.
 */
export function dependencyWriteReason(
  object: { kind: string; group: string; namespace?: string; name: string },
  config?: Config,
): string | undefined {
  const sources = config ? enabledSources(config) : SOURCE_DEFINITIONS;
  for (const source of sources) {
    for (const d of dependenciesOf(source, config)) {
      if (d.resource.kind !== object.kind || d.resource.group !== object.group) continue;
      const reason = d.wholeClusterOn(object, config);
      if (reason) return reason;
    }
  }
  return undefined;
}

/** How the `resource` label of a kind's records names it (`crd` for a DNSEndpoint); else the lower-case kind. */
export function labelKindOf(kind: string): string {
  const resource = SOURCE_DEFINITIONS.flatMap((s) => s.resources).find((r) => r.kind === kind);
  return resource ? labelKind(resource) : kind.toLowerCase();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
