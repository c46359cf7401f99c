import * as z from 'zod';
import { clusterStatus, errorMessage, fleetMember } from '../shared/clusters/discover.js';
import type { ClusterConfig, Config } from '../shared/config.js';
import {
  type PassResult,
  type ReconcileDeps,
  type ReconcileRequest,
  reconcile,
} from '../shared/reconcile.js';
import { InvalidEventError, parseEvent } from './middleware.js';
import { lambdaDeps, lambdaHandler } from './runtime.js';

/**
 * EKS cluster lifecycle, from the CloudTrail events EventBridge delivers (`source: aws.eks`,
 * `detail-type: AWS API Call via CloudTrail`). CreateCluster of a cluster in the fleet reconciles just that
 * cluster; DeleteCluster releases its records (sync deletes them, upsert-only and create-only keep them:
 * the planner's policy decides). A call that failed (`detail.errorCode`) or a cluster outside the fleet
 * is ignored, and says why.
 */

const tags = z.record(z.string(), z.string());

const cloudTrailEksEvent = z.looseObject({
  source: z.literal('aws.eks'),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  account: z.string().optional(),
  detail: z.looseObject({
    eventSource: z.literal('eks.amazonaws.com').optional(),
    eventName: z.string().min(1),
    awsRegion: z.string().min(1),
    recipientAccountId: z.string().optional(),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
    // CloudTrail logs the request as sent (`name`; the guide's 2018 example shows `clusterName`) and
    // the answer's cluster (`name`, `tags`); either may be null.
    requestParameters: z
      .looseObject({ name: z.string().optional(), clusterName: z.string().optional(), tags: tags.optional() })
      .nullish(),
    responseElements: z
      .looseObject({
        cluster: z.looseObject({ name: z.string().optional(), tags: tags.optional() }).nullish(),
      })
      .nullish(),
  }),
});

export type ClusterLifecycleEvent = z.infer<typeof cloudTrailEksEvent>;

export interface IgnoredEvent {
  ignored: true;
  reason: string;
}

export type LifecycleDecision = { request: ReconcileRequest; cluster: ClusterConfig } | IgnoredEvent;

/** What a lifecycle event asks of the pass, given the fleet `config` describes. */
export function lifecycleRequest(event: unknown, config: Config): LifecycleDecision {
  const { detail, account } = parseEvent(cloudTrailEksEvent, event, 'event');
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
  const clusterTags = detail.responseElements?.cluster?.tags ?? detail.requestParameters?.tags;
  const clusterAccount = detail.recipientAccountId ?? account;
  const member = fleetMember(config, {
    name,
    region: detail.awsRegion,
    ...(clusterAccount ? { account: clusterAccount } : {}),
    ...(clusterTags ? { tags: clusterTags } : {}),
  });
  const where = `${name} in ${detail.awsRegion}${clusterAccount ? ` (account ${clusterAccount})` : ''}`;
  if (!member) return { ignored: true, reason: `cluster ${where} is not part of the fleet` };
  if (eventName === 'CreateCluster') {
    return {
      request: { trigger: 'cluster-created', clusters: [name], reason: `EKS CreateCluster ${where}` },
      cluster: member,
    };
  }
  return {
    cluster: member,
    request: {
      trigger: 'cluster-deleted',
      clusters: [name],
      release: true,
      reason: `EKS DeleteCluster ${where}`,
    },
  };
}

export function createClusterLifecycleHandler(depsFn: () => ReconcileDeps) {
  return async (event: unknown): Promise<PassResult | IgnoredEvent> => {
    const deps = depsFn();
    const decision = lifecycleRequest(event, deps.config);
    if ('ignored' in decision) {
      deps.log.info('cluster lifecycle event ignored', { reason: decision.reason });
      return decision;
    }
    if (decision.request.trigger === 'cluster-created') {
      // CloudTrail reports CreateCluster when creation starts; the API server comes some minutes later.
      const creating = await stillCreating(decision.cluster, deps);
      if (creating) {
        deps.log.info('cluster lifecycle event ignored', { reason: creating.reason });
        return creating;
      }
    }
    return reconcile(decision.request, deps);
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

export const handler = lambdaHandler(createClusterLifecycleHandler(lambdaDeps));
