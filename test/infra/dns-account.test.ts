import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type Cfn, policyStatements, type Synthesized, synthesize } from './synth.js';

/**
 * Hosted zones in a network account: one deploy file drives the reconciler's stack (it may assume the
 * DNS role) and the DNS account's stack (the role, with the same Route 53 statements, trusting only the
 * reconciler's role and, when set, only with the external id).
 */

const dir = mkdtempSync(join(tmpdir(), 'edge-reconciler-dns-account-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NETWORK = '222222222222';
const DNS_ROLE = `arn:aws:iam::${NETWORK}:role/edge/edge-reconciler-dns`;
const RECONCILER_ROLE = 'arn:aws:iam::111111111111:role/EdgeReconciler-AccessRole1234';

function deployFile(name: string, document: Record<string, unknown>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(document));
  return file;
}

const config = {
  region: 'eu-west-1',
  domainFilters: ['apps.example.org'],
  zoneIdFilters: ['ZAPPS'],
  route53Roles: [{ roleArn: DNS_ROLE, externalId: 'fleet-7f3a' }],
  clusters: [{ name: 'prod', region: 'eu-west-1' }],
  deploy: { tags: { app: 'edge-reconciler' } },
};

function byId(statements: { statement: Cfn }[]): Record<string, Cfn> {
  return Object.fromEntries(statements.map((s) => [s.statement.Sid, s.statement]));
}

describe('the DNS-account stack and the reconciler stack from one deploy file', () => {
  let dns: Synthesized;
  let main: Synthesized;
  beforeAll(() => {
    const configFile = deployFile('network', config);
    dns = synthesize({
      bundle: false,
      configFile,
      context: { 'edge-reconciler:dns-account-of': RECONCILER_ROLE, 'edge-reconciler:dns-account': NETWORK },
    });
    main = synthesize({ bundle: false, configFile });
  }, 120_000);
  afterAll(() => {
    dns?.cleanup();
    main?.cleanup();
  });

  it('makes the role the config names, trusting only the reconciler role with the external id', () => {
    const roles = Object.values<Cfn>(dns.json.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties).toMatchObject({ RoleName: 'edge-reconciler-dns', Path: '/edge/' });
    expect(roles[0].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: {
          AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] },
        },
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': RECONCILER_ROLE },
          StringEquals: { 'sts:ExternalId': 'fleet-7f3a' },
        },
      },
    ]);
  });

  it('grants exactly the Route 53 statements the reconciler stack computes from the same file', () => {
    const route53 = (s: Synthesized) =>
      Object.fromEntries(
        Object.entries(byId(policyStatements(s.json))).filter(([sid]) => sid.startsWith('Route53')),
      );
    const dnsStatements = byId(policyStatements(dns.json));
    expect(Object.keys(dnsStatements).sort()).toEqual([
      'Route53ChangeManagedNames',
      'Route53ListZones',
      'Route53ReadManagedZones',
    ]);
    expect(dnsStatements).toEqual(route53(main));
    expect(dnsStatements.Route53ChangeManagedNames.Condition['ForAllValues:StringLike']).toEqual({
      'route53:ChangeResourceRecordSetsNormalizedRecordNames': expect.arrayContaining(['*.apps.example.org']),
    });
    expect(JSON.stringify(dnsStatements.Route53ChangeManagedNames.Resource)).toContain('hostedzone/ZAPPS');
  });

  it('lets the reconciler role assume the DNS role, and nothing else there', () => {
    const statements = byId(policyStatements(main.json));
    expect(statements.AssumeRoute53AccountRoles).toMatchObject({
      Action: 'sts:AssumeRole',
      Resource: DNS_ROLE,
    });
  });

  it('graphs each account’s Route 53 calls and throttles on the dashboard (dimension Account)', () => {
    const dashboard = Object.values<Cfn>(main.json.Resources).find(
      (r) => r.Type === 'AWS::CloudWatch::Dashboard',
    );
    const body = JSON.stringify(dashboard.Properties.DashboardBody).replaceAll('\\"', '"');
    for (const account of ['home', NETWORK]) {
      for (const metric of ['Route53Calls', 'Route53Throttles']) {
        expect(body).toContain(`"${metric}","Account","${account}","service","edge-reconciler"`);
      }
    }
  });
});

describe('the DNS-account stack refuses what the deploy file does not back', () => {
  it('an account without a route53Roles entry, naming the accounts the file has', () => {
    const configFile = deployFile('network-2', config);
    expect(() =>
      synthesize({
        bundle: false,
        configFile,
        context: {
          'edge-reconciler:dns-account-of': RECONCILER_ROLE,
          'edge-reconciler:dns-account': '333333333333',
        },
      }),
    ).toThrow(/edge-reconciler:dns-account: 333333333333: no route53Roles entry .* names: 222222222222/);
  });

  it('awsAssumeRole: the role has no external id condition, and the reconciler role no Route 53 of its own', () => {
    const { route53Roles, ...rest } = config;
    const configFile = deployFile('single-role', { ...rest, awsAssumeRole: DNS_ROLE });
    const dns = synthesize({
      bundle: false,
      configFile,
      context: { 'edge-reconciler:dns-account-of': RECONCILER_ROLE, 'edge-reconciler:dns-account': NETWORK },
    });
    const main = synthesize({ bundle: false, configFile });
    try {
      const role = Object.values<Cfn>(dns.json.Resources).find((r) => r.Type === 'AWS::IAM::Role');
      expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
        ArnEquals: { 'aws:PrincipalArn': RECONCILER_ROLE },
      });
      const sids = Object.keys(byId(policyStatements(main.json)));
      expect(sids.filter((s) => s.startsWith('Route53'))).toEqual([]);
      expect(sids).toContain('AssumeRoute53AccountRoles');
    } finally {
      dns.cleanup();
      main.cleanup();
    }
  }, 120_000);
});
