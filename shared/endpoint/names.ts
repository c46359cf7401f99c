import { isIP } from 'node:net';
import { normalizeDnsName, type RecordType } from './endpoint.js';

/**
 * What a name or a value must be before anything plans a record with it: the one place the sources (a
 * bad annotation is a warning), the registry (a TXT name past the limits) and the config (a domain filter
 * that is not a domain) ask. A name checked here costs one warning, not a refused Route 53 batch for the
 * whole zone every pass.
 */

export const MAX_NAME_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;
// Underscores are legal in DNS (service labels such as `_acme-challenge`) even though RFC 1123 host
// names forbid them; ExternalDNS and Route 53 both accept them, so we do too.
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;
// RFC 1123 2.1 / RFC 3696 2: a top-level label is never all digits, so `999.1.1.1` is a malformed
// address, not a host name.
const NUMERIC = /^\d+$/;

/** Why a name is too long for DNS (253 characters, labels of 63), whatever its characters. */
export function nameLengthProblem(name: string): string | undefined {
  if (name.length > MAX_NAME_LENGTH) return `is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`;
  const long = name.split('.').find((label) => label.length > MAX_LABEL_LENGTH);
  if (long) return `has a label of ${long.length} characters (at most ${MAX_LABEL_LENGTH})`;
  return undefined;
}

/** Why `name` (already normalized) cannot be a record name, or undefined when it can. */
export function dnsNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (/\s/.test(name)) return 'contains whitespace (names in a list are separated by commas)';
  const tooLong = nameLengthProblem(name);
  if (tooLong) return tooLong;
  const labels = name.split('.');
  for (const [i, label] of labels.entries()) {
    if (label === '') return 'has an empty label';
    if (label === '*') {
      if (i !== 0) return 'has a wildcard that is not the leftmost label';
      if (labels.length < 2) return 'is a bare wildcard';
      continue;
    }
    if (!LABEL.test(label)) return `has an invalid label "${label}"`;
  }
  if (labels.length > 1 && NUMERIC.test(labels.at(-1) as string)) {
    return 'ends in an all-numeric label: neither a host name nor an IP address';
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

/**
 * Why a domain filter entry (`domainFilters`, `excludeDomains`) is not a domain: empty, a wildcard,
 * whitespace, a bad label. A leading dot (`.example.com`, "below it only") and a trailing dot are fine.
 */
export function domainFilterProblem(entry: string): string | undefined {
  if (/\s/.test(entry)) return 'contains whitespace: not a domain';
  const domain = entry.replace(/^\./, '').replace(/\.$/, '').toLowerCase();
  if (domain === '') return 'is empty: not a domain';
  if (domain.split('.').includes('*'))
    return 'is a wildcard: list the domain itself (example.com takes every name below it)';
  const problem = dnsNameProblem(domain);
  return problem ? `${problem}: not a domain` : undefined;
}

/**
 * A host-name list as annotations carry it: comma-separated, each entry trimmed, empty entries dropped.
 * Whitespace inside an entry stays, so the name check reports it (`a. example.com` is a typo, never the
 * name `a.example.com`).
 */
export function splitNameList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The record type a target asks for: A for IPv4, AAAA for IPv6, CNAME for a host name. */
export function recordTypeForTarget(target: string): RecordType {
  const family = isIP(target);
  if (family === 4) return 'A';
  if (family === 6) return 'AAAA';
  return 'CNAME';
}

/**
 * Why `target` cannot be a record value, or undefined when it can. An IPv4 or IPv6 literal must be a
 * valid address; anything else is a host name that must be a valid DNS name (no wildcard) once its
 * trailing dot is gone.
 */
export function targetProblem(target: string): string | undefined {
  if (isIP(target) !== 0) return undefined;
  if (target.includes(':')) return 'is not a valid IPv6 address';
  if (/^[\d.]+$/.test(target.replace(/\.$/, ''))) return 'is not a valid IPv4 address';
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
