import {
  type Cluster,
  DescribeClusterCommand,
  type EKSClient,
  paginateListClusters,
} from '@aws-sdk/client-eks';
import { clientsForCluster, clientsForRole } from '../aws-accounts.js';
import type { AwsClients } from '../aws-clients.js';
import type { Clock } from '../clock.js';
import { mapConcurrent } from '../concurrency.js';
import type { ClusterConfig, ClusterDiscovery, Config, DiscoveryAccount } from '../config.js';
import { deadlineOf } from '../deadline.js';
import { errorMessage, type PassError, passError } from '../errors.js';
import { type ClusterTarget, clusterTarget } from './cluster.js';

export type DescribedCluster =
  | { ok: true; cluster: ClusterTarget }
  | { ok: false; name: string; error: string };

/**
 * Turns the configured clusters into reachable targets with one DescribeCluster each. A cluster that
 * cannot be described, or is not ACTIVE, is reported failed (its records are then frozen, not deleted).
 * `eks` gets the cluster too, so a cluster in another account is described with that account's role.
 */
export async function describeClusters(
  clusters: readonly ClusterConfig[],
  eks: (region: string, cluster: ClusterConfig) => EKSClient,
  /** The pass's deadline for reading: a DescribeCluster still waiting then is aborted. */
  deadline?: AbortSignal,
): Promise<DescribedCluster[]> {
  return Promise.all(
    clusters.map(async (c): Promise<DescribedCluster> => {
      try {
        const { cluster } = await eks(c.region, c).send(
          new DescribeClusterCommand({ name: c.name }),
          deadline ? { abortSignal: deadline } : {},
        );
        if (!cluster?.endpoint || !cluster.certificateAuthority?.data) {
          return {
            ok: false,
            name: c.name,
            error: `cluster ${c.name}: DescribeCluster returned no endpoint or CA`,
          };
        }
        if (cluster.status && cluster.status !== 'ACTIVE' && cluster.status !== 'UPDATING') {
          return { ok: false, name: c.name, error: `cluster ${c.name}: status ${cluster.status}` };
        }
        return {
          ok: true,
          cluster: clusterTarget(c, {
            endpoint: cluster.endpoint,
            certificateAuthorityData: cluster.certificateAuthority.data,
            ...(cluster.tags ? { tags: cluster.tags } : {}),
          }),
        };
      } catch (err) {
        const why = deadlineOf(err, deadline) ?? err;
        return {
          ok: false,
          name: c.name,
          error: `cluster ${c.name}: DescribeCluster failed: ${errorMessage(why)}`,
        };
      }
    }),
  );
}

/** The fleet of one pass: the listed clusters plus the discovered ones, and what could not be searched. */
export interface FleetResolution {
  clusters: ClusterConfig[];
  /** A region or account that could not be searched, a cluster that could not be described. */
  errors: PassError[];
}

export interface ResolveFleetOptions {
  clock?: Clock;
  /** Only these cluster names are wanted (a partial pass): the others are not described. */
  only?: ReadonlySet<string>;
  /** The pass's deadline for reading: searches still waiting then are aborted and reported. */
  deadline?: AbortSignal;
}

/** Where discovery looks: the home account (no `account`) or another one through its role. */
interface Search {
  region: string;
  account?: DiscoveryAccount;
}

/**
 * Step 1 of the pass: `config.clusters`, plus — with `config.clusterDiscovery` — every cluster that
 * ListClusters finds in the configured regions of the home account and of each configured account
 * (through its role), whose tags carry every configured tag. A listed cluster wins over a discovered one
 * of the same name and region. Clusters still being created or deleted are left out: they have no API
 * to read yet, or anymore, and leaving them out keeps their owners' records untouched.
 *
 * A search that fails is reported and its clusters are simply absent; an absent cluster's owner is not
 * known this pass, so none of its records are changed.
 */
export async function resolveFleet(
  config: Config,
  aws: AwsClients,
  options: ResolveFleetOptions = {},
): Promise<FleetResolution> {
  const { only, deadline } = options;
  const sendOptions = deadline ? { abortSignal: deadline } : {};
  const listed = config.clusters.filter((c) => !only || only.has(c.name));
  const discovery = config.clusterDiscovery;
  if (!discovery) return { clusters: listed, errors: [] };

  const errors: PassError[] = [];
  const eksFor = (s: Search): EKSClient =>
    s.account
      ? clientsForRole(aws, s.account.roleArn, options.clock ? { clock: options.clock } : {}).eks(s.region)
      : aws.eks(s.region);

  const found = await Promise.all(
    searches(discovery).map(async (s) => {
      const where = searchLabel(s);
      let names: string[];
      try {
        names = await listClusterNames(eksFor(s), sendOptions);
      } catch (err) {
        errors.push(
          passError(
            'discovery-failed',
            `discovery ${where}: ListClusters failed: ${errorMessage(deadlineOf(err, deadline) ?? err)}`,
          ),
        );
        return [];
      }
      const candidates = names.filter(
        (n) => (!only || only.has(n)) && !listed.some((c) => isSameCluster(c, n, s)),
      );
      const described = await mapConcurrent(candidates, config.clusterConcurrency, async (name) => {
        try {
          const { cluster } = await eksFor(s).send(new DescribeClusterCommand({ name }), sendOptions);
          return {
            name,
            status: cluster?.status,
            tags: cluster?.tags ?? {},
            server: reachableServer(cluster),
          };
        } catch (err) {
          const why = errorMessage(deadlineOf(err, deadline) ?? err);
          errors.push(
            passError(
              'discovery-failed',
              `discovery ${where}: cluster ${name}: DescribeCluster failed: ${why}`,
              {
                cluster: name,
              },
            ),
          );
          return undefined;
        }
      });
      return described
        .filter((d) => d !== undefined)
        .filter((d) => d.status !== 'CREATING' && d.status !== 'DELETING')
        .filter((d) => tagsMatch(discovery.tags, d.tags))
        .map((d) => ({ ...discoveredCluster(d.name, s, d.tags), ...d.server }));
    }),
  );
  return { clusters: [...listed, ...found.flat()], errors };
}

/**
 * The fleet's view of one cluster an event names (EKS CreateCluster / DeleteCluster): its listed entry,
 * or the entry discovery would make for it — or undefined when it is not part of the fleet. A fleet
 * cluster is known by name, region and account: a listed one without `account` is in `homeAccount`
 * (the reconciler's own), a discovered one in the account it was searched in, so a same-named cluster
 * of another account never matches. `tags` are the cluster's tags when the event tells them; without
 * them a discovery with tags never matches.
 */
export function fleetMember(
  config: Config,
  cluster: { name: string; region: string; account: string; tags?: Record<string, string> },
  homeAccount: string,
): ClusterConfig | undefined {
  const listed = config.clusters.find(
    (c) =>
      c.name === cluster.name &&
      c.region === cluster.region &&
      (c.account ?? homeAccount) === cluster.account,
  );
  if (listed) return listed;
  const discovery = config.clusterDiscovery;
  if (!discovery) return undefined;
  const account = discovery.accounts.find((a) => a.id === cluster.account);
  if (!account && !(discovery.homeAccount && cluster.account === homeAccount)) return undefined;
  const regions = account ? (account.regions ?? discovery.regions) : discovery.regions;
  if (!regions.includes(cluster.region)) return undefined;
  if (Object.keys(discovery.tags).length > 0 && !cluster.tags) return undefined;
  if (!tagsMatch(discovery.tags, cluster.tags ?? {})) return undefined;
  return discoveredCluster(
    cluster.name,
    account ? { region: cluster.region, account } : { region: cluster.region },
    cluster.tags ?? {},
  );
}

/**
 * A cluster's EKS status (`CREATING`, `ACTIVE`, ...), asked with the clients of its account; undefined
 * when EKS does not know it (anymore).
 */
export async function clusterStatus(
  cluster: ClusterConfig,
  aws: AwsClients,
  options: { clock?: Clock } = {},
): Promise<string | undefined> {
  try {
    const { cluster: described } = await clientsForCluster(aws, cluster, options)
      .eks(cluster.region)
      .send(new DescribeClusterCommand({ name: cluster.name }));
    return described?.status;
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

export function tagsMatch(wanted: Record<string, string>, tags: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => tags[k] === v);
}

function searches(d: ClusterDiscovery): Search[] {
  const out: Search[] = d.homeAccount ? d.regions.map((region) => ({ region })) : [];
  for (const account of d.accounts) {
    for (const region of account.regions ?? d.regions) out.push({ region, account });
  }
  return out;
}

function searchLabel(s: Search): string {
  return s.account ? `account ${s.account.id} ${s.region}` : `home account ${s.region}`;
}

async function listClusterNames(
  eks: EKSClient,
  sendOptions: { abortSignal?: AbortSignal },
): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListClusters({ client: eks }, {}, sendOptions)) {
    names.push(...(page.clusters ?? []));
  }
  return names;
}

function isSameCluster(c: ClusterConfig, name: string, s: Search): boolean {
  if (c.name !== name || c.region !== s.region) return false;
  return !c.account || !s.account || c.account === s.account.id;
}

/**
 * The API server discovery's DescribeCluster already returned, kept on the cluster so the pass does not
 * describe it a second time (one call per cluster per pass counts in EKS's rate limit at fleet scale).
 * Only for a cluster that is serving: otherwise the pass describes it again and reports why it cannot.
 */
function reachableServer(
  cluster: Cluster | undefined,
): Pick<ClusterConfig, 'endpoint' | 'certificateAuthorityData'> {
  const serving = cluster?.status === 'ACTIVE' || cluster?.status === 'UPDATING';
  const ca = cluster?.certificateAuthority?.data;
  return serving && cluster?.endpoint && ca
    ? { endpoint: cluster.endpoint, certificateAuthorityData: ca }
    : {};
}

function discoveredCluster(name: string, s: Search, tags: Record<string, string>): ClusterConfig {
  return {
    name,
    region: s.region,
    ...(s.account ? { account: s.account.id, roleArn: s.account.roleArn } : {}),
    tags,
  };
}
