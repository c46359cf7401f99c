/**
 * The one neutral model every stage speaks (ExternalDNS's `endpoint.Endpoint`): sources produce desired
 * endpoints, the Route 53 adapter reads current ones, the registry labels them with their owner, and the
 * planner diffs the two.
 */

export const RECORD_TYPES = [
  'A',
  'AAAA',
  'CNAME',
  'TXT',
  'MX',
  'NS',
  'SRV',
  'CAA',
  'PTR',
  'SPF',
  'NAPTR',
  'DS',
  'SOA',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Labels carried in the TXT ownership record (ExternalDNS's `endpoint.Labels`). */
export const LABEL_OWNER = 'owner';
export const LABEL_RESOURCE = 'resource';
/**
 * Set by the certificate stage on validation endpoints: ACM resolves them publicly, so the DNS stage
 * must write them to the public zone only, never to a private zone of the same name.
 */
export const LABEL_PUBLIC_ONLY = 'edge-reconciler/public-only';
/**
 * Not carried in the TXT record: an `aws-weight` annotation written without a set identifier. Route 53
 * takes no weight without one, so it counts only where fleet routing gives the name a weighted member per
 * cluster; there it sets this object's weight instead of the cluster's.
 */
export const LABEL_ANNOTATED_WEIGHT = 'edge-reconciler/aws-weight';
/** Not carried in the TXT record: the cluster a desired endpoint comes from, for the warnings about it. */
export const LABEL_CLUSTER = 'cluster';

export type FailoverRole = 'PRIMARY' | 'SECONDARY';

export interface GeoLocation {
  continentCode?: string;
  countryCode?: string;
  subdivisionCode?: string;
}

/** Route 53 properties of a record beyond name, type and values (ExternalDNS's provider-specific list). */
export interface Route53Properties {
  /** An ALIAS record: `targets[0]` is the alias DNS name. */
  alias?: boolean;
  /** The alias target's hosted zone; resolved by the Route 53 adapter when absent. */
  aliasHostedZoneId?: string;
  evaluateTargetHealth?: boolean;
  weight?: number;
  region?: string;
  failover?: FailoverRole;
  geolocation?: GeoLocation;
  multiValueAnswer?: boolean;
  healthCheckId?: string;
}

export interface Endpoint {
  /** Fully qualified, lower case, no trailing dot; a wildcard label is a plain `*`. */
  dnsName: string;
  recordType: RecordType;
  /** Record values as Route 53 holds them (TXT values with their quotes); for an ALIAS, the one alias name. */
  targets: string[];
  /** Seconds. Undefined means "not set by the source": the default applies and updates ignore the TTL. */
  ttl?: number;
  /** Route 53 SetIdentifier: records with a routing policy are told apart by it. */
  setIdentifier?: string;
  /** Ownership labels (`owner`, `resource`, ...), filled by sources and by the registry. */
  labels: Record<string, string>;
  properties: Route53Properties;
}

/** The key a zone holds one record set under: name, type and set identifier. */
export function endpointKey(e: Pick<Endpoint, 'dnsName' | 'recordType' | 'setIdentifier'>): string {
  return `${e.dnsName}|${e.recordType}|${e.setIdentifier ?? ''}`;
}

/** Lower case, no trailing dot, `\052` unescaped: the form every stage compares names in. */
export function normalizeDnsName(name: string): string {
  let n = name.trim().toLowerCase().replace(/\\052/g, '*').replace(/\\057/g, '/');
  while (n.endsWith('.')) n = n.slice(0, -1);
  return n;
}

export function newEndpoint(
  dnsName: string,
  recordType: RecordType,
  targets: string[],
  extra: Partial<Omit<Endpoint, 'dnsName' | 'recordType' | 'targets'>> = {},
): Endpoint {
  return {
    dnsName: normalizeDnsName(dnsName),
    recordType,
    targets,
    labels: {},
    properties: {},
    ...extra,
  };
}
