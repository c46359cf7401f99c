import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualHandler, manualRequest } from '../../../functions/manual.js';
import { InvalidEventError } from '../../../functions/middleware.js';
import { parseConfig } from '../../../shared/config.js';
import { silentLog } from '../../../shared/log.js';
import type { ReconcileDeps } from '../../../shared/reconcile.js';

const resync = (detail: unknown, over: Record<string, unknown> = {}) => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'Resync Requested',
  source: 'edge-reconciler',
  account: '123456789012',
  time: '2026-11-23T10:00:00Z',
  region: 'eu-central-1',
  resources: [],
  detail,
  ...over,
});

describe('manualRequest', () => {
  it.each([
    ['an empty payload', {}, { trigger: 'manual' }],
    ['no payload at all', null, { trigger: 'manual' }],
    [
      'every field',
      { clusters: ['a', 'b', 'a'], dryRun: true, reason: 'OPS-1' },
      { trigger: 'manual', clusters: ['a', 'b'], dryRun: true, reason: 'OPS-1' },
    ],
    ['a resync event', resync({ clusters: ['a'] }), { trigger: 'resync', clusters: ['a'] }],
    ['a resync event without detail fields', resync({}), { trigger: 'resync' }],
  ])('%s', (_, event, expected) => {
    expect(manualRequest(event)).toEqual(expected);
  });

  it.each([
    [{ dryRun: 'true' }, 'payload.dryRun: expected boolean'],
    [{ dry_run: true }, 'payload.dry_run: unknown field'],
    [{ clusters: 'a' }, 'payload.clusters: expected array'],
    [{ clusters: [''] }, 'payload.clusters[0]: '],
    [{ clusters: Array.from({ length: 101 }, (_, i) => `c${i}`) }, 'payload.clusters: '],
    [{ clusters: ['x'.repeat(101)] }, 'payload.clusters[0]: '],
    [{ reason: 7 }, 'payload.reason: expected string'],
    [{ reason: 'r'.repeat(257) }, 'payload.reason: '],
    ['resync', 'payload: expected object'],
    [resync({ dryRun: 1 }), 'detail.dryRun: expected boolean'],
    [resync({ extra: 1 }), 'detail.extra: unknown field'],
    [resync({}, { source: 'someone.else' }), 'event.source: '],
    [resync({}, { 'detail-type': 'Reconcile Completed' }), 'event.detail-type: '],
  ])('%j is refused: %s', (event, message) => {
    let thrown: unknown;
    try {
      manualRequest(event);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidEventError);
    expect((thrown as Error).message.startsWith(message)).toBe(true);
  });

  it('names every bad field at once', () => {
    let thrown: InvalidEventError | undefined;
    try {
      manualRequest({ dryRun: 'x', reason: 1, foo: 1 });
    } catch (err) {
      thrown = err as InvalidEventError;
    }
    expect(thrown?.issues.map((i) => i.path).sort()).toEqual(['dryRun', 'foo', 'reason']);
    for (const field of ['payload.dryRun', 'payload.reason', 'payload.foo'])
      expect(thrown?.message).toContain(field);
  });

  it('any valid payload becomes the same request, directly or as a resync', () => {
    const payload = fc.record(
      {
        clusters: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 100 }), {
          minLength: 1,
          maxLength: 100,
        }),
        dryRun: fc.boolean(),
        reason: fc.string({ maxLength: 256 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(payload, (p) => {
        const direct = manualRequest(p);
        expect(direct).toEqual({ trigger: 'manual', ...p });
        expect(manualRequest(resync(p))).toEqual({ ...direct, trigger: 'resync' });
      }),
    );
  });
});

describe('createManualHandler with a sharded fleet', () => {
  const config = parseConfig({ region: 'eu-west-1', clusters: [], sharding: {} });
  const handler = createManualHandler(() => ({
    config,
    aws: {} as ReconcileDeps['aws'],
    clock: () => new Date(),
    log: silentLog,
  }));

  it.each([
    ['a direct invoke', {}, 'payload.clusters: required: the fleet is sharded'],
    ['a resync event', resync({ dryRun: true }), 'detail.clusters: required: the fleet is sharded'],
  ])('%s for the whole fleet is refused before anything is read: %s', async (_, event, message) => {
    await expect(handler(event)).rejects.toThrow(InvalidEventError);
    await expect(handler(event)).rejects.toThrow(message);
  });
});
