import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { certificateEvents, certificateSummary } from '../certificates/telemetry.js';
import { errorLines } from '../errors.js';
import {
  conflictCount,
  countChanges,
  failedClusters,
  type PassCounts,
  type ReportedPass,
} from './metrics.js';

export const EVENT_SOURCE = 'edge-reconciler';
export const SUMMARY_DETAIL_TYPE = 'Reconcile Completed';
/** Enough to act on; the rest is in the pass's log line. Keeps the entry far below EventBridge's 256 KiB. */
export const SUMMARY_MAX_ERRORS = 20;
const MAX_ERROR_CHARS = 1_000;
/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_PUT = 10;

/** The `detail` of the "Reconcile Completed" event: what a rule or a subscriber acts on. */
export interface PassSummary {
  passId: string;
  trigger: string;
  dryRun: boolean;
  /** Record changes made (or, in a dry run, planned), ownership TXT records not counted. */
  counts: PassCounts;
  failedClusters: string[];
  conflicts: number;
  heldDeletions: number;
  /** The first errors of the pass, each cut to 1,000 characters. */
  errors: string[];
  /** When the certificate stage ran. */
  certificates?: ReturnType<typeof certificateSummary>;
}

export function passSummary(result: ReportedPass): PassSummary {
  return {
    passId: result.passId,
    trigger: result.trigger,
    dryRun: result.dryRun,
    counts: countChanges(result.changes),
    failedClusters: failedClusters(result),
    conflicts: conflictCount(result),
    heldDeletions: result.heldDeletions,
    errors: errorLines(result.errors.slice(0, SUMMARY_MAX_ERRORS)).map((e) =>
      e.length > MAX_ERROR_CHARS ? `${e.slice(0, MAX_ERROR_CHARS - 1)}…` : e,
    ),
    ...(result.certificates?.enabled ? { certificates: certificateSummary(result.certificates) } : {}),
  };
}

export interface PassEvent {
  detailType: string;
  detail: Record<string, unknown>;
}

/** The pass's events: its summary first, then one per certificate in a bad state (each with the pass id). */
export function passEvents(result: ReportedPass): PassEvent[] {
  const summary = passSummary(result);
  const certificates = result.certificates ? certificateEvents(result.certificates) : [];
  return [
    { detailType: SUMMARY_DETAIL_TYPE, detail: { ...summary } },
    ...certificates.map((e) => ({
      detailType: e.detailType,
      detail: { passId: result.passId, ...e.detail },
    })),
  ];
}

export class EventsNotPublishedError extends Error {
  override name = 'EventsNotPublishedError';
}

/**
 * Puts the events on the bus, ten per call, in order. Returns the event ids; throws naming every entry
 * EventBridge refused (after trying all of them), so the caller can log it.
 */
export async function publishEvents(
  events: readonly PassEvent[],
  target: { events: EventBridgeClient; busName: string; time: Date },
): Promise<string[]> {
  const ids: string[] = [];
  const refused: string[] = [];
  for (let i = 0; i < events.length; i += ENTRIES_PER_PUT) {
    const batch = events.slice(i, i + ENTRIES_PER_PUT);
    const entries: PutEventsRequestEntry[] = batch.map((e) => ({
      Source: EVENT_SOURCE,
      DetailType: e.detailType,
      Detail: JSON.stringify(e.detail),
      EventBusName: target.busName,
      Time: target.time,
    }));
    const out = await target.events.send(new PutEventsCommand({ Entries: entries }));
    batch.forEach((e, j) => {
      const entry = out.Entries?.[j];
      if (entry?.EventId) ids.push(entry.EventId);
      else
        refused.push(`${e.detailType}: ${entry?.ErrorCode ?? 'no event id'}: ${entry?.ErrorMessage ?? ''}`);
    });
  }
  if (refused.length > 0) throw new EventsNotPublishedError(refused.join('; '));
  return ids;
}
