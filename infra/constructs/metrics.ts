import type { Duration } from 'aws-cdk-lib';
import { Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';

/** The pass's EMF metrics (functions → Powertools Metrics): one namespace, one `service` dimension. */
export const METRIC_NAMESPACE = 'EdgeReconciler';
export const METRIC_DIMENSIONS = { service: 'edge-reconciler' } as const;

export type PassMetricName =
  | 'PassCompleted'
  | 'PassFailed'
  | 'PassDuration'
  | 'RecordsCreated'
  | 'RecordsUpdated'
  | 'RecordsDeleted'
  | 'Conflicts'
  | 'HeldDeletions'
  | 'RefusedChanges'
  | 'UnconfirmedClusterDeletions'
  | 'FailedClusters'
  | 'Route53Calls'
  | 'Route53Throttles'
  | 'AuditEventsDropped'
  | 'CertificatesPendingTooLong'
  | 'CertificatesExpiringSoon'
  | 'CertificatesFailed'
  | 'CertificatesRenewalAtRisk';

export function passMetric(
  name: PassMetricName,
  period: Duration,
  statistic: string = Stats.SUM,
  /** More dimensions: `Account` of the per-account Route 53 counts. */
  dimensions: Record<string, string> = {},
): Metric {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { ...METRIC_DIMENSIONS, ...dimensions },
    period,
    statistic,
  });
}
