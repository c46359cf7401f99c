import { runCertificateStage } from '../shared/shards/certificates.js';
import { runClusterShard } from '../shared/shards/cluster-shard.js';
import type { StageDeps } from '../shared/shards/deps.js';
import {
  certificatesStageEvent,
  clusterShardStageEvent,
  fleetStageEvent,
  type PassStage,
  reportStageEvent,
  scheduleStart,
  stageOf,
  zoneStageEvent,
} from '../shared/shards/events.js';
import { startShardedPass } from '../shared/shards/fleet.js';
import { runShardedReport } from '../shared/shards/report.js';
import { S3ShardStore, s3Client } from '../shared/shards/store.js';
import { runZoneStage } from '../shared/shards/zone.js';
import { manualRequest } from './manual.js';
import { InvalidEventError, parseEvent } from './middleware.js';
import { type FunctionDeps, lambdaDeps, lambdaHandler } from './runtime.js';

/**
 * The stages of a sharded pass (docs/scale.md), one handler each, as the state machine invokes them. The
 * stage worker function runs the fleet, cluster-shard and report stages (many shards at once); the
 * certificate and zone stages run in the reconciler function, whose reserved concurrency of 1 keeps one
 * writer per zone across executions and triggers (functions/reconciler.ts routes them here).
 */

/** The environment variable naming the shard store's bucket (the stack sets it on both functions). */
export const SHARD_BUCKET_ENV = 'EDGE_RECONCILER_SHARD_BUCKET';

export type StageHandlers = Record<PassStage, (event: unknown) => Promise<unknown>>;

export function createStageHandlers(depsFn: () => StageDeps): StageHandlers {
  return {
    fleet: async (event) => {
      const request = shardedPassRequest(parseEvent(fleetStageEvent, event, 'event').start);
      const deps = depsFn();
      const sharding = deps.config.sharding;
      if (!sharding) throw new InvalidEventError('config.sharding: not set; a sharded pass needs it', []);
      return startShardedPass(request, deps, sharding);
    },
    'cluster-shard': async (event) =>
      runClusterShard(parseEvent(clusterShardStageEvent, event, 'event'), depsFn()),
    certificates: async (event) =>
      runCertificateStage(parseEvent(certificatesStageEvent, event, 'event'), depsFn()),
    zone: async (event) => runZoneStage(parseEvent(zoneStageEvent, event, 'event'), depsFn()),
    report: async (event) => {
      const result = await runShardedReport(parseEvent(reportStageEvent, event, 'event'), depsFn());
      // The state machine's last output stays small: the full result is in the log and the summary event.
      return { passId: result.passId, changes: result.changes.length, errors: result.errors.length };
    },
  };
}

/**
 * The pass an execution's input asks for: the schedule's, or a whole-fleet resync — a "Resync Requested"
 * event without clusters, which the stack routes to the state machine (one naming clusters goes to the
 * reconciler function). Refused naming the field, like the manual handler refuses it.
 */
export function shardedPassRequest(start: unknown): Parameters<typeof startShardedPass>[0] {
  if (typeof start === 'object' && start !== null && 'detail-type' in start) {
    const request = manualRequest(start);
    if (request.clusters) {
      const message =
        'a sharded pass reads the whole fleet; a resync naming clusters runs in the reconciler function';
      throw new InvalidEventError(`detail.clusters: ${message}`, [{ path: 'detail.clusters', message }]);
    }
    return {
      trigger: 'resync',
      ...(request.dryRun !== undefined ? { dryRun: request.dryRun } : {}),
      ...(request.reason !== undefined ? { reason: request.reason } : {}),
    };
  }
  if (start !== undefined) parseEvent(scheduleStart, start, 'event.start');
  return { trigger: 'schedule' };
}

/** A handler for some stages only: an event for another stage is refused naming `stage`. */
export function stagesHandler(handlers: StageHandlers, accepted: readonly PassStage[]) {
  return (event: unknown): Promise<unknown> => {
    const stage = stageOf(event);
    if (!stage || !accepted.includes(stage)) {
      const message = `event.stage: expected one of ${accepted.join(', ')}`;
      return Promise.reject(new InvalidEventError(message, [{ path: 'stage', message }]));
    }
    return handlers[stage](event);
  };
}

/** The deployed functions' dependencies with the shard store in the bucket the stack names. */
export function withShardStore(deps: FunctionDeps): StageDeps {
  const bucket = process.env[SHARD_BUCKET_ENV];
  if (!bucket) throw new Error(`${SHARD_BUCKET_ENV}: not set; the sharded pass needs the stack's bucket`);
  return { ...deps, store: new S3ShardStore(s3Client(deps.aws), bucket) };
}

/** The stages that read clusters and report: the stage worker function. */
export const WORKER_STAGES: readonly PassStage[] = ['fleet', 'cluster-shard', 'report'];
/** The stages that write (ACM, Route 53): the reconciler function, one invocation at a time. */
export const WRITER_STAGES: readonly PassStage[] = ['certificates', 'zone'];

export const handler = lambdaHandler(
  stagesHandler(
    createStageHandlers(() => withShardStore(lambdaDeps())),
    WORKER_STAGES,
  ),
);
