import {
  ElasticLoadBalancingV2Client,
  paginateDescribeLoadBalancers,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../aws-clients.js';
import { bareHostname, canonicalHostedZoneId, parseLoadBalancerHostname } from './alias.js';

/**
 * The ELBv2 lookup for ALIAS targets the static table (alias.ts) cannot place. Its own module, imported
 * only when a pass meets such a load balancer (shared/dns/reconcile-zones.ts), so the ELBv2 client
 * (~31 KiB) stays out of what the Lambda loads at a cold start (a lazy chunk of the bundle).
 */

/** The pass's ELBv2 client for a region, made once and destroyed with the other clients. */
export function elbv2Client(aws: Pick<AwsClients, 'kept' | 'clientConfig'>, region: string) {
  return aws.kept(`elbv2:${region}`, () => new ElasticLoadBalancingV2Client(aws.clientConfig(region)));
}

/**
 * Learns the canonical hosted zone of ELB hostnames the table cannot place (a region newer than the
 * table) from ELBv2 DescribeLoadBalancers: one paged listing per region per call. Classic load balancers
 * are not in ELBv2 and stay unknown.
 */
export async function resolveLoadBalancerZones(
  hostnames: readonly string[],
  elbv2For: (region: string) => ElasticLoadBalancingV2Client,
): Promise<Map<string, string>> {
  const wanted = new Map<string, Set<string>>();
  for (const raw of hostnames) {
    const host = bareHostname(raw).replace(/^dualstack\./, '');
    if (canonicalHostedZoneId(host)) continue;
    const parsed = parseLoadBalancerHostname(host);
    if (!parsed) continue;
    const set = wanted.get(parsed.region) ?? new Set<string>();
    set.add(host);
    wanted.set(parsed.region, set);
  }
  const found = new Map<string, string>();
  for (const [region, hosts] of wanted) {
    const client = elbv2For(region);
    for await (const page of paginateDescribeLoadBalancers({ client }, {})) {
      for (const lb of page.LoadBalancers ?? []) {
        const dns = lb.DNSName ? bareHostname(lb.DNSName) : undefined;
        if (dns && lb.CanonicalHostedZoneId && hosts.has(dns)) {
          found.set(dns, lb.CanonicalHostedZoneId);
          found.set(`dualstack.${dns}`, lb.CanonicalHostedZoneId);
        }
      }
      if ([...hosts].every((h) => found.has(h))) break;
    }
  }
  return found;
}
