import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FORWARDED_AUDIT_DETAIL_TYPE as INFRA_DETAIL_TYPE,
  FORWARDED_AUDIT_SOURCE as INFRA_SOURCE,
} from '../../infra/constructs/triggers.js';
import { FORWARDED_AUDIT_DETAIL_TYPE, FORWARDED_AUDIT_SOURCE } from '../../shared/audit/forwarded.js';
import { asList, type Cfn, policyStatements, type Synthesized, synthesize } from './synth.js';

/**
 * Events from every member account and region, from examples/deploy/three-accounts.yaml: the member
 * stack forwards EKS lifecycle calls (a rule targeting the central bus) and its clusters' audit logs (a
 * subscription to a forwarder that may put on that bus only); the reconciler's bus admits only the
 * fleet's other accounts, and only those two kinds of event.
 */

const CONFIG = 'examples/deploy/three-accounts.yaml';
const RECONCILER_ROLE = 'arn:aws:iam::333333333333:role/EdgeReconciler-AccessRole1234';
const CENTRAL_BUS = 'arn:aws:events:eu-central-1:333333333333:event-bus/default';

function resources(s: Synthesized, type: string): Cfn[] {
  return Object.values<Cfn>(s.json.Resources).filter((r) => r.Type === type);
}

describe('the member stack forwards lifecycle calls and audit logs to the central bus', () => {
  let member: Synthesized;
  beforeAll(() => {
    member = synthesize({
      bundle: false,
      configFile: CONFIG,
      context: { 'edge-reconciler:member-of': RECONCILER_ROLE, 'edge-reconciler:member-clusters': 'pay-eu' },
    });
  }, 120_000);
  afterAll(() => member?.cleanup());

  it('sends CreateCluster/DeleteCluster to the central bus through a role that may put there only', () => {
    const [rule] = resources(member, 'AWS::Events::Rule');
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.eks'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['eks.amazonaws.com'], eventName: ['CreateCluster', 'DeleteCluster'] },
    });
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: CENTRAL_BUS, RoleArn: expect.anything() }),
    ]);
    const puts = policyStatements(member.json).filter((s) =>
      asList(s.statement.Action).includes('events:PutEvents'),
    );
    expect(puts.map((s) => s.statement.Resource)).toEqual([CENTRAL_BUS, CENTRAL_BUS]);
  });

  it('makes the role the deploy file names for the cluster (roleArn), and outputs its ARN', () => {
    const roles = resources(member, 'AWS::IAM::Role').filter((r) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(RECONCILER_ROLE),
    );
    expect(roles.map((r) => r.Properties.RoleName)).toEqual(['edge-reconciler-member']);
    expect(member.json.Outputs.MemberRoleArn.Value).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^AccessRole/), 'Arn'],
    });
  });

  it('subscribes the forwarder to each member cluster’s audit log with the reconciler’s filter', () => {
    const [filter] = resources(member, 'AWS::Logs::SubscriptionFilter');
    expect(filter.Properties.LogGroupName).toBe('/aws/eks/pay-eu/cluster');
    expect(filter.Properties.FilterPattern).toMatch(/services/);
    const fn = resources(member, 'AWS::Lambda::Function').find(
      (f) => f.Properties.Environment?.Variables?.EDGE_RECONCILER_EVENT_BUS_ARN,
    );
    expect(fn.Properties.Environment.Variables).toEqual(
      expect.objectContaining({ EDGE_RECONCILER_EVENT_BUS_ARN: CENTRAL_BUS }),
    );
    expect(fn.Properties.Environment.Variables).not.toHaveProperty('EDGE_RECONCILER_CONFIG');
  });
});

describe('the reconciler’s bus admits the fleet’s member accounts only', () => {
  let main: Synthesized;
  beforeAll(() => {
    main = synthesize({ bundle: false, configFile: CONFIG });
  }, 120_000);
  afterAll(() => main?.cleanup());

  it('a bus policy names the member account, for the two forwarded kinds only', () => {
    const [policy] = resources(main, 'AWS::Events::EventBusPolicy');
    expect(policy.Properties.EventBusName).toBe('default');
    expect(policy.Properties.Statement).toMatchObject({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Principal: {
        AWS: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444444444444:root']] }],
      },
      Condition: {
        StringEquals: {
          'events:source': ['edge-reconciler.audit', 'aws.eks'],
          'events:detail-type': ['Audit Log Forwarded', 'AWS API Call via CloudTrail'],
        },
      },
    });
  });

  it('forwarded audit logs reach the function from the member account only; lifecycle calls from the fleet', () => {
    const rules = resources(main, 'AWS::Events::Rule');
    const audit = rules.find((r) => r.Properties.EventPattern.source?.[0] === 'edge-reconciler.audit');
    expect(audit.Properties.EventPattern).toEqual({
      account: ['444444444444'],
      source: ['edge-reconciler.audit'],
      'detail-type': ['Audit Log Forwarded'],
    });
    const lifecycle = rules.find((r) => r.Properties.EventPattern.source?.[0] === 'aws.eks');
    expect(lifecycle.Properties.EventPattern.account).toEqual(['333333333333', '444444444444']);
  });

  it('the stack and the handler agree on what a forwarded audit event is', () => {
    expect([INFRA_SOURCE, INFRA_DETAIL_TYPE]).toEqual([FORWARDED_AUDIT_SOURCE, FORWARDED_AUDIT_DETAIL_TYPE]);
  });
});
