import { canonicalHostedZoneId, parseLoadBalancerHostname } from '../../shared/dns/alias.js';
import { isWithinZone } from './route53-names.js';
import {
  type AliasTarget,
  aliasOutsideTargetZone,
  aliasTargetNotFound,
  type RecordSet,
} from './route53-records.js';

/**
 * Where an alias may point, as Route 53 checks it when a CREATE or UPSERT makes one:
 * - a record in one of the account's hosted zones: the name must lie in the zone the alias names, and a
 *   record of the alias's type must be there;
 * - an AWS service endpoint with a canonical hosted zone (load balancers, CloudFront, Global Accelerator,
 *   API Gateway, VPC endpoints): the alias must name that canonical zone, and a load balancer must exist.
 * A target zone the sandbox cannot place (S3 website endpoints, Elastic Beanstalk...) is accepted: it has
 * no table to be stricter with, and refusing what Route 53 accepts would be a false red.
 */

export interface KnownLoadBalancer {
  canonicalHostedZoneId: string;
}

export interface AliasTargetContext {
  /** The account's hosted zones with their records, for aliases to records. */
  zone(id: string): { name: string; records: Iterable<RecordSet> } | undefined;
  /**
   * The load balancer behind an ELB DNS name (bare, lower case, no `dualstack.`), if the account has it;
   * undefined: no such load balancer.
   */
  loadBalancer(dnsName: string): KnownLoadBalancer | undefined;
}

export function aliasTargetProblems(
  record: RecordSet & { alias: AliasTarget },
  ctx: AliasTargetContext,
): string[] {
  const { dnsName, hostedZoneId } = record.alias;
  const zone = ctx.zone(hostedZoneId);
  if (zone) {
    if (!isWithinZone(dnsName, zone.name)) return [aliasOutsideTargetZone(record)];
    for (const r of zone.records) if (r.name === dnsName && r.type === record.type) return [];
    return [aliasTargetNotFound(record)];
  }
  const host = dnsName.replace(/\.$/, '').replace(/^dualstack\./, '');
  if (parseLoadBalancerHostname(host)) {
    const lb = ctx.loadBalancer(host);
    // Route 53 answers an alias to a load balancer that is not there with both messages when the zone is
    // wrong too (harmony-one/harmony-ops#491), and with "not found" alone when only the target is missing.
    const expected = lb?.canonicalHostedZoneId ?? canonicalHostedZoneId(host);
    const problems: string[] = [];
    if (expected !== hostedZoneId) problems.push(aliasOutsideTargetZone(record));
    if (!lb) problems.push(aliasTargetNotFound(record));
    return problems;
  }
  const canonical = canonicalHostedZoneId(host);
  if (canonical !== undefined && canonical !== hostedZoneId) return [aliasOutsideTargetZone(record)];
  return [];
}
