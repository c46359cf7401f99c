import type { ReconcileDeps } from '../reconcile.js';
import type { PassManifest } from './model.js';
import { passKeys, type ShardStore } from './store.js';

/** What every stage of a sharded pass needs: the pass's own dependencies and the shard store. */
export type StageDeps = ReconcileDeps & { store: ShardStore };

/** The pass's manifest; a stage of a pass the fleet stage never cut refuses to run. */
export async function readManifest(store: ShardStore, passId: string): Promise<PassManifest> {
  const manifest = await store.get<PassManifest>(passKeys.manifest(passId));
  if (!manifest)
    throw new Error(`pass ${passId}: no manifest in the shard store (the fleet stage did not run)`);
  return manifest;
}
