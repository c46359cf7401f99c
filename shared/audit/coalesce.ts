import type { Config } from '../config.js';
import type { TouchedObject } from '../pass.js';
import { GATEWAY_ROUTE_KINDS, isGatewayRouteKind } from '../sources/gateway-routes.js';
import { dependencyWriteReason } from '../sources/reads.js';
import { isRecord } from '../sources/shape.js';
import type { AuditBatch, AuditEvent } from './decode.js';
import { classify, type IgnoredBecause, type RelevantWrite } from './filter.js';
import { DEFAULT_ANNOTATION_PREFIXES, publishedHostnames } from './hostnames.js';

/**
 * A batch of audit events → per cluster, the objects that were written and the hostnames their bodies
 * named. The pass finds what a touched object publishes now by listing it; `names` adds what the events
 * saw it publish, which is the only way to find a deleted object's records without reading whole zones.
 *
 * When the events cannot bound the pass — an object is deleted and no event of the batch showed its
 * body, a whole collection is deleted, a write names no object — the cluster is marked `unbounded` with
 * the reasons, and its pass must read everything it owns.
 */

export interface ClusterTouch {
  cluster: string;
  /** Sorted by kind, namespace, name; each object once. */
  objects: TouchedObject[];
  /** Normalized and sorted. */
  names: string[];
  /** Why a partial pass could miss records; empty when it cannot. */
  unbounded: string[];
  /** Relevant writes that went into this touch. */
  writes: number;
}

export interface CoalesceResult {
  touches: ClusterTouch[];
  /** Events that change nothing we publish, by why. */
  ignored: Partial<Record<IgnoredBecause, number>>;
}

export interface CoalesceOptions {
  /** Annotation prefixes whose `hostname` annotations count; both ExternalDNS defaults when absent. */
  annotationPrefixes?: readonly string[];
  /**
   * The reconciler's config: which objects its sources depend on (Traefik's Service). Without it every
   * object any source may depend on counts.
   */
  config?: Config;
}

interface Entry {
  object: TouchedObject;
  /** Some event before (or at) this point showed the object's whole body, so its names are known. */
  bodySeen: boolean;
}

interface ClusterState {
  entries: Map<string, Entry>;
  names: Set<string>;
  unbounded: string[];
  writes: number;
}

export function coalesce(batches: readonly AuditBatch[], options: CoalesceOptions = {}): CoalesceResult {
  const prefixes = options.annotationPrefixes ?? DEFAULT_ANNOTATION_PREFIXES;
  const clusters = new Map<string, ClusterState>();
  const ignored: CoalesceResult['ignored'] = {};

  for (const batch of batches) {
    for (const event of batch.events) {
      const c = classify(event);
      if (!c.relevant) {
        ignored[c.because] = (ignored[c.because] ?? 0) + 1;
        continue;
      }
      let state = clusters.get(batch.cluster);
      if (!state) {
        state = { entries: new Map(), names: new Set(), unbounded: [], writes: 0 };
        clusters.set(batch.cluster, state);
      }
      state.writes++;
      apply(state, c.write, prefixes, options.config);
    }
  }

  const touches = [...clusters]
    .sort(([a], [b]) => compare(a, b))
    .map(([cluster, s]) => ({
      cluster,
      objects: [...s.entries.values()].map((e) => e.object).sort(compareObjects),
      names: [...s.names].sort(),
      unbounded: s.unbounded,
      writes: s.writes,
    }));
  return { touches, ignored };
}

function apply(
  state: ClusterState,
  write: RelevantWrite,
  prefixes: readonly string[],
  config: Config | undefined,
): void {
  const { event, kind, verb } = write;
  for (const body of [event.requestObject, event.responseObject]) {
    for (const n of publishedHostnames(body, prefixes)) state.names.add(n);
  }

  if (verb === 'deletecollection' && !write.name) {
    const items = listItems(event.responseObject);
    if (!items) {
      state.unbounded.push(
        `deletecollection of ${kind} in ${scope(write.namespace)} lists no deleted objects`,
      );
      return;
    }
    for (const item of items) {
      const meta = item.metadata as { name: string; namespace?: unknown };
      const namespace = typeof meta.namespace === 'string' ? meta.namespace : write.namespace;
      touch(state, { kind, ...(namespace ? { namespace } : {}), name: meta.name }).bodySeen = true;
      for (const n of publishedHostnames(item, prefixes)) state.names.add(n);
    }
    return;
  }

  const name = write.name ?? bodyName(event, kind);
  if (!name) {
    state.unbounded.push(`a ${verb} of a ${kind} in ${scope(write.namespace)} names no object`);
    return;
  }
  const entry = touch(state, { kind, ...(write.namespace ? { namespace: write.namespace } : {}), name });
  const hasBody = isWholeObject(event.requestObject, kind) || isWholeObject(event.responseObject, kind);
  const derived =
    dependencyWriteReason(
      {
        kind,
        group: event.objectRef?.apiGroup ?? '',
        name,
        ...(write.namespace ? { namespace: write.namespace } : {}),
      },
      config,
    ) ?? namesFromElsewhere(kind, event, prefixes);
  if (derived) state.unbounded.push(`${verb} of ${label(entry.object)}: ${derived}`);
  // A delete usually answers with a Status (no body); then only an earlier event can tell the old names.
  if (verb === 'delete' && !hasBody && !entry.bodySeen) {
    state.unbounded.push(`delete of ${label(entry.object)} shows no object body; its old names are unknown`);
  }
  if (hasBody) entry.bodySeen = true;
}

/**
 * Why the names a route write affects are not in its body, if they are not: a route without concrete
 * hostnames takes its names from its Gateways' listeners, so only a whole-cluster pass finds the records
 * concerned (a write to what sources depend on, a Gateway, is the definitions' to judge). TCP and UDP
 * routes are named by their hostname annotation alone, so their bodies bound them unless a wildcard
 * there can be narrowed by a listener.
 */
function namesFromElsewhere(
  kind: string,
  event: AuditEvent,
  prefixes: readonly string[],
): string | undefined {
  if (!isGatewayRouteKind(kind)) return undefined;
  const bodies = [event.requestObject, event.responseObject].filter((b) => isWholeObject(b, kind));
  if (bodies.length === 0) return undefined;
  if (!GATEWAY_ROUTE_KINDS[kind].specHostnames) {
    const bounded = bodies.some((b) => publishedHostnames(b, prefixes).every((h) => !h.startsWith('*')));
    return bounded
      ? undefined
      : 'a wildcard hostname annotation is narrowed by the route’s Gateway listeners';
  }
  const concrete = bodies.some((b) => {
    const spec = (b as { spec?: unknown }).spec;
    const hosts = isRecord(spec) && Array.isArray(spec.hostnames) ? spec.hostnames : [];
    return hosts.length > 0 && hosts.every((h) => typeof h === 'string' && h !== '' && !h.startsWith('*'));
  });
  return concrete
    ? undefined
    : 'a route without concrete hostnames takes its names from its Gateways’ listeners';
}

function touch(state: ClusterState, object: TouchedObject): Entry {
  const key = label(object);
  let entry = state.entries.get(key);
  if (!entry) {
    entry = { object, bodySeen: false };
    state.entries.set(key, entry);
  }
  return entry;
}

/** The object itself (not a patch, DeleteOptions or Status): its annotations and spec are all there. */
function isWholeObject(body: unknown, kind: string): boolean {
  return (
    isRecord(body) && body.kind === kind && isRecord(body.metadata) && typeof body.metadata.name === 'string'
  );
}

function bodyName(event: AuditEvent, kind: string): string | undefined {
  for (const body of [event.responseObject, event.requestObject]) {
    if (isWholeObject(body, kind)) return (body as { metadata: { name: string } }).metadata.name || undefined;
  }
  return undefined;
}

function listItems(body: unknown): Record<string, unknown>[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.items)) return undefined;
  return body.items.filter(
    (i): i is Record<string, unknown> =>
      isRecord(i) && isRecord(i.metadata) && typeof i.metadata.name === 'string' && i.metadata.name !== '',
  );
}

function label(o: TouchedObject): string {
  return o.namespace
    ? `${o.kind.toLowerCase()}/${o.namespace}/${o.name}`
    : `${o.kind.toLowerCase()}/${o.name}`;
}

function scope(namespace: string | undefined): string {
  return namespace ? `namespace ${namespace}` : 'all namespaces';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareObjects(a: TouchedObject, b: TouchedObject): number {
  return compare(a.kind, b.kind) || compare(a.namespace ?? '', b.namespace ?? '') || compare(a.name, b.name);
}
