import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../shared/config.js';
import { MemberAccountRole } from './constructs/member-account-role.js';
import { loadDeployConfig } from './deploy-config.js';
import { EdgeReconcilerStack } from './stack.js';

/**
 * `npx cdk synth|deploy`. Context:
 *   edge-reconciler:config          the deploy file (default in cdk.json: the example)
 *   edge-reconciler:member-of       instead of the reconciler, synthesize the stack a member account deploys
 *                                   so the reconciler (this role ARN) can read its clusters
 *   edge-reconciler:member-clusters comma-separated cluster names for that stack
 *   edge-reconciler:member-access   group (default) or view-policy: deploy.kubernetesAccess for that stack
 */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CONFIG_CONTEXT = 'edge-reconciler:config';

export function buildApp(app: App): Stack {
  const memberOf = app.node.tryGetContext('edge-reconciler:member-of') as string | undefined;
  const stack = memberOf ? memberAccountStack(app, memberOf) : reconcilerStack(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

function reconcilerStack(app: App): Stack {
  const file = resolve(
    PROJECT_ROOT,
    (app.node.tryGetContext(CONFIG_CONTEXT) as string | undefined) ?? 'examples/edge-reconciler.config.yaml',
  );
  const deployConfig = loadDeployConfig(file);
  const { deploy, config } = deployConfig;
  return new EdgeReconcilerStack(app, deploy.stackName, {
    deployConfig,
    projectRoot: PROJECT_ROOT,
    description: 'edge-reconciler: Route 53 records and ACM certificates for a fleet of EKS clusters',
    env: { region: deploy.region ?? config.region, ...(deploy.account ? { account: deploy.account } : {}) },
  });
}

function memberAccountStack(app: App, reconcilerRoleArn: string): Stack {
  const account = /^arn:[^:]+:iam::(\d{12}):role\//.exec(reconcilerRoleArn)?.[1];
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
  new MemberAccountRole(stack, 'Access', {
    reconcilerAccount: account,
    reconcilerRoleArn,
    clusters,
    kubernetesAccess: access,
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
