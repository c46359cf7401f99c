import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsOptions } from '@aws-lambda-powertools/metrics/types';
import { certificateMetrics } from '../certificates/telemetry.js';
import type { PassResult } from '../pass.js';
import type { Route53Usage } from './api-usage.js';

export const METRICS_NAMESPACE = 'EdgeReconciler';
export const SERVICE_NAME = 'edge-reconciler';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Where a pass's metrics go. Powertools' `Metrics` is one; in Lambda middy's `logMetrics` flushes it. */
export interface MetricsSink {
  addMetric(name: string, unit: Unit, value: number): unknown;
  /**
   * A metric with its own dimensions, published at once (Powertools' `singleMetric`); a sink without it
   * gets only the metrics without dimensions.
   */
  singleMetric?(): DimensionedSink;
}

export interface DimensionedSink {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: Unit, value: number): unknown;
}

/** The pass as the report reads it: the fields the pass adds for the report are optional until it does. */
export type ReportedPass = PassResult & {
  /** Route 53 requests this pass made (every attempt) and how many were throttled, per account too. */
  route53?: Route53Usage;
  /** Why the pass ran, as its trigger said (an operator's `reason`, the EKS call, ...). */
  reason?: string;
};

export interface PassCounts {
  created: number;
  updated: number;
  deleted: number;
}

/**
 * Record changes by what happened to a record: CREATE, UPSERT (an update), DELETE. Ownership TXT records
 * travel with their records and are not counted again.
 */
export function countChanges(changes: PassResult['changes']): PassCounts {
  const counts: PassCounts = { created: 0, updated: 0, deleted: 0 };
  for (const c of changes) {
    if (c.ownership) continue;
    if (c.action === 'CREATE') counts.created++;
    else if (c.action === 'UPSERT') counts.updated++;
    else if (c.action === 'DELETE') counts.deleted++;
  }
  return counts;
}

export function failedClusters(result: PassResult): string[] {
  return result.clusters.filter((c) => c.status === 'failed').map((c) => c.name);
}

export function conflictCount(result: PassResult): number {
  return result.warnings.filter((w) => w.code === 'conflict').length;
}

export interface MetricPoint {
  name: string;
  unit: Unit;
  value: number;
  /** Dimensions of its own (`Account` of a per-account Route 53 count); none for the pass's totals. */
  dimensions?: Record<string, string>;
}

/**
 * The metrics of one pass, names as in the contract. A dry run changes nothing, so its record counts are
 * zero: dashboards sum what was done, not what was planned.
 */
export function passMetrics(result: ReportedPass): MetricPoint[] {
  const counts = result.dryRun ? { created: 0, updated: 0, deleted: 0 } : countChanges(result.changes);
  const count = (name: string, value: number): MetricPoint => ({ name, unit: MetricUnit.Count, value });
  const points: MetricPoint[] = [
    count('PassCompleted', 1),
    count('PassFailed', result.errors.length > 0 ? 1 : 0),
    { name: 'PassDuration', unit: MetricUnit.Milliseconds, value: result.durationMs },
    count('RecordsCreated', counts.created),
    count('RecordsUpdated', counts.updated),
    count('RecordsDeleted', counts.deleted),
    count('Conflicts', conflictCount(result)),
    count('HeldDeletions', result.heldDeletions),
    count('RefusedChanges', result.refusedChanges?.length ?? 0),
    count('FailedClusters', failedClusters(result).length),
  ];
  if (result.route53) {
    points.push(
      count('Route53Calls', result.route53.calls),
      count('Route53Throttles', result.route53.throttles),
    );
    // Route 53 throttles each account apart: each one's calls and throttles, dimension Account.
    for (const [account, usage] of Object.entries(result.route53.accounts ?? {})) {
      const dimensions = { Account: account };
      points.push(
        { ...count('Route53Calls', usage.calls), dimensions },
        { ...count('Route53Throttles', usage.throttles), dimensions },
      );
    }
  }
  if (result.certificates) {
    for (const [name, value] of Object.entries(certificateMetrics(result.certificates))) {
      points.push(count(name, value));
    }
  }
  return points;
}

export function recordPassMetrics(sink: MetricsSink, result: ReportedPass): void {
  for (const p of passMetrics(result)) {
    if (!p.dimensions) {
      sink.addMetric(p.name, p.unit, p.value);
      continue;
    }
    const single = sink.singleMetric?.();
    if (!single) continue;
    for (const [name, value] of Object.entries(p.dimensions)) single.addDimension(name, value);
    single.addMetric(p.name, p.unit, p.value);
  }
}

/**
 * Powertools metrics whose EMF documents go to `write` instead of stdout: the CLI sends them to stderr
 * (stdout carries `--json`), tests keep them. The documents are the ones CloudWatch would ingest.
 */
export class EmfMetrics extends Metrics {
  constructor(
    private readonly write: (emf: string) => void,
    private readonly options: MetricsOptions = {},
  ) {
    super({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME, ...options });
  }

  /** As Powertools' own, but its document goes to `write` too. */
  override singleMetric(): EmfMetrics {
    return new EmfMetrics(this.write, { ...this.options, singleMetric: true });
  }

  override publishStoredMetrics(): this {
    try {
      if (this.hasStoredMetrics()) this.write(JSON.stringify(this.serializeMetrics()));
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
    return this;
  }
}
