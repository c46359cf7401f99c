import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuditEventsDeps, createAuditEventsHandler } from '../../functions/audit-events.js';
import { createAuditForwarder } from '../../functions/audit-forwarder.js';
import { routeEvent } from '../../functions/reconciler.js';
import { auditTrigger, subscriptionPayload } from '../../sandbox/audit-log.js';
import { SANDBOX_IDENTITIES } from '../../sandbox/credentials.js';
import { Sandbox } from '../../sandbox/sandbox.js';
import { parseScenario } from '../../sandbox/scenario.js';
import { decodeSubscription } from '../../shared/audit/decode.js';
import { forwardedDetails, MAX_FORWARDED_DETAIL_BYTES } from '../../shared/audit/forwarded.js';
import { silentLog } from '../../shared/log.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';

/**
 * Audit logs of a member account's cluster: the member account's forwarder puts each subscription
 * delivery on the central bus (real SDK client, the sandbox's EventBridge), EventBridge delivers it with
 * the sending account, and the reconciler's audit handler takes it only from the cluster's own account
 * and region, refusing any other shape naming the field.
 */

const MEMBER = '444444444444';
const BUS = 'arn:aws:events:eu-central-1:000000000000:event-bus/default';
const NLB = 'k8s-pay-api-0123456789-abcdef0123456789.elb.eu-central-1.amazonaws.com';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function world() {
  sandbox = await Sandbox.start({ start: new Date('2030-01-01T10:00:00Z') });
  sandbox.route53.createZone({ name: 'example.com' });
  const scenario = await parseScenario(
    {
      config: { domainFilters: ['example.com'] },
      clusters: [
        {
          name: 'pay-eu',
          region: 'eu-central-1',
          account: MEMBER,
          roleArn: `arn:aws:iam::${MEMBER}:role/edge-reconciler-member`,
        },
      ],
    },
    process.cwd(),
  );
  await sandbox.load(scenario);
  const dropped: string[] = [];
  const deps: AuditEventsDeps = {
    config: scenario.config,
    aws: sandbox.awsClients('eu-central-1'),
    clock: sandbox.clock.clock,
    log: { ...silentLog, warn: (_m, a) => dropped.push(String(a?.reason)) },
  };
  const identity = SANDBOX_IDENTITIES[0]!;
  const events = new EventBridgeClient({
    region: 'eu-central-1',
    endpoint: sandbox.url,
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
  });
  const forward = createAuditForwarder(() => ({ events, busArn: BUS, region: 'eu-central-1' }));
  return { sandbox, deps, dropped, forward, handle: createAuditEventsHandler(() => deps) };
}

/** What EventBridge hands the reconciler's rule target for an entry the member account put. */
function delivered(entry: { source: string; detailType: string; detail: unknown }, account = MEMBER) {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': entry.detailType,
    source: entry.source,
    account,
    time: '2030-01-01T10:00:01Z',
    region: 'eu-central-1',
    resources: [],
    detail: entry.detail,
  };
}

describe('audit logs forwarded from a member account', () => {
  it('forwards the delivery to the central bus, and the reconciler runs the partial pass', async () => {
    const { sandbox, forward, handle } = await world();
    const payload = await auditTrigger(sandbox, {
      cluster: 'pay-eu',
      apply: [loadBalancerService('api', 'api.example.com', { hostname: NLB })],
    });
    expect(await forward(payload)).toEqual({ forwarded: 1 });
    const [entry] = sandbox.events.entries();
    expect(entry).toMatchObject({
      source: 'edge-reconciler.audit',
      detailType: 'Audit Log Forwarded',
      eventBusName: BUS,
      detail: { region: 'eu-central-1', awslogs: payload.awslogs },
    });
    const event = delivered(entry!);
    expect(routeEvent(event)).toBe('audit-events');
    const summary = await handle(event);
    expect(summary.dropped).toEqual([]);
    expect(summary.passes[0]?.changes.map((c) => `${c.action} ${c.name} ${c.type}`).sort()).toEqual([
      'CREATE a-api.example.com. TXT',
      'CREATE aaaa-api.example.com. TXT',
      'CREATE api.example.com. A',
      'CREATE api.example.com. AAAA',
    ]);
  });

  it.each([
    [
      'another account than the log group’s owner',
      (e: ReturnType<typeof delivered>) => ({ ...e, account: '555555555555' }),
      /event\.detail\.awslogs: the log group's owner 444444444444 is not the sending account 555555555555/,
    ],
    [
      'another region than the cluster’s',
      (e: ReturnType<typeof delivered>) => ({
        ...e,
        detail: { ...(e.detail as object), region: 'us-east-1' },
      }),
      /cluster pay-eu in us-east-1 \(account 444444444444\) is not part of the fleet/,
    ],
    [
      'no region',
      (e: ReturnType<typeof delivered>) => ({
        ...e,
        detail: { awslogs: (e.detail as { awslogs: unknown }).awslogs },
      }),
      /forwarded audit event refused: event\.detail\.region: expected string/,
    ],
    [
      'an unknown detail field',
      (e: ReturnType<typeof delivered>) => ({ ...e, detail: { ...(e.detail as object), extra: 1 } }),
      /event\.detail\.extra: unknown field/,
    ],
    [
      'no account',
      (e: ReturnType<typeof delivered>) => ({ ...e, account: undefined }),
      /event\.account: expected string/,
    ],
  ])('drops a forwarded event with %s, naming why, and changes nothing', async (_what, mutate, reason) => {
    const { sandbox, handle, dropped } = await world();
    const payload = await auditTrigger(sandbox, {
      cluster: 'pay-eu',
      apply: [loadBalancerService('api', 'api.example.com', { hostname: NLB })],
    });
    const event = mutate(
      delivered({
        source: 'edge-reconciler.audit',
        detailType: 'Audit Log Forwarded',
        detail: { region: 'eu-central-1', awslogs: payload.awslogs },
      }),
    );
    const summary = await handle(event);
    expect(summary.passes).toEqual([]);
    expect(summary.dropped).toEqual([expect.objectContaining({ reason: expect.stringMatching(reason) })]);
    expect(dropped).toEqual([expect.stringMatching(reason)]);
  });

  it('the forwarder refuses what is not a subscription delivery, naming the field', async () => {
    const { forward } = await world();
    await expect(forward({ awslogs: {} })).rejects.toThrow(/event\.awslogs\.data: expected string/);
  });
});

describe('forwardedDetails', () => {
  const delivery = (count: number, size: number) =>
    subscriptionPayload({
      messageType: 'DATA_MESSAGE',
      owner: MEMBER,
      logGroup: '/aws/eks/pay-eu/cluster',
      logStream: 'kube-apiserver-audit-0123',
      subscriptionFilters: ['f'],
      // Random text so gzip cannot squeeze the batch under the limit.
      logEvents: Array.from({ length: count }, (_, i) => ({
        id: String(i),
        timestamp: i,
        message: randomBytes(size).toString('base64'),
      })),
    }).awslogs.data;

  it('sends a small delivery as it came', () => {
    const data = delivery(3, 100);
    expect(forwardedDetails(data, 'eu-west-1')).toEqual([{ region: 'eu-west-1', awslogs: { data } }]);
  });

  it('splits a large delivery into entries that fit, keeping every log event in order', () => {
    const details = forwardedDetails(delivery(60, 8_000), 'eu-west-1');
    expect(details.length).toBeGreaterThan(1);
    const ids = details.flatMap((d) => {
      expect(Buffer.byteLength(JSON.stringify(d))).toBeLessThanOrEqual(MAX_FORWARDED_DETAIL_BYTES);
      const doc = JSON.parse(gunzipSync(Buffer.from(d.awslogs.data, 'base64')).toString('utf8'));
      expect(decodeSubscription({ awslogs: d.awslogs }).dropped.length).toBeGreaterThan(0); // not audit events, but a delivery
      return doc.logEvents.map((e: { id: string }) => e.id);
    });
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => String(i)));
  });

  it('refuses one log event larger than an entry', () => {
    expect(() => forwardedDetails(delivery(1, 400_000), 'eu-west-1')).toThrow(
      /larger than an EventBridge entry/,
    );
  });
});
