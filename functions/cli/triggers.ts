import { randomUUID } from 'node:crypto';
import { auditTrigger } from '../../sandbox/audit-log.js';
import { SANDBOX_SHARD_BUCKET, type Sandbox } from '../../sandbox/sandbox.js';
import type { ScenarioTrigger } from '../../sandbox/scenario.js';
import { errorLines } from '../../shared/errors.js';
import type { PassResult, ReconcileDeps } from '../../shared/reconcile.js';
import { S3ShardStore, s3Client } from '../../shared/shards/store.js';
import { createAuditEventsHandler } from '../audit-events.js';
import { createClusterLifecycleHandler } from '../cluster-lifecycle.js';
import { createManualHandler } from '../manual.js';
import { createScheduledHandler } from '../scheduled.js';
import { runShardedWorkflow } from '../sharded-workflow.js';

/** What one handler invocation did, before its API calls are added: one `passes` entry of docs/scenarios.md. */
export interface TriggerOutcome {
  trigger: string;
  changes: PassResult['changes'];
  clusters: PassResult['clusters'];
  errors: string[];
  warnings: PassResult['warnings'];
  /** The handler's pass results, for the human output (not part of the JSON contract). */
  results: PassResult[];
  /** The handler refused its input: no pass ran. */
  rejected: boolean;
}

/**
 * Runs one scenario trigger through the real handler of its entry point, with the event shaped as AWS
 * delivers it. `advance` (the clock) and `configure` (the config) run nothing (undefined). A handler that rejects its input
 * still yields an entry, with the error.
 */
export async function runTrigger(
  trigger: ScenarioTrigger,
  sandbox: Sandbox,
  deps: ReconcileDeps,
): Promise<TriggerOutcome | undefined> {
  const now = sandbox.clock.now().toISOString();
  const account = sandbox.eks.account;
  // Both change the world between passes and run no handler: `simulate` applies them.
  if ('advance' in trigger || 'configure' in trigger) return undefined;
  if ('schedule' in trigger) {
    const event = { source: 'edge-reconciler.schedule', scheduledTime: now };
    // With `sharding`, the schedule starts the sharded pass's workflow instead (docs/scale.md).
    if (deps.config.sharding) return outcome('schedule', () => shardedPass(deps, event));
    return outcome('schedule', () => createScheduledHandler(() => deps)(event));
  }
  if ('manual' in trigger) {
    return outcome('manual', () => createManualHandler(() => deps)(trigger.manual.payload));
  }
  if ('resyncEvent' in trigger) {
    const event = eventBridgeEnvelope(
      'edge-reconciler',
      'Resync Requested',
      trigger.resyncEvent.detail,
      account,
      now,
      deps,
    );
    // With `sharding`, the stack routes a resync of the whole fleet to the sharded pass's workflow.
    if (deps.config.sharding && !namesClusters(trigger.resyncEvent.detail)) {
      return outcome('resyncEvent', () => shardedPass(deps, event));
    }
    return outcome('resyncEvent', () => createManualHandler(() => deps)(event));
  }
  if ('audit' in trigger) {
    return outcome('audit', async () => {
      const payload = await auditTrigger(sandbox, trigger.audit);
      return (await createAuditEventsHandler(() => deps)(payload)).passes;
    });
  }
  return clusterLifecycleTrigger(trigger, sandbox, deps, now);
}

/**
 * The sharded pass as the state machine runs it, against the sandbox's S3: a stage that failed is an error
 * of the pass (its output missing, what it concerned frozen), the way the execution shows it.
 */
async function shardedPass(deps: ReconcileDeps, start: unknown): Promise<PassResult> {
  const store = new S3ShardStore(s3Client(deps.aws), SANDBOX_SHARD_BUCKET);
  const { result } = await runShardedWorkflow({ start }, deps, { ...deps, store });
  return result;
}

/**
 * Whether a "Resync Requested" detail names clusters, as the stack's two rules tell (EventBridge `exists`
 * on `detail.clusters`): one that does goes to the reconciler function, any other to the state machine.
 */
function namesClusters(detail: unknown): boolean {
  if (typeof detail !== 'object' || detail === null || !('clusters' in detail)) return false;
  const clusters = (detail as { clusters: unknown }).clusters;
  return !Array.isArray(clusters) || clusters.length > 0;
}

/**
 * A CreateCluster or DeleteCluster CloudTrail event as EventBridge delivers it, through the cluster
 * lifecycle handler; a deletion removes the cluster from the sandbox first unless the scenario keeps it.
 */
function clusterLifecycleTrigger(
  trigger: Extract<ScenarioTrigger, { clusterCreated: unknown } | { clusterDeleted: unknown }>,
  sandbox: Sandbox,
  deps: ReconcileDeps,
  now: string,
): Promise<TriggerOutcome> {
  const created = 'clusterCreated' in trigger;
  const name = created ? trigger.clusterCreated.cluster : trigger.clusterDeleted.cluster;
  const cluster = sandbox.eks.clusters().find((c) => c.name === name);
  const region = cluster?.region ?? deps.config.region;
  // The event comes from the cluster's account unless the scenario says otherwise (a forged event).
  const eventAccount =
    (!created && trigger.clusterDeleted.account) || cluster?.account || sandbox.eks.account;
  if (!created && cluster && !trigger.clusterDeleted.keep) {
    // The cluster is gone: EKS no longer knows it and its API server stops answering.
    sandbox.eks.removeCluster(cluster.region, cluster.name);
    sandbox.clusters.get(name)?.setMode('unreachable');
  }
  const detail = {
    eventVersion: '1.09',
    eventTime: now,
    eventSource: 'eks.amazonaws.com',
    eventName: created ? 'CreateCluster' : 'DeleteCluster',
    awsRegion: region,
    sourceIPAddress: '192.0.2.1',
    userAgent: 'aws-cli/2.9.19',
    requestParameters: { name },
    responseElements: {
      cluster: {
        name,
        arn: `arn:aws:eks:${region}:${eventAccount}:cluster/${name}`,
        tags: cluster?.tags ?? {},
      },
    },
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: eventAccount,
    eventCategory: 'Management',
  };
  const event = eventBridgeEnvelope(
    'aws.eks',
    'AWS API Call via CloudTrail',
    detail,
    eventAccount,
    now,
    deps,
    region,
  );
  return outcome(created ? 'clusterCreated' : 'clusterDeleted', async () => {
    const result = await createClusterLifecycleHandler(() => deps)(event);
    return 'ignored' in result ? { ignored: result.reason } : result;
  });
}

function eventBridgeEnvelope(
  source: string,
  detailType: string,
  detail: unknown,
  account: string,
  time: string,
  deps: ReconcileDeps,
  region = deps.config.region,
) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account,
    time,
    region,
    resources: [],
    detail,
  };
}

async function outcome(
  trigger: string,
  run: () => Promise<PassResult | PassResult[] | { ignored: string }>,
): Promise<TriggerOutcome> {
  const entry: TriggerOutcome = {
    trigger,
    changes: [],
    clusters: [],
    errors: [],
    warnings: [],
    results: [],
    rejected: false,
  };
  try {
    const result = await run();
    if ('ignored' in result) {
      entry.warnings.push({ code: 'event-ignored', message: result.ignored });
      return entry;
    }
    for (const pass of Array.isArray(result) ? result : [result]) {
      entry.results.push(pass);
      entry.changes.push(...pass.changes);
      entry.clusters.push(...pass.clusters);
      entry.errors.push(...errorLines(pass.errors));
      entry.warnings.push(...pass.warnings);
    }
  } catch (err) {
    entry.rejected = true;
    entry.errors.push(err instanceof Error ? err.message : String(err));
  }
  return entry;
}
