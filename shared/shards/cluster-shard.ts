import { collectDesired, logFailedClusters } from '../clusters/collect.js';
import { passDeadline } from '../deadline.js';
import type { Endpoint } from '../endpoint/endpoint.js';
import { certificateClusters, withClusters, withinDomainFilters } from '../reconcile.js';
import type { PassWarning } from '../warnings.js';
import { readManifest, type StageDeps } from './deps.js';
import type { ShardOwners } from './model.js';
import { zonePartitions } from './partition.js';
import { passKeys } from './store.js';

export interface ShardSummary {
  passId: string;
  shard: number;
  clusters: number;
  failed: number;
  endpoints: number;
}

/**
 * One shard of a sharded pass: read its clusters as the pass does (steps 1–2, bounded concurrency),
 * write what they want to the store partitioned by zone, then each owner's state. A cluster that fails
 * freezes its owner exactly as in one pass; a shard that never writes its owners freezes all of them.
 */
export async function runClusterShard(
  item: { passId: string; shard: number },
  deps: StageDeps,
): Promise<ShardSummary> {
  const { config, store } = deps;
  const manifest = await readManifest(store, item.passId);
  const clusters = manifest.shards[item.shard];
  if (!clusters)
    throw new Error(`pass ${item.passId}: no shard ${item.shard} (the pass has ${manifest.shards.length})`);
  const deadline = passDeadline(deps.remainingTimeMs?.() ?? config.timeouts.passMs, config.timeouts);
  const fleet = await collectDesired(clusters, deps, deadline.read);
  logFailedClusters(fleet, deps.log, item.passId);
  const managed = withinDomainFilters(fleet.endpoints, config);
  const noZone: PassWarning[] = [];
  const byZone = zonePartitions(managed.kept, manifest.zones, config, noZone);
  const writes: Promise<void>[] = [];
  for (const [zoneId, endpoints] of byZone) {
    if (endpoints.length === 0) continue;
    writes.push(
      store.put(passKeys.zoneDesired(item.passId, zoneId, item.shard), endpoints satisfies Endpoint[]),
    );
  }
  await Promise.all(writes);
  const owners: ShardOwners = {
    clusters: fleet.clusters,
    certificateClusters: certificateClusters(fleet, clusters),
    knownOwners: [...fleet.knownOwners],
    frozenOwners: [...fleet.frozenOwners],
    held: fleet.held,
    heldKinds: fleet.heldKinds,
    tlsHosts: fleet.tlsHosts,
    errors: fleet.errors,
    warnings: [...fleet.warnings, ...withClusters(noZone, managed.kept)],
    filtered: [...fleet.filtered, ...managed.filtered],
  };
  await store.put(passKeys.shardOwners(item.passId, item.shard), owners);
  return {
    passId: item.passId,
    shard: item.shard,
    clusters: clusters.length,
    failed: fleet.clusters.filter((c) => c.status === 'failed').length,
    endpoints: fleet.endpoints.length,
  };
}
