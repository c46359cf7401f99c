import { gunzipSync } from 'node:zlib';
import * as z from '../zod.js';

/**
 * A CloudWatch Logs subscription delivery from an EKS cluster's audit log, decoded: `awslogs.data` is
 * base64 of gzip of one JSON document (messageType, owner, logGroup, logStream, subscriptionFilters,
 * logEvents), and each log event's `message` is one Kubernetes audit `Event` (audit.k8s.io/v1) as JSON.
 *
 * Never throws: anything that is not that shape is dropped and reported with why (never with its content,
 * which can hold object bodies), so a poisoned payload costs one counted drop and not a retry storm.
 */

/** EKS writes the API server's audit log to streams named `kube-apiserver-audit-<id>` in this group. */
export const AUDIT_LOG_STREAM_PREFIX = 'kube-apiserver-audit-';
const EKS_LOG_GROUP = /^\/aws\/eks\/([0-9A-Za-z][A-Za-z0-9_-]{0,99})\/cluster$/;

/** CloudWatch Logs delivers at most ~1 MB per batch; a payload that inflates past this is not one. */
const MAX_INFLATED_BYTES = 32 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface Dropped {
  reason: string;
  logGroup?: string;
  logStream?: string;
  logEventId?: string;
}

const objectReference = z.looseObject({
  resource: z.optional(z.string()),
  namespace: z.optional(z.string()),
  name: z.optional(z.string()),
  uid: z.optional(z.string()),
  apiGroup: z.optional(z.string()),
  apiVersion: z.optional(z.string()),
  resourceVersion: z.optional(z.string()),
  subresource: z.optional(z.string()),
});

/** The fields of audit.k8s.io/v1 `Event` we read; others pass through untouched. */
export const auditEventSchema = z.looseObject({
  kind: z.literal('Event'),
  apiVersion: z.literal('audit.k8s.io/v1'),
  level: z.enum(['None', 'Metadata', 'Request', 'RequestResponse']),
  auditID: z.string().check(z.minLength(1)),
  stage: z.enum(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic']),
  requestURI: z.string(),
  verb: z.string().check(z.minLength(1)),
  user: z.looseObject({ username: z.optional(z.string()) }),
  objectRef: z.optional(objectReference),
  responseStatus: z.optional(z.looseObject({ code: z.optional(z.number().check(z.int())) })),
  requestObject: z.optional(z.unknown()),
  responseObject: z.optional(z.unknown()),
  requestReceivedTimestamp: z.optional(z.string()),
  stageTimestamp: z.optional(z.string()),
  annotations: z.optional(z.record(z.string(), z.string())),
});

export type AuditEvent = z.infer<typeof auditEventSchema>;

const subscriptionEvent = z.looseObject({
  awslogs: z.looseObject({ data: z.string() }),
});

const logData = z.looseObject({
  messageType: z.enum(['DATA_MESSAGE', 'CONTROL_MESSAGE']),
  owner: z.string(),
  logGroup: z.string(),
  logStream: z.string(),
  subscriptionFilters: z.array(z.string()),
  // Checked one by one below, so one odd log event does not cost the batch.
  logEvents: z.array(z.unknown()),
});

const logEvent = z.looseObject({
  id: z.string(),
  timestamp: z.number(),
  message: z.string(),
});

/** The audit events of one delivery, from one cluster's audit log stream. */
export interface AuditBatch {
  cluster: string;
  owner: string;
  logGroup: string;
  logStream: string;
  events: AuditEvent[];
}

export interface DecodeResult {
  /** Absent when the whole payload was dropped or was a control message. */
  batch?: AuditBatch;
  /** CloudWatch Logs' own "is the destination reachable" message: nothing to do, nothing wrong. */
  control: boolean;
  dropped: Dropped[];
}

export function decodeSubscription(input: unknown): DecodeResult {
  const envelope = subscriptionEvent.safeParse(input);
  if (!envelope.success) return whole('not a CloudWatch Logs subscription event (no awslogs.data string)');
  const data = envelope.data.awslogs.data.replace(/\s+/g, '');
  if (!BASE64.test(data) || data.length % 4 !== 0) return whole('awslogs.data is not base64');

  let text: string;
  try {
    text = gunzipSync(Buffer.from(data, 'base64'), { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8');
  } catch (err) {
    return whole(`awslogs.data does not gunzip: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return whole('awslogs.data is not JSON');
  }
  const parsed = logData.safeParse(json);
  if (!parsed.success) return whole(`awslogs.data is not CloudWatch Logs data: ${issues(parsed.error)}`);
  const { messageType, owner, logGroup, logStream } = parsed.data;
  if (messageType === 'CONTROL_MESSAGE') return { control: true, dropped: [] };

  const where = { logGroup, logStream };
  const cluster = EKS_LOG_GROUP.exec(logGroup)?.[1];
  if (!cluster)
    return whole('the log group is not an EKS cluster log group (/aws/eks/<cluster>/cluster)', where);
  if (!logStream.startsWith(AUDIT_LOG_STREAM_PREFIX)) {
    return whole(`the log stream is not an audit log stream (${AUDIT_LOG_STREAM_PREFIX}*)`, where);
  }

  const events: AuditEvent[] = [];
  const dropped: Dropped[] = [];
  for (const [i, raw] of parsed.data.logEvents.entries()) {
    const entry = logEvent.safeParse(raw);
    if (!entry.success) {
      dropped.push({ reason: `logEvents[${i}] is not a log event: ${issues(entry.error)}`, ...where });
      continue;
    }
    const at = { ...where, logEventId: entry.data.id };
    let message: unknown;
    try {
      message = JSON.parse(entry.data.message);
    } catch {
      dropped.push({ reason: `logEvents[${i}].message is not JSON`, ...at });
      continue;
    }
    const event = auditEventSchema.safeParse(message);
    if (!event.success) {
      dropped.push({
        reason: `logEvents[${i}].message is not an audit.k8s.io/v1 Event: ${issues(event.error)}`,
        ...at,
      });
      continue;
    }
    events.push(event.data);
  }
  return { batch: { cluster, owner, logGroup, logStream, events }, control: false, dropped };
}

function whole(reason: string, where: Omit<Dropped, 'reason'> = {}): DecodeResult {
  return { control: false, dropped: [{ reason, ...where }] };
}

/** Field paths and messages only: zod's issues never carry the input's values here. */
function issues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
