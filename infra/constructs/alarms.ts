import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type PassMetricName, passMetric } from './metrics.js';

export interface ReconcilerAlarmsProps {
  /** The deployed function(s) by name, for their error and throttle alarms. */
  functions: Readonly<Record<string, IFunction>>;
  deadLetterQueue: IQueue;
  scheduleMinutes: number;
  heartbeatPeriods: number;
  alarmEmails: readonly string[];
  stackName: string;
  /** The certificate stage is on (config `certificates.enabled`): its four alarms are added. */
  certificates: boolean;
  /** With `sharding`: the sharded pass's workflow, whose failed executions page. */
  stateMachine?: IStateMachine;
}

/** How long throttling must go on, in every minute, before it pages: longer than any healthy pass. */
export const SUSTAINED_THROTTLE_MINUTES = 15;

interface AlarmSpec {
  id: string;
  metric: IMetric;
  threshold: number;
  comparison?: ComparisonOperator;
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  treatMissingData?: TreatMissingData;
  /** What is wrong, then what the operator does about it. */
  description: string;
}

/**
 * Every alarm says what is wrong and what to do, and notifies one SNS topic (alarm and recovery). The topic
 * is encrypted with a customer key CloudWatch may use: alarms cannot publish to a topic under the AWS
 * managed SNS key.
 */
export class ReconcilerAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ReconcilerAlarmsProps) {
    super(scope, id);
    const key = new Key(this, 'TopicKey', {
      description: 'edge-reconciler alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', {
      displayName: 'edge-reconciler alarms',
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of props.alarmEmails) this.topic.addSubscription(new EmailSubscription(email));

    const pass = Duration.minutes(props.scheduleMinutes);
    const five = Duration.minutes(5);
    const logs = `the function's log group (CloudWatch Logs Insights: filter level = "ERROR")`;
    const specs: AlarmSpec[] = [];

    for (const [name, fn] of Object.entries(props.functions)) {
      specs.push({
        id: `${name}Errors`,
        metric: fn.metricErrors({ period: five, statistic: Stats.SUM }),
        threshold: 1,
        description: `The ${name} function failed (an unhandled error or a timeout). Read the error in ${logs}. A timeout means the pass needs more time: raise deploy.timeoutSeconds (or clusterConcurrency, if clusters are read one after another); a configuration error names the field to fix. Records are not deleted by a failed pass; the next pass retries.`,
      });
      specs.push({
        id: `${name}Throttles`,
        // One pass at a time means a trigger arriving mid-pass is throttled and retried: expected, and
        // brief. Throttles in every minute for SUSTAINED_THROTTLE_MINUTES mean passes never catch up.
        metric: fn.metricThrottles({ period: Duration.minutes(1), statistic: Stats.SUM }),
        threshold: 1,
        evaluationPeriods: SUSTAINED_THROTTLE_MINUTES,
        datapointsToAlarm: SUSTAINED_THROTTLE_MINUTES,
        description: `The ${name} function has been throttled in every minute for ${SUSTAINED_THROTTLE_MINUTES} minutes. It runs one pass at a time (reserved concurrency 1), so a trigger that arrives during a pass is throttled and retried — brief throttling is expected; throttling without pause means passes take longer than triggers arrive, and triggers wait (up to 6 h, then the dead-letter queue). Check PassDuration on the dashboard; if passes are slow, look for slow or unreachable clusters (FailedClusters) or Route 53 throttling. If the account's concurrency is exhausted, raise the quota.`,
      });
      specs.push({
        id: `${name}EventAge`,
        // Lambda's own measure of how long triggers queue behind running passes; without it, slow passes
        // show only as throttles, and audit-driven fixes silently arrive late.
        metric: fn.metric('AsyncEventAge', { period: five, statistic: Stats.MAXIMUM }),
        threshold: eventAgeLimitMs(props.scheduleMinutes),
        evaluationPeriods: 3,
        description: `Triggers for the ${name} function have waited more than ${eventAgeLimitMinutes(props.scheduleMinutes)} minutes in its queue for 15 minutes: audit-log and resync events are applied late, and after 6 hours they go to the dead-letter queue. Passes take longer than triggers arrive: check PassDuration on the dashboard, then slow or unreachable clusters (FailedClusters) and Route 53 throttling (Route53Throttles). Raising deploy.scheduleMinutes lowers the load.`,
      });
    }

    specs.push(
      {
        id: 'DeadLetters',
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: five,
          statistic: Stats.MAXIMUM,
        }),
        threshold: 1,
        description:
          'A trigger could not be delivered, or an asynchronous invocation failed all its retries; the event is in the dead-letter queue. Read the message (its attributes carry the error), fix the cause, then resync by hand (see docs/deploy.md, "Resync by hand") and delete the message. Messages expire after 14 days.',
      },
      {
        id: 'PassFailed',
        metric: passMetric('PassFailed', pass),
        threshold: 1,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        description:
          'Passes have ended with errors for two schedule periods in a row. Read the "Reconcile Completed" event or the pass log (errors lists the first 20). Typical causes: Route 53 rejected a change batch (a record edited by hand conflicts), access denied (the IAM policy or an access entry is missing for a new zone or cluster), a zone id in zoneIdFilters that no longer exists.',
      },
      {
        id: 'Heartbeat',
        metric: passMetric('PassCompleted', Duration.minutes(props.scheduleMinutes * props.heartbeatPeriods)),
        threshold: 1,
        comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.BREACHING,
        description: `No pass has completed for ${props.heartbeatPeriods} schedule periods (${props.scheduleMinutes * props.heartbeatPeriods} minutes): DNS is no longer being kept up to date. Check that the schedule is ENABLED (EventBridge Scheduler), that the function is not failing or throttled (its alarms), and the dead-letter queue. Then resync by hand and watch for a "Reconcile Completed" event.`,
      },
      passAlarm('FailedClusters', pass, {
        statistic: Stats.MAXIMUM,
        evaluationPeriods: 2,
        description:
          "A cluster could not be read for two passes in a row; its records are frozen (kept, never deleted) until it is back. The pass log names the cluster and the error: 401/403 means its access entry is missing or the cluster's authentication mode lacks API; a timeout means a private endpoint the functions cannot reach (deploy.vpc); ResourceNotFound means the cluster was deleted — remove it from clusters[].",
      }),
      passAlarm('HeldDeletions', pass, {
        statistic: Stats.MAXIMUM,
        description:
          'The deletion guard held back deletions: a pass wanted to delete more than deletionGuard.maxShare of one owner’s records. Usually a cluster returned an empty or partial object list. Check the owner named in the pass log; if the deletions are intended (a decommissioned app), run one resync with deletionGuard.allow set, then unset it.',
      }),
      passAlarm('Conflicts', pass, {
        statistic: Stats.MAXIMUM,
        description:
          'Two owners want the same name, or a name is held by a record this reconciler does not own (no matching TXT ownership record). The pass log lists each name and its claimants. Rename one of the objects, or hand the record over by deleting the foreign record (or its TXT owner) if it is stale.',
      }),
      passAlarm('Route53Throttles', pass, {
        evaluationPeriods: 3,
        description:
          'Route 53 has throttled the reconciler for three schedule periods in a row (the limit is per account, shared with every other tool calling Route 53 in it). Passes slow down and may time out. Find other heavy Route 53 callers in the account (CloudTrail), lengthen deploy.scheduleMinutes, or narrow zoneIdFilters.',
      }),
    );

    if (props.stateMachine) {
      const sm = props.stateMachine;
      const sum = { period: five, statistic: Stats.SUM };
      specs.push({
        id: 'ShardedPassFailed',
        metric: new MathExpression({
          expression: 'failed + timedOut + aborted',
          usingMetrics: {
            failed: sm.metricFailed(sum),
            timedOut: sm.metricTimedOut(sum),
            aborted: sm.metricAborted(sum),
          },
          period: five,
        }),
        threshold: 1,
        description:
          'A sharded pass (Step Functions execution) failed, timed out or was aborted. A failed shard does not fail it (its clusters show under FailedClusters, their records frozen); this is the fleet or report stage, or the execution outliving its timeout. Open the execution in the Step Functions console: the failed state names the stage, its input the pass id; the stage worker’s log has the error. Zones the execution did not reach are left for the next one. A timeout means passes outgrow the schedule: raise deploy.scheduleMinutes or set zoneCacheSeconds (docs/scale.md).',
      });
    }

    if (props.certificates) {
      specs.push(
        passAlarm('CertificatesPendingTooLong', pass, {
          statistic: Stats.MAXIMUM,
          description:
            'An ACM certificate has been pending DNS validation for too long. Check that its validation CNAME exists in the public zone and that the zone is delegated (dig the CNAME from outside); a CAA record on the domain must allow amazon.com. The pass log names the certificate.',
        }),
        passAlarm('CertificatesExpiringSoon', pass, {
          statistic: Stats.MAXIMUM,
          description:
            'An ACM certificate is close to expiry and has not been renewed. ACM renews DNS-validated certificates only while the validation CNAME resolves and the certificate is in use: check both for the certificate named in the pass log, and the ACM console’s renewal status.',
        }),
        passAlarm('CertificatesFailed', pass, {
          statistic: Stats.MAXIMUM,
          description:
            'ACM refused to issue a certificate (validation timed out, CAA forbids Amazon, or a domain is not allowed). The pass log has the failure reason; fix it, and the reconciler requests a new certificate on the next pass.',
        }),
        passAlarm('CertificatesRenewalAtRisk', pass, {
          statistic: Stats.MAXIMUM,
          description:
            'An issued certificate serves hostnames of the fleet but no load balancer uses it, so ACM will not renew it and it will expire. The "Certificate Renewal At Risk" event names the certificate, its hosts and the objects asking for them. An Ingress picks it up once the AWS Load Balancer Controller reconciles it (check its events); an NLB Service needs the ARN in its service.beta.kubernetes.io/aws-load-balancer-ssl-cert annotation.',
        }),
      );
    }

    const action = new SnsAction(this.topic);
    for (const spec of specs) {
      const alarm = new Alarm(this, spec.id, {
        alarmName: `${props.stackName}-${spec.id}`,
        alarmDescription: spec.description,
        metric: spec.metric,
        threshold: spec.threshold,
        comparisonOperator: spec.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: spec.evaluationPeriods ?? 1,
        datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods ?? 1,
        treatMissingData: spec.treatMissingData ?? TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    }
  }
}

/** Two schedule periods: a trigger may wait for the pass that is running and the next scheduled one. */
export function eventAgeLimitMinutes(scheduleMinutes: number): number {
  return 2 * scheduleMinutes;
}

function eventAgeLimitMs(scheduleMinutes: number): number {
  return eventAgeLimitMinutes(scheduleMinutes) * 60_000;
}

function passAlarm(
  name: PassMetricName,
  period: Duration,
  options: { statistic?: string; evaluationPeriods?: number; description: string },
): AlarmSpec {
  return {
    id: name,
    metric: passMetric(name, period, options.statistic ?? Stats.SUM),
    threshold: 1,
    ...(options.evaluationPeriods ? { evaluationPeriods: options.evaluationPeriods } : {}),
    description: options.description,
  };
}
