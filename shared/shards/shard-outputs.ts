import { mapConcurrent } from '../concurrency.js';
import { ownersOf, type PassManifest, type ShardOwners } from './model.js';
import type { ShardStore } from './store.js';
import { passKeys } from './store.js';

/** A shard as a later stage finds it: finished (its owners' states), or missing — its owners frozen. */
export type ShardOutput =
  | { shard: number; owners: ShardOwners; missing?: undefined }
  | { shard: number; owners?: undefined; missing: { clusters: string[]; owners: string[] } };

/** Reads at once from the store: S3 takes thousands a second per prefix; this keeps sockets few. */
const STORE_READS = 16;

/** Every shard's output; one that is not there (its invocation failed or timed out) is `missing`. */
export async function readShardOutputs(store: ShardStore, manifest: PassManifest): Promise<ShardOutput[]> {
  return mapConcurrent(manifest.shards, STORE_READS, async (clusters, shard): Promise<ShardOutput> => {
    const owners = await store.get<ShardOwners>(passKeys.shardOwners(manifest.passId, shard));
    if (owners) return { shard, owners };
    return { shard, missing: { clusters: clusters.map((c) => c.name), owners: ownersOf(clusters) } };
  });
}

/** The message a missing shard gets, for each of its clusters. */
export function missingShardMessage(shard: number, cluster: string): string {
  return `cluster ${cluster}: shard ${shard} left no output (its invocation failed or timed out); its records are frozen`;
}
