import type { EKSClient } from '@aws-sdk/client-eks';
import { clientsForCluster } from '../aws-accounts.js';
import type { AwsClients } from '../aws-clients.js';
import type { Clock } from '../clock.js';
import { mapConcurrent } from '../concurrency.js';
import type { ClusterConfig, Config } from '../config.js';
import { beforeDeadline } from '../deadline.js';
import type { HeldKind } from '../dns/plan.js';
import type { Endpoint } from '../endpoint/endpoint.js';
import { endpointsFromObjects, type HeldName, type SourceResult, type TlsHost } from '../sources/index.js';
import type { KubernetesObject } from '../sources/objects.js';
import { kindsReadBy, resourcesListedBy, SOURCE_READS } from '../sources/reads.js';
import type { PassWarning } from '../warnings.js';
import { type ClusterTarget, clusterTarget } from './cluster.js';
import { type DescribedCluster, describeClusters, errorMessage } from './discover.js';
import {
  KUBERNETES_RESOURCES,
  KubernetesApiError,
  KubernetesClient,
  type KubernetesResource,
  listedVersions,
} from './kubernetes-client.js';
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
  heldKinds: HeldKind[];
  tlsHosts: TlsHost[];
  /** Owners whose clusters were listed: their records may be updated and deleted. */
  knownOwners: Set<string>;
  /** Owners whose clusters failed: their records are frozen. */
  frozenOwners: Set<string>;
  errors: string[];
  warnings: PassWarning[];
}

interface Listed {
  objects: KubernetesObject[];
  /** What the listing itself has to say: a source whose API the cluster does not serve. */
  warnings: PassWarning[];
  /** Kinds (as in the `resource` label) whose API the cluster does not serve: their records are kept. */
  unread: string[];
}

/**
 * Steps 1 and 2 of the pass: describe the clusters, then per cluster (bounded concurrency) get a token,
 * list the exposed objects and turn them into desired endpoints. A cluster that fails at any step is
 * reported and its owner frozen; it never fails the pass.
 */
export async function collectDesired(
  clusters: readonly ClusterConfig[],
  deps: { config: Config; aws: AwsClients; clock: Clock },
  /** The pass's deadline for reading: a cluster not read by then is failed and frozen. */
  deadline?: AbortSignal,
): Promise<FleetDesired> {
  const { config, aws, clock } = deps;
  // A cluster in another account is described, and its token presigned, with that account's role.
  const clientsOf = (c: ClusterConfig | undefined) => clientsForCluster(aws, c ?? {}, { clock });
  const described = await describeOrGiven(clusters, (r, c) => clientsOf(c).eks(r), deadline);
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
    heldKinds: [],
    tlsHosts: [],
    knownOwners: new Set(),
    frozenOwners: new Set(),
    errors: [],
    warnings: [],
  };
  type Outcome = { owner: string; name: string } & (
    | { result: SourceResult; unread: string[] }
    | { error: string; warning?: PassWarning }
  );
  const outcomes = await mapConcurrent(
    described,
    config.clusterConcurrency,
    async (d, i): Promise<Outcome> => {
      const owner = clusters[i]?.ownerId ?? clusters[i]?.name ?? '';
      if (!d.ok) return { owner, error: d.error, name: d.name };
      try {
        // The client stops its requests at the deadline; the race frees the pass even from a token call.
        const read = () => listExposedObjects(d.cluster, config, tokensFor(clusters[i]), deadline);
        const listed = await (deadline ? beforeDeadline(deadline, read) : read());
        const result = endpointsFromObjects(listed.objects, {
          config,
          clusterName: d.cluster.name,
          ownerId: d.cluster.ownerId,
          ...(clusters[i] ? { domains: clusters[i] } : {}),
        });
        const capped = overEndpointCap(
          d.cluster.name,
          result.endpoints.length,
          config.maxEndpointsPerCluster,
        );
        if (capped) return { owner, name: d.cluster.name, error: capped.message, warning: capped };
        return {
          owner,
          name: d.cluster.name,
          result: { ...result, warnings: [...listed.warnings, ...result.warnings] },
          unread: listed.unread,
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
      fleet.heldKinds.push(...o.unread.map((kind) => ({ owner: o.owner, kind })));
      fleet.tlsHosts.push(...o.result.tlsHosts);
      fleet.warnings.push(...o.result.warnings.map((w) => ({ ...w, cluster: o.name })));
    } else {
      fleet.clusters.push({ name: o.name, status: 'failed', endpoints: 0, error: o.error });
      fleet.frozenOwners.add(o.owner);
      fleet.errors.push(o.error);
      if (o.warning) fleet.warnings.push(o.warning);
    }
  }
  // An owner shared with a failed cluster stays frozen: part of its desired state is unknown.
  for (const o of fleet.frozenOwners) fleet.knownOwners.delete(o);
  return fleet;
}

/**
 * A cluster publishing more endpoints than the cap is frozen like a failed one: nothing new, nothing
 * updated, nothing deleted, until someone looks. A source gone wrong (a template stamping out names)
 * looks exactly like this, and so does a cluster trying to flood the shared zones.
 */
function overEndpointCap(cluster: string, endpoints: number, max: number): PassWarning | undefined {
  if (endpoints <= max) return undefined;
  return {
    code: 'cap-exceeded',
    cluster,
    field: 'maxEndpointsPerCluster',
    message: `cluster ${cluster}: ${endpoints} endpoints, above maxEndpointsPerCluster (${max}): it publishes nothing new and its records are frozen as they are`,
  };
}

/** Clusters whose API server the config already gives (a kubeconfig context) skip DescribeCluster. */
async function describeOrGiven(
  clusters: readonly ClusterConfig[],
  eks: (region: string, cluster: ClusterConfig) => EKSClient,
  deadline: AbortSignal | undefined,
): Promise<DescribedCluster[]> {
  const toDescribe = clusters.filter((c) => !(c.endpoint && c.certificateAuthorityData));
  const described = await describeClusters(toDescribe, eks, deadline);
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
  deadline: AbortSignal | undefined,
): Promise<Listed> {
  const client = new KubernetesClient({
    endpoint: cluster.endpoint,
    caData: cluster.certificateAuthorityData,
    token: tokens.provider(cluster.name, cluster.region),
    clusterName: cluster.name,
    timeoutMs: config.timeouts.kubernetesRequestMs,
    connectTimeoutMs: config.timeouts.connectMs,
    ...(deadline ? { signal: deadline } : {}),
  });
  // Every route source needs the same Gateways: one list per cluster, however many route kinds are on.
  let gatewayList: Promise<KubernetesObject[]> | undefined;
  const gateways = () => {
    gatewayList ??= listIn(client, 'gateways', config.gatewayNamespace ? [config.gatewayNamespace] : []);
    return gatewayList;
  };
  try {
    const perSource = await Promise.all(
      [...new Set(config.sources)].map((source) => listSource(client, source, config, gateways)),
    );
    const listedGateways = gatewayList ? await gatewayList.catch(() => []) : [];
    return {
      objects: [...perSource.flatMap((l) => l.objects), ...listedGateways],
      warnings: perSource.flatMap((l) => l.warnings),
      unread: perSource.flatMap((l) => l.unread),
    };
  } finally {
    client.close();
  }
}

/**
 * One source's objects: its kind in the namespaces `namespace` names (all when empty); a route source
 * also waits for the cluster's one list of Gateways in `gatewayNamespace` (all when empty), as
 * ExternalDNS lists them, which the caller adds once.
 *
 * A cluster without the Gateway API answers 404 for its kinds. That is a cluster where the source has
 * nothing to find, not a broken one: reported, and the cluster's other sources go on. The one 404 that
 * fails the cluster is Gateways missing while routes exist: where those routes point is then unknown,
 * and freezing the owner keeps their records. Any other error (a 403 without the ClusterRole) fails
 * the cluster as it always does.
 */
async function listSource(
  client: KubernetesClient,
  source: Config['sources'][number],
  config: Config,
  gatewayList: () => Promise<KubernetesObject[]>,
): Promise<Listed> {
  if (source === 'traefik-proxy') return listTraefik(client, config);
  // Every other source lists one resource of its own (shared/sources/reads.ts).
  const [resource] = resourcesListedBy(source, config) as [KubernetesResource];
  const { gateways } = SOURCE_READS[source];
  const own = listIn(client, resource, config.namespace);
  if (!gateways) return { objects: await own, warnings: [], unread: [] };

  const [listedRoutes, listedGateways] = await Promise.allSettled([own, gatewayList()]);
  if (listedRoutes.status === 'rejected') {
    if (!isNotServed(listedRoutes.reason)) throw listedRoutes.reason;
    // Not served could also be an older API version only: hold whatever records routes own already.
    const kind = KUBERNETES_RESOURCES[resource].kind.toLowerCase();
    return { objects: [], warnings: [notServed(resource, source)], unread: [kind] };
  }
  if (listedGateways.status === 'rejected') {
    if (!isNotServed(listedGateways.reason) || listedRoutes.value.length > 0) throw listedGateways.reason;
    return { objects: [], warnings: [notServed('gateways', source)], unread: [] };
  }
  return { objects: listedRoutes.value, warnings: [], unread: [] };
}

/**
 * Each of Traefik's kinds under each API group the config reads. Traefik v3 serves only `traefik.io`
 * and Traefik before v2.10 only `traefik.containo.us`, so one group answering 404 is normal and goes
 * unreported. A kind no group serves (CRDs not installed) is reported, and the records its objects own
 * are kept, as for the Gateway API: not served is not gone.
 */
async function listTraefik(client: KubernetesClient, config: Config): Promise<Listed> {
  const lists = resourcesListedBy('traefik-proxy', config).map((resource) => ({
    kind: KUBERNETES_RESOURCES[resource].kind,
    resource,
  }));
  const settled = await Promise.allSettled(lists.map((l) => listIn(client, l.resource, config.namespace)));
  const objects: KubernetesObject[] = [];
  const served = new Set<string>();
  for (const [i, listed] of settled.entries()) {
    const { kind } = lists[i] as (typeof lists)[number];
    if (listed.status === 'fulfilled') {
      objects.push(...listed.value);
      served.add(kind);
    } else if (!isNotServed(listed.reason)) throw listed.reason;
  }
  const kinds = kindsReadBy('traefik-proxy');
  const unread = kinds.filter((k) => !served.has(k));
  if (unread.length === 0) return { objects, warnings: [], unread: [] };
  const where = [
    ...new Set(
      lists.map(
        (l) => `${KUBERNETES_RESOURCES[l.resource].group}/${KUBERNETES_RESOURCES[l.resource].version}`,
      ),
    ),
  ];
  const what = unread.length === kinds.length ? 'nothing' : `no ${unread.join(', ')}`;
  const warning: PassWarning = {
    code: 'api-not-served',
    field: 'sources',
    message: `${unread.join(', ')} ${unread.length === 1 ? 'is' : 'are'} not served (404) in ${where.join(' or ')}: the Traefik CRDs are not installed, so the traefik-proxy source finds ${what} in this cluster`,
  };
  return { objects, warnings: [warning], unread: unread.map((k) => k.toLowerCase()) };
}

/** Every object of `resource` in these namespaces, or in all of them when none is given. */
async function listIn(
  client: KubernetesClient,
  resource: KubernetesResource,
  namespaces: readonly string[],
): Promise<KubernetesObject[]> {
  const scopes = namespaces.length > 0 ? namespaces : [undefined];
  const lists = await Promise.all(
    scopes.map((namespace) => client.listAll(resource, namespace ? { namespace } : {})),
  );
  return lists.flat();
}

function isNotServed(err: unknown): boolean {
  return err instanceof KubernetesApiError && err.status === 404;
}

/** Which Gateway API CRDs serve a kind at the versions listed; a cluster without them answers 404. */
const CRDS: Partial<Record<KubernetesResource, string>> = {
  grpcroutes: 'CRDs (v1.1 or later)',
  tlsroutes: 'CRDs (v1.5 or later, or an older experimental channel)',
  tcproutes: 'experimental-channel CRDs',
  udproutes: 'experimental-channel CRDs',
};

function notServed(resource: KubernetesResource, source: string): PassWarning {
  const { group } = KUBERNETES_RESOURCES[resource];
  const tried = listedVersions(resource).map((v) => `${resource}.${group}/${v}`);
  const what = tried.length === 1 ? `${tried[0]} is not served` : `none of ${tried.join(', ')} is served`;
  return {
    code: 'api-not-served',
    field: 'sources',
    message: `${what} (404): the Gateway API ${CRDS[resource] ?? 'CRDs (v1.0 or later)'} are not installed, so the ${source} source finds nothing in this cluster`,
  };
}
