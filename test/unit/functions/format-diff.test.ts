import { describe, expect, it } from 'vitest';
import { formatDiff } from '../../../functions/cli/operate.js';
import { emptyCertificatesOutcome } from '../../../shared/certificates/reconcile.js';
import type { PassResult } from '../../../shared/pass.js';

/** `plan`'s diff: every zone the pass changes appears, a zone that changes only health checks too. */

function pass(over: Partial<PassResult>): PassResult {
  return {
    passId: 'p',
    trigger: 'manual',
    dryRun: true,
    startedAt: '2026-12-03T06:00:00.000Z',
    durationMs: 1,
    changes: [],
    recordChanges: [],
    clusters: [{ name: 'prod-eu', status: 'ok', endpoints: 0 }],
    errors: [],
    warnings: [],
    filtered: [],
    heldDeletions: 0,
    tlsHosts: [],
    certificates: emptyCertificatesOutcome(false, true),
    ...over,
  };
}

describe('formatDiff', () => {
  it('says there is nothing to change when nothing changes', () => {
    expect(formatDiff(pass({}))).toContain('No changes.');
  });

  it('a zone whose only change is a health check left behind is shown with it', () => {
    const text = formatDiff(
      pass({
        healthChecks: [
          { zone: 'example.com.', action: 'DELETE', member: 'api.example.com A [prod-us]', id: 'hc-1' },
        ],
      }),
    );
    expect(text).not.toContain('No changes.');
    expect(text).toContain(
      'zone example.com.\n  health check would be deleted for api.example.com A [prod-us]: hc-1',
    );
  });
});
