import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type Config, ConfigError, formatPath, parseConfig } from '../shared/config.js';
import { inexpressibleNameFilters } from './least-privilege.js';

/**
 * The deploy file: the reconciler's config (the schema of shared/config.ts, passed to the functions as it
 * is) plus a `deploy:` section the functions never see. One file, so the zones, domains and clusters the
 * IAM policy is narrowed to are the very ones the reconciler is told to manage.
 */

/** CloudWatch Logs accepts only these retention periods (days). */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const accountId = z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id');
const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-central-1');

const clusterDeploySchema = z.strictObject({
  auditLogs: z
    .boolean()
    .optional()
    .describe(
      'Subscribe the audit function to `/aws/eks/<name>/cluster` (the log group must exist: audit logging on).',
    ),
  accessEntry: z
    .boolean()
    .optional()
    .describe("Create the EKS access entry for the reconciler's role in this stack."),
});

export const deploySchema = z
  .strictObject({
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'letters, digits and hyphens, starting with a letter')
      .default('EdgeReconciler')
      .describe('The CloudFormation stack name.'),
    account: accountId
      .optional()
      .describe(
        'The account to deploy to; without it the stack is environment-agnostic (`cdk deploy` picks one).',
      ),
    region: awsRegion.optional().describe("The region to deploy to; defaults to the config's home `region`."),
    scheduleMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(5)
      .describe('Minutes between scheduled fleet passes.'),
    heartbeatPeriods: z
      .number()
      .int()
      .min(1)
      .max(288)
      .default(3)
      .describe('The heartbeat alarm fires after this many schedule periods without a completed pass.'),
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => (RETENTION_DAYS as readonly number[]).includes(d), {
        message: `one of ${RETENTION_DAYS.join(', ')}`,
      })
      .default(30)
      .describe(`Days the functions' logs are kept: one of ${RETENTION_DAYS.join(', ')}.`),
    alarmEmails: z
      .array(z.email())
      .default([])
      .describe('E-mail addresses subscribed to the alarm topic (each confirms once by mail).'),
    memoryMiB: z.number().int().min(128).max(10240).default(1024).describe("Each function's memory."),
    timeoutSeconds: z.number().int().min(30).max(900).default(300).describe("Each function's timeout."),
    serializePasses: z
      .boolean()
      .default(true)
      .describe(
        'Reserved concurrency 1 on each function, so two passes of one trigger never overlap. Accounts whose ' +
          'concurrency quota is still the new-account default (10) cannot reserve any; set false there.',
      ),
    vpc: z
      .strictObject({
        vpcId: z
          .string()
          .regex(/^vpc-[0-9a-f]+$/, 'a VPC id such as vpc-0abc…')
          .describe('The VPC.'),
        subnetIds: z
          .array(z.string().regex(/^subnet-[0-9a-f]+$/, 'a subnet id'))
          .min(1)
          .describe('Subnets the functions run in.'),
        securityGroupIds: z
          .array(z.string().regex(/^sg-[0-9a-f]+$/, 'a security group id'))
          .min(1)
          .describe("The functions' security groups."),
      })
      .optional()
      .describe(
        'Private-endpoint clusters: run the functions in these subnets (they need egress to AWS APIs).',
      ),
    kubernetesAccess: z
      .enum(['group', 'view-policy'])
      .default('group')
      .describe(
        "How the reconciler's role reads the clusters: `group` puts it in the Kubernetes group " +
          '`edge-reconciler-view` only, bound in each cluster to the ClusterRole that lists exactly what the ' +
          'sources read (`npm run --silent cli -- rbac --config <file>`); `view-policy` adds ' +
          'AmazonEKSViewPolicy, cluster-wide, for a quick start without that step.',
      ),
    clusters: z
      .record(z.string(), clusterDeploySchema)
      .default({})
      .describe('Per-cluster deploy switches, keyed by cluster name (as in `clusters[].name`).'),
    tags: z.record(z.string(), z.string()).default({}).describe('Tags on every resource of the stack.'),
  })
  .refine((d) => d.scheduleMinutes * d.heartbeatPeriods <= 1440, {
    message: 'scheduleMinutes × heartbeatPeriods: at most 1440 (a CloudWatch alarm period is at most a day)',
    path: ['heartbeatPeriods'],
  })
  .describe('What only the stack needs; the functions never see it.');

export type DeploySettings = z.infer<typeof deploySchema>;

export interface DeployConfig {
  /** The validated reconciler config (defaults applied). */
  config: Config;
  /** The reconciler config as written (no `deploy:`); what the functions get, so it stays small. */
  raw: Record<string, unknown>;
  deploy: DeploySettings;
}

/** Reads and validates a deploy file; every error names the file and the field. */
export function loadDeployConfig(path: string): DeployConfig {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: ${(err as Error).message}`, []);
  }
  return deployConfigFrom(document ?? {}, path);
}

export function deployConfigFrom(document: unknown, where = 'deploy config'): DeployConfig {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ConfigError(`${where}: expected a mapping at the top level`, []);
  }
  const { deploy: deployInput, ...raw } = document as Record<string, unknown>;
  const config = parseConfig(raw, where);

  const deploy = parseDeploySection(deployInput, where);

  const names = new Set(config.clusters.map((c) => c.name));
  for (const name of Object.keys(deploy.clusters)) {
    if (!names.has(name)) {
      throw new ConfigError(`${where}.deploy.clusters.${name}: no cluster of that name in clusters[]`, [
        { path: `deploy.clusters.${name}`, message: 'unknown cluster' },
      ]);
    }
  }
  requireForLeastPrivilege(config, where);
  return { config, raw, deploy };
}

/** The `deploy:` section alone, defaults applied; every error names the file and the field. */
export function parseDeploySection(input: unknown, where = 'deploy config'): DeploySettings {
  const parsed = deploySchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    path: `deploy.${formatPath(i.code === 'unrecognized_keys' ? [...i.path, ...i.keys] : i.path)}`.replace(
      /\.$/,
      '',
    ),
    message: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
  }));
  throw new ConfigError(issues.map((i) => `${where}.${i.path}: ${i.message}`).join('; '), issues);
}

/**
 * The IAM policy is narrowed to the zones and names the config manages, so a deployable config must say
 * which: without zone ids and domain filters the only honest policy would be `hostedzone/*` on any name.
 * A regex name filter the record-name condition cannot carry is refused too (`inexpressibleNameFilters`).
 */
function requireForLeastPrivilege(config: Config, where: string): void {
  const missing: { path: string; message: string }[] = [];
  if (config.zoneIdFilters.length === 0) {
    missing.push({
      path: 'zoneIdFilters',
      message: 'list the hosted zone ids to manage; Route 53 write access is granted on these zones only',
    });
  }
  if (config.domainFilters.length === 0) {
    missing.push({
      path: 'domainFilters',
      message: 'list the domains to manage; record changes are allowed only for names under them',
    });
  }
  missing.push(...inexpressibleNameFilters(config));
  if (missing.length > 0) {
    throw new ConfigError(missing.map((m) => `${where}.${m.path}: ${m.message}`).join('; '), missing);
  }
}
