import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Clock } from '../clock.js';

/**
 * The EKS bearer token, made the way `aws eks get-token` and aws-iam-authenticator make it: a presigned
 * STS GetCallerIdentity URL whose signature covers the `x-k8s-aws-id: <cluster>` header. The API server
 * hands it to STS with its own cluster name in that header, so a token only works for the cluster it was
 * made for. Tokens are secrets: never log one.
 */

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** STS honours a presigned GetCallerIdentity URL for 15 minutes after X-Amz-Date, whatever X-Amz-Expires says. */
export const EKS_TOKEN_LIFETIME_MS = 15 * 60_000;
/** The CLI and aws-iam-authenticator send 60 (servers of 0.3.0 and older refused anything above). */
const PRESIGN_EXPIRES_SECONDS = 60;

export interface EksToken {
  token: string;
  /** When STS stops honouring it: X-Amz-Date + 15 minutes. */
  expiresAt: Date;
}

export interface EksTokenRequest {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  /** The signing date; a parameter because the sandbox moves its clock. */
  now: Date;
}

export async function createEksToken(req: EksTokenRequest): Promise<EksToken> {
  if (!req.clusterName) throw new TypeError('createEksToken: clusterName is empty');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(req.region)) {
    throw new TypeError(`createEksToken: region ${JSON.stringify(req.region)} is not an AWS region name`);
  }
  const hostname = `sts.${req.region}.amazonaws.com`;
  const signer = new SignatureV4({
    credentials: req.credentials,
    region: req.region,
    service: 'sts',
    sha256: Hash.bind(null, 'sha256'),
  });
  const presigned = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, [CLUSTER_ID_HEADER]: req.clusterName },
    }),
    { signingDate: req.now, expiresIn: PRESIGN_EXPIRES_SECONDS },
  );
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(presigned.query ?? {})) {
    if (typeof value === 'string') query.append(name, value);
  }
  const url = `https://${hostname}/?${query.toString()}`;
  // Signing truncates to whole seconds (X-Amz-Date); expiry counts from that instant.
  const signedAt = Math.floor(req.now.getTime() / 1000) * 1000;
  return {
    token: EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'),
    expiresAt: new Date(signedAt + EKS_TOKEN_LIFETIME_MS),
  };
}

export interface EksTokenCacheOptions {
  clock: Clock;
  credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  /** How long before expiry a token is replaced (default 60 s, as aws-iam-authenticator does). */
  refreshBeforeMs?: number;
  /** Makes a token; tests replace it to count calls. */
  create?: (req: EksTokenRequest) => Promise<EksToken>;
}

/**
 * One token per cluster and region, reused until shortly before it expires. Concurrent callers for the
 * same cluster share one signing; a failed signing is not cached.
 */
export class EksTokenCache {
  private readonly entries = new Map<string, Promise<EksToken>>();
  private readonly refreshBeforeMs: number;
  private readonly create: (req: EksTokenRequest) => Promise<EksToken>;

  constructor(private readonly options: EksTokenCacheOptions) {
    this.refreshBeforeMs = options.refreshBeforeMs ?? 60_000;
    this.create = options.create ?? createEksToken;
  }

  async get(clusterName: string, region: string): Promise<string> {
    const key = `${region}/${clusterName}`;
    const cached = this.entries.get(key);
    if (cached) {
      const settled = await cached.catch(() => undefined);
      if (settled && this.isFresh(settled)) return settled.token;
      // Another caller may already have replaced the entry while this one waited.
      const current = this.entries.get(key);
      if (current && current !== cached) return this.get(clusterName, region);
    }
    const pending = this.create({
      clusterName,
      region,
      credentials: this.options.credentials,
      now: this.options.clock(),
    });
    this.entries.set(key, pending);
    try {
      return (await pending).token;
    } catch (err) {
      if (this.entries.get(key) === pending) this.entries.delete(key);
      throw err;
    }
  }

  /** A `() => Promise<string>` for one cluster, the shape KubernetesClient takes. */
  provider(clusterName: string, region: string): () => Promise<string> {
    return () => this.get(clusterName, region);
  }

  private isFresh(t: EksToken): boolean {
    return this.options.clock().getTime() < t.expiresAt.getTime() - this.refreshBeforeMs;
  }
}
