import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { INLINE_CONFIG_LIMIT } from '../../infra/constructs/reconciler-function.js';
import { asList, type Cfn, policyStatements, type Synthesized, synthesize } from './synth.js';

/**
 * Deploy settings beyond the example, on templates only: bundling is skipped here (stack.test.ts covers the
 * real bundles), so each variant costs a synth, not an esbuild run.
 */
const dir = mkdtempSync(join(tmpdir(), 'edge-reconciler-variants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function deployFile(name: string, document: Record<string, unknown>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(document));
  return file;
}

/** The `account` filter of the EKS CreateCluster/DeleteCluster rule. */
function lifecycleAccounts(synth: Synthesized): unknown[] {
  const rules = Object.values<Cfn>(synth.json.Resources).filter(
    (r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern.source?.[0] === 'aws.eks',
  );
  expect(rules).toHaveLength(1);
  return rules[0]!.Properties.EventPattern.account;
}

const base = {
  region: 'eu-west-1',
  domainFilters: ['apps.example.org', '.internal.example.org'],
  zoneIdFilters: ['/hostedzone/ZAPPS', 'ZINTERNAL'],
  managedRecordTypes: ['A', 'AAAA', 'CNAME', 'NS'],
  excludeRecordTypes: ['NS'],
};

describe('a private fleet across accounts, in a VPC', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize({
      bundle: false,
      configFile: deployFile('private', {
        ...base,
        clusters: [
          { name: 'blue', region: 'eu-west-1' },
          { name: 'green', region: 'eu-west-1' },
          {
            name: 'partner',
            region: 'eu-west-1',
            account: '210987654321',
            roleArn: 'arn:aws:iam::210987654321:role/edge-reconciler-reader',
          },
        ],
        deploy: {
          stackName: 'EdgePrivate',
          account: '123456789012',
          scheduleMinutes: 10,
          heartbeatPeriods: 6,
          serializePasses: false,
          alarmEmails: ['oncall@example.org'],
          vpc: {
            vpcId: 'vpc-0abc',
            subnetIds: ['subnet-0a', 'subnet-0b'],
            securityGroupIds: ['sg-0123456789abcdef0'],
          },
          clusters: { green: { auditLogs: false } },
          kubernetesAccess: 'view-policy',
        },
      }),
    });
  }, 60_000);
  afterAll(() => synth?.cleanup());

  const fns = () =>
    Object.values<Cfn>(synth.json.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');

  it('takes lifecycle events only from the fleet’s accounts: the stack’s and the partner’s', () => {
    expect(lifecycleAccounts(synth)).toEqual(['123456789012', '210987654321']);
  });

  it('places every function in the subnets with the security groups', () => {
    expect(fns()).toHaveLength(1);
    for (const fn of fns()) {
      expect(fn.Properties.VpcConfig).toEqual({
        SubnetIds: ['subnet-0a', 'subnet-0b'],
        SecurityGroupIds: ['sg-0123456789abcdef0'],
      });
      expect(fn.Properties).not.toHaveProperty('ReservedConcurrentExecutions');
    }
    const eni = policyStatements(synth.json).find((s) => s.statement.Sid === 'LambdaVpcNetworkInterfaces');
    expect(asList(eni?.statement.Action)).toContain('ec2:CreateNetworkInterface');
  });

  it('narrows names and types to the config: subdomain-only filters and excluded types', () => {
    const change = policyStatements(synth.json).find(
      (s) => s.statement.Sid === 'Route53ChangeManagedNames',
    )!.statement;
    expect(
      change.Condition['ForAllValues:StringLike']['route53:ChangeResourceRecordSetsNormalizedRecordNames'],
    ).toEqual([
      '*.apps.example.org',
      '*.internal.example.org',
      'a-apps.example.org',
      'aaaa-apps.example.org',
      'apps.example.org',
      'cname-apps.example.org',
    ]);
    expect(
      change.Condition['ForAllValues:StringEquals']['route53:ChangeResourceRecordSetsRecordTypes'],
    ).toEqual(['A', 'AAAA', 'CNAME', 'TXT']);
    expect(asList(change.Resource).map((r: Cfn) => r['Fn::Join'][1][2])).toEqual([
      ':route53:::hostedzone/ZAPPS',
      ':route53:::hostedzone/ZINTERNAL',
    ]);
  });

  it('assumes the other account’s role, and creates access only for local clusters', () => {
    const assume = policyStatements(synth.json).find((s) => s.statement.Sid === 'AssumeClusterAccountRoles')!;
    expect(assume.statement.Resource).toBe('arn:aws:iam::210987654321:role/edge-reconciler-reader');
    const entries = Object.values<Cfn>(synth.json.Resources).filter(
      (r) => r.Type === 'AWS::EKS::AccessEntry',
    );
    expect(entries.map((e) => e.Properties.ClusterName).sort()).toEqual(['blue', 'green']);
    // kubernetesAccess: view-policy, the quick start: the group and AmazonEKSViewPolicy on the cluster.
    for (const entry of entries) {
      expect(entry.Properties.KubernetesGroups).toEqual(['edge-reconciler-view']);
      expect(entry.Properties.AccessPolicies).toEqual([
        {
          PolicyArn: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSViewPolicy'],
            ],
          },
          AccessScope: { Type: 'cluster' },
        },
      ]);
    }
    const subscriptions = Object.values<Cfn>(synth.json.Resources).filter(
      (r) => r.Type === 'AWS::Logs::SubscriptionFilter',
    );
    expect(subscriptions.map((s) => s.Properties.LogGroupName)).toEqual(['/aws/eks/blue/cluster']);
    const describe = policyStatements(synth.json).find(
      (s) => s.statement.Sid === 'EksDescribeConfiguredClusters',
    )!;
    expect(asList(describe.statement.Resource).map((r: Cfn) => r['Fn::Join'][1].at(-1))).toEqual([
      ':eks:eu-west-1:123456789012:cluster/blue',
      ':eks:eu-west-1:123456789012:cluster/green',
      ':eks:eu-west-1:210987654321:cluster/partner',
    ]);
  });

  it('derives the heartbeat and schedule from the deploy settings, and subscribes the on-call address', () => {
    synth.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(10 minutes)',
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'PassCompleted',
      Period: 60 * 60,
      TreatMissingData: 'breaching',
    });
    synth.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.org',
    });
  });
});

describe('discovered clusters, no certificates, no summary events', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize({
      bundle: false,
      configFile: deployFile('discovery', {
        ...base,
        certificates: { enabled: false },
        events: { enabled: false },
        clusterDiscovery: {
          regions: ['eu-west-1', 'eu-north-1'],
          tags: { 'edge-reconciler': 'enabled' },
          accounts: [{ id: '210987654321', roleArn: 'arn:aws:iam::210987654321:role/edge-reader' }],
        },
        deploy: { account: '123456789012' },
      }),
    });
  }, 60_000);
  afterAll(() => synth?.cleanup());

  const sids = () => policyStatements(synth.json).map((s) => s.statement.Sid as string | undefined);
  const statement = (sid: string) =>
    policyStatements(synth.json).find((s) => s.statement.Sid === sid)!.statement;

  it('takes lifecycle events only from the accounts discovery searches', () => {
    expect(lifecycleAccounts(synth)).toEqual(['123456789012', '210987654321']);
  });

  it('describes only tagged clusters in the discovery regions, and assumes the accounts’ roles', () => {
    expect(statement('EksDescribeDiscoveredClusters').Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/edge-reconciler': 'enabled' },
    });
    expect(
      // A set: the IAM policy minimizer (a recommended feature flag) sorts resources its own way.
      asList(statement('EksDescribeDiscoveredClusters').Resource)
        .map((r: Cfn) => r['Fn::Join'][1].at(-1))
        .sort(),
    ).toEqual([':eks:eu-north-1:123456789012:cluster/*', ':eks:eu-west-1:123456789012:cluster/*']);
    expect(statement('EksListClustersForDiscovery').Resource).toBe('*');
    expect(statement('AssumeClusterAccountRoles').Resource).toBe(
      'arn:aws:iam::210987654321:role/edge-reader',
    );
  });

  it('grants nothing in ACM or EventBridge, and has no certificate alarms', () => {
    expect(sids().filter((sid) => sid?.startsWith('Acm') || sid === 'PutPassSummary')).toEqual([]);
    // No fleetRouting health checks configured: no health-check permission either.
    expect(sids().filter((sid) => sid?.includes('HealthCheck'))).toEqual([]);
    const alarms = Object.values<Cfn>(synth.json.Resources).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm',
    );
    expect(alarms.filter((a) => String(a.Properties.MetricName).startsWith('Certificates'))).toEqual([]);
    // The pass alarms stay.
    expect(alarms.map((a) => a.Properties.MetricName)).toEqual(
      expect.arrayContaining(['PassFailed', 'PassCompleted', 'FailedClusters', 'HeldDeletions']),
    );
  });
});

describe('a fleet too large for the Lambda environment', () => {
  let synth: Synthesized;
  beforeAll(() => {
    const clusters = Array.from({ length: 60 }, (_, i) => ({
      name: `cluster-${String(i).padStart(3, '0')}`,
      region: 'us-east-2',
      tags: { team: 'platform', tier: 'production' },
    }));
    synth = synthesize({
      bundle: false,
      configFile: deployFile('large', { ...base, region: 'us-east-2', clusters }),
    });
  }, 60_000);
  afterAll(() => synth?.cleanup());

  it('ships the config in the bundle instead of the environment', () => {
    const fn = Object.values<Cfn>(synth.json.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
    const env = fn.Properties.Environment.Variables;
    expect(env).not.toHaveProperty('EDGE_RECONCILER_CONFIG');
    expect(env.EDGE_RECONCILER_CONFIG_FILE).toBe('/var/task/edge-reconciler.config.json');
    expect(JSON.stringify(env).length).toBeLessThan(INLINE_CONFIG_LIMIT);
  });
});

describe('the member-account stack', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize({
      bundle: false,
      context: {
        'edge-reconciler:member-of': 'arn:aws:iam::123456789012:role/EdgeReconciler-AccessRole1234',
        'edge-reconciler:member-clusters': 'partner-a, partner-b',
        // Event forwarding has its own test (member-events.test.ts).
        'edge-reconciler:member-events': 'false',
      },
    });
  }, 60_000);
  afterAll(() => synth?.cleanup());

  it('trusts only the reconciler role and reads only the listed clusters', () => {
    synth.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: {
              AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:root']] },
            },
            Condition: {
              ArnEquals: {
                'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/EdgeReconciler-AccessRole1234',
              },
            },
          },
        ],
      },
    });
    const entries = Object.values<Cfn>(synth.json.Resources).filter(
      (r) => r.Type === 'AWS::EKS::AccessEntry',
    );
    expect(entries.map((e) => e.Properties.ClusterName)).toEqual(['partner-a', 'partner-b']);
    for (const entry of entries) {
      expect(entry.Properties.KubernetesGroups).toEqual(['edge-reconciler-view']);
      expect(entry.Properties).not.toHaveProperty('AccessPolicies');
    }
    const statements = policyStatements(synth.json);
    expect(statements).toHaveLength(1);
    const statement = statements[0]!.statement;
    expect(statement.Action).toBe('eks:DescribeCluster');
    expect(asList(statement.Resource)).toHaveLength(2);
  });
});

/**
 * The AWS operations the deployed code sends, read from its imports of the SDK clients (commands and
 * paginators), as IAM actions. The CLI (functions/cli*) runs with the operator's credentials, not the role.
 */
function actionsTheFunctionCalls(): string[] {
  const prefix: Record<string, string> = {
    acm: 'acm',
    eks: 'eks',
    'elastic-load-balancing-v2': 'elasticloadbalancing',
    eventbridge: 'events',
    'route-53': 'route53',
    s3: 's3',
    sts: 'sts',
  };
  // Operations IAM authorizes under another action's name (S3 API reference, "Permissions").
  const iamAction: Record<string, string> = { 's3:ListObjectsV2': 's3:ListBucket' };
  const root = join(import.meta.dirname, '../..');
  const files = ['shared', 'functions'].flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !(dir === 'functions' && f.startsWith('cli')))
      .map((f) => join(root, dir, f)),
  );
  const actions = new Set<string>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g,
    )) {
      const service = prefix[m[2]!];
      expect(service, `${file}: no IAM prefix known for @aws-sdk/client-${m[2]}`).toBeDefined();
      for (const raw of m[1]!.split(',')) {
        const name = raw.trim();
        if (name.startsWith('type ')) continue;
        const op = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (op) actions.add(iamAction[`${service}:${op}`] ?? `${service}:${op}`);
      }
    }
  }
  return [...actions].sort();
}

describe('every operation the function calls is granted', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize({
      bundle: false,
      configFile: deployFile('everything', {
        ...base,
        fleetRouting: [
          {
            domains: ['apps.example.org'],
            policy: 'failover',
            healthCheck: { type: 'HTTPS', resourcePath: '/healthz' },
          },
        ],
        certificates: { enabled: true },
        events: { enabled: true },
        clusters: [
          { name: 'blue', region: 'eu-west-1' },
          {
            name: 'partner',
            region: 'eu-west-1',
            account: '210987654321',
            roleArn: 'arn:aws:iam::210987654321:role/r',
          },
        ],
        clusterDiscovery: { regions: ['eu-west-1'], tags: { fleet: 'edge' } },
        sharding: {},
        deploy: { account: '123456789012' },
      }),
    });
  }, 60_000);
  afterAll(() => synth?.cleanup());

  it('finds the calls it checks (the scan itself works)', () => {
    expect(actionsTheFunctionCalls()).toEqual(
      expect.arrayContaining([
        'acm:RemoveTagsFromCertificate',
        'route53:ChangeResourceRecordSets',
        'route53:ListHostedZones',
        'eks:DescribeCluster',
        's3:PutObject',
        's3:ListBucket',
      ]),
    );
  });

  it('has an Allow statement for each, so no pass meets AccessDenied in a real account', () => {
    const granted = new Set(
      policyStatements(synth.json)
        .filter(({ statement }) => statement.Effect === 'Allow')
        .flatMap(({ statement }) => asList<string>(statement.Action)),
    );
    // GetCallerIdentity needs no permission: IAM cannot even deny it (STS API reference).
    const needsNoGrant = new Set(['sts:GetCallerIdentity']);
    expect(actionsTheFunctionCalls().filter((a) => !granted.has(a) && !needsNoGrant.has(a))).toEqual([]);
  });

  it('creates health checks only with fleetRouting[].healthCheck, and tags or deletes only health checks', () => {
    const statement = (sid: string) =>
      policyStatements(synth.json).find((s) => s.statement.Sid === sid)?.statement;
    expect(statement('Route53CreateListHealthChecks')).toMatchObject({
      Action: ['route53:CreateHealthCheck', 'route53:ListHealthChecks'],
      Resource: '*',
    });
    const manage = statement('Route53ManageHealthChecks');
    expect(asList<string>(manage.Action).sort()).toEqual([
      'route53:ChangeTagsForResource',
      'route53:DeleteHealthCheck',
      'route53:GetHealthCheck',
      'route53:ListTagsForResources',
    ]);
    expect(JSON.stringify(manage.Resource)).toContain(':route53:::healthcheck/*');
    expect(JSON.stringify(manage.Resource)).not.toContain('hostedzone');
  });

  it('changes certificate state tags only on our certificates and only under our tag prefix', () => {
    const state = policyStatements(synth.json).find(
      (s) => s.statement.Sid === 'AcmUpdateOwnedCertificateState',
    )!.statement;
    expect(asList(state.Action).sort()).toEqual([
      'acm:AddTagsToCertificate',
      'acm:RemoveTagsFromCertificate',
    ]);
    expect(state.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/edge-reconciler:owner': 'edge-reconciler-certificates' },
      'ForAllValues:StringLike': { 'aws:TagKeys': ['edge-reconciler:*'] },
    });
  });
});
