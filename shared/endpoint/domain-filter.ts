import type { Config } from '../config.js';

export type DomainFilterOptions = Partial<
  Pick<Config, 'domainFilters' | 'excludeDomains' | 'regexDomainFilter' | 'regexDomainExclusion'>
>;

/**
 * Which names the reconciler manages, as ExternalDNS's `endpoint.DomainFilter` decides:
 * - `domainFilters`: a name matches a filter equal to it or one of its parent domains (`example.com`
 *   takes the apex and every name below it); a filter with a leading dot (`.example.com`) takes only
 *   names below it. No filters: every name.
 * - `excludeDomains`: the same matching, taking names out.
 * - a regex filter or exclusion, when either is set, replaces both lists (ExternalDNS: "regex takes
 *   precedence"): a name is managed when it does not match the exclusion and matches the filter (if any).
 */
export class DomainFilter {
  private readonly include: string[];
  private readonly exclude: string[];
  private readonly regex?: RegExp;
  private readonly regexExclusion?: RegExp;

  constructor(options: DomainFilterOptions = {}) {
    this.include = prepare(options.domainFilters ?? []);
    this.exclude = prepare(options.excludeDomains ?? []);
    if (options.regexDomainFilter) this.regex = compile(options.regexDomainFilter, 'regexDomainFilter');
    if (options.regexDomainExclusion) {
      this.regexExclusion = compile(options.regexDomainExclusion, 'regexDomainExclusion');
    }
  }

  matches(name: string): boolean {
    const n = name.trim().toLowerCase().replace(/\.$/, '');
    if (this.regex || this.regexExclusion) {
      if (this.regexExclusion?.test(n)) return false;
      return this.regex ? this.regex.test(n) : true;
    }
    return (this.include.length === 0 || matchesAny(this.include, n)) && !matchesAny(this.exclude, n);
  }

  /** True when any filter is set: an unfiltered reconciler manages every name in every zone it sees. */
  get isConfigured(): boolean {
    return this.include.length > 0 || this.exclude.length > 0 || !!this.regex || !!this.regexExclusion;
  }
}

function prepare(domains: string[]): string[] {
  return domains.map((d) => d.trim().toLowerCase().replace(/\.$/, '')).filter((d) => d !== '');
}

function matchesAny(filters: string[], name: string): boolean {
  return filters.some((f) => (f.startsWith('.') ? name.endsWith(f) : name === f || name.endsWith(`.${f}`)));
}

function compile(source: string, field: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    throw new Error(`${field}: not a valid regular expression (${(err as Error).message})`);
  }
}
