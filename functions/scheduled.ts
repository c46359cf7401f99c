import { type PassResult, type ReconcileDeps, reconcile } from '../shared/reconcile.js';
import * as z from '../shared/zod.js';
import { parseEvent } from './middleware.js';

/**
 * The scheduled fleet pass. EventBridge Scheduler delivers the input the schedule sets (ours:
 * `{source: "edge-reconciler.schedule", scheduledTime}`); an EventBridge rule delivers a "Scheduled Event".
 * Both start the same full pass; anything else is refused with the field named.
 */
const schedulerInput = z.looseObject({
  source: z.literal('edge-reconciler.schedule'),
  scheduledTime: z.optional(z.string()),
  dryRun: z.optional(z.boolean()),
});
const scheduledEvent = z.looseObject({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

export function createScheduledHandler(deps: () => ReconcileDeps) {
  return async (event: unknown): Promise<PassResult> => {
    // The source decides which shape applies, so a bad field is named against the right one.
    const schema =
      (event as { source?: unknown } | null)?.source === 'aws.events' ? scheduledEvent : schedulerInput;
    const parsed = parseEvent(schema, event, 'event');
    const dryRun = 'dryRun' in parsed && typeof parsed.dryRun === 'boolean' ? parsed.dryRun : undefined;
    return reconcile({ trigger: 'schedule', ...(dryRun !== undefined ? { dryRun } : {}) }, deps());
  };
}
