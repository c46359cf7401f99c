import {
  type PassResult,
  type ReconcileDeps,
  type ReconcileRequest,
  reconcile,
} from '../shared/reconcile.js';
import * as z from '../shared/zod.js';
import { InvalidEventError, parseEvent } from './middleware.js';

/**
 * An operator's pass: a direct invoke with `{clusters?, dryRun?, reason?}`, or the same payload as the
 * `detail` of an EventBridge "Resync Requested" event from `edge-reconciler`. The payload is strict: a
 * misspelt field is refused, not ignored, so `{"dryrun": true}` never becomes a real pass.
 */
export const manualPayload = z.strictObject({
  clusters: z.optional(
    z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.minLength(1), z.maxLength(100)),
  ),
  dryRun: z.optional(z.boolean()),
  reason: z.optional(z.string().check(z.maxLength(256))),
});
export type ManualPayload = z.infer<typeof manualPayload>;

export const RESYNC_SOURCE = 'edge-reconciler';
export const RESYNC_DETAIL_TYPE = 'Resync Requested';

const resyncEvent = z.looseObject({
  source: z.literal(RESYNC_SOURCE),
  'detail-type': z.literal(RESYNC_DETAIL_TYPE),
  detail: z.unknown(),
});

/** Which of the two shapes `event` is, and the request it asks for; throws naming the bad field. */
export function manualRequest(event: unknown): ReconcileRequest {
  const isEvent = typeof event === 'object' && event !== null && 'detail-type' in event;
  if (isEvent) {
    const envelope = parseEvent(resyncEvent, event, 'event');
    return requestFrom(parseEvent(manualPayload, envelope.detail ?? {}, 'detail'), 'resync');
  }
  return requestFrom(parseEvent(manualPayload, event ?? {}, 'payload'), 'manual');
}

function requestFrom(p: ManualPayload, trigger: 'manual' | 'resync'): ReconcileRequest {
  return {
    trigger,
    ...(p.clusters ? { clusters: [...new Set(p.clusters)] } : {}),
    ...(p.dryRun !== undefined ? { dryRun: p.dryRun } : {}),
    ...(p.reason !== undefined ? { reason: p.reason } : {}),
  };
}

export function createManualHandler(deps: () => ReconcileDeps) {
  return async (event: unknown): Promise<PassResult> => {
    const request = manualRequest(event);
    const d = deps();
    if (d.config.sharding && !request.clusters) throw wholeFleetRefused(request.trigger);
    return reconcile(request, d);
  };
}

/**
 * A sharded fleet is read whole only by the sharded pass: in this function a whole-fleet pass would hold
 * the zone writes of the state machine's executions for up to 15 minutes and, at the size sharding is
 * for, not finish. The stack routes a "Resync Requested" event without clusters to the state machine.
 */
function wholeFleetRefused(trigger: ReconcileRequest['trigger']): InvalidEventError {
  const field = trigger === 'resync' ? 'detail.clusters' : 'payload.clusters';
  const message =
    'required: the fleet is sharded (config.sharding), so a whole-fleet resync runs as a sharded pass — ' +
    'put a "Resync Requested" event without clusters, or name the clusters to resync here';
  return new InvalidEventError(`${field}: ${message}`, [{ path: field, message }]);
}
