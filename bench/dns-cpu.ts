import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type PlanInput, planChanges } from '../shared/dns/plan.js';
import { DomainFilter } from '../shared/endpoint/domain-filter.js';
import { type Endpoint, newEndpoint } from '../shared/endpoint/endpoint.js';
import {
  planRegistryChanges,
  type RegistryOptions,
  readOwnership,
  serializeOwnership,
} from '../shared/registry/txt.js';

/**
 * CPU of the pure DNS stages on large zones, without any I/O: the ownership read (`readOwnership`), the
 * planner (`planChanges`) and the registry diff (`planRegistryChanges`), at 10k/50k/100k/200k records
 * (half records, half their ownership TXTs, ten owners). Growth between sizes shows whether a stage is
 * linear. Each figure is the median of `--runs` runs after one warm-up run, in process CPU time (user +
 * system) and wall time.
 *
 *   npx tsx bench/dns-cpu.ts                  # the table
 *   npx tsx bench/dns-cpu.ts --sizes 100000   # one size
 *   npx tsx bench/dns-cpu.ts --json           # one JSON document
 *
 * The registry diff deletes 5% of the records (5,000 in a 100k zone, as issue 14 measured); the plan
 * keeps 94% of the records as they are, changes 1% and drops 5% (deletions), with the deletion guard open.
 */

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    runs: { type: 'string' },
    stages: { type: 'string' },
    json: { type: 'boolean' },
  },
  // bench/run.ts imports this module under its own flags (--rate-limited, ...): not ours to refuse.
  args: process.argv.slice(2).filter((a) => a !== '--rate-limited'),
});
const STAGES = new Set(
  values.stages ? values.stages.split(',') : ['readOwnership', 'planChanges', 'planRegistryChanges'],
);

const SIZES = values.sizes ? values.sizes.split(',').map(Number) : [10_000, 50_000, 100_000, 200_000];
const RUNS = Number(values.runs ?? 5);
const OWNERS = 10;
const REGISTRY: RegistryOptions = { prefix: '', suffix: '', wildcardReplacement: '', zone: 'example.com' };

export interface StageFigure {
  stage: 'readOwnership' | 'planChanges' | 'planRegistryChanges';
  records: number;
  cpuMs: number;
  wallMs: number;
}

/** `records` zone records: half A records, half the new-format ownership TXTs naming their owners. */
export function syntheticZone(records: number): Endpoint[] {
  const zone: Endpoint[] = [];
  for (let i = 0; i < records / 2; i++) {
    const owner = `cluster-${i % OWNERS}`;
    zone.push(
      newEndpoint(`r${i}.example.com`, 'A', [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], {
        ttl: 300,
      }),
    );
    zone.push(
      newEndpoint(
        `a-r${i}.example.com`,
        'TXT',
        [serializeOwnership({ owner, resource: `service/ns/r${i}` })],
        {
          ttl: 300,
        },
      ),
    );
  }
  return zone;
}

/** What the fleet wants of that zone: 94% as it is, 1% with a new target, 5% no more. */
function desiredOf(records: readonly Endpoint[]): Endpoint[] {
  const out: Endpoint[] = [];
  records.forEach((r, i) => {
    if (r.recordType !== 'A' || i % 20 === 0) return;
    const targets = i % 100 === 1 ? ['192.0.2.1'] : r.targets;
    out.push({ ...r, targets, labels: { owner: r.labels.owner!, resource: r.labels.resource! } });
  });
  return out;
}

function planInput(current: Endpoint[], desired: Endpoint[]): PlanInput {
  const owners = Array.from({ length: OWNERS }, (_, i) => `cluster-${i}`);
  return {
    current,
    desired,
    policy: 'sync',
    managedRecordTypes: ['A', 'AAAA', 'CNAME'],
    excludeRecordTypes: [],
    domainFilter: new DomainFilter({ domainFilters: ['example.com'] }),
    knownOwners: new Set(owners),
    frozenOwners: new Set(),
    held: [],
    deletionGuard: { maxShare: 0.5, minRecords: 4, allow: true },
  };
}

/** Median CPU and wall milliseconds of `runs` runs of `work`, after one warm-up run. */
function measure(work: () => unknown, runs: number): { cpuMs: number; wallMs: number } {
  work();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    work();
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - w0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { cpuMs: Math.round(median(cpu)), wallMs: Math.round(median(wall)) };
}

export function measureDnsCpu(sizes: readonly number[] = SIZES, runs = RUNS): StageFigure[] {
  const figures: StageFigure[] = [];
  for (const records of sizes) {
    const zone = syntheticZone(records);
    if (STAGES.has('readOwnership'))
      figures.push({
        stage: 'readOwnership',
        records,
        ...measure(() => readOwnership(zone, REGISTRY), runs),
      });
    const read = readOwnership(zone, REGISTRY);
    const input = planInput(read.records, desiredOf(read.records));
    if (STAGES.has('planChanges'))
      figures.push({ stage: 'planChanges', records, ...measure(() => planChanges(input), runs) });
    const deletions = read.records.filter((_, i) => i % 10 === 0);
    const plan = { create: [], updateOld: [], updateNew: [], delete: deletions };
    if (STAGES.has('planRegistryChanges'))
      figures.push({
        stage: 'planRegistryChanges',
        records,
        ...measure(() => planRegistryChanges(plan, read.registry, REGISTRY), runs),
      });
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = measureDnsCpu();
  if (values.json) {
    console.log(JSON.stringify({ node: process.version, runs: RUNS, figures }, null, 2));
  } else {
    console.log(`node ${process.version}, ${new Date().toISOString()}, median of ${RUNS} runs`);
    console.log('| stage | records | CPU ms | wall ms | × previous size (CPU) |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const f of figures) {
      const prev = figures.filter((g) => g.stage === f.stage && g.records < f.records).at(-1);
      const growth = prev
        ? `${(f.cpuMs / Math.max(prev.cpuMs, 1)).toFixed(1)} (size ×${f.records / prev.records})`
        : '';
      console.log(`| ${f.stage} | ${f.records} | ${f.cpuMs} | ${f.wallMs} | ${growth} |`);
    }
  }
}
