import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { HttpResponse } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../shared/aws-clients.js';
import { emptyCertificatesOutcome } from '../../../shared/certificates/reconcile.js';
import { parseConfig } from '../../../shared/config.js';
import type { ReportedPass } from '../../../shared/telemetry/metrics.js';
import { reportPass } from '../../../shared/telemetry/report.js';

const result: ReportedPass = {
  passId: 'p-7',
  trigger: 'schedule',
  dryRun: false,
  startedAt: '2026-11-23T10:00:00.000Z',
  durationMs: 12,
  changes: [{ zone: 'example.com.', action: 'DELETE', name: 'old.example.com.', type: 'A' }],
  recordChanges: [],
  certificates: emptyCertificatesOutcome(false, false),
  clusters: [{ name: 'a', status: 'ok', endpoints: 0 }],
  errors: [],
  warnings: [],
  filtered: [],
  heldDeletions: 0,
  tlsHosts: [],
};

type Answer = { status: number; body: unknown } | Error;
type Request = Record<string, unknown> & { Entries?: Record<string, string>[] };

/** AwsClients whose EventBridge answers `answer` and keeps the requests it got. */
function fakeAws(answerFor: Answer | ((request: Request) => Answer)) {
  const requests: Request[] = [];
  const events = new EventBridgeClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (req: { body?: unknown }) => {
        const body = req.body as string | Uint8Array;
        const request = JSON.parse(
          typeof body === 'string' ? body : new TextDecoder().decode(body),
        ) as Request;
        requests.push(request);
        const answer = typeof answerFor === 'function' ? answerFor(request) : answerFor;
        if (answer instanceof Error) throw answer;
        return {
          response: new HttpResponse({
            statusCode: answer.status,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: Buffer.from(JSON.stringify(answer.body)),
          }),
        };
      },
    },
  });
  return { aws: { eventBridge: () => events } as unknown as AwsClients, requests };
}

function capture() {
  const lines: { level: string; message: string; attributes?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) =>
    lines.push({ level, message, ...(attributes ? { attributes } : {}) });
  return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

function metricsSink() {
  const added: string[] = [];
  return { sink: { addMetric: (name: string) => added.push(name) }, added };
}

describe('reportPass', () => {
  it('publishes the summary on the configured bus and records the metrics', async () => {
    const { aws, requests } = fakeAws({
      status: 200,
      body: { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] },
    });
    const { log, lines } = capture();
    const { sink, added } = metricsSink();
    const config = parseConfig({ events: { busName: 'ops' } });

    const out = await reportPass(result, { config, aws, log, metrics: sink });

    expect(out).toEqual({ eventIds: ['e-1'] });
    const entry = requests[0]?.Entries?.[0] ?? {};
    expect(entry).toMatchObject({
      Source: 'edge-reconciler',
      DetailType: 'Reconcile Completed',
      EventBusName: 'ops',
    });
    expect(JSON.parse(entry.Detail as string)).toMatchObject({ passId: 'p-7', counts: { deleted: 1 } });
    expect(added).toContain('RecordsDeleted');
    expect(lines.find((l) => l.message === 'pass complete')?.attributes).toMatchObject({
      passId: 'p-7',
      clusters: [{ cluster: 'a', status: 'ok', endpoints: 0 }],
    });
  });

  it.each<[string, Answer]>([
    [
      'an entry EventBridge refuses',
      {
        status: 200,
        body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] },
      },
    ],
    [
      'a call that fails',
      {
        status: 400,
        body: { __type: 'ResourceNotFoundException', message: 'Event bus ops does not exist.' },
      },
    ],
    ['a network error', new Error('connect ECONNREFUSED')],
  ])('%s is logged, and the pass is not failed', async (_, answer) => {
    const { aws } = fakeAws(answer);
    const { log, lines } = capture();
    const { sink, added } = metricsSink();

    const out = await reportPass(result, {
      config: parseConfig({ events: { busName: 'ops' } }),
      aws,
      log,
      metrics: sink,
    });

    expect(out).toEqual({ eventIds: [] });
    const error = lines.find((l) => l.level === 'error');
    expect(error?.message).toBe('pass events not published');
    expect(error?.attributes).toMatchObject({ passId: 'p-7', busName: 'ops' });
    expect(added).toContain('PassCompleted');
  });

  it('publishes nothing when the summary event is disabled', async () => {
    const { aws, requests } = fakeAws(new Error('must not be called'));
    const { log } = capture();
    const out = await reportPass(result, { config: parseConfig({ events: { enabled: false } }), aws, log });
    expect(out).toEqual({ eventIds: [] });
    expect(requests).toEqual([]);
  });

  it('publishes certificate events after the summary, ten entries per call', async () => {
    let next = 0;
    const { aws, requests } = fakeAws((request) => ({
      status: 200,
      body: { FailedEntryCount: 0, Entries: (request.Entries ?? []).map(() => ({ EventId: `e-${next++}` })) },
    }));
    const expiring = Array.from({ length: 12 }, (_, i) => ({
      arn: `arn:aws:acm:eu-central-1:123456789012:certificate/${i}`,
      region: 'eu-central-1',
      names: [`h${i}.example.com`],
      ours: true,
      daysLeft: 10,
    }));
    const certificates = { ...emptyCertificatesOutcome(true, false), expiring };
    const { log } = capture();

    const out = await reportPass({ ...result, certificates }, { config: parseConfig({}), aws, log });

    expect(out.eventIds).toHaveLength(13);
    expect(requests.map((r) => r.Entries?.length)).toEqual([10, 3]);
    const types = requests.flatMap((r) => (r.Entries ?? []).map((e) => e.DetailType));
    expect(types[0]).toBe('Reconcile Completed');
    expect(new Set(types.slice(1))).toEqual(new Set(['Certificate Expiring']));
    expect(requests.flatMap((r) => r.Entries ?? []).every((e) => e.EventBusName === 'default')).toBe(true);
  });
});
