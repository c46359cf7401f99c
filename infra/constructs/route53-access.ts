import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Config } from '../../shared/config.js';
import { changeableRecordTypes, hostedZoneIds, recordNamePatterns } from '../least-privilege.js';

/**
 * The Route 53 statements of whichever role writes the zones — the reconciler's own, or the role of the
 * DNS-account stack — computed from the one config: list zones; read the configured zones; change them
 * only for names under the managed domains and the record types a pass writes. Route 53 ARNs carry no
 * account, so the same statements hold in any account.
 */
export function route53Statements(config: Config, partition: string): PolicyStatement[] {
  const zoneArns = hostedZoneIds(config.zoneIdFilters).map(
    (z) => `arn:${partition}:route53:::hostedzone/${z}`,
  );
  return [
    new PolicyStatement({
      sid: 'Route53ListZones',
      effect: Effect.ALLOW,
      actions: ['route53:ListHostedZones'],
      resources: ['*'],
    }),
    new PolicyStatement({
      sid: 'Route53ReadManagedZones',
      effect: Effect.ALLOW,
      actions: [
        'route53:ListResourceRecordSets',
        'route53:ListTagsForResources',
        'route53:ListTagsForResource',
      ],
      resources: zoneArns,
    }),
    new PolicyStatement({
      sid: 'Route53ChangeManagedNames',
      effect: Effect.ALLOW,
      actions: ['route53:ChangeResourceRecordSets'],
      resources: zoneArns,
      conditions: {
        'ForAllValues:StringLike': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': recordNamePatterns(config),
        },
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsRecordTypes': changeableRecordTypes(config),
        },
      },
    }),
    ...healthCheckStatements(config, partition),
  ];
}

/** Whether the config has the reconciler create health checks (`fleetRouting[].healthCheck`). */
export function usesHealthChecks(config: Pick<Config, 'fleetRouting'>): boolean {
  return config.fleetRouting.some((r) => r.healthCheck !== undefined);
}

/**
 * Health checks for fleet-routed IP members, only when a `fleetRouting` rule asks for them. Creating and
 * listing have no resource-level permission; reading tags, tagging and deleting are limited to health
 * checks (their ids are made at run time, and Route 53 has no tag condition keys to narrow them further).
 */
function healthCheckStatements(config: Config, partition: string): PolicyStatement[] {
  if (!usesHealthChecks(config)) return [];
  return [
    new PolicyStatement({
      sid: 'Route53CreateListHealthChecks',
      effect: Effect.ALLOW,
      actions: ['route53:CreateHealthCheck', 'route53:ListHealthChecks'],
      resources: ['*'],
    }),
    new PolicyStatement({
      sid: 'Route53ManageHealthChecks',
      effect: Effect.ALLOW,
      actions: [
        'route53:ChangeTagsForResource',
        'route53:ListTagsForResources',
        'route53:GetHealthCheck',
        'route53:DeleteHealthCheck',
      ],
      resources: [`arn:${partition}:route53:::healthcheck/*`],
    }),
  ];
}

/** cdk-nag's findings for the health-check statements, with why they cannot be narrowed. */
export const HEALTH_CHECK_WILDCARD_REASON =
  'Health checks are created at run time with generated ids, and Route 53 has no tag condition keys: tagging, reading and deleting are limited to health check ARNs; route53:CreateHealthCheck and route53:ListHealthChecks have no resource-level permission.';
