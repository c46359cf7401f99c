import { isForwardedAudit } from '../shared/audit/forwarded.js';
import type { StageDeps } from '../shared/shards/deps.js';
import { stageOf } from '../shared/shards/events.js';
import { createAuditEventsHandler } from './audit-events.js';
import { createClusterLifecycleHandler } from './cluster-lifecycle.js';
import { createManualHandler } from './manual.js';
import { type FunctionDeps, lambdaDeps, lambdaHandler } from './runtime.js';
import { createScheduledHandler } from './scheduled.js';

/**
 * The one deployed function. Every trigger invokes it, so its reserved concurrency of 1 means two passes
 * never write a zone at once, whatever started them; a trigger that arrives mid-pass is throttled and
 * retried by Lambda (asynchronous invokes: up to 6 h) or its source. It only recognises the event's shape
 * and hands it to that entry point's handler.
 */
export type Entry = 'audit-events' | 'cluster-lifecycle' | 'resync' | 'scheduled' | 'manual' | 'pass-stage';

export function routeEvent(event: unknown): Entry {
  if (typeof event !== 'object' || event === null) return 'manual';
  const e = event as Record<string, unknown>;
  // A sharded pass's certificate and zone stages (the state machine's items): one writer per zone.
  if (stageOf(e) !== undefined) return 'pass-stage';
  if (typeof e.awslogs === 'object' && e.awslogs !== null) return 'audit-events';
  if (isForwardedAudit(e)) return 'audit-events';
  if (e.source === 'aws.eks' && e['detail-type'] === 'AWS API Call via CloudTrail')
    return 'cluster-lifecycle';
  if (e['detail-type'] === 'Resync Requested') return 'resync';
  if (e.source === 'edge-reconciler.schedule') return 'scheduled';
  if (e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event') return 'scheduled';
  // A direct invoke: the manual payload's strict schema names whatever does not belong.
  return 'manual';
}

/**
 * The dispatch over each entry's own handler; `depsFn` is only called by the pass an event starts, and
 * `stageDepsFn` (the shard store's bucket from the environment unless given) by a sharded pass's stages.
 */
export function createReconcilerHandler(depsFn: () => FunctionDeps, stageDepsFn?: () => StageDeps) {
  const handlers: Record<Entry, (event: unknown) => Promise<unknown>> = {
    'audit-events': createAuditEventsHandler(depsFn),
    'cluster-lifecycle': createClusterLifecycleHandler(depsFn),
    resync: createManualHandler(depsFn),
    scheduled: createScheduledHandler(depsFn),
    manual: createManualHandler(depsFn),
    'pass-stage': lazyWriterStages(depsFn, stageDepsFn),
  };
  return (event: unknown): Promise<unknown> => handlers[routeEvent(event)](event);
}

/**
 * The certificate and zone stages, loaded on the first 'pass-stage' event and kept: they bring the shard
 * store and its S3 client (~88 KiB), which the scheduled, audit, manual and lifecycle passes never use, so
 * the build (infra/lambda-bundle.ts, code splitting) leaves them in a chunk a cold start does not load.
 */
function lazyWriterStages(depsFn: () => FunctionDeps, stageDepsFn?: () => StageDeps) {
  let loaded: Promise<(event: unknown) => Promise<unknown>> | undefined;
  return async (event: unknown): Promise<unknown> => {
    loaded ??= import('./pass-stages.js').then(
      ({ createStageHandlers, stagesHandler, WRITER_STAGES, withShardStore }) =>
        stagesHandler(createStageHandlers(stageDepsFn ?? (() => withShardStore(depsFn()))), WRITER_STAGES),
    );
    // A failed load is not kept: the next event tries again rather than failing forever.
    const stages = await loaded.catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return stages(event);
  };
}

export const handler = lambdaHandler(createReconcilerHandler(lambdaDeps));
