import type { EKSClient } from '@aws-sdk/client-eks';
import { clientsForCluster } from '../aws-accounts.js';
import type { AwsClients } from '../aws-clients.js';
import type { Clock } from '../clock.js';
import { mapConcurrent } from '../concurrency.js';
import type { ClusterConfig, Config } from '../config.js';
import type { Endpoint } from '../endpoint/endpoint.js';
import { endpointsFromObjects, type HeldName, type SourceResult, type TlsHost } from '../sources/index.js';
import type { KubernetesObject } from '../sources/objects.js';
import type { PassWarning } from '../warnings.js';
import { type ClusterTarget, clusterTarget } from './cluster.js';
import { type DescribedCluster, describeClusters, errorMessage } from './discover.js';
import { KubernetesClient, type KubernetesResource } from './kubernetes-client.js';
import { EksTokenCache } from './token.js';

export interface ClusterOutcome {
  name: string;
  status: 'ok' | 'failed';
  endpoints: number;
  error?: string;
}

/** What the fleet wants this pass, and which owners may be changed. */
export interface FleetDesired {
  clusters: ClusterOutcome[];
  endpoints: Endpoint[];
  held: HeldName[];
  tlsHosts: TlsHost[];
  /** Owners whose clusters were listed: their records may be updated and deleted. */
  knownOwners: Set<string>;
  /** Owners whose clusters failed: their records are frozen. */
  frozenOwners: Set<string>;
  errors: string[];
  warnings: PassWarning[];
}

const RESOURCES: Record<Config['sources'][number], KubernetesResource> = {
  service: 'services',
  ingress: 'ingresses',
};

/**
 * Steps 1 and 2 of the pass: describe the clusters, then per cluster (bounded concurrency) get a token,
 * list the exposed objects and turn them into desired endpoints. A cluster that fails at any step is
 * reported and its owner frozen; it never fails the pass.
 */
export async function collectDesired(
  clusters: readonly ClusterConfig[],
  deps: { config: Config; aws: AwsClients; clock: Clock },
): Promise<FleetDesired> {
  const { config, aws, clock } = deps;
  // A cluster in another account is described, and its token presigned, with that account's role.
  const clientsOf = (c: ClusterConfig | undefined) => clientsForCluster(aws, c ?? {}, { clock });
  const described = await describeOrGiven(clusters, (r, c) => clientsOf(c).eks(r));
  const tokenCaches = new Map<AwsClients, EksTokenCache>();
  const tokensFor = (c: ClusterConfig | undefined): EksTokenCache => {
    const clients = clientsOf(c);
    let cache = tokenCaches.get(clients);
    if (!cache) {
      cache = new EksTokenCache({ credentials: clients.credentials(), clock });
      tokenCaches.set(clients, cache);
    }
    return cache;
  };

  const fleet: FleetDesired = {
    clusters: [],
    endpoints: [],
    held: [],
    tlsHosts: [],
    knownOwners: new Set(),
    frozenOwners: new Set(),
    errors: [],
    warnings: [],
  };
  type Listed = { owner: string; name: string } & ({ result: SourceResult } | { error: string });
  const outcomes = await mapConcurrent(
    described,
    config.clusterConcurrency,
    async (d, i): Promise<Listed> => {
      const owner = clusters[i]?.ownerId ?? clusters[i]?.name ?? '';
      if (!d.ok) return { owner, error: d.error, name: d.name };
      try {
        const objects = await listExposedObjects(d.cluster, config, tokensFor(clusters[i]));
        return {
          owner,
          name: d.cluster.name,
          result: endpointsFromObjects(objects, {
            config,
            clusterName: d.cluster.name,
            ownerId: d.cluster.ownerId,
          }),
        };
      } catch (err) {
        const message = errorMessage(err);
        // The Kubernetes client's errors already name the cluster.
        const error = message.includes(`cluster ${d.cluster.name}`)
          ? message
          : `cluster ${d.cluster.name}: ${message}`;
        return { owner, name: d.cluster.name, error };
      }
    },
  );

  for (const o of outcomes) {
    if ('result' in o) {
      fleet.clusters.push({ name: o.name, status: 'ok', endpoints: o.result.endpoints.length });
      fleet.knownOwners.add(o.owner);
      fleet.endpoints.push(...o.result.endpoints);
      fleet.held.push(...o.result.held);
      fleet.tlsHosts.push(...o.result.tlsHosts);
      fleet.warnings.push(...o.result.warnings.map((w) => ({ ...w, cluster: o.name })));
    } else {
      fleet.clusters.push({ name: o.name, status: 'failed', endpoints: 0, error: o.error });
      fleet.frozenOwners.add(o.owner);
      fleet.errors.push(o.error);
    }
  }
  // An owner shared with a failed cluster stays frozen: part of its desired state is unknown.
  for (const o of fleet.frozenOwners) fleet.knownOwners.delete(o);
  return fleet;
}

/** Clusters whose API server the config already gives (a kubeconfig context) skip DescribeCluster. */
async function describeOrGiven(
  clusters: readonly ClusterConfig[],
  eks: (region: string, cluster: ClusterConfig) => EKSClient,
): Promise<DescribedCluster[]> {
  const toDescribe = clusters.filter((c) => !(c.endpoint && c.certificateAuthorityData));
  const described = await describeClusters(toDescribe, eks);
  return clusters.map((c): DescribedCluster => {
    if (c.endpoint && c.certificateAuthorityData) {
      return {
        ok: true,
        cluster: clusterTarget(c, {
          endpoint: c.endpoint,
          certificateAuthorityData: c.certificateAuthorityData,
        }),
      };
    }
    return described[toDescribe.indexOf(c)] as DescribedCluster;
  });
}

async function listExposedObjects(
  cluster: ClusterTarget,
  config: Config,
  tokens: EksTokenCache,
): Promise<KubernetesObject[]> {
  const client = new KubernetesClient({
    endpoint: cluster.endpoint,
    caData: cluster.certificateAuthorityData,
    token: tokens.provider(cluster.name, cluster.region),
    clusterName: cluster.name,
  });
  try {
    const namespaces = config.namespace.length > 0 ? config.namespace : [undefined];
    const lists = await Promise.all(
      config.sources.flatMap((s) =>
        namespaces.map((namespace) => client.listAll(RESOURCES[s], namespace ? { namespace } : {})),
      ),
    );
    return lists.flat();
  } finally {
    client.close();
  }
}
