import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ClusterConfig } from '../../shared/config.js';
import { ConfigError } from '../../shared/config.js';

interface Kubeconfig {
  clusters?: { name: string; cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
  contexts?: { name: string; context?: { cluster?: string; user?: string } }[];
  users?: { name: string; user?: { exec?: { command?: string; args?: string[] } } }[];
}

/**
 * Clusters from kubeconfig contexts, the way `aws eks update-kubeconfig` writes them: the API server and
 * CA from the cluster entry, the EKS cluster name and region from the user's `aws eks get-token` args.
 * The reconciler then skips DescribeCluster and presigns its own token for that cluster.
 */
export async function clustersFromKubeconfig(
  contexts: string[],
  path = process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config'),
  defaultRegion = process.env.AWS_REGION ?? 'us-east-1',
): Promise<ClusterConfig[]> {
  let doc: Kubeconfig;
  try {
    doc = parse(await readFile(path, 'utf8')) as Kubeconfig;
  } catch (err) {
    throw new ConfigError(`--kubeconfig ${path}: ${(err as Error).message}`, []);
  }
  return contexts.map((name) => {
    const context = doc.contexts?.find((c) => c.name === name)?.context;
    if (!context) throw new ConfigError(`--context ${name}: no such context in ${path}`, []);
    const cluster = doc.clusters?.find((c) => c.name === context.cluster)?.cluster;
    if (!cluster?.server || !cluster['certificate-authority-data']) {
      throw new ConfigError(
        `--context ${name}: cluster ${context.cluster} has no server or certificate-authority-data`,
        [],
      );
    }
    const args = doc.users?.find((u) => u.name === context.user)?.user?.exec?.args ?? [];
    const flag = (f: string) => {
      const i = args.indexOf(f);
      return i >= 0 ? args[i + 1] : undefined;
    };
    return {
      name: flag('--cluster-name') ?? flag('--cluster-id') ?? context.cluster ?? name,
      region: flag('--region') ?? defaultRegion,
      tags: {},
      endpoint: cluster.server,
      certificateAuthorityData: cluster['certificate-authority-data'],
    };
  });
}
