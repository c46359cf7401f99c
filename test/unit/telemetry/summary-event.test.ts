import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyCertificatesOutcome } from '../../../shared/certificates/reconcile.js';
import { passError } from '../../../shared/errors.js';
import type { ReportedPass } from '../../../shared/telemetry/metrics.js';
import { passEvents, passSummary, SUMMARY_MAX_ERRORS } from '../../../shared/telemetry/summary-event.js';
import { reportedPass } from './reported-pass.js';

/** A manual dry run: the summary must say so. */
function pass(over: Partial<ReportedPass> = {}): ReportedPass {
  return reportedPass({
    trigger: 'manual',
    dryRun: true,
    durationMs: 5,
    certificates: emptyCertificatesOutcome(false, true),
    ...over,
  });
}

describe('passSummary', () => {
  it('carries the contract fields', () => {
    expect(
      passSummary(
        pass({
          changes: [
            { zone: 'example.com.', action: 'CREATE', name: 'a.example.com.', type: 'A' },
            {
              zone: 'example.com.',
              action: 'CREATE',
              name: 'a-a.example.com.',
              type: 'TXT',
              ownership: true,
            },
          ],
          clusters: [
            { name: 'ok', status: 'ok', endpoints: 1 },
            { name: 'down', status: 'failed', endpoints: 0, error: 'unreachable' },
          ],
          warnings: [{ code: 'conflict', message: 'a.example.com is owned by another cluster' }],
          heldDeletions: 2,
          errors: [passError('cluster-failed', 'cluster down: unreachable', { cluster: 'down' })],
        }),
      ),
    ).toEqual({
      passId: 'p-1',
      trigger: 'manual',
      dryRun: true,
      counts: { created: 1, updated: 0, deleted: 0 },
      failedClusters: ['down'],
      conflicts: 1,
      heldDeletions: 2,
      errors: ['cluster down: unreachable'],
    });
  });

  it('includes the certificate summary when the certificate stage ran', () => {
    const certificates = {
      ...emptyCertificatesOutcome(true, false),
      counts: { pendingTooLong: 0, expiringSoon: 1, failed: 0, renewalAtRisk: 0 },
    };
    expect(passSummary(pass({ certificates })).certificates).toMatchObject({ expiringSoon: 1, requested: 0 });
    expect(passSummary(pass())).not.toHaveProperty('certificates');
  });

  it('keeps the first errors, each bounded, so the event stays small', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3000 }), { maxLength: 60 }), (errors) => {
        const summary = passSummary(pass({ errors: errors.map((e) => passError('zone-failed', e)) }));
        expect(summary.errors).toHaveLength(Math.min(errors.length, SUMMARY_MAX_ERRORS));
        summary.errors.forEach((e, i) => {
          expect(e.length).toBeLessThanOrEqual(1000);
          expect(errors[i]?.startsWith(e.endsWith('…') ? e.slice(0, -1) : e)).toBe(true);
        });
        expect(JSON.stringify(summary).length).toBeLessThan(256 * 1024);
      }),
    );
  });

  it('the summary comes first, then one event per certificate in a bad state, each with the pass id', () => {
    const certificates = {
      ...emptyCertificatesOutcome(true, false),
      failed: [{ arn: 'arn:1', region: 'eu-central-1', names: ['a.example.com'], reason: 'CAA', attempt: 1 }],
      expiring: [{ arn: 'arn:2', region: 'eu-central-1', names: ['b.example.com'], ours: true, daysLeft: 9 }],
    };
    const events = passEvents(pass({ certificates }));
    expect(events.map((e) => e.detailType)).toEqual([
      'Reconcile Completed',
      'Certificate Request Failed',
      'Certificate Expiring',
    ]);
    expect(events.every((e) => e.detail.passId === 'p-1')).toBe(true);
    expect(events[2]?.detail).toMatchObject({ arn: 'arn:2', daysLeft: 9 });
  });
});
