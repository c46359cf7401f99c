/**
 * What a configured filter leaves out on purpose: not a warning (nothing is wrong), but what a person
 * reading the outcome needs to know when a name they expected is missing.
 */
export interface FilteredOut {
  /** What decided: `ingressClass`, or the domain fields (`domainFilters`, `excludeDomains`, the regexes). */
  filter: 'ingressClass' | 'domainFilters';
  /** What the filter is set to, as the config says it. */
  setting: string;
  cluster?: string;
  /** `kind/namespace/name` */
  object?: string;
  /** The name left out, when the filter judged a name. */
  dnsName?: string;
}
