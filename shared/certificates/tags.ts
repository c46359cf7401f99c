import { normalizeCertificateName } from './coverage.js';
import type { KnownCertificate, ValidationRecord } from './model.js';

/** Every state tag starts with this; the IAM role lets a pass change only these keys. */
export const STATE_TAG_PREFIX = 'edge-reconciler:';

/**
 * Our state between passes lives on our certificates as ACM tags (a Lambda remembers nothing): who
 * requested it and when, which attempt it was, when a failed one may be retried, since when no hostname
 * has needed it, and its validation CNAMEs (so an issued certificate needs no DescribeCertificate).
 */
export const STATE_TAG = {
  requestedAt: 'edge-reconciler:requested-at',
  attempt: 'edge-reconciler:attempt',
  retryAfter: 'edge-reconciler:retry-after',
  failureReason: 'edge-reconciler:failure-reason',
  unneededSince: 'edge-reconciler:unneeded-since',
  /** `…validation-1`, `…validation-2`, …: `<record name>=<record value>`. */
  validationPrefix: 'edge-reconciler:validation-',
} as const;

/** ACM's tag value limit; a validation record too long for it is read with DescribeCertificate instead. */
const MAX_TAG_VALUE = 256;
/** ACM's tag value alphabet. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export interface Ownership {
  ownerTagKey: string;
  ownerId: string;
}

export interface OwnState {
  requestedAt?: Date;
  /** 1 for a first request, n for the n-th try at the same names. */
  attempt: number;
  retryAfter?: Date;
  failureReason?: string;
  unneededSince?: Date;
  validationRecords: ValidationRecord[];
}

export function isOurs(c: Pick<KnownCertificate, 'tags'>, o: Ownership): boolean {
  return c.tags?.[o.ownerTagKey] === o.ownerId;
}

/** Our tags read back; a tag someone edited into nonsense reads as absent, never as an error. */
export function readOwnState(tags: Record<string, string> = {}): OwnState {
  const attempt = Number.parseInt(tags[STATE_TAG.attempt] ?? '', 10);
  const state: OwnState = {
    attempt: Number.isInteger(attempt) && attempt >= 1 ? attempt : 1,
    validationRecords: [],
  };
  const requestedAt = readDate(tags[STATE_TAG.requestedAt]);
  if (requestedAt) state.requestedAt = requestedAt;
  const retryAfter = readDate(tags[STATE_TAG.retryAfter]);
  if (retryAfter) state.retryAfter = retryAfter;
  const unneededSince = readDate(tags[STATE_TAG.unneededSince]);
  if (unneededSince) state.unneededSince = unneededSince;
  if (tags[STATE_TAG.failureReason]) state.failureReason = tags[STATE_TAG.failureReason];
  const keys = Object.keys(tags)
    .filter((k) => k.startsWith(STATE_TAG.validationPrefix))
    .sort();
  for (const k of keys) {
    const record = parseValidationTag(tags[k] ?? '');
    if (record) state.validationRecords.push(record);
  }
  return state;
}

function readDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function parseValidationTag(value: string): ValidationRecord | undefined {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) return undefined;
  return {
    name: normalizeCertificateName(value.slice(0, eq)),
    value: normalizeCertificateName(value.slice(eq + 1)),
  };
}

/** The tags a request carries, so ownership is never in doubt, even after a crash right after the call. */
export function requestTags(o: Ownership, now: Date, attempt: number): Record<string, string> {
  return {
    [o.ownerTagKey]: o.ownerId,
    [STATE_TAG.requestedAt]: now.toISOString(),
    [STATE_TAG.attempt]: String(attempt),
  };
}

/** The validation records as tags; a record that does not fit a tag value is left out (described instead). */
export function validationTags(records: readonly ValidationRecord[]): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  for (const r of records) {
    const value = `${r.name}=${r.value}`;
    if (value.length > MAX_TAG_VALUE || !TAG_VALUE.test(value)) continue;
    out[`${STATE_TAG.validationPrefix}${++i}`] = value;
  }
  return out;
}

/** ACM failure reasons are enum words; anything else is made fit for a tag value. */
export function tagSafe(value: string): string {
  return value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, MAX_TAG_VALUE);
}
