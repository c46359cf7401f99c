import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSubscription } from '../../../shared/audit/decode.js';
import { CONTROL_MESSAGE, encode, FIXTURE_EVENTS, fixture, logData } from './fixtures.js';

const gzip64 = (text: string) => gzipSync(Buffer.from(text, 'utf8')).toString('base64');

describe('decodeSubscription', () => {
  it('decodes every fixture event of an EKS audit stream, with the cluster from the log group', () => {
    const events = Object.values(FIXTURE_EVENTS);
    const out = decodeSubscription(encode(logData(events.map((e) => JSON.stringify(e)))));
    expect(out.dropped).toEqual([]);
    expect(out.control).toBe(false);
    expect(out.batch?.cluster).toBe('prod-eu');
    expect(out.batch?.owner).toBe('111122223333');
    expect(out.batch?.events.map((e) => e.auditID)).toEqual(events.map((e) => e.auditID));
    // Fields we do not model survive, so nothing an operator logs is lost.
    expect(out.batch?.events[0]).toMatchObject({
      userAgent: events[0]?.userAgent,
      sourceIPs: events[0]?.sourceIPs,
    });
  });

  it('accepts base64 wrapped over several lines', () => {
    const data = encode(logData([JSON.stringify(fixture('service-create'))])).awslogs.data;
    const wrapped = data.replace(/(.{76})/g, '$1\n');
    expect(decodeSubscription({ awslogs: { data: wrapped } }).batch?.events).toHaveLength(1);
  });

  it('skips a control message without counting it as dropped', () => {
    const out = decodeSubscription(encode(CONTROL_MESSAGE));
    expect(out).toEqual({ control: true, dropped: [] });
  });

  it.each([
    ['no event at all', undefined, /not a CloudWatch Logs subscription event/],
    ['a string', 'hello', /not a CloudWatch Logs subscription event/],
    ['an EventBridge event', { source: 'aws.eks', detail: {} }, /not a CloudWatch Logs subscription event/],
    ['awslogs.data that is a number', { awslogs: { data: 42 } }, /not a CloudWatch Logs subscription event/],
    ['empty awslogs.data', { awslogs: { data: '' } }, /not base64/],
    ['awslogs.data that is not base64', { awslogs: { data: 'not base64 at all!' } }, /not base64/],
    ['base64 of a truncated length', { awslogs: { data: 'H4sIAAAAAAAAA' } }, /not base64/],
    [
      'base64 that is not gzip',
      { awslogs: { data: Buffer.from('plain text').toString('base64') } },
      /does not gunzip/,
    ],
    [
      'gzip cut short',
      {
        awslogs: {
          data: gzipSync(Buffer.from('x'.repeat(1000)))
            .subarray(0, 20)
            .toString('base64'),
        },
      },
      /does not gunzip/,
    ],
    ['gzip of text that is not JSON', { awslogs: { data: gzip64('{"messageType": ') } }, /is not JSON/],
    [
      'gzip of JSON that is not log data',
      { awslogs: { data: gzip64('{"records": []}') } },
      /not CloudWatch Logs data/,
    ],
    ['an unknown message type', encode(logData([], { messageType: 'SOMETHING_ELSE' })), /messageType/],
    [
      'a Lambda log group',
      encode(logData([], { logGroup: '/aws/lambda/edge-reconciler' })),
      /not an EKS cluster log group/,
    ],
    [
      'an EKS group of another suffix',
      encode(logData([], { logGroup: '/aws/eks/prod-eu/other' })),
      /not an EKS/,
    ],
    [
      'the API server (not audit) stream',
      encode(logData([], { logStream: 'kube-apiserver-0f3c5e2a9b7d41c68e1a2b3c4d5e6f70' })),
      /not an audit log stream/,
    ],
    [
      'the authenticator stream',
      encode(logData([], { logStream: 'authenticator-0f3c5e2a9b7d41c68e1a2b3c4d5e6f70' })),
      /not an audit log stream/,
    ],
  ])('drops %s as one counted payload and never throws', (_label, input, reason) => {
    const out = decodeSubscription(input);
    expect(out.batch).toBeUndefined();
    expect(out.control).toBe(false);
    expect(out.dropped).toHaveLength(1);
    expect(out.dropped[0]?.reason).toMatch(reason);
  });

  it('names the log group and stream of a foreign stream it drops', () => {
    const out = decodeSubscription(encode(logData([], { logStream: 'cloud-controller-manager-0123' })));
    expect(out.dropped[0]).toMatchObject({
      logGroup: '/aws/eks/prod-eu/cluster',
      logStream: 'cloud-controller-manager-0123',
    });
  });

  it('refuses a payload that inflates past the cap (a gzip bomb)', () => {
    const bomb = gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x20)).toString('base64');
    const out = decodeSubscription({ awslogs: { data: bomb } });
    expect(out.batch).toBeUndefined();
    expect(out.dropped[0]?.reason).toMatch(/does not gunzip/);
  });

  it('drops each bad message on its own, keeps the good ones, and says which log event it was', () => {
    const secret = 'hunter2-do-not-log-me';
    const good = fixture('service-create');
    const cloudTrail = { eventVersion: '1.08', eventSource: 'eks.amazonaws.com', note: secret };
    const v1beta1 = { ...fixture('service-create'), apiVersion: 'audit.k8s.io/v1beta1' };
    const noVerb = { ...fixture('service-create'), verb: undefined };
    const document = logData([
      JSON.stringify(good),
      `{"kind":"Event", "half": "${secret}`,
      JSON.stringify(cloudTrail),
      JSON.stringify(v1beta1),
      JSON.stringify(noVerb),
      'null',
    ]);
    (document.logEvents as unknown[]).push({ id: 'no-message', timestamp: 1 });
    const out = decodeSubscription(encode(document));

    expect(out.batch?.events.map((e) => e.auditID)).toEqual([good.auditID]);
    expect(out.dropped.map((d) => d.reason)).toEqual([
      expect.stringMatching(/^logEvents\[1\]\.message is not JSON$/),
      expect.stringMatching(/^logEvents\[2\]\.message is not an audit\.k8s\.io\/v1 Event/),
      expect.stringMatching(/^logEvents\[3\]\.message is not an audit\.k8s\.io\/v1 Event: apiVersion/),
      expect.stringMatching(/^logEvents\[4\]\.message is not an audit\.k8s\.io\/v1 Event: verb/),
      expect.stringMatching(/^logEvents\[5\]\.message is not an audit\.k8s\.io\/v1 Event/),
      expect.stringMatching(/^logEvents\[6\] is not a log event: message/),
    ]);
    const ids = (document.logEvents as { id: string }[]).map((e) => e.id);
    expect(out.dropped.slice(0, 5).map((d) => d.logEventId)).toEqual(ids.slice(1, 6));
    expect(JSON.stringify(out.dropped)).not.toContain(secret);
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const out = decodeSubscription(input);
        expect(out.batch === undefined || out.batch.events.length >= 0).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (data) => {
        decodeSubscription({ awslogs: { data } });
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (document) => {
        const out = decodeSubscription({ awslogs: { data: gzip64(JSON.stringify(document)) } });
        expect(out.batch).toBeUndefined();
      }),
    );
  });

  it('keeps no more and no fewer events than the messages that are audit events', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constant(JSON.stringify(fixture('service-status-patch'))),
            fc.string(),
            fc.jsonValue().map((v) => JSON.stringify(v)),
          ),
          { maxLength: 20 },
        ),
        (messages) => {
          const out = decodeSubscription(encode(logData(messages)));
          const good = messages.filter((m) => m === JSON.stringify(fixture('service-status-patch'))).length;
          expect(out.batch?.events).toHaveLength(good);
          expect(out.dropped).toHaveLength(messages.length - good);
        },
      ),
    );
  });
});
