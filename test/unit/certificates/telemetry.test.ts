import { describe, expect, it } from 'vitest';
import { emptyCertificatesOutcome } from '../../../shared/certificates/reconcile.js';
import {
  CERTIFICATE_EVENT,
  certificateEvents,
  certificateMetrics,
  certificateSummary,
} from '../../../shared/certificates/telemetry.js';

const names = ['shop.example.com'];

describe('certificate telemetry', () => {
  it('turns each bad state into a metric and an event', () => {
    const o = emptyCertificatesOutcome(true, false);
    o.pending.push(
      { arn: 'p1', region: 'eu-central-1', names, ours: true, ageSeconds: 9000, tooLong: true },
      { arn: 'p2', region: 'eu-central-1', names, ours: true, ageSeconds: 10, tooLong: false },
    );
    o.failed.push({ arn: 'f1', region: 'eu-central-1', names, reason: 'CAA_ERROR', attempt: 2 });
    o.expiring.push({ arn: 'e1', region: 'eu-central-1', names, ours: false, daysLeft: 3 });
    o.renewalAtRisk.push({ arn: 'r1', region: 'eu-central-1', names, hosts: names, resources: ['x'] });
    o.counts = { pendingTooLong: 1, expiringSoon: 1, failed: 1, renewalAtRisk: 1 };

    expect(certificateMetrics(o)).toEqual({
      CertificatesPendingTooLong: 1,
      CertificatesExpiringSoon: 1,
      CertificatesFailed: 1,
      CertificatesRenewalAtRisk: 1,
    });
    expect(certificateEvents(o).map((e) => [e.detailType, e.detail.arn])).toEqual([
      [CERTIFICATE_EVENT.pendingTooLong, 'p1'],
      [CERTIFICATE_EVENT.failed, 'f1'],
      [CERTIFICATE_EVENT.expiring, 'e1'],
      [CERTIFICATE_EVENT.renewalAtRisk, 'r1'],
    ]);
    expect(certificateSummary(o)).toMatchObject({ pending: 2, pendingTooLong: 1, failed: 1 });
  });

  it('turns each certificate an NLB Service must name into an event naming Service, hosts and ARN', () => {
    const o = emptyCertificatesOutcome(true, false);
    const entry = {
      cluster: 'prod-eu',
      resource: 'service/shop/web',
      region: 'eu-central-1',
      arn: 'arn:aws:acm:eu-central-1:111111111111:certificate/aaaa',
      hosts: names,
      attached: [],
    };
    o.notAttached.push(entry);
    expect(certificateEvents(o)).toEqual([
      {
        detailType: CERTIFICATE_EVENT.notAttached,
        detail: {
          ...entry,
          why: expect.stringContaining('service.beta.kubernetes.io/aws-load-balancer-ssl-cert'),
        },
      },
    ]);
    expect(certificateSummary(o)).toMatchObject({ notAttached: 1 });
  });

  it('says nothing about a healthy pass', () => {
    expect(certificateEvents(emptyCertificatesOutcome(true, false))).toEqual([]);
  });
});
