import type { Config } from '../config.js';
import type { PassWarning } from '../warnings.js';
import type { KubernetesResource } from './api-resources.js';
import type { KubernetesObject } from './objects.js';
import type { ObjectOutput, SourceEnv } from './output.js';

/**
 * Everything the reconciler knows about one source (ExternalDNS's `--source` name), in one place: what
 * it lists from a cluster, what else it needs listed, which audit-log writes concern it, how its objects
 * become endpoints, and what the README says about it. The cluster's list calls
 * (shared/clusters/collect.ts), the generated ClusterRole (shared/clusters/rbac.ts), the audit filter of
 * the Lambda (shared/audit/filter.ts) and of the CloudWatch Logs subscription (infra/audit-filter.ts)
 * and the README's source table are all derived from these (./reads.ts), so they cannot disagree.
 * Adding a source is one file in ./definitions/, registered in ./definitions/index.ts.
 */

export type SourceName = Config['sources'][number];

/** The audit-log verbs that write; reads, watches and proxied requests change no record. */
export const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;
export type WriteVerb = (typeof WRITE_VERBS)[number];

/** Reads one listed object of the source's kinds: what it publishes, or nothing. */
export type Reader = (o: KubernetesObject, env: SourceEnv) => ObjectOutput | undefined;

/**
 * The reader for one cluster, given everything listed there (the route sources first index the
 * cluster's Gateways) and where to report what is wrong with those other objects.
 */
export type ReaderFactory = (
  objects: readonly KubernetesObject[],
  env: SourceEnv,
  report: (w: PassWarning) => void,
) => Reader;

/**
 * A list the reader needs besides the source's own kinds (the route sources' Gateways). Listed once per
 * cluster however many sources need it; its objects are read by those sources' readers, never published
 * for themselves.
 */
export interface Dependency {
  resource: KubernetesResource;
  /** Whether this config needs it (Traefik's Service only with `traefikService`); always when absent. */
  when?(config: Config): boolean;
  /** The namespaces to list it in; every namespace when empty. */
  namespaces(config: Config): readonly string[];
  /** Narrows the list to the objects needed (`metadata.name=...`). */
  fieldSelector?(config: Config): string;
  /**
   * Why a write to this object needs a whole-cluster pass, when it does: the objects depending on it
   * are not named by the write (the routes behind a Gateway). Undefined for an object it does not select.
   */
  wholeClusterOn(
    object: { namespace?: string; name: string },
    config: Config | undefined,
  ): string | undefined;
  /**
   * The warning when the cluster does not serve it (404) and the source listed no objects that would
   * need it. With such objects the cluster fails instead: where they point is unknown, and failing
   * freezes their records.
   */
  notServed(source: SourceName): string;
  /**
   * For a list only some of the source's objects need (Nodes for NodePort Services): given the source's
   * own objects, the label selector to list it with ('' for every object), or undefined when none needs
   * it, and then it is not listed. Such a list waits for the source's own; absent, it is listed beside
   * them every pass.
   */
  neededFor?(objects: readonly KubernetesObject[], config: Config): string | undefined;
  /**
   * The cluster may refuse this list (403: a ClusterRole from before the source needed it; 404) without
   * failing: the reader gets no objects of it, `SourceEnv.unreadable` names it, and the reader holds what
   * needed it with a warning. Absent: a refusal fails the cluster, as for the source's own kinds.
   */
  mayBeRefused?: true;
  /**
   * Why writes to it start no pass, when they do not (they are constant, and the scheduled pass covers
   * them): the audit filters leave it out. Absent: its writes concern the source.
   */
  notAudited?: string;
}

/** The kinds a cluster served none of the resources of, and the resources that were listed. */
export interface Unserved {
  kinds: readonly string[];
  listed: readonly KubernetesResource[];
}

export interface SourceDefinition<N extends SourceName = SourceName> {
  name: N;
  /** Every resource whose objects become this source's endpoints, in every API group it may read. */
  resources: readonly KubernetesResource[];
  /** The ones this config lists (Traefik's only in the groups it reads); all of `resources` when absent. */
  listedWith?(config: Config): readonly KubernetesResource[];
  /** What else it lists for its reader. */
  dependencies: readonly Dependency[];
  /**
   * A kind whose resources the cluster serves none of (404, a CRD not installed) finds nothing, is
   * reported with this message (`api-not-served`), and the records its objects owned are held: not
   * served is not gone. Absent for kinds every cluster serves: there a 404 fails the cluster.
   */
  notServed?(unserved: Unserved): string;
  /** The audit-log writes to its own resources that may change what it publishes (object or status). */
  audit: AuditInterest;
  reader: ReaderFactory;
  /** The README's source table (its other columns come from the fields above). */
  docs: {
    /** Which names of its objects become records, and where they point. */
    publishes: string;
    /** The annotations its objects honour, under `annotationPrefix` unless written in full. */
    annotations: readonly string[];
  };
}

export interface AuditInterest {
  resources: readonly KubernetesResource[];
  verbs: readonly WriteVerb[];
}

/**
 * Every write to the source's own resources. Writes to what it depends on concern it too, whenever the
 * config lists that dependency (./reads.ts adds them).
 */
export function writesTo(resources: readonly KubernetesResource[]): AuditInterest {
  return { resources, verbs: WRITE_VERBS };
}
