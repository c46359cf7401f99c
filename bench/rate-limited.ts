import { performance } from 'node:perf_hooks';
import type { DeserializeMiddleware, MiddlewareStack } from '@smithy/types';
import { systemClock } from '../shared/clock.js';
import { silentLog } from '../shared/log.js';
import { reconcile } from '../shared/reconcile.js';
import { memoryPeaks, type Shape, startScaleWorld } from './scale-world.js';

/**
 * A fleet pass under Route 53's account rate, against the floor that rate sets (issue 14).
 *
 * The sandbox (a child process: bench/scale.ts's `--serve`, so its CPU is not the reconciler's) throttles
 * Route 53 with its account-level token bucket (`Sandbox.start({ throttle })`): a burst of 50, then 5
 * requests a second, answering the rest with Route 53's `Throttling` error, which the SDK's adaptive
 * retry (shared/retry-policy.ts) must absorb. Pass 1 creates every record, pass 2 is the steady state.
 * Each pass starts with a full bucket (the bench waits burst ÷ rate seconds between them).
 *
 * The floor: a pass that needs N Route 53 requests answered cannot finish sooner than (N − burst) ÷ rate
 * seconds; N is the requests the reconciler sent minus those throttled (each throttled one was sent
 * again). Wall time ÷ floor says what the retry policy and the pass's own pacing cost beyond the rate.
 *
 *   npx tsx bench/rate-limited.ts [--clusters 1000] [--objects 50] [--json]
 *   npm run bench -- --rate-limited        (in --json too, with --rate-limited)
 */
export const ROUTE53_RATE = { burst: 50, ratePerSecond: 5 } as const;

export interface RateLimitedPass {
  pass: number;
  changes: number;
  errors: number;
  /** Requests the reconciler's Route 53 client sent (every attempt). */
  route53Requests: number;
  /** Of them, answered with Route 53's Throttling (each retried by the SDK). */
  throttled: number;
  /** Requests that had to be answered: the floor's N. */
  answered: number;
  floorSeconds: number;
  wallSeconds: number;
  /** Wall ÷ floor (1 = at the rate's limit). */
  overFloor: number;
  /** When the pass sent its first Route 53 request and got its last answer, seconds from its start. */
  route53FirstRequestSeconds: number;
  route53LastAnswerSeconds: number;
  /** (last answer − first request) ÷ floor: how close the Route 53 part itself runs to the rate. */
  route53WindowOverFloor: number;
  cpuMs: number;
  heapPeakMiB: number;
  rssPeakMiB: number;
}

export interface RateLimitedFigures {
  clusters: number;
  objectsPerCluster: number;
  zones: number;
  rate: typeof ROUTE53_RATE;
  passes: RateLimitedPass[];
  node: string;
}

export function floorSeconds(answered: number, rate: { burst: number; ratePerSecond: number }): number {
  return Math.max(0, answered - rate.burst) / rate.ratePerSecond;
}

export async function measureRateLimited(
  clusters = 1000,
  objects = 50,
  clustersPerZone = 50,
): Promise<RateLimitedFigures> {
  const shape: Shape = { clusters, objects, clustersPerZone, throttle: { ...ROUTE53_RATE } };
  const { config, aws, stop } = await startScaleWorld(shape);
  const attempts = route53Timeline(aws.route53());
  const passes: RateLimitedPass[] = [];
  try {
    for (const pass of [1, 2]) {
      // A full bucket at the start of each pass: the floor counts the burst.
      if (pass > 1) await sleep((ROUTE53_RATE.burst / ROUTE53_RATE.ratePerSecond) * 1000 + 500);
      const memory = memoryPeaks(50);
      const cpu = process.cpuUsage();
      const started = performance.now();
      attempts.length = 0;
      const result = await reconcile(
        { trigger: 'schedule' },
        { config, aws, clock: systemClock, log: silentLog },
      );
      const wallSeconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const { heapPeak, rssPeak } = memory.stop();
      const requests = result.route53?.calls ?? 0;
      const throttled = result.route53?.throttles ?? 0;
      const answered = requests - throttled;
      const floor = floorSeconds(answered, ROUTE53_RATE);
      const first = (Math.min(...attempts.map((a) => a.sent)) - started) / 1000;
      const last = (Math.max(...attempts.map((a) => a.answered)) - started) / 1000;
      passes.push({
        pass,
        changes: result.changes.length,
        errors: result.errors.length,
        route53Requests: requests,
        throttled,
        answered,
        floorSeconds: round(floor),
        wallSeconds: round(wallSeconds),
        overFloor: floor > 0 ? round(wallSeconds / floor) : 0,
        route53FirstRequestSeconds: round(first),
        route53LastAnswerSeconds: round(last),
        route53WindowOverFloor: floor > 0 ? round((last - first) / floor) : 0,
        cpuMs: Math.round((used.user + used.system) / 1000),
        heapPeakMiB: Math.round(heapPeak / 2 ** 20),
        rssPeakMiB: Math.round(rssPeak / 2 ** 20),
      });
    }
  } finally {
    await stop();
  }
  return {
    clusters,
    objectsPerCluster: objects,
    zones: Math.ceil(clusters / clustersPerZone),
    rate: ROUTE53_RATE,
    passes,
    node: process.version,
  };
}

export function rateLimitedTable(f: RateLimitedFigures): string[] {
  return [
    `${f.clusters} clusters × ${f.objectsPerCluster} Services in ${f.zones} zones; Route 53 bucket: burst ${f.rate.burst}, ${f.rate.ratePerSecond}/s; node ${f.node}`,
    '| pass | changes | errors | Route 53 requests | throttled (retried) | answered | floor s | wall s | wall ÷ floor | first Route 53 request s | last answer s | Route 53 window ÷ floor | CPU ms | heap peak MiB | RSS peak MiB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...f.passes.map(
      (p) =>
        `| ${p.pass} | ${p.changes} | ${p.errors} | ${p.route53Requests} | ${p.throttled} | ${p.answered} | ` +
        `${p.floorSeconds} | ${p.wallSeconds} | ${p.overFloor} | ${p.route53FirstRequestSeconds} | ` +
        `${p.route53LastAnswerSeconds} | ${p.route53WindowOverFloor} | ${p.cpuMs} | ${p.heapPeakMiB} | ${p.rssPeakMiB} |`,
    ),
  ];
}

/** Every Route 53 attempt's send and answer time (inside the SDK's retry loop, as the meter counts). */
function route53Timeline<I extends object, O extends object>(client: {
  middlewareStack: MiddlewareStack<I, O>;
}): { sent: number; answered: number }[] {
  const attempts: { sent: number; answered: number }[] = [];
  const timed: DeserializeMiddleware<I, O> = (next) => async (args) => {
    const sent = performance.now();
    try {
      return await next(args);
    } finally {
      attempts.push({ sent, answered: performance.now() });
    }
  };
  client.middlewareStack.add(timed, { step: 'deserialize', priority: 'high', name: 'benchTimeline' });
  return attempts;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({
    options: {
      clusters: { type: 'string', default: '1000' },
      objects: { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
    },
  });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const figures = await measureRateLimited(Number(values.clusters), Number(values.objects));
  console.log(values.json ? JSON.stringify(figures, null, 2) : rateLimitedTable(figures).join('\n'));
}
