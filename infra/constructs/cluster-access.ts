import { Aws } from 'aws-cdk-lib';
import { CfnAccessEntry } from 'aws-cdk-lib/aws-eks';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { KUBERNETES_GROUP } from '../../shared/clusters/rbac.js';

export { KUBERNETES_GROUP };
export const VIEW_POLICY = 'AmazonEKSViewPolicy';

/**
 * How the reconciler's role reads a cluster:
 * - `group`: only the Kubernetes group, bound in the cluster to the ClusterRole that lists exactly the
 *   kinds the enabled sources read (shared/clusters/rbac.ts; `npm run --silent cli -- rbac`);
 * - `view-policy`: the group plus `AmazonEKSViewPolicy` on the whole cluster: read access to most built-in
 *   kinds (Secrets excluded) with no step inside the cluster — a quick start. CRD kinds (Gateway API,
 *   Traefik) are outside the view policy and still need the ClusterRole.
 */
export type KubernetesAccessMode = 'group' | 'view-policy';

export interface ClusterAccessProps {
  role: IRole;
  /** Clusters in this stack's account and region (CloudFormation can only reach those). */
  clusters: readonly string[];
  mode: KubernetesAccessMode;
}

/** One EKS access entry for `principalArn` on `cluster`. The cluster's authentication mode must include `API`. */
export function accessEntry(
  scope: Construct,
  id: string,
  props: { cluster: string; principalArn: string; mode: KubernetesAccessMode },
): CfnAccessEntry {
  return new CfnAccessEntry(scope, id, {
    clusterName: props.cluster,
    principalArn: props.principalArn,
    type: 'STANDARD',
    kubernetesGroups: [KUBERNETES_GROUP],
    ...(props.mode === 'view-policy'
      ? {
          accessPolicies: [
            {
              policyArn: `arn:${Aws.PARTITION}:eks::aws:cluster-access-policy/${VIEW_POLICY}`,
              accessScope: { type: 'cluster' },
            },
          ],
        }
      : {}),
  });
}

/** One access entry per local cluster for the reconciler's role. */
export class ClusterAccess extends Construct {
  readonly entries: CfnAccessEntry[];

  constructor(scope: Construct, id: string, props: ClusterAccessProps) {
    super(scope, id);
    this.entries = props.clusters.map((cluster) =>
      accessEntry(this, `Entry-${cluster}`, {
        cluster,
        principalArn: props.role.roleArn,
        mode: props.mode,
      }),
    );
  }
}
