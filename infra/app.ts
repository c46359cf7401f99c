import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, CfnOutput, Stack, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, roleAccount, route53RolesOf } from '../shared/config.js';
import { DnsAccountRole } from './constructs/dns-account-role.js';
import { MemberAccountRole } from './constructs/member-account-role.js';
import { MemberEventForwarding } from './constructs/member-event-forwarding.js';
import { loadDeployConfig } from './deploy-config.js';
import { EdgeReconcilerStack } from './stack.js';

/**
 * `npx cdk synth|deploy`. Context:
 *   edge-reconciler:config          the deploy file (default in cdk.json: the example)
 *   edge-reconciler:member-of       instead of the reconciler, synthesize the stack a member account deploys
 *                                   so the reconciler (this role ARN) can read its clusters
 *   edge-reconciler:member-clusters comma-separated cluster names for that stack
 *   edge-reconciler:member-access   group (default) or view-policy: deploy.kubernetesAccess for that stack
 *   edge-reconciler:member-events   true (default): that stack also forwards EKS lifecycle calls and its
 *                                   clusters' audit logs to the reconciler's bus (the deploy file says where)
 *   edge-reconciler:dns-account-of  instead, the stack a DNS account deploys so the reconciler (this role ARN)
 *                                   can write its zones: the role of the config's route53Roles entry in
 *   edge-reconciler:dns-account     this account (or awsAssumeRole's), with the main stack's Route 53 statements
 */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CONFIG_CONTEXT = 'edge-reconciler:config';

export function buildApp(app: App): Stack {
  const memberOf = app.node.tryGetContext('edge-reconciler:member-of') as string | undefined;
  const dnsAccountOf = app.node.tryGetContext('edge-reconciler:dns-account-of') as string | undefined;
  const stack = memberOf
    ? memberAccountStack(app, memberOf)
    : dnsAccountOf
      ? dnsAccountStack(app, dnsAccountOf)
      : reconcilerStack(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

function deployConfigOf(app: App) {
  const file = resolve(
    PROJECT_ROOT,
    (app.node.tryGetContext(CONFIG_CONTEXT) as string | undefined) ?? 'examples/edge-reconciler.config.yaml',
  );
  return loadDeployConfig(file);
}

function reconcilerStack(app: App): Stack {
  const deployConfig = deployConfigOf(app);
  const { deploy, config } = deployConfig;
  return new EdgeReconcilerStack(app, deploy.stackName, {
    deployConfig,
    projectRoot: PROJECT_ROOT,
    description: 'edge-reconciler: Route 53 records and ACM certificates for a fleet of EKS clusters',
    env: { region: deploy.region ?? config.region, ...(deploy.account ? { account: deploy.account } : {}) },
  });
}

function memberAccountStack(app: App, reconcilerRoleArn: string): Stack {
  const [, partition, account] = /^arn:([^:]+):iam::(\d{12}):role\//.exec(reconcilerRoleArn) ?? [];
  if (!account)
    throw new ConfigError(`edge-reconciler:member-of: ${reconcilerRoleArn}: not an IAM role ARN`, []);
  const clusters = String(app.node.tryGetContext('edge-reconciler:member-clusters') ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const stack = new Stack(app, 'EdgeReconcilerMemberAccess', {
    description: 'edge-reconciler: read access to this account’s clusters for the reconciler account',
  });
  const access = app.node.tryGetContext('edge-reconciler:member-access') ?? 'group';
  if (access !== 'group' && access !== 'view-policy') {
    throw new ConfigError(`edge-reconciler:member-access: ${access}: group or view-policy`, []);
  }
  // One deploy file drives every stack: the role is the one its clusters' roleArn names, when it names one.
  const { config } = deployConfigOf(app);
  const named = memberRoleOf(config.clusters, clusters);
  const member = new MemberAccountRole(stack, 'Access', {
    reconcilerAccount: account,
    reconcilerRoleArn,
    clusters,
    kubernetesAccess: access,
    ...(named ? { roleName: named.roleName, ...(named.path ? { path: named.path } : {}) } : {}),
  });
  new CfnOutput(stack, 'MemberRoleArn', {
    value: member.role.roleArn,
    description: "The role of this account's clusters: their roleArn in the deploy file",
  });
  const events = String(app.node.tryGetContext('edge-reconciler:member-events') ?? 'true');
  if (events !== 'true' && events !== 'false') {
    throw new ConfigError(`edge-reconciler:member-events: ${events}: true or false`, []);
  }
  if (events === 'true') {
    // The same deploy file as the reconciler's: where its bus is, and which writes the audit filter keeps.
    const { deploy } = deployConfigOf(app);
    const region = deploy.region ?? config.region;
    new MemberEventForwarding(stack, 'Events', {
      centralBusArn: `arn:${partition}:events:${region}:${account}:event-bus/${config.events.busName}`,
      auditLogClusters: clusters.filter((c) => deploy.clusters[c]?.auditLogs !== false),
      sources: config.sources,
      projectRoot: PROJECT_ROOT,
    });
  }
  return stack;
}

/**
 * The role name (and path) the deploy file gives the member clusters (`roleArn` of the clusters this stack
 * is for); none when it names none. Two different roles for one stack's clusters is a config error.
 */
function memberRoleOf(
  configured: readonly { name: string; roleArn?: string | undefined }[],
  clusters: readonly string[],
): { roleName: string; path?: string } | undefined {
  const arns = [
    ...new Set(
      clusters.map((c) => configured.find((k) => k.name === c)?.roleArn).filter((a) => a !== undefined),
    ),
  ];
  if (arns.length > 1) {
    throw new ConfigError(
      `edge-reconciler:member-clusters: the deploy file gives these clusters different roleArn (${arns.join(', ')}); one member stack makes one role`,
      [],
    );
  }
  const [, path, roleName] = /:role(\/(?:[^/]+\/)*)([^/]+)$/.exec(arns[0] ?? '') ?? [];
  if (!roleName) return undefined;
  return { roleName, ...(path && path !== '/' ? { path } : {}) };
}

/**
 * The DNS account's stack, from the same deploy file as the reconciler's: the role its `route53Roles`
 * entry (or `awsAssumeRole`) names in this account, with the same Route 53 statements.
 */
function dnsAccountStack(app: App, reconcilerRoleArn: string): Stack {
  if (!/^arn:[^:]+:iam::\d{12}:role\//.test(reconcilerRoleArn)) {
    throw new ConfigError(`edge-reconciler:dns-account-of: ${reconcilerRoleArn}: not an IAM role ARN`, []);
  }
  const account = String(app.node.tryGetContext('edge-reconciler:dns-account') ?? '');
  const { config, deploy } = deployConfigOf(app);
  const roles = route53RolesOf(config);
  const entry = roles.find((r) => roleAccount(r.roleArn) === account);
  if (!entry) {
    const known = roles.map((r) => roleAccount(r.roleArn)).join(', ') || 'none';
    throw new ConfigError(
      `edge-reconciler:dns-account: ${account || '(not set)'}: no route53Roles entry (or awsAssumeRole) in this account; the config names: ${known}`,
      [],
    );
  }
  const [, path, roleName] = /:role(\/(?:[^/]+\/)*)([^/]+)$/.exec(entry.roleArn) ?? [];
  const stack = new Stack(app, `${deploy.stackName}DnsAccess`, {
    description: 'edge-reconciler: Route 53 write access to this account’s zones for the reconciler account',
    env: { account },
  });
  for (const [key, value] of Object.entries(deploy.tags)) Tags.of(stack).add(key, value);
  new DnsAccountRole(stack, 'Dns', {
    config,
    reconcilerRoleArn,
    roleName: roleName!,
    ...(path && path !== '/' ? { path } : {}),
    ...(entry.externalId ? { externalId: entry.externalId } : {}),
  });
  return stack;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    buildApp(new App());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`edge-reconciler: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
