import { emptyCertificatesOutcome } from '../certificates/reconcile.js';
import { mapConcurrent } from '../concurrency.js';
import { passError } from '../errors.js';
import type { PassResult } from '../pass.js';
import type { Route53Usage } from '../telemetry/api-usage.js';
import type { ReportedPass } from '../telemetry/metrics.js';
import { reportPass } from '../telemetry/report.js';
import { readManifest, type StageDeps } from './deps.js';
import type { CertificatesOutput, ZoneOutput } from './model.js';
import { missingShardMessage, readShardOutputs } from './shard-outputs.js';
import { passKeys } from './store.js';

/**
 * The report stage of a sharded pass: the pass's result from every stage's output, reported as one pass
 * is (log, EMF metrics, summary event). A stage that left nothing is an error of the pass: a missing
 * shard's clusters failed (their records frozen), a missing zone was left for the next pass.
 */
export async function runShardedReport(item: { passId: string }, deps: StageDeps): Promise<PassResult> {
  const { config, store } = deps;
  const manifest = await readManifest(store, item.passId);
  const zones = manifest.zones.zones ?? [];
  const [shards, certificates, zoneOutputs] = await Promise.all([
    readShardOutputs(store, manifest),
    store.get<CertificatesOutput>(passKeys.certificates(item.passId)),
    mapConcurrent(zones, 16, (z) => store.get<ZoneOutput>(passKeys.zoneOutcome(item.passId, z.id))),
  ]);
  const result: ReportedPass = {
    passId: manifest.passId,
    trigger: manifest.trigger,
    ...(manifest.reason !== undefined ? { reason: manifest.reason } : {}),
    dryRun: manifest.dryRun,
    startedAt: manifest.startedAt,
    durationMs: Math.max(0, deps.clock().getTime() - Date.parse(manifest.startedAt)),
    changes: [],
    recordChanges: [],
    clusters: [],
    errors: [...manifest.errors],
    warnings: [],
    filtered: [],
    certificates:
      certificates?.outcome ?? emptyCertificatesOutcome(config.certificates.enabled, manifest.dryRun),
    heldDeletions: 0,
    refusedChanges: [],
    tlsHosts: [],
  };
  const shifts: NonNullable<PassResult['trafficShifts']> = [];
  const healthChecks: NonNullable<PassResult['healthChecks']> = [];
  const usage: Route53Usage[] = [];
  for (const s of shards) {
    if (s.owners) {
      result.clusters.push(...s.owners.clusters);
      result.errors.push(...s.owners.errors);
      result.warnings.push(...s.owners.warnings);
      result.filtered.push(...s.owners.filtered);
      result.tlsHosts.push(...s.owners.tlsHosts);
      continue;
    }
    for (const name of s.missing.clusters) {
      const message = missingShardMessage(s.shard, name);
      result.clusters.push({ name, status: 'failed', endpoints: 0, error: message });
      result.errors.push(passError('cluster-failed', message, { cluster: name }));
    }
  }
  if (certificates) {
    result.errors.push(...certificates.errors);
    result.warnings.push(...certificates.warnings);
  } else if (config.certificates.enabled) {
    result.errors.push(
      passError(
        'certificates-unread',
        'certificates: the certificate stage left no output; its records are frozen',
      ),
    );
  }
  for (const [i, out] of zoneOutputs.entries()) {
    const zone = zones[i];
    if (!out) {
      if (zone) {
        result.errors.push(
          passError('zone-failed', `zone ${zone.name}: its stage left no output; left for the next pass`, {
            zone: zone.name,
          }),
        );
      }
      continue;
    }
    result.changes.push(...out.changes);
    result.recordChanges.push(...out.recordChanges);
    result.errors.push(...out.errors);
    result.warnings.push(...out.warnings);
    result.heldDeletions += out.heldDeletions;
    result.refusedChanges?.push(...out.refused);
    shifts.push(...out.trafficShifts);
    healthChecks.push(...(out.healthChecks ?? []));
    usage.push(out.route53);
  }
  if (shifts.length > 0) result.trafficShifts = shifts;
  if (healthChecks.length > 0) result.healthChecks = healthChecks;
  result.route53 = sumRoute53(usage);
  await reportPass(result, deps);
  // The whole result stays with the pass's outputs: the state machine's own output is only its counts.
  await store.put(passKeys.result(item.passId), result);
  return result;
}

/** The zone stages' Route 53 calls as one pass's: totals, and per account when more than home was met. */
function sumRoute53(usage: readonly Route53Usage[]): Route53Usage {
  const total: Route53Usage = { calls: 0, throttles: 0 };
  const accounts: NonNullable<Route53Usage['accounts']> = {};
  for (const u of usage) {
    total.calls += u.calls;
    total.throttles += u.throttles;
    for (const [account, a] of Object.entries(u.accounts ?? {})) {
      const sum = accounts[account] ?? { calls: 0, throttles: 0 };
      accounts[account] = { calls: sum.calls + a.calls, throttles: sum.throttles + a.throttles };
    }
  }
  return Object.keys(accounts).length > 0 ? { ...total, accounts } : total;
}
