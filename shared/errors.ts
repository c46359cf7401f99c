/**
 * One line for an error in a log, a warning or a pass's `errors`: the error's name when it says more than
 * `Error` (an AWS SDK exception's name is its error code), then its message — every message when the
 * service sent several (Route 53's `InvalidChangeBatch` lists one per refused change).
 */
export function errorMessage(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const e = err as { name?: unknown; message?: unknown; messages?: unknown };
  const detail =
    Array.isArray(e.messages) && e.messages.length > 0
      ? e.messages.join('; ')
      : typeof e.message === 'string'
        ? e.message
        : String(err);
  return typeof e.name === 'string' && e.name !== '' && e.name !== 'Error' ? `${e.name}: ${detail}` : detail;
}

/**
 * What a pass could not do, and what it concerns. `message` is the whole line every output prints (the
 * `errors` of simulate's JSON, the summary event, plan's diff); the fields are for code that acts on an
 * error, so nothing has to find a cluster or a zone in the text.
 */
export interface PassError {
  code: PassErrorCode;
  cluster?: string;
  zone?: string;
  /** The record name, or the certificate (ARN or names), the error is about. */
  name?: string;
  message: string;
}

export type PassErrorCode =
  /** Cluster discovery could not list or describe (the clusters it would have found are missing). */
  | 'discovery-failed'
  /** A cluster a request named is not in the fleet. */
  | 'cluster-not-in-fleet'
  /** A cluster could not be described, reached or read: its records are frozen. */
  | 'cluster-failed'
  /** The hosted zones could not be listed: no zone is reconciled. */
  | 'zones-unlisted'
  /**
   * A domain the config names has no zone in reach (its account has no role, or the role failed): names
   * under it are skipped, nothing is changed for them.
   */
  | 'zone-unreachable'
  /** A zone was left for the next pass (the deadline passed) or failed as a whole. */
  | 'zone-failed'
  /** Route 53 refused one change group, or a change could not be sent; the rest of the zone applied. */
  | 'change-failed'
  /** Part of the ACM inventory (or the zones to validate in) was not read: certificates are frozen. */
  | 'certificates-unread'
  /** A certificate could not be requested, tagged or deleted. */
  | 'certificate-change-failed';

export function passError(
  code: PassErrorCode,
  message: string,
  about: Omit<PassError, 'code' | 'message'> = {},
): PassError {
  return { code, ...about, message };
}

/** The lines the outputs print: what a PassError renders to at the edge. */
export function errorLines(errors: readonly PassError[]): string[] {
  return errors.map((e) => e.message);
}
