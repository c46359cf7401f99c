import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { simulate } from '../functions/cli/simulate.js';
import { parseScenario } from '../sandbox/scenario.js';
import { fleetScenario } from './fleet-scenario.js';

/**
 * The fleet pass benchmark: wall time and API calls of a first pass (everything to create) and a second
 * (nothing to change) for generated fleets, through the same code path as `simulate`. Sandbox and
 * reconciler share this process, so times are upper bounds for the reconciler alone.
 *
 *   npm run bench                       # the default shapes
 *   npm run bench -- --clusters 100 --services 30 --existing 3000
 */
const { values } = parseArgs({
  options: {
    clusters: { type: 'string' },
    services: { type: 'string' },
    existing: { type: 'string' },
  },
});

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const shapes = values.clusters
  ? [
      {
        clusters: Number(values.clusters),
        servicesPerCluster: Number(values.services ?? 50),
        existingRecords: Number(values.existing ?? 3000),
      },
    ]
  : [
      { clusters: 1, servicesPerCluster: 50, existingRecords: 3000 },
      { clusters: 30, servicesPerCluster: 50, existingRecords: 3000 },
      { clusters: 100, servicesPerCluster: 20, existingRecords: 3000 },
    ];

console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.log(
  '| clusters | services | records before | wall ms (load + both passes) | pass | changes | ListResourceRecordSets | ChangeResourceRecordSets | k8s list calls |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const shape of shapes) {
  const scenario = await parseScenario(fleetScenario(shape), process.cwd());
  const started = performance.now();
  const outcome = await simulate(scenario, { rounds: 2, logLevel: 'error' });
  const total = performance.now() - started;
  for (const [i, pass] of outcome.passes.entries()) {
    const k8s = Object.values(pass.apiCalls.kubernetes ?? {}).reduce((a, b) => a + b, 0);
    console.log(
      `| ${shape.clusters} | ${shape.clusters * shape.servicesPerCluster} | ${shape.existingRecords} | ` +
        `${Math.round(total)} | ${i + 1} | ${pass.changes.length} | ` +
        `${pass.apiCalls.route53?.ListResourceRecordSets ?? 0} | ${pass.apiCalls.route53?.ChangeResourceRecordSets ?? 0} | ${k8s} |`,
    );
  }
}
