import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  BUNDLE_FILE,
  buildLambda,
  LAMBDA_FUNCTIONS,
  type LambdaFunctionName,
} from '../infra/lambda-bundle.js';

/**
 * Each deployed function's bundle, built as the stack builds it (infra/lambda-bundle.ts `buildLambda`),
 * and what a cold start pays to import it: each run is a fresh `node` that imports the bundle once.
 *
 *   npx tsx bench/bundle.ts [--runs 9]
 */
export interface BundleFigures {
  function: LambdaFunctionName;
  entry: string;
  rawBytes: number;
  rawKiB: number;
  gzipBytes: number;
  /** Bytes in the bundle per package (or our own top folder), largest first. */
  largest: { from: string; bytes: number }[];
  /** Wall and CPU (user + system) time of the import; CPU is the steadier figure on a shared machine. */
  coldImportMs: ColdImport;
  /** The same with `--enable-source-maps`, as the deployed function runs (NODE_OPTIONS). */
  coldImportWithSourceMapsMs: ColdImport;
  node: string;
}

/** Every deployed function, reconciler first. */
export async function measureBundles(runs = 9): Promise<BundleFigures[]> {
  const out: BundleFigures[] = [];
  for (const name of Object.keys(LAMBDA_FUNCTIONS) as LambdaFunctionName[]) {
    out.push(await measureBundle(name, runs));
  }
  return out;
}

export async function measureBundle(name: LambdaFunctionName, runs = 9): Promise<BundleFigures> {
  const root = resolve(import.meta.dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), 'edge-reconciler-bundle-'));
  try {
    const entry = LAMBDA_FUNCTIONS[name];
    const result = await buildLambda({ projectRoot: root, entry, outdir: dir });
    const outfile = join(dir, BUNDLE_FILE);
    const code = readFileSync(outfile);
    const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
    const byOrigin = new Map<string, number>();
    for (const [path, input] of Object.entries(output?.inputs ?? {})) {
      const pkg = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
      const from = pkg ?? path.split('/').slice(0, 2).join('/');
      byOrigin.set(from, (byOrigin.get(from) ?? 0) + input.bytesInOutput);
    }
    return {
      function: name,
      entry,
      rawBytes: code.length,
      rawKiB: Math.round((code.length / 1024) * 10) / 10,
      gzipBytes: gzipSync(code).length,
      largest: [...byOrigin]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([from, bytes]) => ({ from, bytes })),
      coldImportMs: coldImports(outfile, runs, []),
      coldImportWithSourceMapsMs: coldImports(outfile, runs, ['--enable-source-maps']),
      node: process.version,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ColdImport {
  wallMedian: number;
  cpuMedian: number;
  wall: number[];
  cpu: number[];
}

/** Each run a fresh `node` importing the bundle once, timed inside that process. */
function coldImports(file: string, runs: number, flags: string[]): ColdImport {
  const wall: number[] = [];
  const cpu: number[] = [];
  const script =
    'const c=process.cpuUsage();const t=performance.now();await import(process.argv[1]);' +
    'const u=process.cpuUsage(c);console.log(performance.now()-t,(u.user+u.system)/1000)';
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script, file], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' },
    });
    if (run.status !== 0) throw new Error(`importing the bundle failed: ${run.stderr}`);
    const [w, c] = run.stdout.trim().split(' ').map(Number);
    wall.push(round(w ?? 0));
    cpu.push(round(c ?? 0));
  }
  return { wallMedian: median(wall), cpuMedian: median(cpu), wall, cpu };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 9;
  console.log(JSON.stringify(await measureBundles(runs), null, 2));
}
