import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyCertificatesOutcome } from '../../../shared/certificates/reconcile.js';
import { passError } from '../../../shared/errors.js';
import type { ChangeOutcome } from '../../../shared/reconcile.js';
import {
  countChanges,
  EmfMetrics,
  passMetrics,
  type ReportedPass,
  recordPassMetrics,
} from '../../../shared/telemetry/metrics.js';
import { reportedPass } from './reported-pass.js';

const change = (action: ChangeOutcome['action'], type: string, name = 'a.example.com.'): ChangeOutcome => ({
  zone: 'example.com.',
  action,
  name,
  type,
});
/** The ownership TXT the registry writes or deletes with a record. */
const ownershipChange = (action: ChangeOutcome['action']): ChangeOutcome => ({
  ...change(action, 'TXT', 'a-a.example.com.'),
  ownership: true,
});

describe('countChanges', () => {
  it.each([
    ['nothing', [], { created: 0, updated: 0, deleted: 0 }],
    [
      'a record and its ownership TXT',
      [change('CREATE', 'A'), ownershipChange('CREATE')],
      { created: 1, updated: 0, deleted: 0 },
    ],
    [
      'an update',
      [change('UPSERT', 'CNAME'), ownershipChange('UPSERT')],
      { created: 0, updated: 1, deleted: 0 },
    ],
    [
      'a mix',
      [change('DELETE', 'AAAA'), change('DELETE', 'A'), ownershipChange('DELETE'), change('CREATE', 'A')],
      { created: 1, updated: 0, deleted: 2 },
    ],
  ])('%s', (_, changes, expected) => {
    expect(countChanges(changes)).toEqual(expected);
  });

  it('counts every change but the ownership TXTs exactly once', () => {
    const arb = fc.array(
      fc.record({
        action: fc.constantFrom('CREATE' as const, 'UPSERT' as const, 'DELETE' as const),
        type: fc.constantFrom('A', 'AAAA', 'CNAME', 'TXT'),
        ownership: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(arb, (cs) => {
        const counts = countChanges(
          cs.map((c) => (c.ownership ? ownershipChange(c.action) : change(c.action, c.type))),
        );
        const records = cs.filter((c) => !c.ownership);
        expect(counts.created + counts.updated + counts.deleted).toBe(records.length);
        expect(counts.deleted).toBe(records.filter((c) => c.action === 'DELETE').length);
      }),
    );
  });
});

describe('passMetrics', () => {
  const byName = (r: ReportedPass) => Object.fromEntries(passMetrics(r).map((p) => [p.name, p.value]));

  it('a clean pass', () => {
    expect(byName(reportedPass({ changes: [change('CREATE', 'A'), ownershipChange('CREATE')] }))).toEqual({
      CertificatesPendingTooLong: 0,
      CertificatesExpiringSoon: 0,
      CertificatesFailed: 0,
      CertificatesRenewalAtRisk: 0,
      PassCompleted: 1,
      PassFailed: 0,
      PassDuration: 42,
      RecordsCreated: 1,
      RecordsUpdated: 0,
      RecordsDeleted: 0,
      Conflicts: 0,
      HeldDeletions: 0,
      RefusedChanges: 0,
      FailedClusters: 0,
    });
  });

  it('a pass with errors, conflicts, held deletions, failed clusters, Route 53 usage and certificates', () => {
    const metrics = byName(
      reportedPass({
        errors: [passError('cluster-failed', 'cluster b: DescribeCluster failed', { cluster: 'b' })],
        clusters: [
          { name: 'a', status: 'ok', endpoints: 2 },
          { name: 'b', status: 'failed', endpoints: 0, error: 'x' },
        ],
        warnings: [
          { code: 'conflict', message: 'x' },
          { code: 'conflict', message: 'y' },
          { code: 'no-zone', message: 'z' },
        ],
        heldDeletions: 3,
        refusedChanges: [
          {
            zone: 'example.com',
            zoneId: 'Z1',
            action: 'CREATE',
            name: 'x.example.com',
            type: 'A',
            owner: 'a',
            code: 'AccessDenied',
            message: 'no',
          },
        ],
        route53: { calls: 7, throttles: 2 },
        certificates: {
          ...emptyCertificatesOutcome(true, false),
          counts: { pendingTooLong: 1, expiringSoon: 2, failed: 3, renewalAtRisk: 4 },
        },
      }),
    );
    expect(metrics).toMatchObject({
      PassFailed: 1,
      Conflicts: 2,
      HeldDeletions: 3,
      RefusedChanges: 1,
      FailedClusters: 1,
      Route53Calls: 7,
      Route53Throttles: 2,
      CertificatesPendingTooLong: 1,
      CertificatesExpiringSoon: 2,
      CertificatesFailed: 3,
      CertificatesRenewalAtRisk: 4,
    });
  });

  it('a dry run reports the pass but no record changes', () => {
    const metrics = byName(
      reportedPass({ dryRun: true, changes: [change('CREATE', 'A'), change('DELETE', 'A')] }),
    );
    expect(metrics).toMatchObject({ PassCompleted: 1, RecordsCreated: 0, RecordsDeleted: 0 });
  });
});

describe('EmfMetrics', () => {
  it('writes one EMF document per flush to its sink, in the contract namespace and dimension', () => {
    const docs: string[] = [];
    const metrics = new EmfMetrics((d) => docs.push(d));
    recordPassMetrics(metrics, reportedPass({ changes: [change('UPSERT', 'A')] }));
    expect(docs).toEqual([]);
    metrics.publishStoredMetrics();
    metrics.publishStoredMetrics(); // nothing stored: nothing written

    expect(docs).toHaveLength(1);
    const doc = JSON.parse(docs[0] as string);
    expect(doc._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'EdgeReconciler',
        Dimensions: [['service']],
        Metrics: expect.arrayContaining([
          { Name: 'PassCompleted', Unit: 'Count' },
          { Name: 'PassDuration', Unit: 'Milliseconds' },
          { Name: 'RecordsUpdated', Unit: 'Count' },
        ]),
      },
    ]);
    expect(doc).toMatchObject({ service: 'edge-reconciler', PassCompleted: 1, RecordsUpdated: 1 });
  });
});
