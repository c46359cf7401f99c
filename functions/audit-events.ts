import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type ClusterTouch, coalesce } from '../shared/audit/coalesce.js';
import { type DecodeResult, type Dropped, decodeSubscription } from '../shared/audit/decode.js';
import {
  type ForwardedAuditEvent,
  forwardedAuditEvent,
  isForwardedAudit,
} from '../shared/audit/forwarded.js';
import { DEFAULT_ANNOTATION_PREFIXES } from '../shared/audit/hostnames.js';
import { homeAccountId } from '../shared/aws-accounts.js';
import { fleetMember } from '../shared/clusters/discover.js';
import { errorMessage } from '../shared/errors.js';
import {
  type PassResult,
  type ReconcileDeps,
  type ReconcileRequest,
  reconcile,
} from '../shared/reconcile.js';
import type { MetricsSink } from '../shared/telemetry/metrics.js';
import { parseEvent } from './middleware.js';

/**
 * The audit-log trigger: a CloudWatch Logs subscription on an EKS cluster's audit log group delivers
 * batches of API server audit events; the writes to objects we read become one partial pass per
 * cluster, reading only the names those objects publish (or published). Clusters of member accounts
 * arrive the same way through the central bus (shared/audit/forwarded.ts). A payload that is not an
 * audit batch is dropped and counted, never retried: retrying cannot make it decode.
 */

export interface AuditPassSummary {
  cluster: string;
  /** Whether the events bounded the pass to `touched`, or it read everything the cluster owns. */
  scope: 'touched' | 'cluster';
  objects: number;
  names: number;
  unbounded: string[];
}

export interface AuditEventsSummary {
  passes: PassResult[];
  touched: AuditPassSummary[];
  dropped: Dropped[];
  /** Audit events that change nothing we publish (reads, other kinds, failed writes, ...). */
  ignored: number;
}

/** `metrics`, when given, gets `AuditEventsDropped` (the pass's own metrics are the report's). */
export type AuditEventsDeps = ReconcileDeps & { metrics?: MetricsSink };

export function createAuditEventsHandler(depsFn: () => AuditEventsDeps) {
  return async (event: unknown): Promise<AuditEventsSummary> => {
    const deps = depsFn();
    const forwarded = isForwardedAudit(event) ? await fromMemberAccount(event, deps) : undefined;
    const decoded: DecodeResult = forwarded
      ? 'dropped' in forwarded
        ? { control: false, dropped: [forwarded.dropped] }
        : forwarded.decoded
      : decodeSubscription(event);
    const dropped = [...decoded.dropped];
    const summary: AuditEventsSummary = { passes: [], touched: [], dropped, ignored: 0 };

    if (decoded.batch) {
      const { config } = deps;
      const { cluster } = decoded.batch;
      // A discovered cluster is not listed; the pass's own fleet resolution decides whether it is ours,
      // and reports `cluster X: not in the fleet` when it is not. A forwarded batch was matched by
      // name, region and account already.
      const mayBeInFleet =
        forwarded || config.clusters.some((c) => c.name === cluster) || config.clusterDiscovery;
      if (!mayBeInFleet) {
        dropped.push({
          reason: `cluster ${cluster} is not in the configuration`,
          logGroup: decoded.batch.logGroup,
          logStream: decoded.batch.logStream,
        });
      } else {
        const prefixes = [...new Set([config.annotationPrefix, ...DEFAULT_ANNOTATION_PREFIXES])];
        const { touches, ignored } = coalesce([decoded.batch], { annotationPrefixes: prefixes, config });
        summary.ignored = Object.values(ignored).reduce((a, b) => a + (b ?? 0), 0);
        for (const touch of touches) {
          summary.touched.push(passSummary(touch));
          summary.passes.push(await reconcile(requestFor(touch), deps));
        }
      }
    }

    for (const d of dropped) deps.log.warn('audit payload dropped', { ...d });
    if (dropped.length > 0) deps.metrics?.addMetric('AuditEventsDropped', MetricUnit.Count, dropped.length);
    if (decoded.control) deps.log.debug('CloudWatch Logs control message');
    return summary;
  };
}

/**
 * A delivery a member account's forwarder put on the central bus: its shape checked (a bad one is dropped
 * naming the field), the log group's owner the sending account, and its cluster in the fleet by name,
 * region and account — a same-named cluster elsewhere is not ours.
 */
async function fromMemberAccount(
  event: unknown,
  deps: AuditEventsDeps,
): Promise<{ decoded: DecodeResult } | { dropped: Dropped }> {
  let envelope: ForwardedAuditEvent;
  try {
    envelope = parseEvent(forwardedAuditEvent, event, 'event');
  } catch (err) {
    return { dropped: { reason: `forwarded audit event refused: ${(err as Error).message}` } };
  }
  const decoded = decodeSubscription({ awslogs: envelope.detail.awslogs });
  const batch = decoded.batch;
  if (!batch) return { decoded };
  const where = { logGroup: batch.logGroup, logStream: batch.logStream };
  if (batch.owner !== envelope.account) {
    return {
      dropped: {
        reason: `event.detail.awslogs: the log group's owner ${batch.owner} is not the sending account ${envelope.account}`,
        ...where,
      },
    };
  }
  let homeAccount: string;
  try {
    homeAccount = await homeAccountId(deps.aws);
  } catch (err) {
    return {
      dropped: { reason: `the reconciler's own account is unknown (${errorMessage(err)})`, ...where },
    };
  }
  const cluster = { name: batch.cluster, region: envelope.detail.region, account: envelope.account };
  if (!fleetMember(deps.config, cluster, homeAccount)) {
    return {
      dropped: {
        reason: `cluster ${cluster.name} in ${cluster.region} (account ${cluster.account}) is not part of the fleet`,
        ...where,
      },
    };
  }
  return { decoded };
}

function requestFor(touch: ClusterTouch): ReconcileRequest {
  const base = { trigger: 'audit' as const, clusters: [touch.cluster] };
  if (touch.unbounded.length > 0) {
    const more = touch.unbounded.length > 1 ? ` (and ${touch.unbounded.length - 1} more)` : '';
    return { ...base, reason: `audit, whole cluster: ${touch.unbounded[0]}${more}` };
  }
  return {
    ...base,
    reason: `audit: ${touch.writes} write(s) to ${touch.objects.length} object(s)`,
    touched: { objects: touch.objects, names: touch.names },
  };
}

function passSummary(touch: ClusterTouch): AuditPassSummary {
  return {
    cluster: touch.cluster,
    scope: touch.unbounded.length > 0 ? 'cluster' : 'touched',
    objects: touch.objects.length,
    names: touch.names.length,
    unbounded: touch.unbounded,
  };
}
