import type { Config } from '../shared/config.js';
import type { RecordType } from '../shared/endpoint/endpoint.js';
import { txtNameMapper } from '../shared/registry/txt-names.js';

/**
 * The values the IAM policy is narrowed with, derived from the reconciler's config. Pure, so the rules
 * (Route 53's normalisation of condition values, the record types a pass can write) are tested directly.
 */

/** What the record-name condition is derived from: the global name filters and the TXT registry's naming. */
export type RecordNameScope = Pick<
  Config,
  | 'domainFilters'
  | 'txtPrefix'
  | 'txtSuffix'
  | 'txtWildcardReplacement'
  | 'managedRecordTypes'
  | 'excludeRecordTypes'
>;

/**
 * `route53:ChangeResourceRecordSetsNormalizedRecordNames` patterns: every name a pass can write under the
 * global `domainFilters` (per-cluster filters only narrow them, so they never widen the role).
 * - the domain itself and every name under it (`*.<domain>` also covers ACM validation CNAMEs
 *   `_<hash>.<name>` and every ownership TXT of a name below the domain: the registry's affix stays in
 *   the first label);
 * - the ownership TXT names of the domain itself, from the registry's own naming code: the affix goes
 *   around its first label, so `a-kargo.example.com` (or `txt-a-kargo.example.com`, `a-kargo-x.example.com`)
 *   is outside `*.kargo.example.com` and is listed by name.
 * A filter with a leading dot (ExternalDNS: "subdomains only") manages no record at the domain itself, so
 * it contributes only `*.<domain>`. Patterns are in Route 53's normalized form (`route53NormalizedName`).
 */
export function recordNamePatterns(scope: RecordNameScope): string[] {
  const mapper = txtNameMapper({
    prefix: scope.txtPrefix,
    suffix: scope.txtSuffix,
    wildcardReplacement: scope.txtWildcardReplacement,
  });
  // The registry writes a TXT for each record it writes; for a TXT record (`txt-<name>`) only when TXT is a
  // managed type, not for the ownership TXTs themselves.
  const txtManaged = scope.managedRecordTypes.includes('TXT') && !scope.excludeRecordTypes.includes('TXT');
  const recordTypes = changeableRecordTypes(scope).filter((t) => t !== 'TXT' || txtManaged) as RecordType[];
  const patterns = new Set<string>();
  for (const filter of scope.domainFilters) {
    const subdomainsOnly = filter.trim().startsWith('.');
    const domain = normalizeDomain(filter);
    if (!domain) continue;
    patterns.add(`*.${route53NormalizedName(domain)}`);
    if (subdomainsOnly) continue;
    for (const name of [domain, ...mapper.ownershipNames(domain, recordTypes)]) {
      patterns.add(route53NormalizedName(name));
    }
  }
  // A name some `*.<domain>` already covers needs no pattern of its own.
  const parents = [...patterns].filter((p) => p.startsWith('*.')).map((p) => p.slice(1));
  return [...patterns].filter((p) => p.startsWith('*.') || !parents.some((d) => p.endsWith(d))).sort();
}

/**
 * A record name as Route 53 puts it in the request context of
 * `route53:ChangeResourceRecordSetsNormalizedRecordNames` (Route 53 Developer Guide, "Normalizing the
 * condition key values"): lower case, no trailing dot, and every byte outside `a-z 0-9 - _ .` as a
 * `\ooo` octal escape — a wildcard record is `\052.example.com`. So a normalized name never holds `*`
 * or `?`, and StringLike's wildcards in a pattern mean only what we put there.
 */
export function route53NormalizedName(name: string): string {
  const bytes = Buffer.from(name.trim().toLowerCase().replace(/\.$/, ''), 'utf8');
  let out = '';
  for (const byte of bytes) {
    const c = String.fromCharCode(byte);
    out += /[a-z0-9_.-]/.test(c) ? c : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
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
  const patterns = new Set<string>();
  for (const filter of domainFilters) {
    const domain = normalizeDomain(filter);
    if (!domain) continue;
    if (!filter.trim().startsWith('.')) patterns.add(domain);
    patterns.add(`*.${domain}`);
  }
  return [...patterns].sort();
}

/** The names a `regexDomainFilter` can match, when its source says so: one name, or names under a domain. */
export type RegexScope = { exact: string } | { under: string };

/**
 * What the record-name condition would have to allow for a regex filter, read from the regex itself:
 * a regex anchored with `$` whose tail is literal (`\.` and `a-z 0-9 -`) matches only names ending in that
 * tail, so names under the domain after its first dot (`^(shop|pay)\.example\.com$` → under
 * `example.com`; unanchored at the start, `example\.com$` also matches `badexample.com`: names under
 * `com`); a whole literal (`^shop\.example\.com$`) matches one name. Anything else (no `$`, a top-level
 * `|`, a quantifier or class at the end) is undefined: StringLike cannot express it.
 */
export function regexFilterScope(source: string): RegexScope | undefined {
  try {
    new RegExp(source);
  } catch {
    return undefined;
  }
  if (!source.endsWith('$') || source.endsWith('\\$') || hasTopLevelAlternation(source)) return undefined;
  let i = source.length - 1;
  let tail = '';
  while (i > 0) {
    const c = source[i - 1] as string;
    const escaped = i >= 2 && source[i - 2] === '\\' && !(i >= 3 && source[i - 3] === '\\');
    if (escaped && (c === '.' || c === '-')) {
      tail = c + tail;
      i -= 2;
    } else if (!escaped && /[a-z0-9-]/.test(c)) {
      tail = c + tail;
      i -= 1;
    } else break;
  }
  if (i === 1 && source[0] === '^' && tail) return { exact: tail };
  const dot = tail.indexOf('.');
  const domain = dot < 0 ? '' : tail.slice(dot + 1);
  return domain && !domain.startsWith('.') && !domain.endsWith('.') ? { under: domain } : undefined;
}

function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** True when every name of `scope` is managed by one of the global domain filters. */
function withinDomainFilters(scope: RegexScope, domainFilters: readonly string[]): boolean {
  const name = 'exact' in scope ? scope.exact : scope.under;
  return domainFilters.some((filter) => {
    const domain = normalizeDomain(filter);
    if (!domain) return false;
    const below = name.endsWith(`.${domain}`);
    // `.example.com` takes names strictly below; names under `example.com` itself are strictly below it.
    if (filter.trim().startsWith('.')) return below || ('under' in scope && name === domain);
    return below || name === domain;
  });
}

/**
 * Name filters the record-name condition cannot carry, each with the field and why. The condition is built
 * from `domainFilters`; a regex filter replaces those lists in the planner (ExternalDNS: "regex takes
 * precedence"), so the role would refuse the names it selects outside them — every batch holding one.
 */
export function inexpressibleNameFilters(
  config: Pick<Config, 'domainFilters' | 'regexDomainFilter' | 'regexDomainExclusion'>,
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (config.regexDomainFilter) {
    const scope = regexFilterScope(config.regexDomainFilter);
    if (!scope) {
      issues.push({
        path: 'regexDomainFilter',
        message:
          'the IAM record-name condition cannot express this regex; anchor it with $ after a literal domain (e.g. ^(shop|pay)\\.example\\.com$) or use domainFilters',
      });
    } else if (!withinDomainFilters(scope, config.domainFilters)) {
      const what = 'exact' in scope ? scope.exact : `names under ${scope.under}`;
      issues.push({
        path: 'regexDomainFilter',
        message: `selects ${what}, outside domainFilters (${config.domainFilters.join(', ')}); record changes are allowed only under domainFilters`,
      });
    }
  } else if (config.regexDomainExclusion) {
    issues.push({
      path: 'regexDomainExclusion',
      message:
        'without regexDomainFilter it makes the reconciler ignore domainFilters and manage every name it does not exclude, wider than the IAM role allows; set regexDomainFilter too, or use excludeDomains',
    });
  }
  return issues;
}
