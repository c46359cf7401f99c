import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetHashType, DockerImage, type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  type IDestination,
  Function as LambdaFunction,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BUNDLE_HANDLER } from '../lambda-bundle.js';
import type { VpcPlacement } from './vpc-placement.js';

/**
 * Lambda caps a function's environment at 4 KB (keys and values). A config above this many bytes ships
 * inside the bundle instead (`EDGE_RECONCILER_CONFIG_FILE`), so a large fleet is not a deploy failure.
 */
export const INLINE_CONFIG_LIMIT = 3072;
const CONFIG_FILE_NAME = 'edge-reconciler.config.json';

export interface ReconcilerFunctionProps {
  /** The handler module (exports `handler`), relative to the repository root. */
  entry: string;
  description: string;
  projectRoot: string;
  role: IRole;
  /**
   * The reconciler config as JSON: inline in the environment when small, in the bundle when not. A
   * function that needs none (the member accounts' audit forwarder) has none.
   */
  configJson?: string;
  /** More environment (the forwarder's bus). */
  environment?: Record<string, string>;
  logRetention: RetentionDays;
  memorySize: number;
  timeout: Duration;
  /** Where an asynchronous invocation that failed every retry goes (nowhere: Lambda drops it). */
  onFailure?: IDestination;
  retryAttempts: number;
  maxEventAge: Duration;
  /** 1 to keep two passes from ever overlapping (every trigger invokes this function); undefined leaves the account pool. */
  reservedConcurrentExecutions?: number;
  vpc?: VpcPlacement;
}

/**
 * The house Lambda: Node 22 on arm64, one minified ESM bundle built by the local esbuild with the AWS SDK
 * inside (the version we tested, not whatever the runtime ships), source maps on, its own log group with
 * a retention, Powertools' service name and metrics namespace set.
 */
export class ReconcilerFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: ReconcilerFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      // A retained group would make the next deploy of the same stack fail on "already exists".
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const configJson = props.configJson;
    const inline = configJson === undefined || Buffer.byteLength(configJson, 'utf8') <= INLINE_CONFIG_LIMIT;
    const configFile = inline ? undefined : writeConfigForBundle(configJson);

    super(scope, id, {
      code: bundledCode(props.projectRoot, props.entry, configFile),
      handler: BUNDLE_HANDLER,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: props.role,
      logGroup,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      onFailure: props.onFailure,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      ...(props.vpc
        ? {
            vpc: props.vpc.vpc,
            vpcSubnets: { subnets: props.vpc.subnets },
            securityGroups: props.vpc.securityGroups,
          }
        : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'edge-reconciler',
        POWERTOOLS_METRICS_NAMESPACE: 'EdgeReconciler',
        NODE_OPTIONS: '--enable-source-maps',
        ...(configJson === undefined
          ? {}
          : inline
            ? { EDGE_RECONCILER_CONFIG: configJson }
            : { EDGE_RECONCILER_CONFIG_FILE: `/var/task/${CONFIG_FILE_NAME}` }),
        ...props.environment,
      },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the house runtime: the code and its bundle are built and tested for node22; moving to a newer runtime is a deliberate upgrade, not a deploy-time default.',
    });
  }
}

function writeConfigForBundle(json: string): string {
  const dir = join(tmpdir(), 'edge-reconciler-cdk');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `config-${createHash('sha256').update(json).digest('hex').slice(0, 16)}.json`);
  writeFileSync(file, json);
  return file;
}

/**
 * The function's asset: infra/lambda-bundle.ts's build (`buildLambda`, the one the bundle benchmark
 * measures), run locally during synth. It needs an esbuild plugin, which NodejsFunction's esbuild command
 * line cannot take, and the CDK's bundling step is synchronous, so it runs in a child process. Stacks the
 * synth does not bundle (`aws:cdk:bundling-stacks`) skip it, as they skipped NodejsFunction's.
 */
function bundledCode(projectRoot: string, entry: string, configFile: string | undefined): Code {
  return Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the API; never pulled: the local build below always answers.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
      local: {
        tryBundle(outputDir: string): boolean {
          const run = spawnSync(
            process.execPath,
            ['--import', 'tsx', join(projectRoot, 'infra/build-lambda.ts'), entry, outputDir],
            { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] },
          );
          if (run.status !== 0) {
            throw new Error(`bundling ${entry} failed (infra/build-lambda.ts exited with ${run.status})`);
          }
          if (configFile) copyFileSync(configFile, join(outputDir, CONFIG_FILE_NAME));
          return true;
        },
      },
    },
  });
}
