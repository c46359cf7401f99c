import { emptyCertificatesOutcome } from '../../../shared/certificates/reconcile.js';
import type { ReportedPass } from '../../../shared/telemetry/metrics.js';

/** A scheduled, applied pass that found nothing to do; tests override the fields they check. */
export function reportedPass(over: Partial<ReportedPass> = {}): ReportedPass {
  return {
    passId: 'p-1',
    trigger: 'schedule',
    dryRun: false,
    startedAt: '2026-11-23T10:00:00.000Z',
    durationMs: 42,
    changes: [],
    recordChanges: [],
    clusters: [],
    errors: [],
    warnings: [],
    filtered: [],
    heldDeletions: 0,
    tlsHosts: [],
    certificates: emptyCertificatesOutcome(false, false),
    ...over,
  };
}
