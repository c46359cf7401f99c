import type { CertificateStageInput, CertificateStageResult } from '../certificates/reconcile.js';
import type { ClusterOutcome } from '../clusters/collect.js';
import type { ClusterConfig } from '../config.js';
import type { HeldKind } from '../dns/plan.js';
import type { ZoneListing } from '../dns/provider.js';
import type { DnsOutcome } from '../dns/reconcile-zones.js';
import type { PassError } from '../errors.js';
import type { FilteredOut } from '../filtered.js';
import type { TriggerKind } from '../pass.js';
import type { HeldName, TlsHost } from '../sources/index.js';
import type { Route53Usage } from '../telemetry/api-usage.js';
import type { PassWarning } from '../warnings.js';

/**
 * What the stages of a sharded pass hand each other through the shard store (store.ts): plain JSON,
 * sets as arrays. Only the stages of this module write them, so they are read as written.
 */

/** The triggers that start a sharded pass; every other trigger runs one pass in the reconciler function. */
export type ShardedTrigger = Extract<TriggerKind, 'schedule' | 'resync'>;

/** The fleet stage's cut: every later stage of the pass starts from it. */
export interface PassManifest {
  passId: string;
  /** What started the execution: the schedule, or a whole-fleet resync asked for by hand. */
  trigger: ShardedTrigger;
  dryRun: boolean;
  startedAt: string;
  reason?: string;
  /** The clusters of each shard, in the fleet's order. */
  shards: ClusterConfig[][];
  /** The pass's one zone listing: the shards partition by it, the zone items are its zones. */
  zones: ZoneListing;
  /** What resolving the fleet and listing the zones could not do. */
  errors: PassError[];
}

/**
 * A finished shard: its clusters and each owner's state. Written after the shard's per-zone desired
 * endpoints, so its presence says they are all there.
 */
export interface ShardOwners {
  clusters: ClusterOutcome[];
  /** The clusters as the certificate stage judges them (a capped one counts as `capped`). */
  certificateClusters: CertificateStageInput['clusters'];
  knownOwners: string[];
  frozenOwners: string[];
  held: HeldName[];
  heldKinds: HeldKind[];
  tlsHosts: TlsHost[];
  errors: PassError[];
  warnings: PassWarning[];
  filtered: FilteredOut[];
}

/** The certificate stage's answer; its validation endpoints are in the zones' partitions. */
export type CertificatesOutput = Omit<CertificateStageResult, 'validationEndpoints'>;

/** One zone's stage: what the DNS stage reports for it, and the Route 53 calls it made. */
export interface ZoneOutput extends DnsOutcome {
  zoneId: string;
  route53: Route53Usage;
}

/** What the fleet stage hands the workflow: the items of its two maps (small: ids only). */
export interface PassItems {
  passId: string;
  shards: { passId: string; shard: number }[];
  zones: { passId: string; zone: string }[];
}

/** The owner each cluster of a shard writes as (its `ownerId`, else its name). */
export function ownersOf(clusters: readonly ClusterConfig[]): string[] {
  return [...new Set(clusters.map((c) => c.ownerId ?? c.name))];
}
