import type { AwsClients } from '../aws-clients.js';
import { type Clock, systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { errorMessage } from '../errors.js';
import type { Log } from '../log.js';
import { failedClusters, type MetricsSink, type ReportedPass, recordPassMetrics } from './metrics.js';
import { passEvents, passSummary, publishEvents } from './summary-event.js';

export interface ReportDeps {
  config: Config;
  aws: AwsClients;
  log: Log;
  clock?: Clock;
  /** Absent: no metrics (a CLI run without a sink). */
  metrics?: MetricsSink;
}

export interface ReportOutcome {
  /** EventBridge ids of the events published (the summary's first); empty when disabled or refused. */
  eventIds: string[];
}

/**
 * Step 5 of the pass: one structured log line, the EMF metrics, the "Reconcile Completed" event and one
 * event per certificate in a bad state. Reporting never fails a pass: events EventBridge refuses are
 * logged, and the records stay changed.
 */
export async function reportPass(result: ReportedPass, deps: ReportDeps): Promise<ReportOutcome> {
  const { config, log } = deps;
  const summary = passSummary(result);
  // One line per record changed (or planned) and per warning, so Logs Insights finds one name's history;
  // ownership TXT records are left out, as from the counts, so the lines add up to `counts`.
  for (const { zone, action, endpoint: e, ownership } of result.recordChanges) {
    if (ownership) continue;
    log.info('record change', {
      passId: result.passId,
      dryRun: result.dryRun,
      zone,
      action,
      name: `${e.dnsName}.`,
      type: e.recordType,
      ...(e.setIdentifier ? { setIdentifier: e.setIdentifier } : {}),
      ...(e.labels.owner ? { owner: e.labels.owner } : {}),
      ...(e.labels.resource ? { resource: e.labels.resource } : {}),
    });
  }
  for (const warning of result.warnings) log.warn('pass warning', { passId: result.passId, ...warning });
  log.info('pass complete', {
    passId: result.passId,
    trigger: result.trigger,
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    dryRun: result.dryRun,
    durationMs: result.durationMs,
    counts: summary.counts,
    clusters: result.clusters.map((c) => ({
      cluster: c.name,
      status: c.status,
      endpoints: c.endpoints,
      ...(c.error ? { error: c.error } : {}),
    })),
    failedClusters: failedClusters(result),
    conflicts: summary.conflicts,
    heldDeletions: result.heldDeletions,
    ...(result.refusedChanges?.length ? { refusedChanges: result.refusedChanges } : {}),
    warnings: result.warnings.length,
    errors: summary.errors,
    ...(result.route53 ? { route53: result.route53 } : {}),
    ...(summary.certificates ? { certificates: summary.certificates } : {}),
  });

  if (deps.metrics) recordPassMetrics(deps.metrics, result);

  // A dry run writes nothing anywhere: its outcome is the result and the log line above.
  if (!config.events.enabled || result.dryRun) return { eventIds: [] };
  try {
    const eventIds = await publishEvents(passEvents(result), {
      events: deps.aws.eventBridge(),
      busName: config.events.busName,
      time: (deps.clock ?? systemClock)(),
    });
    return { eventIds };
  } catch (err) {
    log.error('pass events not published', {
      passId: result.passId,
      busName: config.events.busName,
      error: errorMessage(err),
    });
    return { eventIds: [] };
  }
}
