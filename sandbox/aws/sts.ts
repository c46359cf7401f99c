import { createHash, randomBytes } from 'node:crypto';
import type { SandboxClock } from '../clock.js';
import { findIdentity, type SandboxIdentity } from '../credentials.js';
import type { AwsRequest, ServiceHandler } from './protocol.js';
import { leaf, node, type QueryInput, queryService } from './query-protocol.js';
import { ServiceError } from './service-error.js';

/**
 * STS (query protocol): GetCallerIdentity and AssumeRole. The credentials AssumeRole hands out are the
 * caller's own sandbox key pair plus a session token: the key pair's secret is what signatures (an EKS
 * token's too) are checked against, the session token is what makes the caller the assumed role, and
 * only while the session lasts on the sandbox clock. The other sandbox services (EKS, the Kubernetes API
 * servers) ask `identityOf` who signed, as AWS services ask STS.
 */

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

interface Session {
  /** The key the session's credentials carry; the token is good with that key only. */
  accessKeyId: string;
  identity: CallerIdentity;
  expiresAt: Date;
}

export interface StsStateOptions {
  clock: SandboxClock;
  /** A role's MaxSessionDuration; IAM's default is one hour. */
  maxSessionDurationSeconds?: number;
}

export type IdentityLookup =
  | { ok: true; identity: CallerIdentity; accessKey: SandboxIdentity }
  | { ok: false; reason: 'unknown-key' | 'unknown-session' | 'expired' };

/** Who signed a request or a presigned URL; what services other than STS need of it. */
export type CallerIdentities = Pick<StsState, 'identityOf'>;

/** The sandbox's key pairs without any STS: every session token is unknown. */
export const KEYS_WITHOUT_SESSIONS: CallerIdentities = {
  identityOf(accessKeyId, sessionToken) {
    const key = accessKeyId ? findIdentity(accessKeyId) : undefined;
    if (!key) return { ok: false, reason: 'unknown-key' };
    if (sessionToken) return { ok: false, reason: 'unknown-session' };
    return { ok: true, identity: keyIdentity(key), accessKey: key };
  },
};

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]*$/;
/** The ExternalId pattern of the STS API reference. */
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;

/**
 * A role's trust policy as far as the sandbox checks it: the principals (role or user ARNs) allowed to
 * assume it, and the `sts:ExternalId` condition.
 */
export interface RoleTrust {
  principals?: readonly string[];
  externalId?: string;
}

function uniqueIdFor(prefix: 'AROA' | 'AIDA', seed: string): string {
  return prefix + createHash('sha256').update(seed).digest('hex').slice(0, 17).toUpperCase();
}

/** Who a sandbox key pair is when it signs without a session token. */
export function keyIdentity(id: SandboxIdentity): CallerIdentity {
  const assumed = /:assumed-role\/([^/]+)\/(.+)$/.exec(id.arn);
  const userId = assumed
    ? `${uniqueIdFor('AROA', `arn:aws:iam::${id.account}:role/${assumed[1]}`)}:${assumed[2]}`
    : uniqueIdFor('AIDA', id.arn);
  return { account: id.account, arn: id.arn, userId };
}

export class StsState {
  readonly clock: SandboxClock;
  readonly maxSessionDurationSeconds: number;
  private readonly sessions = new Map<string, Session>();
  private readonly trusts = new Map<string, RoleTrust>();

  constructor(opts: StsStateOptions) {
    this.clock = opts.clock;
    this.maxSessionDurationSeconds = opts.maxSessionDurationSeconds ?? 3600;
  }

  /** Who signed with `accessKeyId` (and `sessionToken`, when the credentials came from AssumeRole). */
  identityOf(accessKeyId: string | undefined, sessionToken?: string): IdentityLookup {
    const key = accessKeyId ? findIdentity(accessKeyId) : undefined;
    if (!key) return { ok: false, reason: 'unknown-key' };
    if (!sessionToken) return { ok: true, identity: keyIdentity(key), accessKey: key };
    const session = this.sessions.get(sessionToken);
    if (!session || session.accessKeyId !== key.accessKeyId) return { ok: false, reason: 'unknown-session' };
    if (session.expiresAt.getTime() <= this.clock.now().getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, identity: session.identity, accessKey: key };
  }

  /**
   * Gives a role a trust policy: only its principals may assume it, and only with its external id. A role
   * without one is assumable by any caller (the sandbox does not model IAM beyond this).
   */
  trustRole(roleArn: string, trust: RoleTrust): void {
    this.trusts.set(roleArn, trust);
  }

  assumeRole(
    accessKey: SandboxIdentity,
    roleArn: string,
    sessionName: string,
    durationSeconds: number,
    opts: { externalId?: string; caller?: CallerIdentity } = {},
  ): { identity: CallerIdentity; sessionToken: string; expiresAt: Date } {
    const m = ROLE_ARN.exec(roleArn);
    if (!m) throw new ServiceError('ValidationError', `${roleArn} is invalid`);
    const trust = this.trusts.get(roleArn);
    const caller = opts.caller ?? keyIdentity(accessKey);
    if (trust && !trusts(trust, caller, opts.externalId)) {
      // STS says no more than this whichever condition failed, so a caller cannot probe the policy.
      throw new ServiceError(
        'AccessDenied',
        `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    }
    const [, account, path, roleName] = m as unknown as [string, string, string, string];
    const identity: CallerIdentity = {
      account,
      arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      userId: `${uniqueIdFor('AROA', `arn:aws:iam::${account}:role/${path}${roleName}`)}:${sessionName}`,
    };
    const sessionToken = `SandboxSession/${randomBytes(24).toString('base64url')}`;
    const expiresAt = new Date(this.clock.now().getTime() + durationSeconds * 1000);
    this.sessions.set(sessionToken, { accessKeyId: accessKey.accessKeyId, identity, expiresAt });
    return { identity, sessionToken, expiresAt };
  }
}

/** Whether a trust policy admits the caller: a role session counts as its role, and the external id matches. */
function trusts(trust: RoleTrust, caller: CallerIdentity, externalId: string | undefined): boolean {
  if (trust.externalId !== undefined && trust.externalId !== externalId) return false;
  if (!trust.principals) return true;
  const assumed = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(caller.arn);
  const principal = assumed ? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}` : caller.arn;
  return trust.principals.some((p) => p === principal || p === `arn:aws:iam::${caller.account}:root`);
}

function header(req: AwsRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** STS's answers when the signing credentials are not good (the same codes and words as AWS). */
function caller(state: StsState, req: AwsRequest, input: QueryInput): Extract<IdentityLookup, { ok: true }> {
  const sessionToken =
    header(req, 'x-amz-security-token') ?? input.params.get('X-Amz-Security-Token') ?? undefined;
  const found = state.identityOf(req.accessKeyId, sessionToken);
  if (found.ok) return found;
  if (found.reason === 'expired') {
    throw new ServiceError('ExpiredToken', 'The security token included in the request is expired', 400);
  }
  throw new ServiceError(
    'InvalidClientTokenId',
    'The security token included in the request is invalid.',
    403,
  );
}

export function stsHandler(state: StsState): ServiceHandler {
  return queryService(STS_XMLNS, {
    GetCallerIdentity: (input, req) => {
      const { identity } = caller(state, req, input);
      return [leaf('UserId', identity.userId), leaf('Account', identity.account), leaf('Arn', identity.arn)];
    },
    AssumeRole: (input, req) => {
      const { accessKey, identity: signer } = caller(state, req, input);
      const roleArn = input.string('RoleArn', { required: true, min: 20, max: 2048 });
      const sessionName = input.string('RoleSessionName', {
        required: true,
        min: 2,
        max: 64,
        pattern: SESSION_NAME,
      });
      const externalId = input.string('ExternalId', { min: 2, max: 1224, pattern: EXTERNAL_ID });
      const duration = input.integer('DurationSeconds', { min: 900, max: 43200 }) ?? 3600;
      if (duration > state.maxSessionDurationSeconds) {
        throw new ServiceError(
          'ValidationError',
          'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
        );
      }
      const { identity, sessionToken, expiresAt } = state.assumeRole(
        accessKey,
        roleArn,
        sessionName,
        duration,
        { ...(externalId !== undefined ? { externalId } : {}), caller: signer },
      );
      return [
        node(
          'Credentials',
          leaf('AccessKeyId', accessKey.accessKeyId),
          leaf('SecretAccessKey', accessKey.secretAccessKey),
          leaf('SessionToken', sessionToken),
          leaf('Expiration', expiresAt),
        ),
        node('AssumedRoleUser', leaf('AssumedRoleId', identity.userId), leaf('Arn', identity.arn)),
      ];
    },
  });
}
