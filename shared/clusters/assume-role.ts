import { AssumeRoleCommand, type AssumeRoleCommandOutput, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Clock } from '../clock.js';

/** The session name CloudTrail shows in the other account for every call the reconciler makes there. */
export const ROLE_SESSION_NAME = 'edge-reconciler';
const SESSION_SECONDS = 3600;
/**
 * SDK clients ask their provider again once credentials are within 5 minutes of expiring; renewing
 * before that keeps every client on one session instead of each re-asking with a stale one.
 */
const RENEW_BEFORE_MS = 10 * 60_000;

export interface AssumeRoleOptions {
  /** The home account's STS client: the caller of AssumeRole. */
  sts: STSClient;
  roleArn: string;
  clock: Clock;
  /** The session's name (CloudTrail shows it); asked at each AssumeRole, so a renewal can name its pass. */
  sessionName?: string | (() => string);
  /** The `sts:ExternalId` the role's trust policy asks for. */
  externalId?: string;
  /** Called once per AssumeRole call (tests count them). */
  onAssume?: (roleArn: string) => void;
}

export class AssumeRoleError extends Error {
  override name = 'AssumeRoleError';
}

/**
 * Credentials of `roleArn`, from STS AssumeRole, shared by every client for that account and renewed
 * shortly before they expire. Concurrent callers share one call; a failed call is not cached.
 */
export function assumeRoleCredentials(options: AssumeRoleOptions): AwsCredentialIdentityProvider {
  type Entry = { promise: Promise<AwsCredentialIdentity>; expiresAt?: number };
  let entry: Entry | undefined;

  const assume = async (): Promise<AwsCredentialIdentity> => {
    options.onAssume?.(options.roleArn);
    let out: AssumeRoleCommandOutput;
    try {
      out = await options.sts.send(
        new AssumeRoleCommand({
          RoleArn: options.roleArn,
          RoleSessionName:
            typeof options.sessionName === 'function'
              ? options.sessionName()
              : (options.sessionName ?? ROLE_SESSION_NAME),
          DurationSeconds: SESSION_SECONDS,
          ...(options.externalId !== undefined ? { ExternalId: options.externalId } : {}),
        }),
      );
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new AssumeRoleError(`AssumeRole ${options.roleArn} failed: ${reason}`);
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new AssumeRoleError(`AssumeRole ${options.roleArn} returned no credentials`);
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  };

  const start = (): Promise<AwsCredentialIdentity> => {
    const e: Entry = { promise: assume() };
    entry = e;
    e.promise.then(
      (c) => {
        e.expiresAt = c.expiration?.getTime() ?? 0;
      },
      () => {
        if (entry === e) entry = undefined;
      },
    );
    return e.promise;
  };

  const provide = async (): Promise<AwsCredentialIdentity> => {
    const e = entry;
    if (!e) return start();
    if (e.expiresAt === undefined) {
      // In flight: share it. If it fails, the first caller back starts the retry and the others join it.
      try {
        return await e.promise;
      } catch {
        return entry && entry !== e ? provide() : start();
      }
    }
    return options.clock().getTime() < e.expiresAt - RENEW_BEFORE_MS ? e.promise : start();
  };
  return provide;
}
