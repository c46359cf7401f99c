import { Aws } from 'aws-cdk-lib';
import { CfnAccessEntry } from 'aws-cdk-lib/aws-eks';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The Kubernetes group the reconciler's role is put in on every cluster. `AmazonEKSViewPolicy` covers
 * Services, Ingresses and Namespaces; Gateway API and Traefik kinds are CRDs the view policy does not
 * reach, so infra/kubernetes/edge-reconciler-view.yaml binds a ClusterRole for them to this group.
 */
export const KUBERNETES_GROUP = 'edge-reconciler-view';
export const VIEW_POLICY = 'AmazonEKSViewPolicy';

export interface ClusterAccessProps {
  role: IRole;
  /** Clusters in this stack's account and region (CloudFormation can only reach those). */
  clusters: readonly string[];
}

/**
 * One EKS access entry per cluster for the reconciler's role: read-only (the view policy, cluster-wide)
 * plus the group for the CRD ClusterRole. The cluster's authentication mode must include `API`.
 */
export class ClusterAccess extends Construct {
  readonly entries: CfnAccessEntry[] = [];

  constructor(scope: Construct, id: string, props: ClusterAccessProps) {
    super(scope, id);
    for (const cluster of props.clusters) {
      this.entries.push(
        new CfnAccessEntry(this, `Entry-${cluster}`, {
          clusterName: cluster,
          principalArn: props.role.roleArn,
          type: 'STANDARD',
          kubernetesGroups: [KUBERNETES_GROUP],
          accessPolicies: [
            {
              policyArn: `arn:${Aws.PARTITION}:eks::aws:cluster-access-policy/${VIEW_POLICY}`,
              accessScope: { type: 'cluster' },
            },
          ],
        }),
      );
    }
  }
}
