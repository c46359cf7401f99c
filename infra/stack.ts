import { CfnOutput, Duration, Stack, type StackProps, Tags, Token, Validations } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type Config, roleAccount, route53RolesOf } from '../shared/config.js';
import { ReconcilerAlarms } from './constructs/alarms.js';
import { ClusterAccess, KUBERNETES_GROUP, VIEW_POLICY } from './constructs/cluster-access.js';
import { ReconcilerDashboard } from './constructs/dashboard.js';
import { ReconcilerFunction } from './constructs/reconciler-function.js';
import { ReconcilerRole } from './constructs/reconciler-role.js';
import { SHARD_BUCKET_ENV, ShardedPass } from './constructs/sharded-pass.js';
import { ReconcilerTriggers } from './constructs/triggers.js';
import { vpcPlacement } from './constructs/vpc-placement.js';
import type { DeployConfig } from './deploy-config.js';
import { LAMBDA_ENTRY, STAGE_WORKER_ENTRY } from './lambda-bundle.js';

export interface EdgeReconcilerStackProps extends StackProps {
  deployConfig: DeployConfig;
  /** The repository root: where the function entries and package-lock.json are. */
  projectRoot: string;
}

/**
 * The whole deployment: one thin function behind every trigger, one least-privilege role, the access
 * entries that let it read the clusters, and the alarms and dashboard that say how it goes.
 */
export class EdgeReconcilerStack extends Stack {
  readonly reconciler: ReconcilerFunction;

  constructor(scope: Construct, id: string, props: EdgeReconcilerStackProps) {
    super(scope, id, props);
    const { config, raw, deploy } = props.deployConfig;
    for (const [key, value] of Object.entries(deploy.tags)) Tags.of(this).add(key, value);

    const account = this.account;
    const eventBusName = config.events.busName;
    const local = localClusters(config, this);

    const role = new ReconcilerRole(this, 'Access', {
      config,
      account,
      inVpc: deploy.vpc !== undefined,
    });

    const deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the schedule, the EventBridge rules and the function’s asynchronous invocations; a DLQ of its own would only move the same messages.',
    });

    const vpc = deploy.vpc ? vpcPlacement(this, deploy.vpc) : undefined;
    // What every deployed function shares: one role (the clusters' access entries and member-account roles
    // trust this one principal), one config, the deploy file's sizing.
    const common = {
      projectRoot: props.projectRoot,
      role: role.role,
      configJson: JSON.stringify(raw),
      logRetention: deploy.logRetentionDays,
      memorySize: deploy.memoryMiB,
      timeout: Duration.seconds(deploy.timeoutSeconds),
      ...(vpc ? { vpc } : {}),
    };
    this.reconciler = new ReconcilerFunction(this, 'Reconciler', {
      // The one deployed entry: every trigger invokes it, so reserved concurrency 1 keeps two passes from
      // ever writing a zone at once (functions/reconciler.ts hands each event to its trigger's handler).
      entry: LAMBDA_ENTRY,
      description:
        'edge-reconciler: every pass (schedule, audit log, resync, cluster lifecycle), one at a time',
      ...common,
      onFailure: new SqsDestination(deadLetterQueue),
      // Function errors are retried twice; throttled deliveries (a pass already running) are retried by
      // Lambda until they are this old, so a burst of triggers waits its turn instead of being lost.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      // Without it (serializePasses: false) passes may overlap: only for accounts that cannot reserve any.
      ...(deploy.serializePasses ? { reservedConcurrentExecutions: 1 } : {}),
    });
    const functions: Record<string, ReconcilerFunction> = { reconciler: this.reconciler };

    // With `sharding`, the schedule starts a Step Functions workflow instead (docs/scale.md): a stage worker
    // reads the clusters in shards, the zones are written one at a time through the reconciler.
    let sharded: ShardedPass | undefined;
    if (config.sharding) {
      const worker = new ReconcilerFunction(this, 'StageWorker', {
        entry: STAGE_WORKER_ENTRY,
        description: 'edge-reconciler: the sharded pass’s fleet, cluster-shard and report stages',
        ...common,
        // Invoked synchronously by the state machine, which retries and tolerates failed shards itself.
        retryAttempts: 0,
        maxEventAge: Duration.hours(1),
      });
      functions.stageWorker = worker;
      sharded = new ShardedPass(this, 'ShardedPass', {
        sharding: config.sharding,
        worker,
        reconciler: this.reconciler,
        role: role.role,
        logRetention: deploy.logRetentionDays,
        timeout: Duration.minutes(Math.max(deploy.scheduleMinutes * 2, 30)),
      });
      for (const fn of [worker, this.reconciler])
        fn.addEnvironment(SHARD_BUCKET_ENV, sharded.bucket.bucketName);
    }
    role.allowLogging(Object.values(functions).map((f) => f.logGroup));

    new ReconcilerTriggers(this, 'Triggers', {
      reconciler: this.reconciler,
      ...(sharded ? { stateMachine: sharded.stateMachine } : {}),
      deadLetterQueue,
      scheduleMinutes: deploy.scheduleMinutes,
      eventBusName,
      auditLogClusters: local.filter((c) => deploy.clusters[c]?.auditLogs !== false),
      sources: config.sources,
      config,
      fleetAccounts: fleetAccounts(config, account),
      memberAccounts: fleetAccounts(config, account).filter((a) => a !== account),
    });

    new ClusterAccess(this, 'ClusterAccess', {
      role: role.role,
      clusters: local.filter((c) => deploy.clusters[c]?.accessEntry !== false),
      mode: deploy.kubernetesAccess,
    });

    const alarms = new ReconcilerAlarms(this, 'Alarms', {
      functions,
      deadLetterQueue,
      scheduleMinutes: deploy.scheduleMinutes,
      heartbeatPeriods: deploy.heartbeatPeriods,
      alarmEmails: deploy.alarmEmails,
      stackName: deploy.stackName,
      certificates: config.certificates.enabled,
      ...(sharded ? { stateMachine: sharded.stateMachine } : {}),
    });

    new ReconcilerDashboard(this, 'Dashboard', {
      dashboardName: deploy.stackName,
      functions,
      deadLetterQueue,
      alarms: alarms.alarms,
      scheduleMinutes: deploy.scheduleMinutes,
      route53Accounts: [
        ...(config.awsAssumeRole === undefined ? ['home'] : []),
        ...route53RolesOf(config).map((r) => roleAccount(r.roleArn)),
      ],
    });

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('ReconcilerRoleArn', role.role.roleArn, 'The role to grant in clusters of other accounts');
    output('ReconcilerFunctionName', this.reconciler.functionName, 'Invoke for a resync by hand');
    output('AlarmTopicArn', alarms.topic.topicArn, 'Subscribe on-call tooling here');
    output('DeadLetterQueueUrl', deadLetterQueue.queueUrl, 'Undeliverable triggers and failed invocations');
    output(
      'KubernetesAccess',
      deploy.kubernetesAccess === 'group'
        ? `group ${KUBERNETES_GROUP}: apply the ClusterRole in each cluster (npm run --silent cli -- rbac --config <deploy file> | kubectl apply -f -)`
        : `group ${KUBERNETES_GROUP} + ${VIEW_POLICY}; Gateway API and Traefik sources also need the ClusterRole (npm run --silent cli -- rbac)`,
      'What the reconciler may read in the clusters, and the step left to do in each (docs/deploy.md)',
    );
    const remote = config.clusters.filter((c) => !local.includes(c.name)).map((c) => `${c.name}@${c.region}`);
    if (remote.length > 0) {
      output(
        'ClustersOutsideThisStack',
        remote.join(','),
        'Clusters in another region or account: grant access there (docs/deploy.md, "Onboard a cluster")',
      );
    }
  }
}

/**
 * The accounts the fleet's clusters can be in: each listed cluster's (the stack's own when it names
 * none), each discovery account, and the stack's own when discovery searches it. `stackAccount` may be a
 * token (an environment-agnostic stack): CloudFormation resolves it in the rule's pattern.
 */
export function fleetAccounts(config: Config, stackAccount: string): string[] {
  const accounts = config.clusters.map((c) => c.account ?? stackAccount);
  const discovery = config.clusterDiscovery;
  if (discovery?.homeAccount) accounts.push(stackAccount);
  for (const a of discovery?.accounts ?? []) accounts.push(a.id);
  // No fleet yet: a rule needs an account to match; the stack's own is the only one it could name.
  return accounts.length > 0 ? [...new Set(accounts)] : [stackAccount];
}

/**
 * Clusters this stack can reach with CloudFormation and a same-region log subscription: same region, and
 * same account (no `roleArn`, and no `account` other than the stack's when that is known).
 */
export function localClusters(config: Config, stack: Stack): string[] {
  const region = stack.region;
  const account = Token.isUnresolved(stack.account) ? undefined : stack.account;
  return config.clusters
    .filter((c) => {
      if (c.region !== (Token.isUnresolved(region) ? config.region : region)) return false;
      if (c.roleArn) return false;
      if (c.account && account && c.account !== account) return false;
      return true;
    })
    .map((c) => c.name);
}
