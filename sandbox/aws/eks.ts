import { createHash } from 'node:crypto';
import type { SandboxClock } from '../clock.js';
import { SANDBOX_ACCOUNT } from '../credentials.js';
import { jsonError } from './errors.js';
import { toAwsJson } from './json-protocol.js';
import type { AwsRequest, ServiceHandler, ServiceResponse } from './protocol.js';
import { ServiceError } from './service-error.js';
import type { CallerIdentities } from './sts.js';

/**
 * EKS (REST-JSON): ListClusters and DescribeCluster. A cluster lives in one account and one region; a
 * request sees the clusters of the account it was signed as (an assumed role's account for AssumeRole
 * credentials) in the region it was signed for, as with the real regional endpoints. Cluster names are
 * unique across the whole sandbox, even between accounts, since its API servers are known by name.
 */

export type ClusterStatus = 'CREATING' | 'ACTIVE' | 'DELETING' | 'FAILED' | 'UPDATING' | 'PENDING';

export interface ClusterInput {
  name: string;
  region: string;
  /** The cluster's Kubernetes API URL (`https://127.0.0.1:<port>` in the sandbox). */
  endpoint?: string;
  /** Base64 of the PEM CA bundle that signs the API server's certificate. */
  certificateAuthorityData?: string;
  status?: ClusterStatus;
  version?: string;
  platformVersion?: string;
  tags?: Record<string, string>;
  createdAt?: Date;
  endpointPublicAccess?: boolean;
  endpointPrivateAccess?: boolean;
  publicAccessCidrs?: string[];
  /** The account in the cluster's ARN; the sandbox account by default. */
  account?: string;
  roleArn?: string;
  vpcId?: string;
}

export interface Cluster extends Required<Omit<ClusterInput, 'endpoint' | 'certificateAuthorityData'>> {
  endpoint?: string;
  certificateAuthorityData?: string;
  arn: string;
}

export interface EksStateOptions {
  clock: SandboxClock;
  account?: string;
}

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

export class EksState {
  readonly clock: SandboxClock;
  readonly account: string;
  private readonly byKey = new Map<string, Cluster>();

  constructor(opts: EksStateOptions) {
    this.clock = opts.clock;
    this.account = opts.account ?? SANDBOX_ACCOUNT;
  }

  private static key(region: string, name: string): string {
    return `${region}/${name}`;
  }

  addCluster(input: ClusterInput): Cluster {
    if (!CLUSTER_NAME.test(input.name)) {
      throw new Error(
        `EKS cluster name '${input.name}' must be 1-100 letters, digits, '-' or '_', starting alphanumeric`,
      );
    }
    if (!input.region) throw new Error(`EKS cluster '${input.name}': region is required`);
    const key = EksState.key(input.region, input.name);
    if (this.byKey.has(key)) throw new Error(`EKS cluster '${input.name}' already exists in ${input.region}`);
    const account = input.account ?? this.account;
    const cluster: Cluster = {
      name: input.name,
      region: input.region,
      endpoint: input.endpoint,
      certificateAuthorityData: input.certificateAuthorityData,
      status: input.status ?? 'ACTIVE',
      version: input.version ?? '1.31',
      platformVersion: input.platformVersion ?? 'eks.1',
      tags: { ...input.tags },
      createdAt: input.createdAt ?? this.clock.now(),
      endpointPublicAccess: input.endpointPublicAccess ?? true,
      endpointPrivateAccess: input.endpointPrivateAccess ?? false,
      publicAccessCidrs: input.publicAccessCidrs ?? ['0.0.0.0/0'],
      account,
      roleArn: input.roleArn ?? `arn:aws:iam::${account}:role/eks-cluster-${input.name}`,
      vpcId: input.vpcId ?? 'vpc-0sandbox00000000',
      arn: `arn:aws:eks:${input.region}:${account}:cluster/${input.name}`,
    };
    this.byKey.set(key, cluster);
    return structuredClone(cluster);
  }

  /** Changes a cluster in place (its endpoint once its API server is up, its status, ...). */
  updateCluster(
    region: string,
    name: string,
    patch: Partial<Omit<ClusterInput, 'name' | 'region' | 'account'>>,
  ): Cluster {
    const cluster = this.byKey.get(EksState.key(region, name));
    if (!cluster) throw new Error(`EKS cluster '${name}' does not exist in ${region}`);
    for (const [k, v] of Object.entries(patch)) {
      if (v !== undefined) (cluster as unknown as Record<string, unknown>)[k] = structuredClone(v);
    }
    return structuredClone(cluster);
  }

  removeCluster(region: string, name: string): boolean {
    return this.byKey.delete(EksState.key(region, name));
  }

  getCluster(region: string, name: string): Cluster | undefined {
    const cluster = this.byKey.get(EksState.key(region, name));
    return cluster && structuredClone(cluster);
  }

  /** Clusters in `region` (every region when omitted), sorted by name. */
  clusters(region?: string): Cluster[] {
    return [...this.byKey.values()]
      .filter((c) => region === undefined || c.region === region)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => structuredClone(c));
  }
}

/** The DescribeCluster `cluster` shape. A cluster still CREATING has no endpoint or CA yet, as in EKS. */
function clusterJson(c: Cluster): Record<string, unknown> {
  const ready = c.status !== 'CREATING';
  return {
    name: c.name,
    arn: c.arn,
    createdAt: c.createdAt,
    version: c.version,
    endpoint: ready ? c.endpoint : undefined,
    roleArn: c.roleArn,
    resourcesVpcConfig: {
      subnetIds: [],
      securityGroupIds: [],
      vpcId: c.vpcId,
      endpointPublicAccess: c.endpointPublicAccess,
      endpointPrivateAccess: c.endpointPrivateAccess,
      publicAccessCidrs: c.endpointPublicAccess ? c.publicAccessCidrs : [],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: '10.100.0.0/16', ipFamily: 'ipv4' },
    identity: ready
      ? {
          oidc: {
            issuer: `https://oidc.eks.${c.region}.amazonaws.com/id/${createHash('md5').update(c.arn).digest('hex').toUpperCase()}`,
          },
        }
      : undefined,
    status: c.status,
    certificateAuthority: ready && c.certificateAuthorityData ? { data: c.certificateAuthorityData } : {},
    platformVersion: c.platformVersion,
    tags: c.tags,
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
  };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the error below
  }
  throw new ServiceError('InvalidParameterException', 'The nextToken provided is invalid.');
}

function listClusters(state: EksState, req: AwsRequest, account: string): unknown {
  const rawMax = req.query.get('maxResults');
  let max = 100;
  if (rawMax !== null) {
    max = Number(rawMax);
    if (!/^\d+$/.test(rawMax) || max < 1 || max > 100) {
      throw new ServiceError(
        'InvalidParameterException',
        `maxResults must be between 1 and 100, got ${rawMax}`,
      );
    }
  }
  const token = req.query.get('nextToken');
  const offset = token ? decodeToken(token) : 0;
  const all = state.clusters(req.region).filter((c) => c.account === account);
  const page = all.slice(offset, offset + max);
  const next = offset + max < all.length ? encodeToken(offset + max) : undefined;
  return { clusters: page.map((c) => c.name), nextToken: next };
}

function describeCluster(state: EksState, req: AwsRequest, account: string, name: string): unknown {
  const cluster = state.getCluster(req.region, name);
  if (!cluster || cluster.account !== account) {
    throw new ServiceError('ResourceNotFoundException', `No cluster found for name: ${name}.`, 404, {
      clusterName: name,
    });
  }
  return { cluster: clusterJson(cluster) };
}

interface Route {
  operation: string;
  run: (state: EksState, req: AwsRequest, account: string) => unknown;
}

function route(req: AwsRequest): Route | undefined {
  if (req.method !== 'GET') return undefined;
  if (/^\/clusters\/?$/.test(req.path)) return { operation: 'ListClusters', run: listClusters };
  const m = /^\/clusters\/([^/]+)\/?$/.exec(req.path);
  if (m) {
    const name = decodeURIComponent(m[1] as string);
    return {
      operation: 'DescribeCluster',
      run: (state, r, account) => describeCluster(state, r, account, name),
    };
  }
  return undefined;
}

export interface EksHandlerOptions {
  /** Who holds a session token (the sandbox's STS); without it every request acts as the state's account. */
  identities?: CallerIdentities;
}

/**
 * The account a request acts as. Like the sandbox's other services (only STS checks keys), EKS takes
 * any key pair as the sandbox account; a session token, though, makes the caller its role, so one STS
 * does not honour is refused the way EKS refuses it.
 */
function callerAccount(state: EksState, req: AwsRequest, identities: CallerIdentities | undefined): string {
  const raw = req.headers['x-amz-security-token'];
  const sessionToken =
    (Array.isArray(raw) ? raw[0] : raw) ?? req.query.get('X-Amz-Security-Token') ?? undefined;
  if (!identities || !sessionToken) return state.account;
  const found = identities.identityOf(req.accessKeyId, sessionToken);
  if (found.ok) return found.identity.account;
  if (found.reason === 'expired') {
    throw new ServiceError(
      'ExpiredTokenException',
      'The security token included in the request is expired',
      403,
    );
  }
  throw new ServiceError(
    'UnrecognizedClientException',
    'The security token included in the request is invalid.',
    403,
  );
}

export function eksHandler(state: EksState, options: EksHandlerOptions = {}): ServiceHandler {
  const handler = (req: AwsRequest): ServiceResponse => {
    const found = route(req);
    if (!found) {
      return {
        operation: 'Unknown',
        ...jsonError(
          404,
          'UnknownOperationException',
          `The sandbox's EKS does not serve ${req.method} ${req.path}`,
          {
            protocol: 'rest-json',
          },
        ),
      };
    }
    try {
      return {
        operation: found.operation,
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: toAwsJson(found.run(state, req, callerAccount(state, req, options.identities))),
      };
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      return {
        operation: found.operation,
        ...jsonError(err.status, err.code, err.message, { protocol: 'rest-json', fields: err.fields }),
      };
    }
  };
  return Object.assign(handler, { operationOf: (req: AwsRequest) => route(req)?.operation ?? 'Unknown' });
}
