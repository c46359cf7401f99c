/** A cluster the pass reads: what DescribeCluster told us plus the config's view of it. */
export interface ClusterTarget {
  name: string;
  region: string;
  account?: string;
  /** TXT registry owner id of this cluster's records (default: the cluster name). */
  ownerId: string;
  tags: Record<string, string>;
  /** The Kubernetes API server URL (https://...). */
  endpoint: string;
  /** Base64 of the PEM CA bundle, exactly as DescribeCluster returns `certificateAuthority.data`. */
  certificateAuthorityData: string;
}

/** The target for a configured cluster once its API server is known (from DescribeCluster or the config). */
export function clusterTarget(
  c: { name: string; region: string; account?: string; ownerId?: string; tags: Record<string, string> },
  server: { endpoint: string; certificateAuthorityData: string; tags?: Record<string, string> },
): ClusterTarget {
  return {
    name: c.name,
    region: c.region,
    ...(c.account ? { account: c.account } : {}),
    ownerId: c.ownerId ?? c.name,
    tags: { ...server.tags, ...c.tags },
    endpoint: server.endpoint,
    certificateAuthorityData: server.certificateAuthorityData,
  };
}
