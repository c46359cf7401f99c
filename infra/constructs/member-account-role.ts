import { Aws } from 'aws-cdk-lib';
import { AccountPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { accessEntry, type KubernetesAccessMode } from './cluster-access.js';

export interface MemberAccountRoleProps {
  /** The account the reconciler runs in. */
  reconcilerAccount: string;
  /** The reconciler's execution role (stack output `ReconcilerRoleArn`). */
  reconcilerRoleArn: string;
  /** The clusters of this account (in this stack's region) the reconciler reads. */
  clusters: readonly string[];
  roleName?: string;
  /** The role's IAM path (`/`, the default, when absent). */
  path?: string;
  /** `group` (default): the ClusterRole of `cli rbac` gives access; `view-policy`: AmazonEKSViewPolicy too. */
  kubernetesAccess?: KubernetesAccessMode;
}

/**
 * For clusters in another account: deploy this in that account (one stack per region with clusters), then
 * set the cluster's `roleArn` in the reconciler config to `role.roleArn`. The trust names the reconciler's
 * role through `aws:PrincipalArn` rather than as the principal itself, so recreating that role does not
 * silently break the trust. The role can describe only the listed clusters; its access entries give the
 * same read access as the home account's (cluster-access.ts).
 */
export class MemberAccountRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: MemberAccountRoleProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      roleName: props.roleName,
      ...(props.path ? { path: props.path } : {}),
      description: 'edge-reconciler: read the clusters of this account from the reconciler account',
      assumedBy: new AccountPrincipal(props.reconcilerAccount).withConditions({
        ArnEquals: { 'aws:PrincipalArn': props.reconcilerRoleArn },
      }),
    });
    if (props.clusters.length > 0) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['eks:DescribeCluster'],
          resources: props.clusters.map(
            (c) => `arn:${Aws.PARTITION}:eks:${Aws.REGION}:${Aws.ACCOUNT_ID}:cluster/${c}`,
          ),
        }),
      );
    }
    for (const cluster of props.clusters) {
      accessEntry(this, `Entry-${cluster}`, {
        cluster,
        principalArn: this.role.roleArn,
        mode: props.kubernetesAccess ?? 'group',
      });
    }
  }
}
