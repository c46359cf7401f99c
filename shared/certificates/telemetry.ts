import { SSL_CERT_ANNOTATION } from '../sources/annotations.js';
import type { CertificatesOutcome } from './reconcile.js';

/**
 * What the pass's report makes of the certificate stage: the contract's EMF metrics, a short summary for
 * the "Reconcile Completed" event, and one event per certificate in a bad state, so a rule can page on it.
 */

export type CertificateMetricName =
  | 'CertificatesPendingTooLong'
  | 'CertificatesExpiringSoon'
  | 'CertificatesFailed'
  | 'CertificatesRenewalAtRisk';

export function certificateMetrics(o: CertificatesOutcome): Record<CertificateMetricName, number> {
  return {
    CertificatesPendingTooLong: o.counts.pendingTooLong,
    CertificatesExpiringSoon: o.counts.expiringSoon,
    CertificatesFailed: o.counts.failed,
    CertificatesRenewalAtRisk: o.counts.renewalAtRisk,
  };
}

/** `detail.certificates` of the "Reconcile Completed" event. */
export function certificateSummary(o: CertificatesOutcome) {
  return {
    requested: o.requested.length,
    deleted: o.deleted.length,
    issued: o.issued.length,
    pending: o.pending.length,
    waiting: o.waiting.length,
    skipped: o.skipped.length,
    notAttached: o.notAttached.length,
    ...o.counts,
    quota: o.quota,
  };
}

export const CERTIFICATE_EVENT = {
  pendingTooLong: 'Certificate Pending Too Long',
  failed: 'Certificate Request Failed',
  expiring: 'Certificate Expiring',
  renewalAtRisk: 'Certificate Renewal At Risk',
  notAttached: 'Certificate Not Attached',
} as const;

export interface CertificateEvent {
  detailType: (typeof CERTIFICATE_EVENT)[keyof typeof CERTIFICATE_EVENT];
  detail: Record<string, unknown>;
}

/** One event per certificate in a bad state (source `edge-reconciler`), in a stable order. */
export function certificateEvents(o: CertificatesOutcome): CertificateEvent[] {
  const events: CertificateEvent[] = [];
  for (const p of o.pending.filter((p) => p.tooLong)) {
    events.push({ detailType: CERTIFICATE_EVENT.pendingTooLong, detail: { ...p } });
  }
  for (const f of o.failed) events.push({ detailType: CERTIFICATE_EVENT.failed, detail: { ...f } });
  for (const e of o.expiring) events.push({ detailType: CERTIFICATE_EVENT.expiring, detail: { ...e } });
  for (const r of o.renewalAtRisk) {
    events.push({
      detailType: CERTIFICATE_EVENT.renewalAtRisk,
      detail: {
        ...r,
        why: 'ACM renews a certificate only while it is in use; an NLB Service needs its ARN in service.beta.kubernetes.io/aws-load-balancer-ssl-cert',
      },
    });
  }
  for (const n of o.notAttached) {
    events.push({
      detailType: CERTIFICATE_EVENT.notAttached,
      detail: {
        ...n,
        why: `the AWS Load Balancer Controller does not find certificates for a Service: add the ARN to ${SSL_CERT_ANNOTATION}, or the load balancer serves without it and ACM, which renews only certificates in use, lets it expire`,
      },
    });
  }
  return events;
}
