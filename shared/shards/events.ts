import * as z from '../zod.js';

/**
 * The events the sharded pass's workflow sends its functions, one per stage. Strict: a field the stage
 * does not know is refused by name, like a wrong type.
 */
const passId = z.uuid();

export const fleetStageEvent = z.strictObject({
  stage: z.literal('fleet'),
  /**
   * The execution's input as the state machine received it: the schedule's (`scheduleStart`), or a
   * "Resync Requested" event without clusters (a whole-fleet resync); the fleet stage tells them apart.
   */
  start: z.optional(z.unknown()),
});
/** What EventBridge Scheduler starts the execution with (infra/constructs/triggers.ts). */
export const scheduleStart = z.strictObject({
  source: z.literal('edge-reconciler.schedule'),
  scheduledTime: z.optional(z.string().check(z.maxLength(64))),
});
export const clusterShardStageEvent = z.strictObject({
  stage: z.literal('cluster-shard'),
  passId,
  shard: z.number().check(z.int(), z.gte(0)),
});
export const certificatesStageEvent = z.strictObject({ stage: z.literal('certificates'), passId });
export const zoneStageEvent = z.strictObject({
  stage: z.literal('zone'),
  passId,
  // A zone id, `<account>/<id>` for a zone of another account.
  zone: z.string().check(z.minLength(1), z.maxLength(64)),
});
export const reportStageEvent = z.strictObject({ stage: z.literal('report'), passId });

export type PassStage = 'fleet' | 'cluster-shard' | 'certificates' | 'zone' | 'report';

/** The stage an event names, if it names one: the reconciler routes these apart from its triggers. */
export function stageOf(event: unknown): PassStage | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const stage = (event as { stage?: unknown }).stage;
  const stages: readonly unknown[] = ['fleet', 'cluster-shard', 'certificates', 'zone', 'report'];
  return stages.includes(stage) ? (stage as PassStage) : undefined;
}
