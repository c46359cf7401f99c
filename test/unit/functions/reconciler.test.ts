import { describe, expect, it } from 'vitest';
import type { AuditEventsSummary } from '../../../functions/audit-events.js';
import { InvalidEventError } from '../../../functions/middleware.js';
import { createReconcilerHandler, routeEvent } from '../../../functions/reconciler.js';
import type { FunctionDeps } from '../../../functions/runtime.js';

/** The one deployed function sends each trigger's event, as AWS delivers it, to that trigger's handler. */
describe('routeEvent', () => {
  it.each<[string, unknown, ReturnType<typeof routeEvent>]>([
    ['a CloudWatch Logs subscription batch', { awslogs: { data: 'H4sIAAAA' } }, 'audit-events'],
    [
      'a CloudTrail EKS event from EventBridge',
      {
        source: 'aws.eks',
        'detail-type': 'AWS API Call via CloudTrail',
        detail: { eventName: 'DeleteCluster' },
      },
      'cluster-lifecycle',
    ],
    [
      'a Resync Requested event',
      { source: 'edge-reconciler', 'detail-type': 'Resync Requested', detail: {} },
      'resync',
    ],
    [
      'the Scheduler input',
      { source: 'edge-reconciler.schedule', scheduledTime: '2026-11-23T10:00:00Z' },
      'scheduled',
    ],
    [
      'a classic Scheduled Event',
      { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
      'scheduled',
    ],
    ['a direct invoke payload', { clusters: ['prod-eu'], dryRun: true }, 'manual'],
    ['an empty direct invoke', {}, 'manual'],
    ['something else entirely', 'hello', 'manual'],
    ['null', null, 'manual'],
    [
      'an EKS event of another detail-type',
      { source: 'aws.eks', 'detail-type': 'EKS Cluster State Change' },
      'manual',
    ],
  ])('%s', (_what, event, entry) => {
    expect(routeEvent(event)).toBe(entry);
  });
});

/**
 * Deps of which nothing may be used: reading any of them means a pass (or its setup) started. Handing the
 * config object along is allowed (the lifecycle handler passes it to its parser); reading it is not.
 */
const refuse = (what: string) =>
  new Proxy(
    {},
    {
      get(_target, key) {
        throw new Error(`no pass may start for a refused event (${what}.${String(key)} read)`);
      },
    },
  );
const untouchable = new Proxy({} as FunctionDeps, {
  get(_target, key) {
    if (key === 'config') return refuse('deps.config');
    throw new Error(`no pass may start for a refused event (deps.${String(key)} read)`);
  },
});

/**
 * Each routed event reaches its own entry's validation: a bad one is refused with that entry's field names,
 * before any pass starts.
 */
describe('createReconcilerHandler', () => {
  const handle = createReconcilerHandler(() => untouchable);

  it.each<[string, unknown, string]>([
    ['a misspelt direct invoke', { dryrun: true }, 'payload.dryrun: unknown field'],
    ['a direct invoke of the wrong type', 'resync please', 'payload: expected object'],
    [
      'a resync with a misspelt detail',
      { source: 'edge-reconciler', 'detail-type': 'Resync Requested', detail: { dryrun: true } },
      'detail.dryrun: unknown field',
    ],
    [
      'a resync from a foreign source',
      { source: 'someone.else', 'detail-type': 'Resync Requested', detail: {} },
      'event.source: ',
    ],
    [
      'a scheduler input with a bad dryRun',
      { source: 'edge-reconciler.schedule', dryRun: 'yes' },
      'event.dryRun: expected boolean',
    ],
    [
      'a CloudTrail EKS event without a region',
      {
        source: 'aws.eks',
        'detail-type': 'AWS API Call via CloudTrail',
        detail: { eventName: 'CreateCluster' },
      },
      'event.detail.awsRegion: ',
    ],
  ])('%s', async (_what, event, message) => {
    const refused = await handle(event).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(InvalidEventError);
    expect((refused as Error).message).toContain(message);
  });
});

describe('createReconcilerHandler, audit batches', () => {
  it('hands a subscription payload to the audit handler, which drops and counts what does not decode', async () => {
    const warnings: string[] = [];
    const counted: [string, number][] = [];
    const deps = {
      log: { debug() {}, info() {}, error() {}, warn: (message: string) => void warnings.push(message) },
      metrics: {
        addMetric: (name: string, _unit: unknown, value: number) => void counted.push([name, value]),
      },
    };
    const handle = createReconcilerHandler(() => deps as unknown as FunctionDeps);
    const summary = (await handle({ awslogs: { data: 'bm90IGd6aXA=' } })) as AuditEventsSummary;
    expect(summary.passes).toEqual([]);
    expect(summary.dropped).toHaveLength(1);
    expect(warnings).toEqual(['audit payload dropped']);
    expect(counted).toEqual([['AuditEventsDropped', 1]]);
  });
});
