import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { parseDeploySection } from '../../infra/deploy-config.js';
import { AwsClients } from '../../shared/aws-clients.js';
import { systemClock } from '../../shared/clock.js';
import { type Config, parseConfig } from '../../shared/config.js';
import { checkConfig, configFromEnvironment } from '../../shared/config-source.js';
import { errorLines } from '../../shared/errors.js';
import { streamLog } from '../../shared/log.js';
import type { PassProgress } from '../../shared/progress.js';
import type { PassResult } from '../../shared/reconcile.js';
import { reconcile } from '../../shared/reconcile.js';
import { type ManualPayload, manualPayload, RESYNC_DETAIL_TYPE, RESYNC_SOURCE } from '../manual.js';
import { parseEvent } from '../middleware.js';
import { checkAwsAccess } from './aws-access.js';
import { readConfigDocument } from './config-file.js';
import {
  distinctWarnings,
  formatFiltered,
  formatHealthCheckChange,
  formatRecordChange,
  formatTrafficShift,
  formatWarning,
} from './format.js';
import { clustersFromKubeconfig } from './kubeconfig.js';

export interface OperateOptions {
  config?: string;
  clusters?: string[];
  kubeconfig?: string;
  contexts?: string[];
  apply: boolean;
  json: boolean;
  verbose: boolean;
  /** Told as clusters are listed and zones read (the terminal's progress line). */
  progress?: PassProgress;
}

/**
 * `plan` and `reconcile` from a laptop: the same pass as the deployed function, against whatever AWS the
 * standard variables point at (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL*`). `plan` is a dry run.
 */
export async function runPass(options: OperateOptions): Promise<{ result: PassResult; text: string }> {
  let config: Config = options.config ? configOrDeployFile(options.config) : configFromEnvironment();
  if (options.contexts?.length) {
    const fromKubeconfig = await clustersFromKubeconfig(options.contexts, options.kubeconfig, config.region);
    config = checkConfig(parseConfig({ ...config, clusters: fromKubeconfig }, '--context'), '--context');
  }
  const aws = new AwsClients({ region: config.region, timeouts: config.timeouts });
  try {
    await checkAwsAccess(aws, config.region);
    const result = await reconcile(
      {
        trigger: 'manual',
        dryRun: !options.apply,
        reason: options.apply ? 'cli reconcile' : 'cli plan',
        ...(options.clusters ? { clusters: options.clusters } : {}),
      },
      {
        config,
        aws,
        clock: systemClock,
        // The diff says every warning with its object; their log lines would repeat them on stderr.
        log: streamLog(options.verbose ? 'debug' : 'error'),
        ...(options.progress ? { progress: options.progress } : {}),
      },
    );
    return { result, text: formatDiff(result) };
  } finally {
    aws.destroy();
  }
}

/**
 * A reconciler config, or the deploy file the README has operators copy: its `deploy:` section is the
 * stack's, checked here so a typo there is caught as early, and left out of the pass's config.
 */
export function configOrDeployFile(path: string, env: NodeJS.ProcessEnv = process.env): Config {
  const document = readConfigDocument(path);
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return checkConfig(parseConfig(document, path), path);
  }
  const { deploy, ...config } = document as Record<string, unknown>;
  if ('deploy' in document) parseDeploySection(deploy, path);
  // As every AWS tool does: the region of the environment, unless the file names one.
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (config.region === undefined && region) config.region = region;
  return checkConfig(parseConfig(config, path), path);
}

/** The pass as a diff a reviewer reads: one line a record change, grouped by zone. */
export function formatDiff(result: PassResult): string {
  const out: string[] = [];
  out.push(`${result.dryRun ? 'Plan (dry run: nothing was changed)' : 'Reconcile'} — pass ${result.passId}`);
  for (const c of result.clusters) {
    out.push(
      `  cluster ${c.name}: ${c.status}${c.status === 'ok' ? `, ${c.endpoints} endpoint${c.endpoints === 1 ? '' : 's'}` : ` — ${c.error}`}`,
    );
  }
  const byZone = new Map<string, PassResult['recordChanges']>();
  for (const c of result.recordChanges) byZone.set(c.zone, [...(byZone.get(c.zone) ?? []), c]);
  // A zone may change only its health checks (one left behind by an earlier pass is deleted).
  for (const h of result.healthChecks ?? []) if (!byZone.has(h.zone)) byZone.set(h.zone, []);
  if (byZone.size === 0) out.push('', 'No changes.');
  for (const [zone, changes] of byZone) {
    out.push('', `zone ${zone}`);
    for (const change of changes) out.push(`  ${formatRecordChange(change)}`);
    for (const t of result.trafficShifts ?? []) if (t.zone === zone) out.push(`  ${formatTrafficShift(t)}`);
    for (const h of result.healthChecks ?? [])
      if (h.zone === zone) out.push(`  ${formatHealthCheckChange(h, result.dryRun)}`);
  }
  if (result.warnings.length > 0) out.push('');
  for (const w of distinctWarnings(result.warnings)) out.push(...formatWarning(w));
  for (const f of result.filtered) out.push(`  ${formatFiltered(f)}`);
  for (const e of errorLines(result.errors)) out.push(`  error: ${e}`);
  return `${out.join('\n')}\n`;
}

export interface ResyncOptions {
  functionName?: string;
  eventBus?: string;
  clusters?: string[];
  dryRun?: boolean;
  reason?: string;
  region?: string;
}

/**
 * Asks the deployed reconciler for a pass: a direct invoke of the manual function (waits for the result)
 * or a `Resync Requested` event on the bus (fire and forget). The payload is checked here first.
 */
export async function resync(options: ResyncOptions): Promise<string> {
  const payload: ManualPayload = parseEvent(
    manualPayload,
    {
      ...(options.clusters ? { clusters: options.clusters } : {}),
      ...(options.dryRun !== undefined ? { dryRun: options.dryRun } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
    },
    'payload',
  );
  const region = options.region ?? process.env.AWS_REGION;
  if (options.functionName) {
    const lambda = new LambdaClient(region ? { region } : {});
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: options.functionName,
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );
    const body = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    if (out.FunctionError) throw new Error(`${options.functionName} failed: ${body}`);
    return body;
  }
  const clients = new AwsClients({ region: region ?? 'us-east-1' });
  const res = await clients.eventBridge().send(
    new PutEventsCommand({
      Entries: [
        {
          Source: RESYNC_SOURCE,
          DetailType: RESYNC_DETAIL_TYPE,
          Detail: JSON.stringify(payload),
          EventBusName: options.eventBus ?? 'default',
        },
      ],
    }),
  );
  if (res.FailedEntryCount) throw new Error(`PutEvents refused the event: ${res.Entries?.[0]?.ErrorMessage}`);
  return `sent ${RESYNC_DETAIL_TYPE} (event ${res.Entries?.[0]?.EventId}) to bus ${options.eventBus ?? 'default'}`;
}
