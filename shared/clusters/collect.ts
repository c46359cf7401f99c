import type { EKSClient } from '@aws-sdk/client-eks';
import { clientsForCluster } from '../aws-accounts.js';
import type { AwsClients } from '../aws-clients.js';
import type { Clock } from '../clock.js';
import { mapConcurrent } from '../concurrency.js';
import type { ClusterConfig, Config } from '../config.js';
import { beforeDeadline } from '../deadline.js';
import type { HeldKind } from '../dns/plan.js';
import { type Endpoint, LABEL_CLUSTER } from '../endpoint/endpoint.js';
import { errorMessage, type PassError, passError } from '../errors.js';
import type { FilteredOut } from '../filtered.js';
import type { Log } from '../log.js';
import type { PassProgress } from '../progress.js';
import { type KubernetesResource, labelKind, qualifiedName } from '../sources/api-resources.js';
import type { Dependency, SourceDefinition, Unserved } from '../sources/definition.js';
import { endpointsFromObjects, type HeldName, type SourceResult, type TlsHost } from '../sources/index.js';
import type { KubernetesObject } from '../sources/objects.js';
import { dependenciesOf, enabledSources, resourcesListedBy } from '../sources/reads.js';
import type { PassWarning } from '../warnings.js';
import { type ClusterTarget, clusterTarget } from './cluster.js';
import { type DescribedCluster, describeClusters } from './discover.js';
import {
  KubernetesApiError,
  KubernetesClient,
  KubernetesEndpointError,
  KubernetesNetworkError,
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
  errors: PassError[];
  warnings: PassWarning[];
  /** Objects a filter left out on purpose, each with its cluster. */
  filtered: FilteredOut[];
}

interface Listed {
  objects: KubernetesObject[];
  /** What the listing itself has to say: a source whose API the cluster does not serve. */
  warnings: PassWarning[];
  /** Kinds (as in the `resource` label) whose API the cluster does not serve: their records are kept. */
  unread: string[];
  /** Lists a source may go without that the cluster refused (`Dependency.mayBeRefused`), by qualified name. */
  unreadable: string[];
}

type ClusterRead = { owner: string; name: string } & (
  | { result: SourceResult; unread: string[] }
  | { error: string; warning?: PassWarning }
);

/**
 * Steps 1 and 2 of the pass: describe the clusters, then per cluster (bounded concurrency) get a token,
 * list the exposed objects and turn them into desired endpoints. A cluster that fails at any step is
 * reported and its owner frozen; it never fails the pass.
 */
export async function collectDesired(
  clusters: readonly ClusterConfig[],
  deps: {
    config: Config;
    aws: AwsClients;
    clock: Clock;
    progress?: PassProgress;
    /** Told each time a cluster's objects were read (the pass starts its zone reads at the first). */
    onClusterRead?: () => void;
  },
  /** The pass's deadline for reading: a cluster not read by then is failed and frozen. */
  deadline?: AbortSignal,
): Promise<FleetDesired> {
  const { config, aws, clock } = deps;
  // A cluster in another account is described, and its token presigned, with that account's role.
  const clientsOf = (c: ClusterConfig | undefined) => clientsForCluster(aws, c ?? {}, { clock });
  const described = await describeOrGiven(clusters, (r, c) => clientsOf(c).eks(r), deadline);
  const tokensFor = tokenCachesBy(clientsOf, clock);
  let listedCount = 0;
  const reads = await mapConcurrent(described, config.clusterConcurrency, async (d, i) => {
    const owner = clusters[i]?.ownerId ?? clusters[i]?.name ?? '';
    const read: ClusterRead = d.ok
      ? await readCluster(d.cluster, clusters[i], owner, { config, tokens: tokensFor(clusters[i]) }, deadline)
      : { owner, error: d.error, name: d.name };
    if ('result' in read) deps.onClusterRead?.();
    deps.progress?.clusterListed(++listedCount, described.length);
    return read;
  });
  return foldClusterReads(reads);
}

/** Logs each failed cluster of a pass (or shard) as an error: its owner's records are frozen. */
export function logFailedClusters(fleet: Pick<FleetDesired, 'clusters'>, log: Log, passId: string): void {
  for (const c of fleet.clusters.filter((c) => c.status === 'failed')) {
    log.error('cluster failed; its records are frozen', { passId, cluster: c.name, error: c.error });
  }
}

/** One token cache per set of AWS clients (per account role), made when first needed. */
function tokenCachesBy(
  clientsOf: (c: ClusterConfig | undefined) => AwsClients,
  clock: Clock,
): (c: ClusterConfig | undefined) => EksTokenCache {
  const caches = new Map<AwsClients, EksTokenCache>();
  return (c) => {
    const clients = clientsOf(c);
    let cache = caches.get(clients);
    if (!cache) {
      cache = new EksTokenCache({ credentials: clients.credentials(), clock });
      caches.set(clients, cache);
    }
    return cache;
  };
}

/** One described cluster listed and read; whatever fails becomes the cluster's error, never the pass's. */
async function readCluster(
  cluster: ClusterTarget,
  clusterConfig: ClusterConfig | undefined,
  owner: string,
  deps: { config: Config; tokens: EksTokenCache },
  deadline: AbortSignal | undefined,
): Promise<ClusterRead> {
  const { config } = deps;
  try {
    // The client stops its requests at the deadline; the race frees the pass even from a token call.
    const read = () => listExposedObjects(cluster, config, deps.tokens, deadline);
    const listed = await (deadline ? beforeDeadline(deadline, read) : read());
    const result = endpointsFromObjects(listed.objects, {
      config,
      clusterName: cluster.name,
      ownerId: cluster.ownerId,
      unreadable: listed.unreadable,
      ...(clusterConfig ? { domains: clusterConfig } : {}),
    });
    const capped = overEndpointCap(cluster.name, result.endpoints.length, config.maxEndpointsPerCluster);
    if (capped) return { owner, name: cluster.name, error: capped.message, warning: capped };
    return {
      owner,
      name: cluster.name,
      result: { ...result, warnings: [...listed.warnings, ...result.warnings] },
      unread: listed.unread,
    };
  } catch (err) {
    const message = errorMessage(err);
    // The Kubernetes client's errors already name the cluster.
    const error = namesCluster(err, cluster.name) ? message : `cluster ${cluster.name}: ${message}`;
    return { owner, name: cluster.name, error };
  }
}

/** The fleet's desired state from each cluster's read: an owner with any failed cluster stays frozen. */
function foldClusterReads(reads: readonly ClusterRead[]): FleetDesired {
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
    filtered: [],
  };
  for (const o of reads) {
    if ('result' in o) {
      fleet.clusters.push({ name: o.name, status: 'ok', endpoints: o.result.endpoints.length });
      fleet.knownOwners.add(o.owner);
      fleet.endpoints.push(...o.result.endpoints.map((e) => withCluster(e, o.name)));
      fleet.held.push(...o.result.held);
      fleet.heldKinds.push(...o.unread.map((kind) => ({ owner: o.owner, kind })));
      fleet.tlsHosts.push(...o.result.tlsHosts);
      fleet.warnings.push(...o.result.warnings.map((w) => ({ ...w, cluster: o.name })));
      fleet.filtered.push(...o.result.filtered);
    } else {
      fleet.clusters.push({ name: o.name, status: 'failed', endpoints: 0, error: o.error });
      fleet.frozenOwners.add(o.owner);
      fleet.errors.push(passError('cluster-failed', o.error, { cluster: o.name }));
      if (o.warning) fleet.warnings.push(o.warning);
    }
  }
  // An owner shared with a failed cluster stays frozen: part of its desired state is unknown.
  for (const o of fleet.frozenOwners) fleet.knownOwners.delete(o);
  return fleet;
}

/** An error of this cluster's Kubernetes client, whose message starts with the cluster's name. */
function namesCluster(err: unknown, cluster: string): boolean {
  const ours =
    err instanceof KubernetesApiError ||
    err instanceof KubernetesNetworkError ||
    err instanceof KubernetesEndpointError;
  return ours && err.cluster === cluster;
}

function withCluster(e: Endpoint, cluster: string): Endpoint {
  return { ...e, labels: { ...e.labels, [LABEL_CLUSTER]: cluster } };
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
  const lists = new ListsOnce(client);
  const dependency = (d: Dependency, labelSelector?: string): Promise<KubernetesObject[]> =>
    lists.list(d.resource, d.namespaces(config), { fieldSelector: d.fieldSelector?.(config), labelSelector });
  try {
    const settled = await Promise.allSettled(
      enabledSources(config).map((source) => listSource(lists, source, config, dependency)),
    );
    // The first failure in source order, not in time: two lists timing out together name one cluster
    // error, the same on every run.
    const perSource = settled.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    });
    // What the sources depend on is read by their readers whatever the sources' own lists said.
    const dependencies = await lists.dependencyObjects();
    return {
      objects: withoutRepeats([...perSource.flatMap((l) => l.objects), ...dependencies]),
      warnings: perSource.flatMap((l) => l.warnings),
      unread: perSource.flatMap((l) => l.unread),
      unreadable: [...new Set(perSource.flatMap((l) => l.unreadable))],
    };
  } finally {
    client.close();
  }
}

/**
 * One source's objects: its kinds in the namespaces `namespace` names (all when empty), and the lists it
 * depends on (the route sources' Gateways), which the caller adds once.
 *
 * A cluster without a source's CRDs answers 404 for its kinds. That is a cluster where the source has
 * nothing to find, not a broken one: reported, and the cluster's other sources go on; the records the
 * kind owned are held (not served is not gone: an older CRD version, say). The one 404 that fails the
 * cluster is a dependency missing while the source's objects exist (Gateways missing while routes
 * exist): where those objects point is then unknown, and freezing the owner keeps their records. A 404
 * for a kind every cluster serves, and any other error (a 403 without the ClusterRole), fail the cluster
 * as they always do.
 */
async function listSource(
  lists: ListsOnce,
  source: SourceDefinition,
  config: Config,
  dependency: (d: Dependency, labelSelector?: string) => Promise<KubernetesObject[]>,
): Promise<Listed> {
  const needed = dependenciesOf(source, config).filter((d) => !d.neededFor);
  const [own, ...dependencies] = await Promise.allSettled([
    listKinds(lists, source, config),
    ...needed.map((d) => dependency(d)),
  ]);
  if (own.status === 'rejected') throw own.reason;
  const { objects, unserved, kinds } = own.value;
  const warnings: PassWarning[] = [];
  // listKinds has thrown the 404 of a source that does not say what one means.
  if (unserved.kinds.length > 0 && source.notServed)
    warnings.push(notServedWarning(source.notServed(unserved)));
  const unread = unserved.kinds.map((k) =>
    labelKind(unserved.listed.find((r) => r.kind === k) ?? { kind: k }),
  );
  if (unserved.kinds.length === kinds) return { objects: [], warnings, unread, unreadable: [] };
  for (const [i, listed] of dependencies.entries()) {
    if (listed.status === 'fulfilled') continue;
    if (!isNotServed(listed.reason) || objects.length > 0) throw listed.reason;
    const missing = needed[i] as Dependency;
    return {
      objects: [],
      warnings: [...warnings, notServedWarning(missing.notServed(source.name))],
      unread,
      unreadable: [],
    };
  }
  const unreadable = await listWhenNeeded(source, config, objects, dependency);
  return { objects, warnings, unread, unreadable };
}

/**
 * The lists only some of the source's objects need (`Dependency.neededFor`), made once its own objects
 * are known and only when some need them. One the cluster refuses (403, 404) that the source may go
 * without is returned by name, for the reader to hold what needed it; any other failure fails the cluster.
 */
async function listWhenNeeded(
  source: SourceDefinition,
  config: Config,
  objects: readonly KubernetesObject[],
  dependency: (d: Dependency, labelSelector?: string) => Promise<KubernetesObject[]>,
): Promise<string[]> {
  const wanted = dependenciesOf(source, config).flatMap((d) => {
    const selector = d.neededFor?.(objects, config);
    return selector === undefined ? [] : [{ d, list: dependency(d, selector || undefined) }];
  });
  const settled = await Promise.allSettled(wanted.map((w) => w.list));
  const unreadable: string[] = [];
  for (const [i, result] of settled.entries()) {
    if (result.status === 'fulfilled') continue;
    const { d } = wanted[i]!;
    if (!d.mayBeRefused || !isRefused(result.reason)) throw result.reason;
    unreadable.push(qualifiedName(d.resource));
  }
  return unreadable;
}

/**
 * Each of the source's resources this config lists. A kind is served when any of its resources is (one
 * of Traefik's two groups answering 404 is normal); a kind none serves is unserved, when the source
 * says what that means, and else its 404 fails the cluster.
 */
async function listKinds(
  lists: ListsOnce,
  source: SourceDefinition,
  config: Config,
): Promise<{ objects: KubernetesObject[]; unserved: Unserved; kinds: number }> {
  const listed = resourcesListedBy(source, config);
  const settled = await Promise.allSettled(listed.map((r) => lists.list(r, config.namespace, {}, true)));
  const objects: KubernetesObject[] = [];
  const served = new Set<string>();
  let notServed: unknown;
  for (const [i, result] of settled.entries()) {
    if (result.status === 'fulfilled') {
      objects.push(...result.value);
      served.add((listed[i] as KubernetesResource).kind);
    } else if (!isNotServed(result.reason)) throw result.reason;
    else notServed ??= result.reason;
  }
  const kinds = [...new Set(listed.map((r) => r.kind))];
  const unserved = kinds.filter((k) => !served.has(k));
  if (unserved.length > 0 && !source.notServed) throw notServed;
  return { objects, unserved: { kinds: unserved, listed }, kinds: kinds.length };
}

/**
 * One cluster's lists, each made once per pass however many sources need it: the Istio Gateways both
 * Istio sources read (istio-gateway's own kind, istio-virtualservice's dependency), the Services the
 * service source lists and the Istio sources depend on, the Gateways every route source needs. A list is
 * the same list when its resource, namespaces and selectors are; each source still judges its failure
 * by its own rules (a 404 of its own kind, of a dependency), from the one answer.
 */
class ListsOnce {
  private readonly lists = new Map<string, { promise: Promise<KubernetesObject[]>; dependency: boolean }>();

  constructor(private readonly client: KubernetesClient) {}

  list(
    resource: KubernetesResource,
    namespaces: readonly string[],
    selectors: { fieldSelector?: string | undefined; labelSelector?: string | undefined } = {},
    own = false,
  ): Promise<KubernetesObject[]> {
    const key = [
      resource.group,
      resource.plural,
      [...namespaces].sort().join(','),
      selectors.fieldSelector ?? '',
      selectors.labelSelector ?? '',
    ].join('|');
    const known = this.lists.get(key);
    if (known) {
      if (!own) known.dependency = true;
      return known.promise;
    }
    const promise = listIn(this.client, resource, namespaces, selectors);
    this.lists.set(key, { promise, dependency: !own });
    return promise;
  }

  /** The objects of every list some source depends on; a list that failed adds none. */
  async dependencyObjects(): Promise<KubernetesObject[]> {
    const needed = [...this.lists.values()].filter((l) => l.dependency);
    return (await Promise.all(needed.map((l) => l.promise.catch(() => [])))).flat();
  }
}

/** Every object of `resource` in these namespaces, or in all of them when none is given. */
async function listIn(
  client: KubernetesClient,
  resource: KubernetesResource,
  namespaces: readonly string[],
  selectors: { fieldSelector?: string | undefined; labelSelector?: string | undefined } = {},
): Promise<KubernetesObject[]> {
  const { fieldSelector, labelSelector } = selectors;
  // A cluster-scoped kind (Nodes) is listed once, whatever namespaces the config reads.
  const scopes = namespaces.length > 0 && resource.namespaced ? namespaces : [undefined];
  const lists = await Promise.all(
    scopes.map((namespace) =>
      client.listAll(resource, {
        ...(namespace ? { namespace } : {}),
        ...(fieldSelector ? { fieldSelector } : {}),
        ...(labelSelector ? { labelSelector } : {}),
      }),
    ),
  );
  return lists.flat();
}

/**
 * Each object once: a dependency may list what a source lists too (Traefik's Service with the service
 * source on), and a reader must not see one object twice.
 */
function withoutRepeats(objects: readonly KubernetesObject[]): KubernetesObject[] {
  const seen = new Set<string>();
  return objects.filter((o) => {
    // An object without a name is the readers' to report, however often it comes.
    if (typeof o.metadata?.name !== 'string') return true;
    const key = `${o.apiVersion}|${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isNotServed(err: unknown): boolean {
  return err instanceof KubernetesApiError && err.status === 404;
}

/** Not served (404) or not allowed (403): the cluster's answer, not a failure to reach it. */
function isRefused(err: unknown): boolean {
  return err instanceof KubernetesApiError && (err.status === 404 || err.status === 403);
}

function notServedWarning(message: string): PassWarning {
  return { code: 'api-not-served', field: 'sources', message };
}
