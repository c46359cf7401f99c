import { Aws, Validations } from 'aws-cdk-lib';
import { AccountPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { Config } from '../../shared/config.js';
import { HEALTH_CHECK_WILDCARD_REASON, route53Statements, usesHealthChecks } from './route53-access.js';

export interface DnsAccountRoleProps {
  /** The reconciler's config: the zones and names the role may write, as the main stack computes them. */
  config: Config;
  /** The reconciler's execution role (main stack output `ReconcilerRoleArn`): the only principal trusted. */
  reconcilerRoleArn: string;
  /** The role's name and path, as the config's `route53Roles[].roleArn` names it. */
  roleName: string;
  path?: string;
  /** The `sts:ExternalId` the config's role entry carries; the trust requires it when set. */
  externalId?: string;
}

/**
 * For hosted zones in another account (a network account): deploy this there, and the reconciler reaches
 * the zones through `route53Roles` (or `awsAssumeRole`). The role holds exactly the main stack's Route 53
 * statements, so the zones and record names it may change are the ones the config manages. The trust
 * names the reconciler's role through `aws:PrincipalArn` (a recreated role of the same name is trusted
 * again, a deleted one's successor under another name is not), plus the external id when set.
 */
export class DnsAccountRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: DnsAccountRoleProps) {
    super(scope, id);
    const reconcilerAccount = /^arn:[^:]+:iam::(\d{12}):role\//.exec(props.reconcilerRoleArn)?.[1];
    if (!reconcilerAccount) throw new Error(`${props.reconcilerRoleArn}: not an IAM role ARN`);
    this.role = new Role(this, 'Role', {
      roleName: props.roleName,
      ...(props.path ? { path: props.path } : {}),
      description: 'edge-reconciler: Route 53 records of the configured zones, for the reconciler account',
      assumedBy: new AccountPrincipal(reconcilerAccount).withConditions({
        ArnEquals: { 'aws:PrincipalArn': props.reconcilerRoleArn },
        ...(props.externalId ? { StringEquals: { 'sts:ExternalId': props.externalId } } : {}),
      }),
    });
    for (const statement of route53Statements(props.config, Aws.PARTITION)) {
      this.role.addToPrincipalPolicy(statement);
    }
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only route53:ListHostedZones, which has no resource-level permission, uses Resource "*"; reads and changes are limited to the configured zones, and changes to the managed names and record types.' +
        (usesHealthChecks(props.config) ? ` ${HEALTH_CHECK_WILDCARD_REASON}` : ''),
    });
    if (usesHealthChecks(props.config)) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:route53:::healthcheck/*]',
        reason: HEALTH_CHECK_WILDCARD_REASON,
      });
    }
  }
}
