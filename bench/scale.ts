import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Sandbox } from '../sandbox/sandbox.js';
import { parseScenario } from '../sandbox/scenario.js';
import { systemClock } from '../shared/clock.js';
import { silentLog } from '../shared/log.js';
import { reconcile } from '../shared/reconcile.js';
import { fleetService } from './fleet-scenario.js';
import { memoryPeaks, type Shape, startScaleWorld } from './scale-world.js';

/**
 * The scale model's figures (docs/scale.md): one scheduled pass over N clusters × M annotated Services,
 * spread over zones of `clustersPerZone` clusters each (a Route 53 zone holds 10,000 record sets), timed
 * in this process while the sandbox (the AWS endpoint and every cluster's HTTPS API server) runs in a
 * child process — so CPU and memory are the reconciler's alone. Pass 1 creates every record, pass 2 is the
 * steady state (reads everything, changes nothing).
 *
 *   npx tsx bench/scale.ts --clusters 100,300,1000 --objects 50 [--json]
 */

export type { Shape };

export function scaleScenario(shape: Shape): Record<string, unknown> {
  const zones = Math.ceil(shape.clusters / shape.clustersPerZone);
  const zoneName = (z: number) => `z${z}.fleet.example.com`;
  const clusters = Array.from({ length: shape.clusters }, (_, c) => {
    const zone = zoneName(Math.floor(c / shape.clustersPerZone));
    return {
      name: `cluster-${String(c).padStart(4, '0')}`,
      region: 'eu-central-1',
      objects: Array.from({ length: shape.objects }, (_, s) => fleetService(c, s, zone)),
    };
  });
  return {
    config: { policy: 'sync', domainFilters: ['fleet.example.com'] },
    clusters,
    route53: { zones: Array.from({ length: zones }, (_, z) => ({ name: zoneName(z) })) },
  };
}

/** Child mode: serve the scenario's sandbox until told to stop (bench/rate-limited.ts uses it too). */
async function serve(shape: Shape): Promise<void> {
  const sandbox = await Sandbox.start(shape.throttle ? { throttle: shape.throttle } : {});
  const scenario = await parseScenario(scaleScenario(shape), process.cwd());
  await sandbox.load(scenario);
  process.send?.({ url: sandbox.url, config: scenario.config });
  process.on('message', async () => {
    await sandbox.close();
    process.exit(0);
  });
}

interface PassFigures {
  clusters: number;
  objects: number;
  zones: number;
  pass: number;
  changes: number;
  errors: number;
  wallMs: number;
  cpuMs: number;
  cpuMsPerCluster: number;
  wallMsPerCluster: number;
  heapPeakMiB: number;
  rssPeakMiB: number;
  route53Calls: number;
}

async function measure(shape: Shape): Promise<PassFigures[]> {
  const { config, aws, stop } = await startScaleWorld(shape);
  const out: PassFigures[] = [];
  for (const pass of [1, 2]) {
    const memory = memoryPeaks(20);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await reconcile(
      { trigger: 'schedule' },
      { config, aws, clock: systemClock, log: silentLog },
    );
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const { heapPeak, rssPeak } = memory.stop();
    const cpuMs = (used.user + used.system) / 1000;
    out.push({
      clusters: shape.clusters,
      objects: shape.objects,
      zones: Math.ceil(shape.clusters / shape.clustersPerZone),
      pass,
      changes: result.changes.length,
      errors: result.errors.length,
      wallMs: Math.round(wallMs),
      cpuMs: Math.round(cpuMs),
      cpuMsPerCluster: Number((cpuMs / shape.clusters).toFixed(2)),
      wallMsPerCluster: Number((wallMs / shape.clusters).toFixed(2)),
      heapPeakMiB: Math.round(heapPeak / 2 ** 20),
      rssPeakMiB: Math.round(rssPeak / 2 ** 20),
      route53Calls: result.route53?.calls ?? 0,
    });
  }
  await stop();
  return out;
}

/** Run as a script (not imported by bench/sharded-scale.ts for its scenario and sandbox child). */
async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'string' },
      clusters: { type: 'string', default: '100,300,1000' },
      objects: { type: 'string', default: '50' },
      'clusters-per-zone': { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
    },
  });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  if (values.serve) {
    await serve(JSON.parse(values.serve) as Shape);
  } else {
    const rows: PassFigures[] = [];
    for (const clusters of values.clusters.split(',').map(Number)) {
      const shape = {
        clusters,
        objects: Number(values.objects),
        clustersPerZone: Number(values['clusters-per-zone']),
      };
      const figures = await measure(shape);
      rows.push(...figures);
      if (!values.json) for (const f of figures) process.stderr.write(`${JSON.stringify(f)}\n`);
    }
    if (values.json) {
      console.log(
        JSON.stringify({ node: process.version, at: new Date().toISOString(), passes: rows }, null, 2),
      );
    } else {
      console.log(`node ${process.version}, ${new Date().toISOString()}`);
      console.log(
        '| clusters | objects each | zones | pass | changes | errors | wall ms | CPU ms | CPU ms / cluster | wall ms / cluster | heap peak MiB | RSS peak MiB | Route 53 calls |',
      );
      console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
      for (const r of rows) {
        console.log(
          `| ${r.clusters} | ${r.objects} | ${r.zones} | ${r.pass} | ${r.changes} | ${r.errors} | ${r.wallMs} | ${r.cpuMs} | ${r.cpuMsPerCluster} | ${r.wallMsPerCluster} | ${r.heapPeakMiB} | ${r.rssPeakMiB} | ${r.route53Calls} |`,
        );
      }
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await cli();
