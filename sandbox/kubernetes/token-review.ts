import { timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { type CallerIdentities, type CallerIdentity, KEYS_WITHOUT_SESSIONS } from '../aws/sts.js';
import type { SandboxIdentity } from '../credentials.js';

/**
 * Checks an EKS bearer token the way EKS does: aws-iam-authenticator's format rules
 * (kubernetes-sigs/aws-iam-authenticator pkg/token/token.go), then what STS checks when the authenticator
 * replays the presigned GetCallerIdentity request with `x-k8s-aws-id: <this cluster>`: the SigV4
 * signature under the secret of the access key, which also proves the token was made for this cluster.
 * A token signed with AssumeRole credentials carries their session token (X-Amz-Security-Token, itself
 * under the signature); STS takes it only while that session lasts, and the caller is then the role.
 * The reason of a refusal is for the sandbox's own tests and logs; clients only ever see 401 Unauthorized.
 */

export type TokenReview = { ok: true; identity: CallerIdentity } | { ok: false; reason: string };

const PREFIX = 'k8s-aws-v1.';
const MAX_TOKEN_BYTES = 4096;
const LIFETIME_MS = 15 * 60_000;
/** A token dated this far in the future is not yet valid (STS allows a few minutes of clock skew). */
const FUTURE_SKEW_MS = 5 * 60_000;
const ALLOWED_PARAMETERS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);
const STS_GLOBAL_HOST = 'sts.amazonaws.com';
const STS_REGIONAL_HOST = /^sts\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** Only these can be replayed: the authenticator sends the host and the cluster id, nothing else signed. */
const REPLAYABLE_HEADERS = new Set(['host', 'x-k8s-aws-id']);

const refuse = (reason: string): TokenReview => ({ ok: false, reason });

/** `identities` stands in for STS: the sandbox's own (AssumeRole sessions honoured), or bare key pairs. */
export async function reviewEksToken(
  token: string,
  clusterName: string,
  now: Date,
  identities: CallerIdentities = KEYS_WITHOUT_SESSIONS,
): Promise<TokenReview> {
  if (token.length > MAX_TOKEN_BYTES) return refuse('token is too large');
  if (!token.startsWith(PREFIX)) return refuse(`token is missing the ${PREFIX} prefix`);
  const encoded = token.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return refuse('token is not base64url without padding');

  const decoded = Buffer.from(encoded, 'base64url');
  // Buffer decoding skips a dangling character; a strict decoder (Go's) refuses it, so must we.
  if (decoded.toString('base64url') !== encoded) return refuse('token is not base64url without padding');
  const text = decoded.toString('utf8');
  // WHATWG URL parsing silently trims control characters and spaces; Go's url.Parse refuses them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: exactly what is being refused
  if (/[\u0000-\u0020\u007f]/.test(text)) return refuse('token URL contains control characters or spaces');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse('token does not decode to a URL');
  }
  if (url.protocol !== 'https:') return refuse(`unexpected scheme ${url.protocol}`);
  if (url.port || url.username || url.password || url.hash) return refuse('unexpected URL parts');
  const host = url.hostname;
  const hostRegion = host === STS_GLOBAL_HOST ? 'us-east-1' : STS_REGIONAL_HOST.exec(host)?.[1];
  if (!hostRegion) return refuse(`unexpected hostname ${host}`);
  if (url.pathname !== '/') return refuse('unexpected path');

  const params = new Map<string, string>();
  const original: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(url.search)) {
    const lower = name.toLowerCase();
    if (!ALLOWED_PARAMETERS.has(lower)) return refuse(`query parameter ${name} is not allowed`);
    if (params.has(lower)) return refuse(`query parameter ${name} has several values`);
    params.set(lower, value);
    original[name] = value;
  }
  if (params.get('action') !== 'GetCallerIdentity') return refuse('action is not GetCallerIdentity');
  if (params.get('version') !== '2011-06-15') return refuse('version is not 2011-06-15');
  if (params.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256')
    return refuse('algorithm is not AWS4-HMAC-SHA256');
  const signedHeaders = (params.get('x-amz-signedheaders') ?? '').split(';');
  if (!signedHeaders.includes('x-k8s-aws-id')) return refuse('the x-k8s-aws-id header is not signed');
  if (signedHeaders.some((h) => !REPLAYABLE_HEADERS.has(h)))
    return refuse('signed headers cannot be replayed');
  const expires = params.get('x-amz-expires') ?? '';
  if (!/^\d{1,4}$/.test(expires) || Number(expires) > 900) return refuse('X-Amz-Expires is not 0..900');
  const signature = params.get('x-amz-signature') ?? '';
  if (!/^[0-9a-f]{64}$/.test(signature)) return refuse('X-Amz-Signature is not 64 hex digits');

  const dateText = params.get('x-amz-date') ?? '';
  const d = AMZ_DATE.exec(dateText);
  if (!d) return refuse('X-Amz-Date is missing or malformed');
  const signedAt = Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!);
  if (Number.isNaN(signedAt)) return refuse('X-Amz-Date is not a date');
  if (now.getTime() > signedAt + LIFETIME_MS) return refuse('token expired (15 minutes after X-Amz-Date)');
  if (signedAt > now.getTime() + FUTURE_SKEW_MS) return refuse('X-Amz-Date is in the future');

  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator, ...extra] = (
    params.get('x-amz-credential') ?? ''
  ).split('/');
  if (!accessKeyId || extra.length > 0 || terminator !== 'aws4_request' || scopeService !== 'sts') {
    return refuse('X-Amz-Credential is malformed');
  }
  if (scopeDate !== dateText.slice(0, 8)) return refuse('credential scope date differs from X-Amz-Date');
  if (scopeRegion !== hostRegion) return refuse(`credential scope region does not belong to ${host}`);

  const sessionToken = params.get('x-amz-security-token');
  if (sessionToken === '') return refuse('X-Amz-Security-Token is empty');
  const caller = identities.identityOf(accessKeyId, sessionToken);
  if (!caller.ok) {
    if (caller.reason === 'unknown-key') return refuse('unknown access key');
    if (caller.reason === 'expired') return refuse('security token expired (its STS session ended)');
    return refuse('security token is not a session of the access key');
  }

  const expected = await replaySignature({
    key: caller.accessKey,
    ...(sessionToken === undefined ? {} : { sessionToken }),
    host,
    region: scopeRegion,
    clusterName,
    signedAt: new Date(signedAt),
    expiresIn: Number(expires),
    extraQuery: Object.fromEntries(
      Object.entries(original).filter(([k]) => !k.toLowerCase().startsWith('x-amz-')),
    ),
  });
  if (expected.signedHeaders !== params.get('x-amz-signedheaders')) {
    return refuse('signed headers do not match the replayed request');
  }
  if (!timingSafeEqual(Buffer.from(expected.signature, 'hex'), Buffer.from(signature, 'hex'))) {
    return refuse('signature does not match (wrong secret, wrong cluster, or altered token)');
  }
  return { ok: true, identity: caller.identity };
}

async function replaySignature(r: {
  key: SandboxIdentity;
  sessionToken?: string;
  host: string;
  region: string;
  clusterName: string;
  signedAt: Date;
  expiresIn: number;
  extraQuery: Record<string, string>;
}): Promise<{ signature: string; signedHeaders: string }> {
  const signer = new SignatureV4({
    // With a session token the signer adds X-Amz-Security-Token to the signed query, as the client did.
    credentials: {
      accessKeyId: r.key.accessKeyId,
      secretAccessKey: r.key.secretAccessKey,
      ...(r.sessionToken === undefined ? {} : { sessionToken: r.sessionToken }),
    },
    region: r.region,
    service: 'sts',
    sha256: Hash.bind(null, 'sha256'),
  });
  const presigned = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname: r.host,
      path: '/',
      query: r.extraQuery,
      headers: { host: r.host, 'x-k8s-aws-id': r.clusterName },
    }),
    { signingDate: r.signedAt, expiresIn: r.expiresIn },
  );
  const query = presigned.query ?? {};
  return {
    signature: String(query['X-Amz-Signature'] ?? ''),
    signedHeaders: String(query['X-Amz-SignedHeaders'] ?? ''),
  };
}
