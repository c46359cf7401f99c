import { Duration, Validations } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterPattern, LogGroup, RetentionDays, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { Construct } from 'constructs';
import { auditFilterPattern } from '../audit-filter.js';
import { LAMBDA_FUNCTIONS } from '../lambda-bundle.js';
import { ReconcilerFunction } from './reconciler-function.js';

export interface MemberEventForwardingProps {
  /** The reconciler's central bus (`events.busName` in the reconciler's account and home region). */
  centralBusArn: string;
  /** The member clusters (this account and region) whose audit logs go to the reconciler. */
  auditLogClusters: readonly string[];
  /** The config's `sources`: which kinds' writes pass the audit filter, as in the reconciler's stack. */
  sources: readonly string[];
  projectRoot: string;
}

/** The member account's audit-log forwarder (functions/audit-forwarder.ts). */
export const FORWARDER_ENTRY = LAMBDA_FUNCTIONS['audit-forwarder'];

/**
 * What a member account (in one region) sends the reconciler, so its clusters wait for no schedule:
 * - EKS CreateCluster/DeleteCluster from CloudTrail: a rule on this region's default bus targets the
 *   central bus (cross-account and cross-region), through a role that may put events there only;
 * - its clusters' audit logs: a CloudWatch Logs subscription (same filter as the reconciler's own) to a
 *   small forwarder that puts each delivery, unopened, on the central bus. Cross-account log delivery
 *   would need a Kinesis stream (billed per shard-hour) behind a Logs destination; a forwarder costs
 *   only its invocations. Every pass reads the touched objects as they are, so deliveries need no order
 *   beyond what each one carries (docs/deploy.md).
 */
export class MemberEventForwarding extends Construct {
  readonly lifecycleRule: Rule;
  readonly forwarder?: ReconcilerFunction;

  constructor(scope: Construct, id: string, props: MemberEventForwardingProps) {
    super(scope, id);
    const central = EventBus.fromEventBusArn(this, 'CentralBus', props.centralBusArn);

    const putRole = new Role(this, 'ForwardLifecycleRole', {
      assumedBy: new ServicePrincipal('events.amazonaws.com'),
      description: "edge-reconciler: forward EKS lifecycle calls to the reconciler's bus",
    });
    this.lifecycleRule = new Rule(this, 'ClusterLifecycle', {
      description: "edge-reconciler: EKS clusters created or deleted here, to the reconciler's bus",
      eventPattern: {
        source: ['aws.eks'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['eks.amazonaws.com'], eventName: ['CreateCluster', 'DeleteCluster'] },
      },
      targets: [new EventBusTarget(central, { role: putRole })],
    });

    if (props.auditLogClusters.length === 0) return;
    const role = new Role(this, 'ForwarderRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: "edge-reconciler: forward audit-log deliveries to the reconciler's bus",
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['events:PutEvents'], resources: [props.centralBusArn] }),
    );
    const forwarder = new ReconcilerFunction(this, 'AuditForwarder', {
      entry: FORWARDER_ENTRY,
      description: "edge-reconciler: this account's cluster audit logs, to the reconciler's bus",
      projectRoot: props.projectRoot,
      role,
      environment: { EDGE_RECONCILER_EVENT_BUS_ARN: props.centralBusArn },
      logRetention: RetentionDays.ONE_MONTH,
      memorySize: 256,
      timeout: Duration.seconds(30),
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
    });
    this.forwarder = forwarder;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [forwarder.logGroup.logGroupArn],
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<*>]',
      reason:
        'The log group ARN ends in :* to cover the log streams Lambda creates in the forwarder’s own log group.',
    });
    const pattern = FilterPattern.literal(auditFilterPattern(props.sources));
    for (const cluster of props.auditLogClusters) {
      const group = LogGroup.fromLogGroupName(this, `AuditLog-${cluster}`, `/aws/eks/${cluster}/cluster`);
      new SubscriptionFilter(this, `AuditWrites-${cluster}`, {
        logGroup: group,
        destination: new LambdaDestination(forwarder),
        filterPattern: pattern,
      });
    }
  }
}
