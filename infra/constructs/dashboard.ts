import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IWidget,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { passMetric } from './metrics.js';

export interface ReconcilerDashboardProps {
  dashboardName: string;
  functions: Readonly<Record<string, IFunction>>;
  deadLetterQueue: IQueue;
  alarms: readonly Alarm[];
  scheduleMinutes: number;
  /**
   * The accounts whose zones the pass reaches, as the per-account metrics name them (`home`, role account
   * ids); with more than one, a graph of each one's Route 53 calls and throttles (each has its own rate).
   */
  route53Accounts?: readonly string[];
}

/** Each account's Route 53 calls and throttles (metrics with dimension `Account`). */
function route53ByAccount(accounts: readonly string[], period: Duration): IWidget[] {
  const of = (name: 'Route53Calls' | 'Route53Throttles') =>
    accounts.map((account) => {
      const metric = passMetric(name, period, Stats.SUM, { Account: account });
      return metric.with({ label: `${account} ${name === 'Route53Calls' ? 'calls' : 'throttles'}` });
    });
  return [
    new GraphWidget({ title: 'Route 53 calls by account', left: of('Route53Calls'), width: 12, height: 6 }),
    new GraphWidget({
      title: 'Route 53 throttles by account',
      left: of('Route53Throttles'),
      width: 12,
      height: 6,
    }),
  ];
}

/** One page an operator opens first: is it running, what did it change, what is it fighting with. */
export class ReconcilerDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ReconcilerDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(Math.max(5, props.scheduleMinutes));
    const sum = (name: Parameters<typeof passMetric>[0]) => passMetric(name, period, Stats.SUM);
    const max = (name: Parameters<typeof passMetric>[0]) => passMetric(name, period, Stats.MAXIMUM);
    const graph = (title: string, left: ReturnType<typeof sum>[], width = 8) =>
      new GraphWidget({ title, left, width, height: 6 });
    const fns = Object.entries(props.functions);

    const rows: IWidget[][] = [
      [
        new TextWidget({
          markdown:
            '# edge-reconciler\nPasses, what they changed, and what held them back. Every alarm description says what to do; resync by hand with a `Resync Requested` event (docs/deploy.md).',
          width: 24,
          height: 2,
        }),
      ],
      [new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 4 })],
      [
        graph('Passes', [sum('PassCompleted'), sum('PassFailed')]),
        new GraphWidget({
          title: 'Pass duration',
          left: [
            passMetric('PassDuration', period, Stats.p(50)),
            passMetric('PassDuration', period, Stats.p(99)),
            passMetric('PassDuration', period, Stats.MAXIMUM),
          ],
          width: 8,
          height: 6,
        }),
        graph('Records changed', [sum('RecordsCreated'), sum('RecordsUpdated'), sum('RecordsDeleted')]),
      ],
      [
        graph('Held back', [max('Conflicts'), max('HeldDeletions'), max('FailedClusters')]),
        graph('Route 53 calls', [sum('Route53Calls'), sum('Route53Throttles')]),
        graph('Certificates', [
          max('CertificatesPendingTooLong'),
          max('CertificatesExpiringSoon'),
          max('CertificatesFailed'),
          max('CertificatesRenewalAtRisk'),
        ]),
      ],
      ...((props.route53Accounts?.length ?? 0) > 1
        ? [route53ByAccount(props.route53Accounts ?? [], period)]
        : []),
      [
        graph(
          'Invocations',
          fns.map(([name, fn]) => fn.metricInvocations({ period, label: name })),
        ),
        graph(
          'Errors and throttles',
          fns.flatMap(([name, fn]) => [
            fn.metricErrors({ period, label: `${name} errors` }),
            fn.metricThrottles({ period, label: `${name} throttles` }),
          ]),
        ),
        graph('Dead letters and dropped audit events', [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period,
            statistic: Stats.MAXIMUM,
          }),
          sum('AuditEventsDropped'),
        ]),
      ],
      [
        graph(
          'Function duration (max)',
          fns.map(([name, fn]) => fn.metricDuration({ period, statistic: Stats.MAXIMUM, label: name })),
          12,
        ),
        graph(
          'Trigger wait before a pass (max)',
          fns.map(([name, fn]) =>
            fn.metric('AsyncEventAge', { period, statistic: Stats.MAXIMUM, label: `${name} event age` }),
          ),
          12,
        ),
      ],
    ];

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      widgets: rows,
      defaultInterval: Duration.hours(24),
    });
  }
}
