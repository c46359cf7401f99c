import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { SANDBOX_IDENTITIES } from '../sandbox/credentials.js';
import { AwsClients } from '../shared/aws-clients.js';
import type { Config } from '../shared/config.js';

/** A fleet for the scale benchmarks: N clusters × M annotated Services, `clustersPerZone` per zone. */
export interface Shape {
  clusters: number;
  objects: number;
  clustersPerZone: number;
  /** Route 53's account-level token bucket in the sandbox (its public `throttle` option); none when absent. */
  throttle?: { burst: number; ratePerSecond: number };
}

/**
 * The scale benchmarks' world: the sandbox for a `Shape` served by a child process (bench/scale.ts
 * --serve), so the CPU and memory this process measures are the reconciler's alone, and the AWS clients
 * pointed at it. The sandbox's module is never loaded here.
 */
export interface ScaleWorld {
  url: string;
  /** The scenario's config, as the child parsed it, with the summary event off. */
  config: Config;
  aws: AwsClients;
  stop(): Promise<void>;
}

export async function startScaleWorld(shape: Shape, execArgv?: string[]): Promise<ScaleWorld> {
  const child: ChildProcess = fork(
    join(import.meta.dirname, 'scale.ts'),
    ['--serve', JSON.stringify(shape)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(execArgv ? { execArgv } : {}),
    },
  );
  const { url, config: served } = await new Promise<{ url: string; config: Config }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; config: Config }));
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const identity = SANDBOX_IDENTITIES[0]!;
  const aws = new AwsClients({
    region: served.region,
    endpoint: url,
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
  });
  return {
    url,
    config: { ...served, events: { ...served.events, enabled: false } },
    aws,
    async stop() {
      aws.destroy();
      child.send('stop');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Peak heap and RSS from now until `stop`, sampled every `intervalMs` (and once more at the end). */
export function memoryPeaks(intervalMs: number): { stop(): { heapPeak: number; rssPeak: number } } {
  let heapPeak = 0;
  let rssPeak = 0;
  const sample = () => {
    const m = process.memoryUsage();
    heapPeak = Math.max(heapPeak, m.heapUsed);
    rssPeak = Math.max(rssPeak, m.rss);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { heapPeak, rssPeak };
    },
  };
}
