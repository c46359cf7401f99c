import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { AuditBatch, AuditEvent } from '../../../shared/audit/decode.js';

/** Real-shaped EKS audit events (test/fixtures/audit/events.json) and CloudWatch Logs envelopes around them. */

const dir = new URL('../../fixtures/audit/', import.meta.url);

export const FIXTURE_EVENTS = JSON.parse(readFileSync(new URL('events.json', dir), 'utf8')) as Record<
  string,
  AuditEvent
>;

export const CONTROL_MESSAGE = JSON.parse(
  readFileSync(new URL('control-message.json', dir), 'utf8'),
) as unknown;

export type FixtureName =
  | 'service-create'
  | 'service-status-patch'
  | 'service-get'
  | 'service-proxy'
  | 'service-create-dry-run'
  | 'service-create-request-received'
  | 'ingress-update-conflict'
  | 'ingress-delete-status'
  | 'ingress-delete-finalizer'
  | 'ingress-deletecollection'
  | 'httproute-patch-metadata'
  | 'configmap-update';

export function fixture(name: FixtureName): AuditEvent {
  const e = FIXTURE_EVENTS[name];
  if (!e) throw new Error(`no fixture ${name}`);
  return structuredClone(e);
}

export const CLUSTER = 'prod-eu';
export const AUDIT_STREAM = 'kube-apiserver-audit-0f3c5e2a9b7d41c68e1a2b3c4d5e6f70';

export function logData(
  messages: string[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    messageType: 'DATA_MESSAGE',
    owner: '111122223333',
    logGroup: `/aws/eks/${CLUSTER}/cluster`,
    logStream: AUDIT_STREAM,
    subscriptionFilters: ['edge-reconciler-audit'],
    logEvents: messages.map((message, i) => ({
      id: `3862048230498109234871029348710293847102938471029348${String(i).padStart(4, '0')}`,
      timestamp: 1_893_492_000_000 + i,
      message,
    })),
    ...overrides,
  };
}

export function encode(document: unknown): { awslogs: { data: string } } {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(document), 'utf8')).toString('base64') } };
}

export function batch(events: AuditEvent[], cluster = CLUSTER): AuditBatch {
  return {
    cluster,
    owner: '111122223333',
    logGroup: `/aws/eks/${cluster}/cluster`,
    logStream: AUDIT_STREAM,
    events,
  };
}
