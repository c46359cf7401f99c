import { type CfnElement, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import {
  Chain,
  DefinitionBody,
  DistributedMap,
  JsonPath,
  LogLevel,
  Map as MapState,
  Pass,
  StateMachine,
  StateMachineType,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { Config } from '../../shared/config.js';

export interface ShardedPassProps {
  sharding: NonNullable<Config['sharding']>;
  /** Runs the fleet, cluster-shard and report stages (many shards at once). */
  worker: IFunction;
  /** The reconciler function (reserved concurrency 1): the certificate and zone stages, one writer per zone. */
  reconciler: IFunction;
  /** The functions' shared role: it reads and writes the pass outputs. */
  role: Role;
  logRetention: RetentionDays;
  /** A pass's longest run before Step Functions stops it: the next schedule starts afresh. */
  timeout: Duration;
}

/** The functions find the bucket here (functions/pass-stages.ts reads the same name; a test holds them equal). */
export const SHARD_BUCKET_ENV = 'EDGE_RECONCILER_SHARD_BUCKET';

/** Passes' outputs are read within the execution; a day keeps them for a look after a failure. */
export const PASS_OUTPUT_EXPIRY_DAYS = 1;
/** Where the pass outputs live in the bucket (shared/shards/store.ts `passKeys`). */
const PASS_PREFIX = 'passes/';

/**
 * The sharded pass (docs/scale.md): a Step Functions Standard workflow the schedule starts instead of the
 * function — fleet → a Distributed Map over the shards → certificates → a Map over the zones, one at a time
 * through the reconciler function → report — and the S3 bucket the stages hand their outputs through
 * (a state's payload is capped at 256 KiB). functions/sharded-workflow.ts runs the same order locally.
 */
export class ShardedPass extends Construct {
  readonly bucket: Bucket;
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: ShardedPassProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Outputs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ prefix: PASS_PREFIX, expiration: Duration.days(PASS_OUTPUT_EXPIRY_DAYS) }],
      // Only expiring pass outputs live here: nothing to keep when the stack goes.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds one pass’s intermediate outputs for a day; who wrote them is the stack’s own functions (CloudTrail data events if wanted), so server access logs would only log the workflow.',
    });
    this.grantPassOutputs(props.role);

    const invoke = (id: string, fn: IFunction, payload: Record<string, unknown>) =>
      new LambdaInvoke(this, id, {
        lambdaFunction: fn,
        payload: TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
      });
    const passId = JsonPath.stringAt('$.passId');

    // The execution's input whole: the schedule's, or a "Resync Requested" event (the fleet stage tells).
    const fleet = invoke('Fleet', props.worker, { stage: 'fleet', start: JsonPath.entirePayload });

    const shard = invoke('ClusterShard', props.worker, {
      stage: 'cluster-shard',
      passId: JsonPath.stringAt('$.passId'),
      shard: JsonPath.numberAt('$.shard'),
    });
    // A shard that fails leaves no output: the zone stages freeze its owners, so the pass goes on.
    const shards = new DistributedMap(this, 'Shards', {
      itemsPath: JsonPath.stringAt('$.shards'),
      maxConcurrency: props.sharding.maxConcurrency,
      toleratedFailurePercentage: 100,
      resultPath: JsonPath.DISCARD,
      label: 'Shards',
    }).itemProcessor(shard);

    const certificates = invoke('Certificates', props.reconciler, { stage: 'certificates', passId });
    certificates.addRetry({
      errors: ['Lambda.TooManyRequestsException'],
      interval: Duration.seconds(5),
      backoffRate: 1.5,
      maxAttempts: 20,
    });
    const afterCertificates = new Pass(this, 'CertificatesDone', { resultPath: JsonPath.DISCARD });
    certificates.addCatch(afterCertificates, { resultPath: JsonPath.DISCARD });

    const zone = invoke('Zone', props.reconciler, {
      stage: 'zone',
      passId: JsonPath.stringAt('$.passId'),
      zone: JsonPath.stringAt('$.zone'),
    });
    // The reconciler runs one invocation at a time (reserved concurrency 1): a zone arriving while a
    // trigger's pass runs is throttled, and waits here for its turn.
    zone.addRetry({
      errors: ['Lambda.TooManyRequestsException'],
      interval: Duration.seconds(5),
      backoffRate: 1.5,
      maxAttempts: 20,
    });
    const zoneLeft = new Pass(this, 'ZoneLeftForNextPass');
    zone.addCatch(zoneLeft, { resultPath: JsonPath.DISCARD });
    const zones = new MapState(this, 'Zones', {
      itemsPath: JsonPath.stringAt('$.zones'),
      // One zone at a time: one writer per zone, and Route 53's per-account rate is the bound anyway.
      maxConcurrency: 1,
      resultPath: JsonPath.DISCARD,
    }).itemProcessor(zone);

    const report = invoke('Report', props.worker, { stage: 'report', passId });

    const logs = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'Workflow', {
      stateMachineType: StateMachineType.STANDARD,
      comment: 'edge-reconciler: the scheduled pass in shards (docs/scale.md)',
      definitionBody: DefinitionBody.fromChainable(
        Chain.start(fleet).next(shards).next(certificates).next(afterCertificates).next(zones).next(report),
      ),
      timeout: props.timeout,
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    this.acknowledgeWorkflowPolicies([props.worker, props.reconciler]);
  }

  /** What cdk-nag finds in the policies Step Functions needs, each with why it is as narrow as it can be. */
  private acknowledgeWorkflowPolicies(functions: readonly IFunction[]): void {
    const stack = Stack.of(this);
    const literal = (value: string, token: string) => (Token.isUnresolved(value) ? `<${token}>` : value);
    const partition = Token.isUnresolved(stack.region) ? '<AWS::Partition>' : 'aws';
    const stateMachineId = stack.getLogicalId(this.stateMachine.node.defaultChild as CfnElement);
    const name = JSON.stringify({ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: stateMachineId }] }] });
    const executions = `arn:${partition}:states:${literal(stack.region, 'AWS::Region')}:${literal(stack.account, 'AWS::AccountId')}:execution:${name}`;
    const ack = (id: string, reason: string) => Validations.of(this.stateMachine).acknowledge({ id, reason });
    ack(
      'AwsSolutions-IAM5[Resource::*]',
      'Step Functions’ X-Ray segments and CloudWatch Logs delivery take no resource but *.',
    );
    for (const fn of functions) {
      const id = stack.getLogicalId(fn.node.defaultChild as CfnElement);
      ack(
        `AwsSolutions-IAM5[Resource::<${id}.Arn>:*]`,
        'The invoke grant covers one function and its versions/aliases (<arn>:*), not a wildcard over functions.',
      );
    }
    for (const run of [`${executions}:*`, `${executions}/Shards:*`]) {
      ack(
        `AwsSolutions-IAM5[Resource::${run}]`,
        'The Distributed Map starts and reads the child executions of this state machine (and its Shards map run) only.',
      );
    }
  }

  /** The functions read and write pass outputs, and list them under the pass prefix only. */
  private grantPassOutputs(role: Role): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ShardedPassOutputs',
        effect: Effect.ALLOW,
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects(`${PASS_PREFIX}*`)],
      }),
    );
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${PASS_PREFIX}*]`,
      reason:
        'A pass writes one object per shard and zone under passes/<pass id>/, named at run time: the grant is the pass prefix of the stack’s own bucket.',
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ShardedPassListing',
        effect: Effect.ALLOW,
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${PASS_PREFIX}*`] } },
      }),
    );
  }
}
