import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runShardedWorkflow } from '../functions/sharded-workflow.js';
import { SANDBOX_SHARD_BUCKET } from '../sandbox/sandbox.js';
import { systemClock } from '../shared/clock.js';
import { silentLog } from '../shared/log.js';
import { S3ShardStore, s3Client } from '../shared/shards/store.js';
import { meterClient } from '../shared/telemetry/api-usage.js';
import { memoryPeaks, startScaleWorld } from './scale-world.js';

/**
 * The sharded pass (docs/scale.md) measured per stage invocation, as Lambda would bill each: the same
 * fleet as bench/scale.ts (N clusters × M Services, 50 clusters per zone), the sandbox in a child process,
 * the workflow's handlers run one invocation at a time in this process (functions/sharded-workflow.ts,
 * maxConcurrency 1 so each invocation's CPU and memory are its own), a full GC before each. Pass 1 creates
 * every record, pass 2 is the steady state.
 *
 *   node --expose-gc --import tsx bench/sharded-scale.ts --clusters 1000 --objects 50 --per-shard 250
 */

interface Invocation {
  stage: string;
  wallMs: number;
  cpuMs: number;
  /** Heap and RSS growth above the GC'd baseline before the invocation: its own working set. */
  heapMiB: number;
  rssMiB: number;
  s3Calls: number;
  route53Calls: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clusters: { type: 'string', default: '1000' },
      objects: { type: 'string', default: '50' },
      'clusters-per-zone': { type: 'string', default: '50' },
      'per-shard': { type: 'string', default: '250' },
      json: { type: 'boolean', default: false },
    },
  });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (!gc) throw new Error('run with node --expose-gc --import tsx');
  const shape = {
    clusters: Number(values.clusters),
    objects: Number(values.objects),
    clustersPerZone: Number(values['clusters-per-zone']),
  };
  const world = await startScaleWorld(shape, ['--import', 'tsx']);
  const aws = world.aws;
  const config = {
    ...world.config,
    sharding: { clustersPerShard: Number(values['per-shard']), maxConcurrency: 1 },
  };
  const deps = { config, aws, clock: systemClock, log: silentLog };
  const store = new S3ShardStore(s3Client(aws), SANDBOX_SHARD_BUCKET);
  const s3Usage = meterClient(s3Client(aws));
  const route53Usage = meterClient(aws.route53());
  const passes: {
    pass: number;
    wallMs: number;
    changes: number;
    errors: number;
    stages: Record<string, Summary>;
  }[] = [];
  for (const pass of [1, 2]) {
    const invocations: Invocation[] = [];
    const started = performance.now();
    const { result } = await runShardedWorkflow({}, deps, { ...deps, store }, async ({ stage }, run) => {
      gc?.();
      const base = process.memoryUsage();
      const memory = memoryPeaks(10);
      const s3 = s3Usage().calls;
      const r53 = route53Usage().calls;
      const cpu = process.cpuUsage();
      const t = performance.now();
      try {
        return await run();
      } finally {
        const used = process.cpuUsage(cpu);
        const { heapPeak, rssPeak } = memory.stop();
        invocations.push({
          stage,
          wallMs: performance.now() - t,
          cpuMs: (used.user + used.system) / 1000,
          heapMiB: (heapPeak - base.heapUsed) / 2 ** 20,
          rssMiB: (rssPeak - base.rss) / 2 ** 20,
          s3Calls: s3Usage().calls - s3,
          route53Calls: route53Usage().calls - r53,
        });
      }
    });
    const stages: Record<string, Summary> = {};
    for (const stage of ['fleet', 'cluster-shard', 'certificates', 'zone', 'report']) {
      stages[stage] = summarize(invocations.filter((i) => i.stage === stage));
    }
    passes.push({
      pass,
      wallMs: Math.round(performance.now() - started),
      changes: result.changes.length,
      errors: result.errors.length,
      stages,
    });
  }
  await world.stop();
  const doc = {
    node: process.version,
    at: new Date().toISOString(),
    shape,
    perShard: Number(values['per-shard']),
    passes,
  };
  if (values.json) {
    console.log(JSON.stringify(doc, null, 2));
    return;
  }
  console.log(
    `node ${doc.node}, ${doc.at}, ${shape.clusters} clusters × ${shape.objects}, ${doc.perShard} per shard`,
  );
  console.log(
    '| pass | stage | invocations | wall ms (max) | wall ms (median) | CPU ms (max) | heap MiB (max) | RSS MiB (max) | S3 calls | Route 53 calls |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const p of passes) {
    for (const [stage, s] of Object.entries(p.stages)) {
      console.log(
        `| ${p.pass} | ${stage} | ${s.count} | ${s.wallMax} | ${s.wallMedian} | ${s.cpuMax} | ${s.heapMax} | ${s.rssMax} | ${s.s3Calls} | ${s.route53Calls} |`,
      );
    }
    console.log(
      `| ${p.pass} | whole pass (${p.changes} changes, ${p.errors} errors) | | ${p.wallMs} | | | | | | |`,
    );
  }
}

interface Summary {
  count: number;
  wallMax: number;
  wallMedian: number;
  cpuMax: number;
  heapMax: number;
  rssMax: number;
  s3Calls: number;
  route53Calls: number;
}

function summarize(list: Invocation[]): Summary {
  const sorted = list.map((i) => i.wallMs).sort((a, b) => a - b);
  const max = (f: (i: Invocation) => number) => Math.round(Math.max(0, ...list.map(f)));
  return {
    count: list.length,
    wallMax: max((i) => i.wallMs),
    wallMedian: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    cpuMax: max((i) => i.cpuMs),
    heapMax: max((i) => i.heapMiB),
    rssMax: max((i) => i.rssMiB),
    s3Calls: list.reduce((n, i) => n + i.s3Calls, 0),
    route53Calls: list.reduce((n, i) => n + i.route53Calls, 0),
  };
}

await main();
