import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClusterLifecycleHandler, type IgnoredEvent } from '../../functions/cluster-lifecycle.js';
import { createManualHandler } from '../../functions/manual.js';
import { createReconcilerHandler } from '../../functions/reconciler.js';
import { type FunctionDeps, lambdaHandler } from '../../functions/runtime.js';
import { createScheduledHandler } from '../../functions/scheduled.js';
import { SANDBOX_ACCOUNT, sandboxAwsEnv } from '../../sandbox/credentials.js';
import { Sandbox } from '../../sandbox/sandbox.js';
import { parseScenario } from '../../sandbox/scenario.js';
import { streamLog } from '../../shared/log.js';
import type { PassResult } from '../../shared/reconcile.js';
import { EmfMetrics } from '../../shared/telemetry/metrics.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';

/**
 * Every entry point, driven through its Lambda wiring (middy, Powertools logger and metrics) against the
 * sandbox with the events AWS really delivers: records change in the zone, the summary lands on the bus,
 * the EMF metrics come out, and a bad event changes nothing.
 */

const ZONE = 'example.com.';

function service(name: string, host: string, ip: string) {
  return loadBalancerService(name, host, { ip }, 'web');
}

const CLUSTERS = [
  { name: 'alpha', region: 'eu-central-1', objects: [service('shop', 'shop.example.com', '192.0.2.10')] },
  { name: 'beta', region: 'us-east-1', objects: [service('api', 'api.example.com', '192.0.2.20')] },
];

interface World {
  sandbox: Sandbox;
  deps: FunctionDeps;
  /** EMF documents the metrics flushed, one JSON string each. */
  emf: string[];
  logLines: string[];
  wrap: <R>(core: (event: unknown) => Promise<R>) => (event: unknown) => Promise<R>;
}

const open: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  vi.restoreAllMocks();
});

async function world(
  config: Record<string, unknown> = {},
  options: Parameters<typeof Sandbox.start>[0] = {},
): Promise<World> {
  const sandbox = await Sandbox.start(options);
  open.push(sandbox);
  const scenario = await parseScenario(
    {
      config: { domainFilters: ['example.com'], ...config },
      clusters: CLUSTERS,
      route53: { zones: [{ name: 'example.com' }] },
    },
    import.meta.dirname,
  );
  await sandbox.load(scenario);
  const emf: string[] = [];
  const metrics = new EmfMetrics((doc) => emf.push(doc));
  const logLines: string[] = [];
  const deps: FunctionDeps = {
    config: scenario.config,
    aws: sandbox.awsClients(),
    clock: sandbox.clock.clock,
    log: streamLog('debug', (l) => logLines.push(l)),
    metrics,
  };
  const logger = new Logger({ serviceName: 'edge-reconciler', logLevel: 'SILENT' });
  const wrap =
    <R>(core: (event: unknown) => Promise<R>) =>
    (event: unknown) =>
      lambdaHandler(core, { logger, metrics })(event, lambdaContext());
  return { sandbox, deps, emf, logLines, wrap };
}

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'edge-reconciler-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${SANDBOX_ACCOUNT}:function:edge-reconciler-test`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/edge-reconciler-test',
    logStreamName: '2026/11/23/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Record sets in the zone as `name TYPE`, SOA and NS left out. */
function records(sandbox: Sandbox): string[] {
  const zone = sandbox.route53.exportZones().find((z) => z.name === ZONE);
  return (zone?.records ?? [])
    .filter((r) => r.type !== 'SOA' && r.type !== 'NS')
    .map((r) => `${r.name} ${r.type}`)
    .sort();
}

const SHOP = ['a-shop.example.com. TXT', 'shop.example.com. A'];
const API = ['a-api.example.com. TXT', 'api.example.com. A'];

/** The one EMF document of an invocation, checked against the contract, as metric name → value. */
function emfValues(emf: string[]): Record<string, number> {
  expect(emf).toHaveLength(1);
  const doc = JSON.parse(emf[0] as string) as {
    _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
    service: string;
  } & Record<string, unknown>;
  const directive = doc._aws.CloudWatchMetrics[0]!;
  expect(directive.Namespace).toBe('EdgeReconciler');
  expect(directive.Dimensions).toEqual([['service']]);
  expect(doc.service).toBe('edge-reconciler');
  return Object.fromEntries(directive.Metrics.map((m) => [m.Name, doc[m.Name] as number]));
}

function summaries(sandbox: Sandbox) {
  return sandbox.events.entries().filter((e) => e.detailType === 'Reconcile Completed');
}

function cloudTrailEks(
  eventName: 'CreateCluster' | 'DeleteCluster',
  cluster: { name: string; region: string; tags?: Record<string, string> },
  extra: Record<string, unknown> = {},
) {
  const requestParameters =
    eventName === 'CreateCluster'
      ? {
          name: cluster.name,
          roleArn: `arn:aws:iam::${SANDBOX_ACCOUNT}:role/eks-cluster`,
          resourcesVpcConfig: { subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'] },
          ...(cluster.tags ? { tags: cluster.tags } : {}),
        }
      : { name: cluster.name };
  return {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.eks',
    account: SANDBOX_ACCOUNT,
    time: '2026-11-23T10:00:00Z',
    region: cluster.region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:ops',
        arn: `arn:aws:sts::${SANDBOX_ACCOUNT}:assumed-role/platform/ops`,
        accountId: SANDBOX_ACCOUNT,
      },
      eventTime: '2026-11-23T10:00:00Z',
      eventSource: 'eks.amazonaws.com',
      eventName,
      awsRegion: cluster.region,
      sourceIPAddress: '203.0.113.7',
      userAgent: 'aws-cli/2.17.0',
      requestParameters,
      responseElements: {
        cluster: {
          name: cluster.name,
          arn: `arn:aws:eks:${cluster.region}:${SANDBOX_ACCOUNT}:cluster/${cluster.name}`,
          status: eventName === 'CreateCluster' ? 'CREATING' : 'DELETING',
          tags: cluster.tags ?? {},
        },
      },
      requestID: '5c3a1f8e-4b2d-4e6f-9a7b-0c1d2e3f4a5b',
      eventID: '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: SANDBOX_ACCOUNT,
      eventCategory: 'Management',
      ...extra,
    },
  };
}

describe('scheduled handler', () => {
  it.each([
    [
      'EventBridge Scheduler input',
      { source: 'edge-reconciler.schedule', scheduledTime: '2026-11-23T10:00:00Z' },
    ],
    [
      'a classic Scheduled Event',
      {
        version: '0',
        id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: SANDBOX_ACCOUNT,
        time: '2026-11-23T10:00:00Z',
        region: 'us-east-1',
        resources: [`arn:aws:events:us-east-1:${SANDBOX_ACCOUNT}:rule/edge-reconciler-schedule`],
        detail: {},
      },
    ],
  ])('%s reconciles the fleet, publishes the summary and the metrics', async (_, event) => {
    const w = await world();
    const result = await w.wrap(createScheduledHandler(() => w.deps))(event);

    expect(records(w.sandbox)).toEqual([...API, ...SHOP].sort());
    expect(result.trigger).toBe('schedule');
    const [summary, ...more] = summaries(w.sandbox);
    expect(more).toEqual([]);
    expect(summary?.source).toBe('edge-reconciler');
    expect(summary?.eventBusName).toBe('default');
    expect(summary?.detail).toEqual({
      passId: result.passId,
      trigger: 'schedule',
      dryRun: false,
      counts: { created: 2, updated: 0, deleted: 0 },
      failedClusters: [],
      conflicts: 0,
      heldDeletions: 0,
      errors: [],
    });
    const metrics = emfValues(w.emf);
    expect(metrics).toMatchObject({
      PassCompleted: 1,
      PassFailed: 0,
      RecordsCreated: 2,
      RecordsUpdated: 0,
      RecordsDeleted: 0,
      FailedClusters: 0,
    });
    expect(metrics.PassDuration).toBe(result.durationMs);
    // The pass's own Route 53 calls, as the sandbox counted them.
    const route53Calls = Object.values(w.sandbox.apiCalls().route53 ?? {}).reduce((a, b) => a + b, 0);
    expect(metrics.Route53Calls).toBe(route53Calls);

    const passLine = w.logLines.map((l) => JSON.parse(l)).find((l) => l.message === 'pass complete');
    expect(passLine).toMatchObject({ passId: result.passId, trigger: 'schedule' });
    expect(passLine.clusters.map((c: { cluster: string }) => c.cluster).sort()).toEqual(['alpha', 'beta']);
  });

  it('refuses an event that is not a schedule, naming the field, and changes nothing', async () => {
    const w = await world();
    await expect(
      w.wrap(createScheduledHandler(() => w.deps))({ source: 'edge-reconciler.schedule', dryRun: 'no' }),
    ).rejects.toThrow(/event\.dryRun: expected boolean/);
    expect(records(w.sandbox)).toEqual([]);
    expect(summaries(w.sandbox)).toEqual([]);
    expect(w.emf).toEqual([]);
  });

  it('counts Route 53 throttling the account answers', async () => {
    // 40 ms of bucket time per request (0.8 token back each): throttled on any machine, never stuck.
    let fakeMs = 0;
    const w = await world({}, { throttle: { burst: 1, ratePerSecond: 20, nowMs: () => (fakeMs += 40) } });
    const result = await w.wrap(createScheduledHandler(() => w.deps))({ source: 'edge-reconciler.schedule' });

    expect(result.errors).toEqual([]);
    const counted = w.sandbox.apiCalls().route53 ?? {};
    const throttled = Object.entries(counted)
      .filter(([op]) => op.endsWith('.Throttled'))
      .reduce((a, [, n]) => a + n, 0);
    const all = Object.values(counted).reduce((a, b) => a + b, 0);
    expect(throttled).toBeGreaterThan(0);
    const metrics = emfValues(w.emf);
    expect(metrics.Route53Throttles).toBe(throttled);
    expect(metrics.Route53Calls).toBe(all);
  });
});

describe('manual handler', () => {
  it('a direct invoke reconciles the named clusters only and returns the pass', async () => {
    const w = await world();
    const result = (await w.wrap(createManualHandler(() => w.deps))({
      clusters: ['alpha'],
      reason: 'ticket OPS-42',
    })) as PassResult;

    expect(result.trigger).toBe('manual');
    expect(result.clusters.map((c) => c.name)).toEqual(['alpha']);
    const passLine = w.logLines.map((l) => JSON.parse(l)).find((l) => l.message === 'pass complete');
    expect(passLine).toMatchObject({ passId: result.passId, trigger: 'manual', reason: 'ticket OPS-42' });
    expect(records(w.sandbox)).toEqual(SHOP);
    expect(summaries(w.sandbox).map((e) => e.detail.trigger)).toEqual(['manual']);
    expect(emfValues(w.emf).RecordsCreated).toBe(1);
  });

  it('logs one line per record changed and per warning, adding up to the pass counts', async () => {
    const w = await world();
    const result = (await w.wrap(createManualHandler(() => w.deps))({})) as PassResult;
    const lines = w.logLines.map((l) => JSON.parse(l));
    const pass = lines.find((l) => l.message === 'pass complete');
    const changes = lines.filter((l) => l.message === 'record change');
    const { created, updated, deleted } = pass.counts;
    expect(changes).toHaveLength(created + updated + deleted);
    expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) {
      expect(c).toMatchObject({ passId: result.passId, dryRun: false, zone: expect.stringMatching(/\.$/) });
      expect(c.name).toMatch(/\.$/);
      expect(c.type).not.toBe('TXT');
      expect(c.owner).toBeTruthy();
    }
    expect(lines.filter((l) => l.message === 'pass warning')).toHaveLength(result.warnings.length);
  });

  it('a dry run changes nothing and says what it would have done', async () => {
    const w = await world();
    const result = (await w.wrap(createManualHandler(() => w.deps))({ dryRun: true })) as PassResult;

    expect(result.dryRun).toBe(true);
    expect(records(w.sandbox)).toEqual([]);
    // A dry run writes nothing anywhere, no event either: what it would do is in its log line.
    expect(summaries(w.sandbox)).toEqual([]);
    expect(w.sandbox.events.entries()).toEqual([]);
    const passLine = w.logLines.map((l) => JSON.parse(l)).find((l) => l.message === 'pass complete');
    expect(passLine).toMatchObject({ dryRun: true, counts: { created: 2, updated: 0, deleted: 0 } });
    // Dashboards count what was done: nothing.
    expect(emfValues(w.emf)).toMatchObject({ PassCompleted: 1, RecordsCreated: 0 });
  });

  it.each([
    [{ dryRun: 'yes' }, /payload\.dryRun: expected boolean/],
    [{ dryrun: true }, /payload\.dryrun: unknown field/],
    [{ clusters: [] }, /payload\.clusters: /],
    [{ clusters: ['alpha', 7] }, /payload\.clusters\[1\]: expected string/],
    [{ reason: 'x'.repeat(257) }, /payload\.reason: /],
    [['alpha'], /payload: expected object/],
  ])('a bad payload %j is refused naming the field, and changes nothing', async (payload, message) => {
    const w = await world();
    const before = w.sandbox.calls.snapshot();
    const invoke = w.wrap(createManualHandler(() => w.deps))(payload);

    await expect(invoke).rejects.toThrow(message);
    await expect(invoke).rejects.toMatchObject({ name: 'InvalidEventError' });
    expect(records(w.sandbox)).toEqual([]);
    expect(summaries(w.sandbox)).toEqual([]);
    expect(w.sandbox.calls.since(before)).toEqual({});
  });

  const resync = (detail: unknown) => ({
    version: '0',
    id: 'a1b2c3d4-5678-90ab-cdef-111122223333',
    'detail-type': 'Resync Requested',
    source: 'edge-reconciler',
    account: SANDBOX_ACCOUNT,
    time: '2026-11-23T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  });

  it('the EventBridge "Resync Requested" event runs a resync pass of its detail', async () => {
    const w = await world();
    const result = (await w.wrap(createManualHandler(() => w.deps))(
      resync({ clusters: ['beta'] }),
    )) as PassResult;

    expect(result.trigger).toBe('resync');
    expect(records(w.sandbox)).toEqual(API);
    expect(summaries(w.sandbox).map((e) => e.detail.trigger)).toEqual(['resync']);
  });

  it.each([
    [resync({ clusters: 'beta' }), /detail\.clusters: expected array/],
    [{ ...resync({}), 'detail-type': 'Something Else' }, /event\.detail-type: /],
  ])('a bad resync event is refused naming the field (%#)', async (event, message) => {
    const w = await world();
    await expect(w.wrap(createManualHandler(() => w.deps))(event)).rejects.toThrow(message);
    expect(records(w.sandbox)).toEqual([]);
  });
});

describe('cluster lifecycle handler', () => {
  it('CreateCluster of a cluster in the fleet reconciles just that cluster', async () => {
    const w = await world();
    const result = (await w.wrap(createClusterLifecycleHandler(() => w.deps))(
      cloudTrailEks('CreateCluster', { name: 'beta', region: 'us-east-1' }),
    )) as PassResult;

    expect(result.trigger).toBe('cluster-created');
    expect(result.clusters.map((c) => c.name)).toEqual(['beta']);
    expect(records(w.sandbox)).toEqual(API);
    expect(summaries(w.sandbox).map((e) => e.detail.trigger)).toEqual(['cluster-created']);
  });

  it('CreateCluster of a cluster still being created waits for the scheduled pass', async () => {
    const w = await world();
    w.sandbox.eks.updateCluster('us-east-1', 'beta', { status: 'CREATING' });
    const out = (await w.wrap(createClusterLifecycleHandler(() => w.deps))(
      cloudTrailEks('CreateCluster', { name: 'beta', region: 'us-east-1' }),
    )) as IgnoredEvent;

    expect(out).toMatchObject({ ignored: true, reason: expect.stringMatching(/beta is still CREATING/) });
    expect(records(w.sandbox)).toEqual([]);
    expect(summaries(w.sandbox)).toEqual([]);
  });

  it.each([
    [
      'a cluster outside the fleet',
      cloudTrailEks('CreateCluster', { name: 'gamma', region: 'us-east-1' }),
      /gamma .* not part of the fleet/,
    ],
    [
      'a listed name in another region',
      cloudTrailEks('CreateCluster', { name: 'beta', region: 'eu-west-1' }),
      /not part of the fleet/,
    ],
    [
      'a call that failed',
      cloudTrailEks(
        'DeleteCluster',
        { name: 'alpha', region: 'eu-central-1' },
        { errorCode: 'ResourceInUseException', errorMessage: 'Cluster has nodegroups attached' },
      ),
      /failed \(ResourceInUseException\)/,
    ],
  ])('ignores %s, with the reason, and changes nothing', async (_, event, reason) => {
    const w = await world();
    const before = w.sandbox.calls.snapshot();
    const out = (await w.wrap(createClusterLifecycleHandler(() => w.deps))(event)) as IgnoredEvent;

    expect(out.ignored).toBe(true);
    expect(out.reason).toMatch(reason);
    // At most the reconciler's own account, asked once (STS GetCallerIdentity): nothing else is read.
    const { sts, ...others } = w.sandbox.calls.since(before);
    expect(others).toEqual({});
    expect(Object.keys(sts ?? {})).toEqual(sts ? ['GetCallerIdentity'] : []);
    expect(summaries(w.sandbox)).toEqual([]);
  });

  it('refuses an event without a cluster name, naming the field', async () => {
    const w = await world();
    const event = cloudTrailEks('DeleteCluster', { name: 'alpha', region: 'eu-central-1' });
    event.detail.requestParameters = {} as typeof event.detail.requestParameters;
    event.detail.responseElements = {} as typeof event.detail.responseElements;
    await expect(w.wrap(createClusterLifecycleHandler(() => w.deps))(event)).rejects.toThrow(
      /event\.detail\.requestParameters\.name/,
    );
  });

  it.each([
    ['sync', [...API]],
    ['upsert-only', [...API, ...SHOP].sort()],
    ['create-only', [...API, ...SHOP].sort()],
  ])('DeleteCluster under %s releases what the policy allows', async (policy, left) => {
    const w = await world({ policy });
    await w.wrap(createScheduledHandler(() => w.deps))({ source: 'edge-reconciler.schedule' });
    expect(records(w.sandbox)).toEqual([...API, ...SHOP].sort());
    w.sandbox.eks.removeCluster('eu-central-1', 'alpha');
    w.emf.length = 0;
    w.sandbox.events.clear();

    const result = (await w.wrap(createClusterLifecycleHandler(() => w.deps))(
      cloudTrailEks('DeleteCluster', { name: 'alpha', region: 'eu-central-1' }),
    )) as PassResult;

    expect(result.trigger).toBe('cluster-deleted');
    expect(result.errors).toEqual([]);
    expect(records(w.sandbox)).toEqual(left);
    const deleted = policy === 'sync' ? 1 : 0;
    expect(summaries(w.sandbox).map((e) => e.detail.counts)).toEqual([{ created: 0, updated: 0, deleted }]);
    expect(emfValues(w.emf).RecordsDeleted).toBe(deleted);
  });
});

describe('a DeleteCluster is a hint: EKS confirms before anything is released', () => {
  async function published(w: World) {
    await w.wrap(createScheduledHandler(() => w.deps))({ source: 'edge-reconciler.schedule' });
    expect(records(w.sandbox)).toEqual([...API, ...SHOP].sort());
    w.emf.length = 0;
    w.sandbox.events.clear();
  }

  it('for a cluster EKS reports ACTIVE: ignored with a warning naming it, a metric, nothing released', async () => {
    const w = await world();
    await published(w);
    const before = w.sandbox.calls.snapshot();
    const out = (await w.wrap(createClusterLifecycleHandler(() => w.deps))(
      cloudTrailEks('DeleteCluster', { name: 'alpha', region: 'eu-central-1' }),
    )) as IgnoredEvent;

    expect(out).toEqual({
      ignored: true,
      reason: `cluster alpha in eu-central-1 (account ${SANDBOX_ACCOUNT}) is ACTIVE in EKS: the DeleteCluster event is not confirmed; nothing released`,
    });
    expect(records(w.sandbox)).toEqual([...API, ...SHOP].sort());
    expect(w.sandbox.calls.since(before)).toEqual({
      sts: { GetCallerIdentity: 1 },
      eks: { DescribeCluster: 1 },
    });
    expect(emfValues(w.emf)).toEqual({ UnconfirmedClusterDeletions: 1 });
    expect(w.logLines.some((l) => /"level":"warn".*alpha in eu-central-1.*ACTIVE/i.test(l))).toBe(true);
    expect(summaries(w.sandbox)).toEqual([]);
  });

  it('a direct invoke shaped like the event, through the deployed dispatch, releases nothing', async () => {
    const w = await world();
    await published(w);
    const out = await w.wrap(createReconcilerHandler(() => w.deps))(
      cloudTrailEks('DeleteCluster', { name: 'alpha', region: 'eu-central-1' }),
    );
    expect(out).toMatchObject({ ignored: true, reason: expect.stringMatching(/ACTIVE in EKS/) });
    expect(records(w.sandbox)).toEqual([...API, ...SHOP].sort());
  });

  it('for a same-named cluster of another account: not the fleet’s, EKS not even asked', async () => {
    const w = await world();
    await published(w);
    const before = w.sandbox.calls.snapshot();
    const event = cloudTrailEks(
      'DeleteCluster',
      { name: 'alpha', region: 'eu-central-1' },
      { recipientAccountId: '999999999999' },
    );
    const out = (await w.wrap(createClusterLifecycleHandler(() => w.deps))({
      ...event,
      account: '999999999999',
    })) as IgnoredEvent;
    expect(out.reason).toMatch(/alpha in eu-central-1 \(account 999999999999\) is not part of the fleet/);
    expect(w.sandbox.calls.since(before).eks).toBeUndefined();
    expect(records(w.sandbox)).toEqual([...API, ...SHOP].sort());
  });

  it('for a cluster EKS reports DELETING: released', async () => {
    const w = await world();
    await published(w);
    w.sandbox.eks.updateCluster('eu-central-1', 'alpha', { status: 'DELETING' });
    const result = (await w.wrap(createClusterLifecycleHandler(() => w.deps))(
      cloudTrailEks('DeleteCluster', { name: 'alpha', region: 'eu-central-1' }),
    )) as PassResult;
    expect(result.trigger).toBe('cluster-deleted');
    expect(records(w.sandbox)).toEqual(API);
  });
});

describe('the deployed handler module', () => {
  it('reads its config from the environment and flushes EMF to stdout', async () => {
    const sandbox = await Sandbox.start();
    open.push(sandbox);
    const scenario = await parseScenario(
      {
        config: { domainFilters: ['example.com'] },
        clusters: CLUSTERS,
        route53: { zones: [{ name: ZONE }] },
      },
      import.meta.dirname,
    );
    await sandbox.load(scenario);
    const env = {
      ...sandboxAwsEnv(sandbox.url),
      EDGE_RECONCILER_CONFIG: JSON.stringify({
        domainFilters: ['example.com'],
        clusters: CLUSTERS.map(({ name, region }) => ({ name, region })),
      }),
      POWERTOOLS_SERVICE_NAME: 'edge-reconciler',
      POWERTOOLS_METRICS_NAMESPACE: 'EdgeReconciler',
    };
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    const stdout: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    try {
      const { handler } = await import('../../functions/reconciler.js');
      const result = (await handler({ source: 'edge-reconciler.schedule' }, lambdaContext())) as PassResult;
      expect(result.errors).toEqual([]);
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }

    expect(records(sandbox)).toEqual([...API, ...SHOP].sort());
    const lines = stdout
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const emf = lines.filter((l) => l._aws);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ RecordsCreated: 2, PassCompleted: 1, service: 'edge-reconciler' });
    const passLine = lines.find((l) => l.message === 'pass complete');
    // Powertools adds the invocation's context to the pass's log line.
    expect(passLine).toMatchObject({ function_request_id: lambdaContext().awsRequestId });
    expect(JSON.stringify(lines)).not.toContain('k8s-aws-v1.');
    expect(summaries(sandbox)).toHaveLength(1);
  });
});
