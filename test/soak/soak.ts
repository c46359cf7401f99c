import { createScheduledHandler } from '../../functions/scheduled.js';
import { FAULT_KINDS, type FaultKind, type FaultRule } from '../../sandbox/faults.js';
import type { ZoneSnapshot } from '../../sandbox/sandbox.js';
import { Sandbox } from '../../sandbox/sandbox.js';
import { parseScenario } from '../../sandbox/scenario.js';
import { silentLog } from '../../shared/log.js';
import type { ReconcileDeps } from '../../shared/reconcile.js';
import type { KubernetesObject } from '../../shared/sources/objects.js';

/**
 * The soak: a fleet reconciled pass after pass while the sandbox injects random faults and the clusters
 * churn, with the trust invariants checked after every pass:
 *
 *   1. no record that was not ours changed (another owner's, or nobody's);
 *   2. no record of a live object deleted;
 *   3. once faults stop, the zones converge to exactly what the fleet wants within two passes.
 *
 * Seeded: the same seed gives the same world, churn and faults (the pass timing is the machine's).
 */

export interface SoakOptions {
  seed: number;
  /** Faulted passes in all; each cycle of `cycleLength` is followed by quiet passes until convergence. */
  passes: number;
  cycleLength?: number;
  clusters?: number;
  objectsPerCluster?: number;
  /** Faults per faulted pass, at most (0 to this, uniformly). */
  maxFaultsPerPass?: number;
  /** Called after every pass with a one-line progress note. */
  onProgress?: (line: string) => void;
  /**
   * Breaks the world after a faulted pass, before its checks (a test's way to show that the
   * invariants catch what they claim to).
   */
  sabotage?: (sandbox: Sandbox, pass: number) => void;
}

export interface SoakFigures {
  seed: number;
  clusters: number;
  zones: number;
  /** Every pass run: faulted plus quiet. */
  passes: number;
  faultedPasses: number;
  quietPasses: number;
  faultsInjected: Record<FaultKind, number>;
  /** Single invariant checks made (one per record or object examined, per pass). */
  invariantChecks: number;
  /** Violations found; the soak fails on the first, so this is 0 in a passing run. */
  violations: string[];
  /** Per cycle, the quiet passes it took to converge. */
  passesToConverge: number[];
  /** Clusters failed (and frozen) in faulted passes, summed over passes. */
  clusterFailures: number;
  durationMs: number;
}

const ZONES = ['example.com', 'example.net'];
const OURS = /^[a-z0-9-]+\.c\d+\.example\.(com|net)\.$/;
/**
 * Faulted passes run with short timeouts, so a hang costs little (a slow answer on a loaded machine then
 * fails a cluster too, which the invariants must survive as well); the passes that must converge run
 * with timeouts no loaded machine reaches.
 */
const FAULTED_TIMEOUTS = { connectMs: 250, awsRequestMs: 250, kubernetesRequestMs: 250 };
const QUIET_TIMEOUTS = { connectMs: 5_000, awsRequestMs: 5_000, kubernetesRequestMs: 5_000 };

/** A small seeded PRNG (mulberry32): stdlib has none with a seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface LiveObject {
  cluster: string;
  name: string;
  hostname: string;
  ip: string;
}

function service(o: LiveObject): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: o.name,
      namespace: 'soak',
      annotations: { 'external-dns.alpha.kubernetes.io/hostname': o.hostname },
    },
    spec: { type: 'LoadBalancer' },
    status: { loadBalancer: { ingress: [{ ip: o.ip }] } },
  };
}

type RecordView = ZoneSnapshot['records'][number];
const keyOf = (r: RecordView) => `${r.name} ${r.type} ${r.setIdentifier ?? ''}`;

export async function runSoak(options: SoakOptions): Promise<SoakFigures> {
  const started = performance.now();
  const rand = random(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const clusterCount = options.clusters ?? 4;
  const perCluster = options.objectsPerCluster ?? 8;
  const cycleLength = options.cycleLength ?? 10;
  const maxFaults = options.maxFaultsPerPass ?? 3;
  const clusterNames = Array.from({ length: clusterCount }, (_, i) => `c${i}`);

  let serial = 0;
  const ip = () => `198.51.100.${1 + Math.floor(rand() * 250)}`;
  const newObject = (cluster: string): LiveObject => {
    serial++;
    return { cluster, name: `svc-${serial}`, hostname: `h${serial}.${cluster}.${pick(ZONES)}`, ip: ip() };
  };
  const live = new Map<string, LiveObject>();
  for (const c of clusterNames) {
    for (let i = 0; i < perCluster; i++) {
      const o = newObject(c);
      live.set(`${c}/${o.name}`, o);
    }
  }
  // Records that are not ours: nobody's, and another owner's — one of them on a name c0 wants too.
  const otherTxt = (resource: string) =>
    `"heritage=external-dns,external-dns/owner=other-team,external-dns/resource=${resource}"`;
  const foreignZones = ZONES.map((zone) => ({
    name: zone,
    records: [
      { name: `manual.${zone}`, type: 'A', ttl: 300, values: ['192.0.2.1'] },
      { name: `www.${zone}`, type: 'CNAME', ttl: 300, values: [`manual.${zone}`] },
      { name: `taken.c0.${zone}`, type: 'A', ttl: 300, values: ['192.0.2.2'] },
      { name: `a-taken.c0.${zone}`, type: 'TXT', ttl: 300, values: [otherTxt('service/x/taken')] },
    ],
  }));
  const contested: LiveObject = {
    cluster: 'c0',
    name: 'contested',
    hostname: 'taken.c0.example.com',
    ip: ip(),
  };
  live.set('c0/contested', contested);

  const scenario = await parseScenario(
    {
      config: { domainFilters: ZONES },
      clusters: clusterNames.map((name) => ({ name, region: 'eu-central-1' })),
      route53: { zones: foreignZones },
    },
    process.cwd(),
  );
  const sandbox = await Sandbox.start();
  const figures: SoakFigures = {
    seed: options.seed,
    clusters: clusterCount,
    zones: ZONES.length,
    passes: 0,
    faultedPasses: 0,
    quietPasses: 0,
    faultsInjected: sandbox.faults.injected,
    invariantChecks: 0,
    violations: [],
    passesToConverge: [],
    clusterFailures: 0,
    durationMs: 0,
  };
  try {
    // The zones from the scenario; the clusters by hand, with pages of 3 so lists have second pages to fail.
    await sandbox.load({ ...scenario, clusters: [] });
    for (const c of clusterNames) {
      await sandbox.addCluster({ name: c, region: 'eu-central-1', objects: [] }, { maxPageSize: 3 });
    }
    for (const o of live.values()) sandbox.cluster(o.cluster).apply(service(o));
    const depsWith = (timeouts: typeof FAULTED_TIMEOUTS): ReconcileDeps => {
      const config = { ...scenario.config, timeouts: { ...scenario.config.timeouts, ...timeouts } };
      const aws = sandbox.awsClients('us-east-1', config.timeouts);
      return { config, aws, clock: sandbox.clock.clock, log: silentLog };
    };
    const faultedDeps = depsWith(FAULTED_TIMEOUTS);
    const quietDeps = depsWith(QUIET_TIMEOUTS);
    let faulted = false;
    const schedule = createScheduledHandler(() => (faulted ? faultedDeps : quietDeps));
    const pass = async () => {
      figures.passes++;
      return schedule({
        source: 'edge-reconciler.schedule',
        scheduledTime: sandbox.clock.now().toISOString(),
      });
    };

    const fail = (message: string) => {
      figures.violations.push(message);
      throw new Error(`soak seed ${options.seed}, pass ${figures.passes}: ${message}`);
    };
    const zones = () => sandbox.snapshot().zones;
    const records = (snapshot: ZoneSnapshot[]) => snapshot.flatMap((z) => z.records);

    /** Invariants 1 and 2, between the zones before a pass and after it. */
    const checkPass = (before: ZoneSnapshot[], after: ZoneSnapshot[]) => {
      const afterByKey = new Map(records(after).map((r) => [keyOf(r), r]));
      const beforeByKey = new Map(records(before).map((r) => [keyOf(r), r]));
      const foreign = (r: RecordView) =>
        !OURS.test(r.name) || r.name.startsWith('taken.') || r.name.startsWith('a-taken.');
      for (const r of records(before).filter(foreign)) {
        figures.invariantChecks++;
        if (JSON.stringify(afterByKey.get(keyOf(r))) !== JSON.stringify(r)) {
          fail(
            `a record not ours changed: ${keyOf(r)} ${JSON.stringify(r)} → ${JSON.stringify(afterByKey.get(keyOf(r)))}`,
          );
        }
      }
      for (const r of records(after).filter(foreign)) {
        figures.invariantChecks++;
        if (!beforeByKey.has(keyOf(r))) fail(`a record not ours appeared: ${keyOf(r)}`);
      }
      for (const o of live.values()) {
        figures.invariantChecks++;
        const key = `${o.hostname}. A `;
        if (beforeByKey.has(key) && !afterByKey.has(key))
          fail(`the record of live ${o.cluster}/${o.name} was deleted: ${key}`);
      }
    };

    /** Invariant 3's target: exactly the live objects' records, ours; the contested name stays the other team's. */
    const difference = (snapshot: ZoneSnapshot[]): string[] => {
      const want = new Map<string, string>();
      for (const o of live.values()) if (o !== contested) want.set(`${o.hostname}.`, o.ip);
      const have = new Map<string, string>();
      for (const r of records(snapshot)) {
        if (r.type === 'A' && OURS.test(r.name) && !r.name.startsWith('taken.'))
          have.set(r.name, r.values?.[0] ?? '');
      }
      figures.invariantChecks += want.size;
      const out: string[] = [];
      for (const [n, v] of want)
        if (have.get(n) !== v) out.push(`want ${n} ${v}, have ${have.get(n) ?? 'none'}`);
      for (const [n, v] of have) {
        if (want.has(n)) continue;
        const related = records(snapshot).filter((r) => r.name === n || r.name.endsWith(`-${n}`));
        out.push(`extra ${n} ${v}: ${JSON.stringify(related)}`);
      }
      return out;
    };
    const converged = (snapshot: ZoneSnapshot[]): boolean => difference(snapshot).length === 0;

    /** The objects the last churn added or changed: the names a pass is about to write. */
    let churned: LiveObject[] = [];
    const churn = () => {
      churned = [];
      for (const c of clusterNames) {
        const mine = [...live.values()].filter((o) => o.cluster === c && o !== contested);
        if (rand() < 0.3) {
          const o = newObject(c);
          live.set(`${c}/${o.name}`, o);
          sandbox.cluster(c).apply(service(o));
          churned.push(o);
        }
        if (rand() < 0.2 && mine.length > perCluster - 2) {
          const o = pick(mine);
          live.delete(`${c}/${o.name}`);
          sandbox.cluster(c).remove('Service', 'soak', o.name);
        }
        const still = mine.filter((o) => live.has(`${c}/${o.name}`));
        if (rand() < 0.2 && still.length > 0) {
          const o = pick(still);
          o.ip = ip();
          sandbox.cluster(c).apply(service(o));
          churned.push(o);
        }
      }
    };

    const randomFault = (): FaultRule => {
      const kind = pick(FAULT_KINDS);
      const cluster = pick(clusterNames);
      const once = { count: 1 + Math.floor(rand() * 2) };
      switch (kind) {
        case 'hang':
        case 'reset':
        case 'throttle':
        case '5xx': {
          const where = pick(['kubernetes', 'eks', 'route53'] as const);
          if (where === 'kubernetes') return { service: 'kubernetes', cluster, fault: kind, ...once };
          if (where === 'eks')
            return { service: 'eks', operation: 'DescribeCluster', cluster, fault: kind, ...once };
          const operation = pick(['ListHostedZones', 'ListResourceRecordSets', 'ChangeResourceRecordSets']);
          return { service: 'route53', operation, fault: kind, ...once };
        }
        case 'prior-request-not-complete':
          return { service: 'route53', operation: 'ChangeResourceRecordSets', fault: kind, ...once };
        case 'refuse':
          return {
            service: 'route53',
            fault: kind,
            name: pick(churned.length > 0 ? churned : [...live.values()]).hostname,
          };
        case 'second-page':
          return { service: 'kubernetes', cluster, operation: 'list services', fault: kind, ...once };
      }
    };

    // The first pass writes the fleet; it must converge too, before any fault.
    const first = await pass();
    if (!converged(zones())) {
      fail(
        `the fleet did not converge on the first, fault-free pass: ${JSON.stringify([...first.errors, ...first.warnings].map((e) => e.message))}`,
      );
    }

    while (figures.faultedPasses < options.passes) {
      const cycle = Math.min(cycleLength, options.passes - figures.faultedPasses);
      faulted = true;
      for (let i = 0; i < cycle; i++) {
        churn();
        sandbox.faults.clear();
        const n = Math.floor(rand() * (maxFaults + 1));
        for (let f = 0; f < n; f++) sandbox.faults.add(randomFault());
        const before = zones();
        const result = await pass();
        figures.faultedPasses++;
        figures.clusterFailures += result.clusters.filter((c) => c.status === 'failed').length;
        options.sabotage?.(sandbox, figures.passes);
        checkPass(before, zones());
        options.onProgress?.(
          `pass ${figures.passes}: ${result.durationMs} ms, ${n} fault rules (${[...sandbox.faults.rules()].map((r) => `${r.service} ${r.operation ?? ''} ${r.fault}`).join('; ')}), ${result.changes.length} changes, ${result.errors.length} errors`,
        );
      }
      // Faults stop; the world holds still: count the passes until the zones are what the fleet wants.
      sandbox.faults.clear();
      faulted = false;
      let quiet = 0;
      let lastQuiet: unknown;
      do {
        const before = zones();
        const result = await pass();
        lastQuiet = { errors: result.errors, warnings: result.warnings, held: result.heldDeletions };
        quiet++;
        figures.quietPasses++;
        checkPass(before, zones());
      } while (!converged(zones()) && quiet < 3);
      figures.passesToConverge.push(quiet);
      if (!converged(zones())) {
        fail(
          `no convergence within ${quiet} passes after the faults stopped: ${difference(zones()).join('; ')}; last pass: ${JSON.stringify(lastQuiet)}`,
        );
      }
      if (quiet > 2) fail(`convergence took ${quiet} passes after the faults stopped (at most 2)`);
    }
    return figures;
  } finally {
    figures.durationMs = Math.round(performance.now() - started);
    await sandbox.close();
  }
}

/** The figures as the README prints them. */
export function formatFigures(f: SoakFigures): string {
  const faults = Object.entries(f.faultsInjected)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const total = Object.values(f.faultsInjected).reduce((a, b) => a + b, 0);
  const histogram = new Map<number, number>();
  for (const n of f.passesToConverge) histogram.set(n, (histogram.get(n) ?? 0) + 1);
  const converge = [...histogram]
    .sort(([a], [b]) => a - b)
    .map(([passes, cycles]) => `${cycles} × ${passes} pass${passes === 1 ? '' : 'es'}`)
    .join(', ');
  return [
    `seed ${f.seed}: ${f.clusters} clusters, ${f.zones} zones`,
    `passes: ${f.passes} (${f.faultedPasses} with faults, ${f.quietPasses} after faults stopped)`,
    `faults injected: ${total} (${faults})`,
    `clusters failed and frozen in faulted passes: ${f.clusterFailures}`,
    `invariant checks: ${f.invariantChecks}, violations: ${f.violations.length}`,
    `passes to converge after faults stop: max ${Math.max(...f.passesToConverge)} (${converge})`,
    `time: ${(f.durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}
