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
  ];
}
