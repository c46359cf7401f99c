import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { simulate, simulateFile } from '../functions/cli/simulate.js';
import { parseScenario } from '../sandbox/scenario.js';
import { measureBundles } from './bundle.js';
import { fleetScenario } from './fleet-scenario.js';
import { measureRateLimited, rateLimitedTable } from './rate-limited.js';
import { EXTERNAL_DNS_MODEL, measureRoute53, type Route53Row, WRITE_FORMULA } from './route53-calls.js';

/**
 * The benchmarks (never timed tests; figures and the commands that made them: bench/RESULTS.md).
 *
 *   npm run bench                                   # fleet passes, markdown table
 *   npm run bench -- --clusters 100 --services 30 --existing 3000
 *   npm run bench -- --route53                      # Route 53 calls beside ExternalDNS, markdown table
 *   npm run --silent bench -- --json                # every figure as one JSON document on stdout
 *   npm run bench -- --rate-limited                 # 1,000 clusters × 50 under Route 53's rate (minutes)
 *   npm run --silent bench -- --json --rate-limited # the JSON document with that pass in it too
 */
const { values } = parseArgs({
  options: {
    clusters: { type: 'string' },
    services: { type: 'string' },
    existing: { type: 'string' },
    route53: { type: 'boolean' },
    json: { type: 'boolean' },
    'rate-limited': { type: 'boolean' },
  },
});

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const FLEETS = [1, 10, 100, 1000];
const ZONES = [1000, 10000];

if (values.json) {
  const memory = peakMemory();
  const route53: Route53Row[] = [];
  for (const zoneRecords of ZONES)
    for (const clusters of FLEETS) route53.push(await measureRoute53(clusters, zoneRecords));
  const bundle = await measureBundles();
  // Imported here: its own flags are parsed when it loads, and `--json` is one of them.
  const { measureDnsCpu } = await import('./dns-cpu.js');
  const dnsCpu = measureDnsCpu();
  const { measureAuditReads } = await import('./audit-reads.js');
  const auditReads = await measureAuditReads();
  const { measureZoneCache } = await import('./zone-cache.js');
  const zoneCache = await measureZoneCache();
  const zoneListings = await listHostedZonesPerPass('examples/certificates.yaml');
  const { measureAddresses, ADDRESS_SHAPES } = await import('./service-addresses.js');
  const serviceAddresses = [];
  for (const shape of ADDRESS_SHAPES) serviceAddresses.push(await measureAddresses(shape));
  const { sandboxShare } = await import('./sandbox-share.js');
  const sandbox = sandboxShare(['--clusters', '300', '--services', '10', '--existing', '3000']);
  // A few minutes (the rate sets the pace), so only when asked; its sandbox is a child process.
  const rateLimited = values['rate-limited'] ? await measureRateLimited() : undefined;
  process.stdout.write(
    `${JSON.stringify(
      {
        machine: { node: process.version, date: new Date().toISOString() },
        route53: {
          scheduleMinutes: 5,
          fleet: 'one annotated Service (an A record and its ownership TXT) per cluster, all in one zone',
          externalDnsModel: EXTERNAL_DNS_MODEL,
          writeFormula: WRITE_FORMULA,
          rows: route53,
        },
        dnsCpu: {
          what: 'CPU of readOwnership, planChanges, planRegistryChanges on generated zones (bench/dns-cpu.ts)',
          figures: dnsCpu,
        },
        bundle,
        auditReads: {
          what: "Route 53 calls of an audit event's partial pass by zone size and names touched (bench/audit-reads.ts)",
          figures: auditReads,
        },
        zoneCache: {
          what: 'zoneCacheSeconds: reads per hour and drift window (bench/zone-cache.ts)',
          figures: zoneCache,
        },
        listHostedZonesPerPass: {
          what: 'ListHostedZones per pass with certificates on: simulate examples/certificates.yaml --rounds 3 --advance 1m',
          passes: zoneListings,
        },
        serviceAddresses: {
          what: 'Kubernetes list calls per steady pass that NodePort and headless Services add: Nodes, EndpointSlices (bench/service-addresses.ts)',
          rows: serviceAddresses,
        },
        sandboxShare: {
          what: "share of the fleet benchmark's CPU profile samples in sandbox/aws/ (bench/sandbox-share.ts)",
          ...sandbox,
        },
        ...(rateLimited
          ? {
              rateLimited: {
                what: "one fleet pass under Route 53's account rate (sandbox token bucket) against the floor it sets (bench/rate-limited.ts)",
                floor: '(Route 53 requests answered − burst) ÷ rate per second',
                ...rateLimited,
              },
            }
          : {}),
        peakMemory: memory.stop(),
      },
      null,
      2,
    )}\n`,
  );
} else if (values['rate-limited']) {
  console.log(rateLimitedTable(await measureRateLimited()).join('\n'));
} else if (values.route53) {
  console.log(
    `node ${process.version}, ${new Date().toISOString()}; steady pass = pass 2; schedule every 5 min`,
  );
  console.log(
    '| clusters | zone records | steady Route 53 calls/pass | /hour | ExternalDNS per cluster /hour | ratio | pass-1 changes | batches (formula ≥) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const zoneRecords of ZONES) {
    for (const clusters of FLEETS) {
      const r = await measureRoute53(clusters, zoneRecords);
      console.log(
        `| ${r.clusters} | ${r.recordsAfterPass1} | ${r.steadyCallsPerPass} (${Object.entries(r.steadyPass)
          .map(([op, n]) => `${op} ${n}`)
          .join(', ')}) | ${r.steadyCallsPerHour} | ${r.externalDns.callsPerHour} | ${r.ratio} | ` +
          `${r.writes.changes} | ${r.writes.observedBatches} (≥ ${r.writes.formulaBatches}) |`,
      );
    }
  }
} else {
  await fleetPasses();
}

/** ListHostedZones each pass of a scenario makes (issue 14: one per pass, shared by both stages). */
async function listHostedZonesPerPass(file: string): Promise<number[]> {
  const outcome = await simulateFile(file, { rounds: 3, advance: '1m', logLevel: 'error' });
  return outcome.passes.map((p) => p.apiCalls.route53?.ListHostedZones ?? 0);
}

/** The fleet pass benchmark: wall time and API calls of a first pass and a second, for generated fleets. */
async function fleetPasses(): Promise<void> {
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
}

/** The process's peak resident set and the largest JS heap seen (sampled every 20 ms). */
function peakMemory() {
  let heapUsed = 0;
  const timer = setInterval(() => {
    heapUsed = Math.max(heapUsed, process.memoryUsage().heapUsed);
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
      return {
        note: 'whole bench process: the reconciler and the sandbox it runs against share it',
        maxRssMiB: mib(process.resourceUsage().maxRSS * 1024),
        maxHeapUsedMiB: mib(Math.max(heapUsed, process.memoryUsage().heapUsed)),
      };
    },
  };
}
