import { reconcileCertificates } from '../certificates/reconcile.js';
import type { PassWarning } from '../warnings.js';
import { readManifest, type StageDeps } from './deps.js';
import type { CertificatesOutput } from './model.js';
import { zonePartitions } from './partition.js';
import { readShardOutputs } from './shard-outputs.js';
import { passKeys } from './store.js';

/**
 * The certificate stage of a sharded pass, once for the fleet as in one pass: the shards' TLS hosts ×
 * ACM; its validation CNAMEs go to the zones' partitions like a shard's endpoints. A missing shard counts
 * as failed clusters, so nothing is cleaned up on its account.
 */
export async function runCertificateStage(
  item: { passId: string },
  deps: StageDeps,
): Promise<{ passId: string; ownerState: CertificatesOutput['ownerState']; validationRecords: number }> {
  const { store } = deps;
  const manifest = await readManifest(store, item.passId);
  const shards = await readShardOutputs(store, manifest);
  const regions = new Map(manifest.shards.flat().map((c) => [c.name, c.region]));
  const result = await reconcileCertificates(
    {
      tlsHosts: shards.flatMap((s) => s.owners?.tlsHosts ?? []),
      clusters: shards.flatMap((s) =>
        s.owners
          ? s.owners.certificateClusters
          : s.missing.clusters.map((name) => {
              const region = regions.get(name);
              return { name, status: 'failed', ...(region ? { region } : {}) };
            }),
      ),
      partial: false,
      dryRun: manifest.dryRun,
      zones: manifest.zones,
    },
    deps,
  );
  const noZone: PassWarning[] = [];
  const byZone = zonePartitions(result.validationEndpoints, manifest.zones, deps.config, noZone);
  await Promise.all(
    [...byZone]
      .filter(([, endpoints]) => endpoints.length > 0)
      .map(([zoneId, endpoints]) =>
        store.put(passKeys.zoneDesired(item.passId, zoneId, 'certificates'), endpoints),
      ),
  );
  const { validationEndpoints: _, ...output } = result;
  const written: CertificatesOutput = { ...output, warnings: [...output.warnings, ...noZone] };
  await store.put(passKeys.certificates(item.passId), written);
  return {
    passId: item.passId,
    ownerState: result.ownerState,
    validationRecords: result.validationEndpoints.length,
  };
}
