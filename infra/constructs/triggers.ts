import { Aws, type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { CfnEventBusPolicy, EventBus, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, LogGroup, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Config } from '../../shared/config.js';
import { auditFilterPattern } from '../audit-filter.js';

export interface ReconcilerTriggersProps {
  /** The one function every trigger invokes: its reserved concurrency is what keeps passes apart. */
  reconciler: IFunction;
  /** With `sharding`: the sharded pass's workflow, which the schedule starts instead of the function. */
  stateMachine?: IStateMachine;
  deadLetterQueue: IQueue;
  scheduleMinutes: number;
  /** The bus `Resync Requested` events are put on. */
  eventBusName: string;
  /** Clusters (in this stack's account and region) whose audit log group feeds the function. */
  auditLogClusters: readonly string[];
  /** The config's `sources`: which kinds' writes pass the audit filter. */
  sources: readonly string[];
  /** The whole config, for what the sources depend on (Traefik's Service with `traefikService`). */
  config?: Config;
  /** The accounts the fleet's clusters live in (`fleetAccounts`): the lifecycle rule takes only theirs. */
  fleetAccounts: readonly string[];
  /**
   * The fleet's accounts other than the stack's own: the bus admits their forwarded lifecycle calls and
   * audit logs (the member-access stack sends them), and nobody else's.
   */
  memberAccounts: readonly string[];
}

/** The event source of the schedule's input; functions/scheduled.ts (via functions/reconciler.ts) accepts exactly this. */
export const SCHEDULE_SOURCE = 'edge-reconciler.schedule';

/** What a member account's audit-log forwarder puts on the bus (shared/audit/forwarded.ts; a test holds them equal). */
export const FORWARDED_AUDIT_SOURCE = 'edge-reconciler.audit';
export const FORWARDED_AUDIT_DETAIL_TYPE = 'Audit Log Forwarded';

/**
 * What starts a pass: the schedule (the fleet pass, the floor of freshness), the clusters' audit logs (a
 * partial pass seconds after an object changes), a `Resync Requested` event (by hand), and CloudTrail's
 * EKS CreateCluster/DeleteCluster. All of them invoke the one function (asynchronously), so a trigger that
 * arrives mid-pass is throttled and retried rather than run alongside it — but with `sharding`, the
 * schedule and a resync of the whole fleet start the sharded pass's state machine instead. Every delivery
 * that fails its retries lands in the dead-letter queue.
 */
export class ReconcilerTriggers extends Construct {
  readonly schedule: Schedule;
  /** `Resync Requested`; with `sharding`, only the events naming clusters. */
  readonly resyncRule: Rule;
  /** With `sharding`: `Resync Requested` naming no clusters, which starts the sharded pass. */
  readonly fullResyncRule?: Rule;
  readonly lifecycleRule: Rule;
  readonly forwardedRules: Rule[] = [];
  readonly auditSubscriptions: SubscriptionFilter[] = [];

  constructor(scope: Construct, id: string, props: ReconcilerTriggersProps) {
    super(scope, id);
    const period = Duration.minutes(props.scheduleMinutes);

    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: props.stateMachine
        ? 'edge-reconciler: EventBridge Scheduler starts the sharded pass'
        : 'edge-reconciler: EventBridge Scheduler invokes the reconciler function',
    });
    const targetProps = {
      role: schedulerRole,
      input: ScheduleTargetInput.fromObject({
        source: SCHEDULE_SOURCE,
        scheduledTime: ContextAttribute.scheduledTime,
      }),
      retryAttempts: 3,
      // A delivery older than one period is superseded by the next scheduled pass.
      maxEventAge: period,
      deadLetterQueue: props.deadLetterQueue,
    };
    if (!props.stateMachine) {
      const scheduledId = Stack.of(this).getLogicalId(props.reconciler.node.defaultChild as CfnElement);
      Validations.of(schedulerRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${scheduledId}.Arn>:*]`,
        reason:
          'The Scheduler target grant covers the reconciler function and its versions/aliases (<arn>:*) — one function, not a wildcard over functions.',
      });
    }

    this.schedule = new Schedule(this, 'FleetPass', {
      description: `edge-reconciler: the fleet pass, every ${props.scheduleMinutes} minutes`,
      schedule: ScheduleExpression.rate(period),
      target: props.stateMachine
        ? new StepFunctionsStartExecution(props.stateMachine, targetProps)
        : new LambdaInvoke(props.reconciler, targetProps),
    });

    const bus = EventBus.fromEventBusName(this, 'Bus', props.eventBusName);
    const target = () =>
      new LambdaFunction(props.reconciler, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 4,
        maxEventAge: Duration.hours(1),
      });

    const resync = { source: ['edge-reconciler'], detailType: ['Resync Requested'] };
    this.resyncRule = new Rule(this, 'ResyncRequested', {
      description: props.stateMachine
        ? 'edge-reconciler: a resync of some clusters requested by hand (a "Resync Requested" event naming them)'
        : 'edge-reconciler: a resync requested by hand (put a "Resync Requested" event)',
      eventBus: bus,
      // A sharded fleet is read whole only by the sharded pass: a resync naming no clusters starts it.
      eventPattern: props.stateMachine ? { ...resync, detail: { clusters: [{ exists: true }] } } : resync,
      targets: [target()],
    });
    if (props.stateMachine) {
      this.fullResyncRule = new Rule(this, 'FullResyncRequested', {
        description: 'edge-reconciler: a resync of the whole fleet requested by hand starts the sharded pass',
        eventBus: bus,
        eventPattern: { ...resync, detail: { clusters: [{ exists: false }] } },
        // The event itself is the execution's input: the fleet stage reads its detail (dryRun, reason).
        targets: [
          new SfnStateMachine(props.stateMachine, {
            deadLetterQueue: props.deadLetterQueue,
            retryAttempts: 4,
            maxEventAge: Duration.hours(1),
          }),
        ],
      });
    }

    // CloudTrail delivers management events to the default bus of the region the API call was made in.
    // Only the fleet's accounts: a same-named cluster elsewhere is not ours (the handler checks again,
    // and asks EKS before it releases anything).
    this.lifecycleRule = new Rule(this, 'ClusterLifecycle', {
      description: 'edge-reconciler: EKS clusters created or deleted (CloudTrail)',
      eventPattern: {
        account: [...props.fleetAccounts],
        source: ['aws.eks'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['eks.amazonaws.com'], eventName: ['CreateCluster', 'DeleteCluster'] },
      },
      targets: [target()],
    });

    if (props.memberAccounts.length > 0) this.admitMemberAccounts(bus, props, target);

    if (props.auditLogClusters.length > 0) {
      const pattern = FilterPattern.literal(auditFilterPattern(props.sources, props.config));
      for (const cluster of props.auditLogClusters) {
        const group = LogGroup.fromLogGroupName(this, `AuditLog-${cluster}`, `/aws/eks/${cluster}/cluster`);
        this.auditSubscriptions.push(
          new SubscriptionFilter(this, `AuditWrites-${cluster}`, {
            logGroup: group,
            destination: new LambdaDestination(props.reconciler),
            filterPattern: pattern,
          }),
        );
      }
    }
  }

  /**
   * Member accounts' events on the central bus: its policy lets only the fleet's other accounts put
   * events, and only the two kinds they forward; a rule per kind hands them to the function. (CloudTrail
   * lifecycle calls forwarded to the default bus also meet the lifecycle rule above.)
   */
  private admitMemberAccounts(bus: IEventBus, props: ReconcilerTriggersProps, target: () => LambdaFunction) {
    const accounts = [...props.memberAccounts];
    new CfnEventBusPolicy(this, 'MemberAccountsMayPut', {
      eventBusName: props.eventBusName,
      statementId: 'edge-reconciler-member-accounts',
      statement: {
        Effect: 'Allow',
        Principal: { AWS: accounts.map((a) => `arn:${Aws.PARTITION}:iam::${a}:root`) },
        Action: 'events:PutEvents',
        Resource: bus.eventBusArn,
        Condition: {
          StringEquals: {
            'events:source': [FORWARDED_AUDIT_SOURCE, 'aws.eks'],
            'events:detail-type': [FORWARDED_AUDIT_DETAIL_TYPE, 'AWS API Call via CloudTrail'],
          },
        },
      },
    });
    this.forwardedRules.push(
      new Rule(this, 'ForwardedAuditLogs', {
        description: 'edge-reconciler: audit-log deliveries the member accounts forward',
        eventBus: bus,
        eventPattern: {
          account: accounts,
          source: [FORWARDED_AUDIT_SOURCE],
          detailType: [FORWARDED_AUDIT_DETAIL_TYPE],
        },
        targets: [target()],
      }),
    );
    if (props.eventBusName !== 'default') {
      this.forwardedRules.push(
        new Rule(this, 'ForwardedClusterLifecycle', {
          description: 'edge-reconciler: EKS clusters created or deleted in member accounts (forwarded)',
          eventBus: bus,
          eventPattern: {
            account: accounts,
            source: ['aws.eks'],
            detailType: ['AWS API Call via CloudTrail'],
            detail: { eventSource: ['eks.amazonaws.com'], eventName: ['CreateCluster', 'DeleteCluster'] },
          },
          targets: [target()],
        }),
      );
    }
  }
}
