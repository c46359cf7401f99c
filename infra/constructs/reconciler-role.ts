import { Aws, Token, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { STATE_TAG_PREFIX } from '../../shared/certificates/tags.js';
import { type Config, route53RolesOf } from '../../shared/config.js';
import { certificateDomainPatterns } from '../least-privilege.js';
import { HEALTH_CHECK_WILDCARD_REASON, route53Statements, usesHealthChecks } from './route53-access.js';

export interface ReconcilerRoleProps {
  config: Config;
  /** The account clusters without an explicit `account` live in. */
  account: string;
  /** Functions in a VPC need to manage their network interfaces. */
  inVpc: boolean;
}

/**
 * The one execution role all reconciler functions share (so each cluster needs one access entry, not
 * four). Every write is narrowed to what the config manages: Route 53 changes on the configured zones and
 * only for names under the managed domains and the record types a pass writes; certificates requested
 * only for those domains, with DNS validation and our owner tag, and deleted only when they carry it.
 */
export class ReconcilerRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ReconcilerRoleProps) {
    super(scope, id);
    const { config } = props;
    const partition = Aws.PARTITION;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description:
        'edge-reconciler functions: Route 53 and ACM for the configured zones, read access to the fleet',
    });
    const allow = (
      sid: string,
      actions: string[],
      resources: string[],
      conditions?: Record<string, unknown>,
    ) =>
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          sid,
          effect: Effect.ALLOW,
          actions,
          resources,
          ...(conditions ? { conditions } : {}),
        }),
      );

    // --- Route 53: in this account unless ExternalDNS's awsAssumeRole puts it in the role's account only;
    // zones of other accounts through their roles (the DNS-account stack grants the same statements there)
    if (config.awsAssumeRole === undefined) {
      for (const statement of route53Statements(config, partition)) this.role.addToPrincipalPolicy(statement);
    }
    const route53Roles = route53RolesOf(config).map((r) => r.roleArn);
    if (route53Roles.length > 0) allow('AssumeRoute53AccountRoles', ['sts:AssumeRole'], route53Roles.sort());

    // --- ALIAS targets: load balancers' canonical hosted zones
    allow('ElbDescribeLoadBalancers', ['elasticloadbalancing:DescribeLoadBalancers'], ['*']);

    // --- EKS: describe the configured clusters only; Kubernetes access comes from each cluster's access entry
    const clusterArns = config.clusters.map(
      (c) => `arn:${partition}:eks:${c.region}:${c.account ?? props.account}:cluster/${c.name}`,
    );
    if (clusterArns.length > 0) allow('EksDescribeConfiguredClusters', ['eks:DescribeCluster'], clusterArns);
    const discovery = config.clusterDiscovery;
    if (discovery?.homeAccount) {
      // Discovered clusters have no names at synth time: any cluster in the searched regions that carries
      // every discovery tag (EKS evaluates aws:ResourceTag on DescribeCluster).
      const tagConditions = Object.fromEntries(
        Object.entries(discovery.tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]),
      );
      allow('EksListClustersForDiscovery', ['eks:ListClusters'], ['*']);
      allow(
        'EksDescribeDiscoveredClusters',
        ['eks:DescribeCluster'],
        discovery.regions.map((r) => `arn:${partition}:eks:${r}:${props.account}:cluster/*`),
        Object.keys(tagConditions).length > 0 ? { StringEquals: tagConditions } : undefined,
      );
    }
    const roleArns = [
      ...new Set([
        ...config.clusters.flatMap((c) => (c.roleArn ? [c.roleArn] : [])),
        ...(discovery?.accounts ?? []).map((a) => a.roleArn),
      ]),
    ].sort();
    if (roleArns.length > 0) allow('AssumeClusterAccountRoles', ['sts:AssumeRole'], roleArns);

    // --- ACM: certificates for the managed domains, owned through the configured tag
    if (config.certificates.enabled) {
      const { ownerTagKey, ownerId, region } = config.certificates;
      const certificates = `arn:${partition}:acm:${region ?? '*'}:${props.account}:certificate/*`;
      allow('AcmList', ['acm:ListCertificates'], ['*']);
      allow('AcmReadCertificates', ['acm:DescribeCertificate', 'acm:ListTagsForCertificate'], [certificates]);
      allow('AcmRequestOwnedCertificates', ['acm:RequestCertificate'], ['*'], {
        StringEquals: { 'acm:ValidationMethod': 'DNS', [`aws:RequestTag/${ownerTagKey}`]: ownerId },
        'ForAllValues:StringLike': { 'acm:DomainNames': certificateDomainPatterns(config.domainFilters) },
      });
      // RequestCertificate with Tags is authorized as AddTagsToCertificate too: the owner tag goes on at
      // request time, so a certificate is never ours-but-untagged.
      allow('AcmTagOwnedCertificates', ['acm:AddTagsToCertificate'], [certificates], {
        StringEquals: { [`aws:RequestTag/${ownerTagKey}`]: ownerId },
      });
      // A pass keeps its per-certificate state (attempt, backoff, cached validation record, unneeded-since)
      // in tags: only on certificates that already carry our owner tag, and only our own state keys.
      allow(
        'AcmUpdateOwnedCertificateState',
        ['acm:AddTagsToCertificate', 'acm:RemoveTagsFromCertificate'],
        [certificates],
        {
          StringEquals: { [`aws:ResourceTag/${ownerTagKey}`]: ownerId },
          'ForAllValues:StringLike': { 'aws:TagKeys': [`${STATE_TAG_PREFIX}*`] },
        },
      );
      allow('AcmDeleteOwnedCertificates', ['acm:DeleteCertificate'], [certificates], {
        StringEquals: { [`aws:ResourceTag/${ownerTagKey}`]: ownerId },
      });
    }

    // --- the pass summary event
    if (config.events.enabled) {
      allow(
        'PutPassSummary',
        ['events:PutEvents'],
        [`arn:${partition}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/${config.events.busName}`],
      );
    }

    if (props.inVpc) {
      allow(
        'LambdaVpcNetworkInterfaces',
        [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        ['*'],
      );
    }

    this.acknowledgeWildcards(props);
  }

  /** Lets the functions write their own log groups, and nothing else in CloudWatch Logs. */
  allowLogging(logGroups: readonly ILogGroup[]): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: logGroups.map((g) => g.logGroupArn),
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<*>]',
      reason:
        'Log group ARNs end in :* to cover the log streams Lambda creates in the function’s own log group.',
    });
  }

  /** Each wildcard finding, with the reason it cannot be narrowed further. */
  private acknowledgeWildcards(props: ReconcilerRoleProps): void {
    const { config } = props;
    const ack = (id: string, reason: string) => Validations.of(this.role).acknowledge({ id, reason });
    const account = Token.isUnresolved(props.account) ? '<AWS::AccountId>' : props.account;
    ack(
      'AwsSolutions-IAM5[Resource::*]',
      'Only actions without resource-level permissions use Resource "*": route53:ListHostedZones, acm:ListCertificates, eks:ListClusters and elasticloadbalancing:DescribeLoadBalancers (reads), and acm:RequestCertificate, whose certificate does not exist yet and which is narrowed by conditions instead (DNS validation, domain names under domainFilters, our owner tag).' +
        (usesHealthChecks(config) ? ` ${HEALTH_CHECK_WILDCARD_REASON}` : '') +
        (props.inVpc
          ? ' In VPC mode, Lambda requires the ec2 network-interface actions on "*" for the function’s ENIs.'
          : ''),
    );
    if (usesHealthChecks(config)) {
      ack(
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:route53:::healthcheck/*]',
        HEALTH_CHECK_WILDCARD_REASON,
      );
    }
    if (config.certificates.enabled) {
      ack(
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:acm:${config.certificates.region ?? '*'}:${account}:certificate/*]`,
        'Certificates are created at run time with generated ids; tagging and deleting them are limited to certificates carrying our owner tag.',
      );
    }
    for (const region of config.clusterDiscovery?.homeAccount ? config.clusterDiscovery.regions : []) {
      ack(
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:eks:${region}:${account}:cluster/*]`,
        'Discovered clusters have no names at synth time; DescribeCluster is limited to the discovery regions and, by aws:ResourceTag, to clusters carrying the discovery tags.',
      );
    }
  }
}
