import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from '../zod.js';

/**
 * Audit-log deliveries from member accounts. A CloudWatch Logs subscription reaches a Lambda function in
 * its own account only, so each member account runs a small forwarder (functions/audit-forwarder.ts) that
 * puts each delivery, as it came, on the reconciler's central event bus; the reconciler's rule hands it
 * to the audit handler. The sending account is EventBridge's `account` (the sender cannot choose it);
 * the region is the forwarder's own, in `detail.region`.
 */

export const FORWARDED_AUDIT_SOURCE = 'edge-reconciler.audit';
export const FORWARDED_AUDIT_DETAIL_TYPE = 'Audit Log Forwarded';

/** EventBridge counts an entry's Source, DetailType and Detail against 256 KB; this leaves room for them. */
export const MAX_FORWARDED_DETAIL_BYTES = 240 * 1024;

const awsRegion = z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-central-1'));

/** The event as EventBridge delivers it to the reconciler; anything else is refused naming the field. */
export const forwardedAuditEvent = z.looseObject({
  source: z.literal(FORWARDED_AUDIT_SOURCE),
  'detail-type': z.literal(FORWARDED_AUDIT_DETAIL_TYPE),
  account: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account id')),
  detail: z.strictObject({
    region: awsRegion,
    awslogs: z.strictObject({ data: z.string().check(z.minLength(1)) }),
  }),
});

export type ForwardedAuditEvent = z.infer<typeof forwardedAuditEvent>;

export function isForwardedAudit(event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const e = event as Record<string, unknown>;
  return e.source === FORWARDED_AUDIT_SOURCE && e['detail-type'] === FORWARDED_AUDIT_DETAIL_TYPE;
}

/**
 * The `detail`s that carry one subscription delivery (`awslogs.data`: base64 of gzip of the JSON): the
 * delivery itself when it fits an EventBridge entry, else its log events split across as many deliveries
 * as it takes, in order. Throws on data that is not a delivery (the forwarder's caller retries nothing).
 */
export function forwardedDetails(
  data: string,
  region: string,
): { region: string; awslogs: { data: string } }[] {
  const detail = (d: string) => ({ region, awslogs: { data: d } });
  if (Buffer.byteLength(JSON.stringify(detail(data)), 'utf8') <= MAX_FORWARDED_DETAIL_BYTES)
    return [detail(data)];
  const delivery = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as {
    logEvents?: unknown[];
  };
  const events = delivery.logEvents ?? [];
  if (events.length <= 1) {
    throw new Error(
      `one audit log event is larger than an EventBridge entry (${MAX_FORWARDED_DETAIL_BYTES} bytes)`,
    );
  }
  const half = Math.ceil(events.length / 2);
  const part = (logEvents: unknown[]) =>
    gzipSync(Buffer.from(JSON.stringify({ ...delivery, logEvents }), 'utf8')).toString('base64');
  return [
    ...forwardedDetails(part(events.slice(0, half)), region),
    ...forwardedDetails(part(events.slice(half)), region),
  ];
}
