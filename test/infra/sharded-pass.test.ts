import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseEvent } from '../../functions/middleware.js';
import { SHARD_BUCKET_ENV as FUNCTIONS_ENV, shardedPassRequest } from '../../functions/pass-stages.js';
import { PASS_OUTPUT_EXPIRY_DAYS, SHARD_BUCKET_ENV } from '../../infra/constructs/sharded-pass.js';
import { fleetStageEvent } from '../../shared/shards/events.js';
import { asList, type Cfn, policyStatements, type Synthesized, synthesize } from './synth.js';

/**
 * With `sharding` the schedule starts a Step Functions workflow (docs/scale.md): a Distributed Map over the
 * shards, a Map over the zones one at a time through the reconciler function, an encrypted private bucket
 * for the outputs. Templates only (bundling skipped); without `sharding` none of it exists.
 */
const dir = mkdtempSync(join(tmpdir(), 'edge-reconciler-sharded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function deployFile(name: string, sharding?: Record<string, unknown>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    stringify({
      region: 'eu-west-1',
      domainFilters: ['apps.example.org'],
      zoneIdFilters: ['ZAPPS'],
      clusters: [{ name: 'blue', region: 'eu-west-1' }],
      ...(sharding ? { sharding } : {}),
      deploy: { stackName: `Edge${name}`, account: '123456789012' },
    }),
  );
  return file;
}

const resources = (synth: Synthesized, type: string): [string, Cfn][] =>
  Object.entries<Cfn>(synth.json.Resources).filter(([, r]) => r.Type === type);

/** The state machine's ASL, with each `Fn::GetAtt` of a function's ARN as `<LogicalId>`. */
function definition(synth: Synthesized): Cfn {
  const [machine] = resources(synth, 'AWS::StepFunctions::StateMachine');
  const parts = machine![1].Properties.DefinitionString['Fn::Join'][1] as Cfn[];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : `<${p['Fn::GetAtt'][0]}>`)).join(''));
}

describe('sharding on', () => {
  let synth: Synthesized;
  let functionIds: { reconciler: string; worker: string };
  beforeAll(() => {
    synth = synthesize({
      bundle: false,
      configFile: deployFile('Sharded', { clustersPerShard: 100, maxConcurrency: 12 }),
    });
    const fns = resources(synth, 'AWS::Lambda::Function').map(([id]) => id);
    functionIds = {
      reconciler: fns.find((id) => id.startsWith('Reconciler')) as string,
      worker: fns.find((id) => id.startsWith('StageWorker')) as string,
    };
  }, 120_000);
  afterAll(() => synth?.cleanup());

  it('a Standard workflow: fleet → Distributed Map over shards → certificates → Map over zones → report', () => {
    const [machine] = resources(synth, 'AWS::StepFunctions::StateMachine');
    expect(machine![1].Properties.StateMachineType).toBe('STANDARD');
    const asl = definition(synth);
    expect(asl.StartAt).toBe('Fleet');
    const order: string[] = [];
    for (let s: string | undefined = asl.StartAt; s; s = asl.States[s].Next) order.push(s);
    expect(order).toEqual(['Fleet', 'Shards', 'Certificates', 'CertificatesDone', 'Zones', 'Report']);
    const { Shards: shards, Zones: zones } = asl.States;
    expect(shards).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.shards',
      MaxConcurrency: 12,
      ToleratedFailurePercentage: 100,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
    });
    expect(shards.ItemProcessor.States.ClusterShard).toMatchObject({
      Resource: `<${functionIds.worker}>`,
      Parameters: { stage: 'cluster-shard', 'passId.$': '$.passId', 'shard.$': '$.shard' },
    });
    // One zone at a time, each through the reconciler function (reserved concurrency 1), waiting out its throttles.
    expect(zones).toMatchObject({ Type: 'Map', ItemsPath: '$.zones', MaxConcurrency: 1 });
    expect(zones.ItemProcessor.ProcessorConfig.Mode).toBe('INLINE');
    const zone = zones.ItemProcessor.States.Zone;
    expect(zone).toMatchObject({
      Resource: `<${functionIds.reconciler}>`,
      Parameters: { stage: 'zone', 'passId.$': '$.passId', 'zone.$': '$.zone' },
    });
    expect(zone.Retry).toContainEqual(
      expect.objectContaining({ ErrorEquals: ['Lambda.TooManyRequestsException'] }),
    );
    expect(asl.States.Certificates.Resource).toBe(`<${functionIds.reconciler}>`);
    expect(asl.States.Fleet.Resource).toBe(`<${functionIds.worker}>`);
    expect(asl.States.Report.Resource).toBe(`<${functionIds.worker}>`);
  });

  it('the schedule starts the workflow, not the function', () => {
    const [schedule] = resources(synth, 'AWS::Scheduler::Schedule');
    const [machineId] = resources(synth, 'AWS::StepFunctions::StateMachine')[0]!;
    expect(schedule![1].Properties.Target.Arn).toEqual({ Ref: machineId });
    expect(JSON.parse(schedule![1].Properties.Target.Input)).toMatchObject({
      source: 'edge-reconciler.schedule',
    });
  });

  it('the fleet stage gets the execution’s input whole, and reads the schedule’s as a scheduled pass', () => {
    const asl = definition(synth);
    expect(asl.States.Fleet.Parameters).toEqual({ stage: 'fleet', 'start.$': '$' });
    const [schedule] = resources(synth, 'AWS::Scheduler::Schedule');
    const start = JSON.parse(schedule![1].Properties.Target.Input);
    const event = parseEvent(fleetStageEvent, { stage: 'fleet', start }, 'event');
    expect(shardedPassRequest(event.start)).toEqual({ trigger: 'schedule' });
  });

  it('a resync naming clusters invokes the reconciler; one naming none starts the workflow', () => {
    const [machineId] = resources(synth, 'AWS::StepFunctions::StateMachine')[0]!;
    const rules = Object.fromEntries(
      resources(synth, 'AWS::Events::Rule')
        .filter(([, r]) => r.Properties.EventPattern['detail-type']?.[0] === 'Resync Requested')
        .map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.Properties]),
    );
    expect(Object.keys(rules).sort()).toEqual(['TriggersFullResyncRequested', 'TriggersResyncRequested']);
    const some = rules.TriggersResyncRequested;
    expect(some.EventPattern).toEqual({
      source: ['edge-reconciler'],
      'detail-type': ['Resync Requested'],
      detail: { clusters: [{ exists: true }] },
    });
    expect(some.Targets).toMatchObject([{ Arn: { 'Fn::GetAtt': [functionIds.reconciler, 'Arn'] } }]);
    const all = rules.TriggersFullResyncRequested;
    expect(all.EventPattern.detail).toEqual({ clusters: [{ exists: false }] });
    expect(all.Targets).toHaveLength(1);
    expect(all.Targets[0]).toMatchObject({
      Arn: { Ref: machineId },
      DeadLetterConfig: { Arn: expect.anything() },
    });
    // The event itself is the execution's input: no transformer between the rule and the state machine.
    expect(
      all.Targets[0].Input ?? all.Targets[0].InputTransformer ?? all.Targets[0].InputPath,
    ).toBeUndefined();
    const mayStart = policyStatements(synth.json)
      .filter(({ statement }) => asList(statement.Action).includes('states:StartExecution'))
      .flatMap(({ statement }) => asList(statement.Resource));
    expect(mayStart.length).toBeGreaterThan(0);
    for (const r of mayStart) expect(r).toEqual({ Ref: machineId });
  });

  it('the reconciler keeps reserved concurrency 1; both functions are told the bucket', () => {
    const [bucketId] = resources(synth, 'AWS::S3::Bucket')[0]!;
    const fns = Object.fromEntries(resources(synth, 'AWS::Lambda::Function'));
    expect(fns[functionIds.reconciler].Properties.ReservedConcurrentExecutions).toBe(1);
    expect(fns[functionIds.worker].Properties.ReservedConcurrentExecutions).toBeUndefined();
    for (const id of Object.values(functionIds)) {
      expect(fns[id].Properties.Environment.Variables[SHARD_BUCKET_ENV]).toEqual({ Ref: bucketId });
    }
    expect(SHARD_BUCKET_ENV).toBe(FUNCTIONS_ENV);
  });

  it('the bucket is encrypted, private, TLS-only and expires pass outputs', () => {
    const [[, bucket]] = resources(synth, 'AWS::S3::Bucket') as [[string, Cfn]];
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [{ ExpirationInDays: PASS_OUTPUT_EXPIRY_DAYS, Prefix: 'passes/', Status: 'Enabled' }],
      },
    });
    const [[, policy]] = resources(synth, 'AWS::S3::BucketPolicy') as [[string, Cfn]];
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('IAM: the functions get and put pass outputs and list the pass prefix only; the workflow invokes its two functions only', () => {
    const [bucketId] = resources(synth, 'AWS::S3::Bucket')[0]!;
    const s3 = policyStatements(synth.json).filter(({ statement }) =>
      asList(statement.Action).some((a: string) => a.startsWith('s3:')),
    );
    expect(s3.map(({ statement }) => statement.Sid).sort()).toEqual([
      'ShardedPassListing',
      'ShardedPassOutputs',
    ]);
    const outputs = s3.find(({ statement }) => statement.Sid === 'ShardedPassOutputs')!.statement;
    expect(asList(outputs.Action).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(outputs.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/passes/*']],
    });
    const listing = s3.find(({ statement }) => statement.Sid === 'ShardedPassListing')!.statement;
    expect(listing).toMatchObject({
      Action: 's3:ListBucket',
      Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      Condition: { StringLike: { 's3:prefix': ['passes/*'] } },
    });
    const invokes = policyStatements(synth.json)
      .filter(({ statement }) => asList(statement.Action).includes('lambda:InvokeFunction'))
      .flatMap(({ statement }) => asList(statement.Resource));
    const invoked = new Set(
      invokes.map((r: Cfn) => JSON.stringify(r).match(/"(Reconciler|StageWorker)[0-9A-F]{8}"/)?.[1]),
    );
    expect([...invoked].sort()).toEqual(['Reconciler', 'StageWorker']);
  });
});

describe('sharding on: alarms', () => {
  it('a failed, timed-out or aborted execution pages; the stage worker has its own error alarm', () => {
    const synth = synthesize({ bundle: false, configFile: deployFile('Alarmed', { maxConcurrency: 5 }) });
    try {
      const [machineId] = resources(synth, 'AWS::StepFunctions::StateMachine')[0]!;
      const alarms = Object.fromEntries(
        resources(synth, 'AWS::CloudWatch::Alarm').map(([, a]) => [
          a.Properties.AlarmName as string,
          a.Properties,
        ]),
      );
      const failed = alarms['EdgeAlarmed-ShardedPassFailed'];
      expect(failed?.Metrics.find((m: Cfn) => m.Expression)?.Expression).toBe('failed + timedOut + aborted');
      const metricNames = failed.Metrics.filter((m: Cfn) => m.MetricStat).map(
        (m: Cfn) => m.MetricStat.Metric.MetricName,
      );
      expect(metricNames.sort()).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
      for (const m of failed.Metrics.filter((m: Cfn) => m.MetricStat)) {
        expect(m.MetricStat.Metric.Dimensions).toEqual([
          { Name: 'StateMachineArn', Value: { Ref: machineId } },
        ]);
      }
      expect(alarms).toHaveProperty('EdgeAlarmed-stageWorkerErrors');
    } finally {
      synth.cleanup();
    }
  }, 120_000);
});

describe('sharding off (the default)', () => {
  it('no workflow, no bucket, no worker: the schedule invokes the reconciler function', () => {
    const synth = synthesize({ bundle: false, configFile: deployFile('Plain') });
    try {
      expect(resources(synth, 'AWS::StepFunctions::StateMachine')).toEqual([]);
      expect(resources(synth, 'AWS::S3::Bucket')).toEqual([]);
      expect(
        resources(synth, 'AWS::CloudWatch::Alarm').filter(([, a]) =>
          /ShardedPass|stageWorker/.test(a.Properties.AlarmName),
        ),
      ).toEqual([]);
      expect(resources(synth, 'AWS::Lambda::Function').map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(
        ['Reconciler'],
      );
      const [schedule] = resources(synth, 'AWS::Scheduler::Schedule');
      expect(schedule![1].Properties.Target.Arn).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^Reconciler/), 'Arn'],
      });
      // Every resync, whole fleet or not, is a pass of the reconciler function.
      const resync = resources(synth, 'AWS::Events::Rule').filter(
        ([, r]) => r.Properties.EventPattern['detail-type']?.[0] === 'Resync Requested',
      );
      expect(resync.map(([, r]) => r.Properties.EventPattern)).toEqual([
        { source: ['edge-reconciler'], 'detail-type': ['Resync Requested'] },
      ]);
    } finally {
      synth.cleanup();
    }
  }, 120_000);
});
