import { FaultInjector } from '../faults.js';
import { type RecordChange, Route53Error } from './route53-records.js';

/**
 * Route 53 refusing every ChangeResourceRecordSets request whose batch touches a given record, the way
 * an IAM record-name condition (`route53:ChangeResourceRecordSetsNormalizedRecordNames`) refuses it.
 * IAM judges the request as a whole, so one denied name fails the entire batch, with the other changes
 * in it not applied: HTTP 403 `AccessDenied` in Route 53's XML error body. Another code
 * (`NoSuchHealthCheck`, 404, for a change naming a health check that is gone) can be given instead.
 *
 * The refusals are `refuse` rules of the sandbox's fault injector (a scenario's `faults:` adds them
 * too); this is the Route 53 handler's view of them, and a short way for tests to add them.
 *
 * Why a file of its own rather than folded into faults.ts: the fault injector stays service-agnostic
 * (it matches rules and counts them for every service), while what a refusal looks like on the wire —
 * IAM's explicit-deny message naming the caller and the zone ARN, 403 for AccessDenied and 400 for
 * other codes, Route 53's XML error — is Route 53's alone, and is written once here for the handler
 * (route53.ts) and the tests (test/support/route53-sandbox.ts) to share.
 */
export interface ChangeRefusal {
  /** The record name a change must touch to be refused (any case, trailing dot optional). */
  name: string;
  /** Only changes of this record type; every type when absent. */
  type?: string;
  /** Route 53's error code; `AccessDenied` by default. */
  code?: string;
  /** The HTTP status; 403 for `AccessDenied`, else 400, unless given. */
  status?: number;
  /** The error message; IAM's explicit-deny wording by default. */
  message?: string;
}

export interface RefusalContext {
  zoneId: string;
  /** The caller's ARN, as IAM names it in the message. */
  callerArn: string;
}

export class Route53ChangeRefusals {
  constructor(private readonly faults: FaultInjector = new FaultInjector()) {}

  refuse(refusal: ChangeRefusal): void {
    this.faults.add({
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      fault: 'refuse',
      ...refusal,
    });
  }

  clear(): void {
    this.faults.clear('refuse');
  }

  /** The error a batch is refused with, when one of its changes matches a refusal. */
  check(changes: readonly RecordChange[], context: RefusalContext): Route53Error | undefined {
    const refusal = this.faults.take({
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      changes: changes.map((c) => ({ name: c.record.name, type: c.record.type })),
    });
    if (refusal?.fault !== 'refuse') return undefined;
    const code = refusal.code ?? 'AccessDenied';
    const status = refusal.status ?? (code === 'AccessDenied' ? 403 : 400);
    const message =
      refusal.message ??
      `User: ${context.callerArn} is not authorized to perform: route53:ChangeResourceRecordSets on resource: ` +
        `arn:aws:route53:::hostedzone/${context.zoneId} with an explicit deny in an identity-based policy`;
    return new Route53Error(code, status, [message]);
  }
}
