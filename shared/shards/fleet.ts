import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { passDeadline } from '../deadline.js';
import { listZoneOnce } from '../dns/provider.js';
import { zoneReach } from '../dns/reconcile-zones.js';
import { passError } from '../errors.js';
import { passClusters } from '../reconcile.js';
import type { StageDeps } from './deps.js';
import type { PassItems, PassManifest, ShardedTrigger } from './model.js';
import { passRoute53 } from './route53.js';
import { passKeys } from './store.js';

export type Sharding = NonNullable<Config['sharding']>;

/**
 * The fleet stage of a sharded pass: resolve the clusters (listed and discovered), list the zones once,
 * cut the clusters into shards and leave the cut in the store. Returns the two maps' items.
 */
export async function startShardedPass(
  request: { trigger: ShardedTrigger; dryRun?: boolean; reason?: string },
  deps: StageDeps,
  sharding: Sharding,
): Promise<PassItems> {
  const { config } = deps;
  const passId = randomUUID();
  const deadline = passDeadline(deps.remainingTimeMs?.() ?? config.timeouts.passMs, config.timeouts);
  const { clusters, errors } = await passClusters({ trigger: request.trigger }, deps, deadline.read);
  const dns = passRoute53(deps, passId, (message) => errors.push(passError('zones-unlisted', message)));
  const zones = await listZoneOnce(dns, config, deadline.apply);
  // The domains no listed zone holds, said once for the pass (as the DNS stage says them in one pass).
  if (zones.zones) errors.push(...zoneReach(zones, config).errors);
  const shards = [];
  for (let i = 0; i < clusters.length; i += sharding.clustersPerShard) {
    shards.push(clusters.slice(i, i + sharding.clustersPerShard));
  }
  const manifest: PassManifest = {
    passId,
    trigger: request.trigger,
    dryRun: request.dryRun ?? config.dryRun,
    startedAt: deps.clock().toISOString(),
    ...(request.reason !== undefined ? { reason: request.reason } : {}),
    shards,
    zones,
    errors,
  };
  await deps.store.put(passKeys.manifest(passId), manifest);
  return {
    passId,
    shards: shards.map((_, shard) => ({ passId, shard })),
    zones: (zones.zones ?? []).map((z) => ({ passId, zone: z.id })),
  };
}
