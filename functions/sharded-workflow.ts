import { mapConcurrent } from '../shared/concurrency.js';
import { errorMessage } from '../shared/errors.js';
import type { PassResult } from '../shared/pass.js';
import type { StageDeps } from '../shared/shards/deps.js';
import type { PassItems } from '../shared/shards/model.js';
import { passKeys } from '../shared/shards/store.js';
import { createStageHandlers, stagesHandler, WORKER_STAGES } from './pass-stages.js';
import { createReconcilerHandler } from './reconciler.js';
import type { FunctionDeps } from './runtime.js';

/**
 * The sharded pass's state machine (infra/constructs/sharded-pass.ts) run in-process, for `simulate`, the
 * tests and the benchmark: the same handlers, invoked with the same payloads in the same order —
 *   fleet → Distributed Map over shards (MaxConcurrency, failures tolerated) → certificates →
 *   Map over zones (one at a time, through the reconciler function's handler) → report.
 * A stage that throws is recorded and the workflow goes on, as the state machine's Catch does: the later
 * stages find its output missing and freeze what it concerned.
 */
export interface WorkflowRun {
  result: PassResult;
  /** The stages that failed, as `stage[item]: message`. */
  failures: string[];
}

/** Wraps each stage invocation (the benchmark measures each as Lambda would bill it); none by default. */
export type StageObserver = (
  what: { stage: string; item?: string },
  run: () => Promise<unknown>,
) => Promise<unknown>;

export async function runShardedWorkflow(
  /** The execution's input: the schedule's, or a "Resync Requested" event without clusters; a schedule's when absent. */
  input: { start?: unknown },
  deps: FunctionDeps,
  stageDeps: StageDeps,
  observe: StageObserver = (_, run) => run(),
): Promise<WorkflowRun> {
  const sharding = deps.config.sharding;
  if (!sharding) throw new Error('config.sharding: not set; the sharded workflow needs it');
  const invoke =
    (handler: (event: unknown) => Promise<unknown>) =>
    (event: { stage: string; shard?: number; zone?: string; [field: string]: unknown }) => {
      const item = event.shard ?? event.zone;
      return observe({ stage: event.stage, ...(item !== undefined ? { item: String(item) } : {}) }, () =>
        handler(event),
      );
    };
  const worker = invoke(
    stagesHandler(
      createStageHandlers(() => stageDeps),
      WORKER_STAGES,
    ),
  );
  const reconciler = invoke(
    createReconcilerHandler(
      () => deps,
      () => stageDeps,
    ),
  );
  const failures: string[] = [];
  const tolerated = (what: string, run: () => Promise<unknown>) =>
    run().catch((err: unknown) => {
      failures.push(`${what}: ${errorMessage(err)}`);
    });

  const items = (await worker({
    stage: 'fleet',
    ...(input.start !== undefined ? { start: input.start } : {}),
  })) as PassItems;
  await mapConcurrent(items.shards, sharding.maxConcurrency, (item) =>
    tolerated(`cluster-shard[${item.shard}]`, () => worker({ stage: 'cluster-shard', ...item })),
  );
  await tolerated('certificates', () => reconciler({ stage: 'certificates', passId: items.passId }));
  // One zone at a time: the reconciler function's reserved concurrency of 1 would serialize them anyway.
  for (const item of items.zones) {
    await tolerated(`zone[${item.zone}]`, () => reconciler({ stage: 'zone', ...item }));
  }
  await worker({ stage: 'report', passId: items.passId });
  const result = await stageDeps.store.get<PassResult>(passKeys.result(items.passId));
  if (!result) throw new Error(`pass ${items.passId}: the report stage left no result`);
  return { result, failures };
}
