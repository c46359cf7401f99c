import type { Config } from '../shared/config.js';

/**
 * The values the IAM policy is narrowed with, derived from the reconciler's config. Pure, so the rules
 * (Route 53's normalisation of condition values, the record types a pass can write) are tested directly.
 */

/**
 * `route53:ChangeResourceRecordSetsNormalizedRecordNames` patterns for the managed domains: the domain
 * itself and every name under it. Route 53 compares names lower-cased, without the trailing dot, and with
 * characters outside `a-z0-9-_.` as `\ooo` octal escapes — a wildcard record arrives as `\052.example.com`,
 * which `*.example.com` still matches because `*` in StringLike matches any characters.
 * A filter with a leading dot (ExternalDNS: "subdomains only") contributes only `*.<domain>`.
 */
export function recordNamePatterns(domainFilters: readonly string[]): string[] {
  const patterns = new Set<string>();
  for (const filter of domainFilters) {
    const subdomainsOnly = filter.startsWith('.');
    const domain = normalizeDomain(filter);
    if (!domain) continue;
    if (!subdomainsOnly) patterns.add(domain);
    patterns.add(`*.${domain}`);
  }
  return [...patterns].sort();
}

export function normalizeDomain(name: string): string {
  return name.trim().toLowerCase().replace(/^\.+/, '').replace(/\.+$/, '');
}

/**
 * `route53:ChangeResourceRecordSetsRecordTypes`: the record types the reconciler manages, TXT for its
 * ownership registry, and CNAME for the ACM DNS-validation records.
 */
export function changeableRecordTypes(
  config: Pick<Config, 'managedRecordTypes' | 'excludeRecordTypes'>,
): string[] {
  const types = new Set<string>(
    config.managedRecordTypes.filter((t) => !config.excludeRecordTypes.includes(t)),
  );
  types.add('TXT');
  types.add('CNAME');
  return [...types].sort();
}

/** Zone ids as Route 53 ARNs want them: `Z123…`, whatever form (`/hostedzone/Z123…`) the config used. */
export function hostedZoneIds(zoneIdFilters: readonly string[]): string[] {
  return [
    ...new Set(zoneIdFilters.map((z) => z.trim().replace(/^\/?hostedzone\//, '')).filter(Boolean)),
  ].sort();
}

/** Names an ACM certificate may be requested for: the managed domains and names under them. */
export function certificateDomainPatterns(domainFilters: readonly string[]): string[] {
  return recordNamePatterns(domainFilters);
}
