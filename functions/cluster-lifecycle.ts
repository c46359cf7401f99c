import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { homeAccountId } from '../shared/aws-accounts.js';
import { confirmClusterDeleted } from '../shared/clusters/confirm-deleted.js';
import { clusterStatus, fleetMember } from '../shared/clusters/discover.js';
import type { ClusterConfig, Config } from '../shared/config.js';
import { errorMessage } from '../shared/errors.js';
import {
  type PassResult,
  type ReconcileDeps,
  type ReconcileRequest,
  reconcile,
} from '../shared/reconcile.js';
import * as z from '../shared/zod.js';
import { InvalidEventError, parseEvent } from './middleware.js';

/**
 * EKS cluster lifecycle, from the CloudTrail events EventBridge delivers (`source: aws.eks`,
 * `detail-type: AWS API Call via CloudTrail`). CreateCluster of a cluster in the fleet reconciles just that
 * cluster. DeleteCluster is a hint, not proof — a direct invoke can carry the same body — so it releases
 * the cluster's records (sync deletes them, upsert-only and create-only keep them: the planner's policy
 * decides) only once DescribeCluster, in the event's account and region, answers that the cluster is
 * gone or DELETING. A call that failed (`detail.errorCode`), a cluster outside the fleet (by name,
 * region and account) or a deletion EKS does not confirm is ignored, and says why.
 */

const tags = z.record(z.string(), z.string());

const cloudTrailEksEvent = z.looseObject({
  source: z.literal('aws.eks'),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  // EventBridge's own: the account and region the call was made in, kept when a member account's rule
  // forwards the event to the central bus.
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: z.looseObject({
    eventSource: z.optional(z.literal('eks.amazonaws.com')),
    eventName: z.string().check(z.minLength(1)),
    awsRegion: z.string().check(z.minLength(1)),
    recipientAccountId: z.optional(z.string()),
    errorCode: z.optional(z.string()),
    errorMessage: z.optional(z.string()),
    // CloudTrail logs the request as sent (`name`; the guide's 2018 example shows `clusterName`) and
    // the answer's cluster (`name`, `tags`); either may be null.
    requestParameters: z.nullish(
      z.looseObject({
        name: z.optional(z.string()),
        clusterName: z.optional(z.string()),
        tags: z.optional(tags),
      }),
    ),
    responseElements: z.nullish(
      z.looseObject({
        cluster: z.nullish(z.looseObject({ name: z.optional(z.string()), tags: z.optional(tags) })),
      }),
    ),
  }),
});

export interface IgnoredEvent {
  ignored: true;
  reason: string;
}

/**
 * What a lifecycle event asks for. A DeleteCluster yields a `cluster-deleted` request without
 * `release`: only the handler, once EKS confirms, adds it.
 */
export type LifecycleDecision =
  | { request: ReconcileRequest; cluster: ClusterConfig; account: string }
  | IgnoredEvent;

/** The EKS call an event reports: which cluster, where, and in which account. */
export interface LifecycleCall {
  eventName: 'CreateCluster' | 'DeleteCluster';
  name: string;
  region: string;
  account: string;
  tags?: Record<string, string>;
}

/** The call a lifecycle event reports, or why it asks for nothing, whatever the fleet. */
export function lifecycleCall(event: unknown): LifecycleCall | IgnoredEvent {
  const { detail, account, region } = parseEvent(cloudTrailEksEvent, event, 'event');
  const { eventName } = detail;
  if (eventName !== 'CreateCluster' && eventName !== 'DeleteCluster') {
    return { ignored: true, reason: `EKS ${eventName} is not a cluster lifecycle call` };
  }
  if (detail.errorCode) {
    return { ignored: true, reason: `EKS ${eventName} failed (${detail.errorCode}); nothing changed` };
  }
  const name =
    detail.requestParameters?.name ??
    detail.requestParameters?.clusterName ??
    detail.responseElements?.cluster?.name;
  if (!name) {
    throw new InvalidEventError('event.detail.requestParameters.name: expected string', [
      { path: 'detail.requestParameters.name', message: 'expected string' },
    ]);
  }
  const clusterAccount = detail.recipientAccountId ?? account;
  if (!clusterAccount) {
    return { ignored: true, reason: `EKS ${eventName} of ${name}: the event names no account` };
  }
  if (account && detail.recipientAccountId && account !== detail.recipientAccountId) {
    return {
      ignored: true,
      reason: `EKS ${eventName} of ${name}: the event's account ${account} and its recipientAccountId ${detail.recipientAccountId} differ`,
    };
  }
  if (region && region !== detail.awsRegion) {
    return {
      ignored: true,
      reason: `EKS ${eventName} of ${name}: the event's region ${region} and its awsRegion ${detail.awsRegion} differ`,
    };
  }
  const tags = detail.responseElements?.cluster?.tags ?? detail.requestParameters?.tags;
  return { eventName, name, region: detail.awsRegion, account: clusterAccount, ...(tags ? { tags } : {}) };
}

/**
 * What a lifecycle call asks of the pass, given the fleet `config` describes and the account the
 * reconciler runs in (where a cluster listed without `account` lives).
 */
export function lifecycleDecision(
  call: LifecycleCall,
  config: Config,
  homeAccount: string,
): LifecycleDecision {
  const { eventName, name, region, account } = call;
  const member = fleetMember(config, call, homeAccount);
  const where = `${name} in ${region} (account ${account})`;
  if (!member) return { ignored: true, reason: `cluster ${where} is not part of the fleet` };
  const trigger = eventName === 'CreateCluster' ? 'cluster-created' : 'cluster-deleted';
  return {
    request: { trigger, clusters: [name], reason: `EKS ${eventName} ${where}` },
    cluster: member,
    account,
  };
}

/** `lifecycleCall` then `lifecycleDecision`: what an event asks of the pass. */
export function lifecycleRequest(event: unknown, config: Config, homeAccount: string): LifecycleDecision {
  const call = lifecycleCall(event);
  return 'ignored' in call ? call : lifecycleDecision(call, config, homeAccount);
}

/** Counted each time a DeleteCluster is not confirmed by EKS: a forged event, or one that came early. */
export const UNCONFIRMED_DELETION_METRIC = 'UnconfirmedClusterDeletions';

export function createClusterLifecycleHandler(depsFn: () => ReconcileDeps) {
  return async (event: unknown): Promise<PassResult | IgnoredEvent> => {
    const deps = depsFn();
    const ignore = (reason: string, warn = false): IgnoredEvent => {
      if (warn) deps.log.warn('cluster lifecycle event ignored', { reason });
      else deps.log.info('cluster lifecycle event ignored', { reason });
      return { ignored: true, reason };
    };
    const call = lifecycleCall(event); // a malformed event is refused, an irrelevant one ignored, before any call
    if ('ignored' in call) return ignore(call.reason);
    let homeAccount: string;
    try {
      homeAccount = await homeAccountId(deps.aws);
    } catch (err) {
      // Without it no cluster's account is known: decide nothing on this event.
      return ignore(`the reconciler's own account is unknown (${errorMessage(err)})`, true);
    }
    const decision = lifecycleDecision(call, deps.config, homeAccount);
    if ('ignored' in decision) return ignore(decision.reason);
    if (decision.request.trigger === 'cluster-created') {
      // CloudTrail reports CreateCluster when creation starts; the API server comes some minutes later.
      const creating = await stillCreating(decision.cluster, deps);
      if (creating) return ignore(creating.reason);
      return reconcile(decision.request, deps);
    }
    const check = await confirmClusterDeleted(
      decision.cluster,
      { account: decision.account, homeAccount },
      deps.aws,
      { clock: deps.clock },
    );
    if (!check.confirmed) {
      deps.metrics?.addMetric(UNCONFIRMED_DELETION_METRIC, MetricUnit.Count, 1);
      return ignore(check.reason, true);
    }
    return reconcile({ ...decision.request, release: check.release }, deps);
  };
}

async function stillCreating(cluster: ClusterConfig, deps: ReconcileDeps): Promise<IgnoredEvent | undefined> {
  let status: string | undefined;
  try {
    status = await clusterStatus(cluster, deps.aws, { clock: deps.clock });
  } catch (err) {
    // The pass describes the cluster again and reports what is wrong; don't decide on a guess here.
    deps.log.warn('cluster status unknown', { cluster: cluster.name, error: errorMessage(err) });
    return undefined;
  }
  if (status !== 'CREATING') return undefined;
  return {
    ignored: true,
    reason: `cluster ${cluster.name} is still CREATING; the scheduled pass reconciles it once it is ACTIVE`,
  };
}
