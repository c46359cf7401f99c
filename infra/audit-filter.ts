/**
 * The CloudWatch Logs subscription filter on a cluster's audit log: only completed, successful writes to
 * the kinds the configured sources read reach the audit function. Reads (including the reconciler's own
 * list calls), other kinds and other control-plane log streams (authenticator, scheduler …) never invoke it.
 */

/** Kubernetes resources (audit `objectRef.resource`) each ExternalDNS source name reads. */
const RESOURCES_BY_SOURCE: Readonly<Record<string, readonly string[]>> = {
  service: ['services'],
  ingress: ['ingresses'],
  'gateway-httproute': ['httproutes', 'gateways'],
  'gateway-grpcroute': ['grpcroutes', 'gateways'],
  'gateway-tlsroute': ['tlsroutes', 'gateways'],
  'gateway-tcproute': ['tcproutes', 'gateways'],
  'gateway-udproute': ['udproutes', 'gateways'],
  'traefik-proxy': ['ingressroutes', 'ingressroutetcps', 'ingressrouteudps'],
};

const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;

/** CloudWatch Logs rejects filter patterns longer than this. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

export function auditResources(sources: readonly string[]): string[] {
  const resources = new Set<string>();
  for (const source of sources) {
    const kinds = RESOURCES_BY_SOURCE[source];
    if (!kinds) {
      throw new Error(
        `sources: ${source}: no audit-log mapping for this source; add its Kubernetes resources to infra/audit-filter.ts`,
      );
    }
    for (const k of kinds) resources.add(k);
  }
  return [...resources].sort();
}

/**
 * The JSON filter pattern. Status writes stay in on purpose: a Service's load balancer hostname arrives as
 * an update of `services/status`, and that is the change that makes a record publishable.
 */
export function auditFilterPattern(sources: readonly string[]): string {
  const resources = auditResources(sources);
  if (resources.length === 0) throw new Error('sources: empty; the audit subscription would match nothing');
  const anyOf = (field: string, values: readonly string[]) =>
    `(${values.map((v) => `${field} = "${v}"`).join(' || ')})`;
  const pattern = `{ $.stage = "ResponseComplete" && ${anyOf('$.verb', WRITE_VERBS)} && ${anyOf(
    '$.objectRef.resource',
    resources,
  )} && $.responseStatus.code < 400 }`;
  if (pattern.length > MAX_FILTER_PATTERN_LENGTH) {
    throw new Error(
      `sources: the audit filter pattern for ${resources.length} resources is ${pattern.length} characters; CloudWatch Logs allows ${MAX_FILTER_PATTERN_LENGTH}`,
    );
  }
  return pattern;
}
