import { isIP } from 'node:net';
import { normalizeDnsName, type RecordType } from '../endpoint/endpoint.js';

/**
 * Hostnames and targets as sources see them: checked before they become records, so a typo in one
 * annotation costs one warning instead of a rejected Route 53 batch for the whole zone.
 */

const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
// Underscores are legal in DNS (service labels such as `_acme-challenge`) even though RFC 1123 host
// names forbid them; ExternalDNS and Route 53 both accept them, so we do too.
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

/** Why `name` (already normalized) cannot be a record name, or undefined when it can. */
export function dnsNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.length > MAX_NAME_LENGTH) return `is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`;
  const labels = name.split('.');
  for (const [i, label] of labels.entries()) {
    if (label === '') return 'has an empty label';
    if (label.length > MAX_LABEL_LENGTH) {
      return `has a label of ${label.length} characters (at most ${MAX_LABEL_LENGTH})`;
    }
    if (label === '*') {
      if (i !== 0) return 'has a wildcard that is not the leftmost label';
      if (labels.length < 2) return 'is a bare wildcard';
      continue;
    }
    if (!LABEL.test(label)) return `has an invalid label "${label}"`;
  }
  return undefined;
}

export type CheckedName = { ok: true; name: string } | { ok: false; name: string; problem: string };

/** Normalizes a hostname from an annotation or spec and says whether it can be a record name. */
export function checkHostname(raw: string): CheckedName {
  const name = normalizeDnsName(raw);
  const problem = dnsNameProblem(name);
  return problem ? { ok: false, name, problem } : { ok: true, name };
}

/** The record type a target asks for: A for IPv4, AAAA for IPv6, CNAME for a host name. */
export function recordTypeForTarget(target: string): RecordType {
  const family = isIP(target);
  if (family === 4) return 'A';
  if (family === 6) return 'AAAA';
  return 'CNAME';
}

/**
 * Why `target` cannot be a record value, or undefined when it can. IPs are taken as they are; a host
 * name must be a valid DNS name (no wildcard) once its trailing dot is gone.
 */
export function targetProblem(target: string): string | undefined {
  if (isIP(target) !== 0) return undefined;
  const name = normalizeDnsName(target);
  if (name.startsWith('*')) return 'a wildcard cannot be a target';
  return dnsNameProblem(name);
}

/** Targets in the form records hold them: IPs as given, host names normalized; sorted, no duplicates. */
export function normalizeTargets(targets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const t of targets) {
    const family = isIP(t);
    // Route 53 answers IPv6 values in lower case; comparing in that form avoids needless updates.
    out.add(family === 4 ? t : family === 6 ? t.toLowerCase() : normalizeDnsName(t));
  }
  return [...out].sort();
}
