import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import {
  BUNDLE_FILE,
  buildLambda,
  bundleLoad,
  LAMBDA_FUNCTIONS,
  type LambdaFunctionName,
} from '../infra/lambda-bundle.js';

/**
 * Each deployed function's bundle, built as the stack builds it (infra/lambda-bundle.ts `buildLambda`,
 * code splitting), and what a cold start pays to import it: each run is a fresh `node` that imports the
 * entry once, which loads the entry and the chunks it imports statically; the lazy chunks (dynamic
 * `import()`) are counted apart.
 *
 *   npx tsx bench/bundle.ts [--runs 9]
 */
export interface BundleFigures {
  function: LambdaFunctionName;
  entry: string;
  /** What a cold start loads: the entry and its static chunks. */
  rawBytes: number;
  rawKiB: number;
  gzipBytes: number;
  coldStartFiles: { file: string; bytes: number }[];
  /** Chunks loaded only when an event needs them, and their total. */
  lazyChunks: { file: string; bytes: number; largest: { from: string; bytes: number }[] }[];
  lazyKiB: number;
  /** The whole asset's code (cold start + lazy), for comparison with the single-file bundle. */
  totalKiB: number;
  /** Bytes a cold start loads per package (or our own top folder), largest first. */
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
    const load = bundleLoad(dir);
    const outputs = outputsByFile(result.metafile, dir);
    // The files' own static imports (what the stack test reads) and esbuild's record must agree.
    const fromMetafile = staticClosure(outputs, BUNDLE_FILE);
    if (JSON.stringify([...fromMetafile].sort()) !== JSON.stringify([...load.coldStart].sort())) {
      throw new Error(`cold-start files disagree: ${load.coldStart} vs metafile ${[...fromMetafile]}`);
    }
    const coldCode = Buffer.concat(load.coldStart.map((f) => readFileSync(join(dir, f))));
    const lazyChunks = load.lazy.map((file) => ({
      file,
      bytes: readFileSync(join(dir, file)).length,
      largest: largestOrigins([outputs.get(file)]).slice(0, 5),
    }));
    const lazyBytes = lazyChunks.reduce((sum, c) => sum + c.bytes, 0);
    return {
      function: name,
      entry,
      rawBytes: coldCode.length,
      rawKiB: kib(coldCode.length),
      gzipBytes: load.coldStart.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f))).length, 0),
      coldStartFiles: load.coldStart.map((file) => ({ file, bytes: readFileSync(join(dir, file)).length })),
      lazyChunks,
      lazyKiB: kib(lazyBytes),
      totalKiB: kib(coldCode.length + lazyBytes),
      largest: largestOrigins(load.coldStart.map((f) => outputs.get(f))).slice(0, 15),
      coldImportMs: coldImports(outfile, runs, []),
      coldImportWithSourceMapsMs: coldImports(outfile, runs, ['--enable-source-maps']),
      node: process.version,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Output = Metafile['outputs'][string];

/** The metafile's outputs keyed by their path relative to the build's folder (imports likewise). */
function outputsByFile(metafile: Metafile, dir: string): Map<string, Output> {
  const rel = (path: string) => relative(dir, resolve(path)).split('\\').join('/');
  const out = new Map<string, Output>();
  for (const [path, output] of Object.entries(metafile.outputs)) {
    out.set(rel(path), { ...output, imports: output.imports.map((i) => ({ ...i, path: rel(i.path) })) });
  }
  return out;
}

/** The entry and the outputs it imports statically, transitively, by esbuild's record. */
function staticClosure(outputs: Map<string, Output>, entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const i of outputs.get(file)?.imports ?? []) {
      if (i.kind === 'import-statement' && outputs.has(i.path)) pending.push(i.path);
    }
  }
  return seen;
}

function largestOrigins(outputs: (Output | undefined)[]): { from: string; bytes: number }[] {
  const byOrigin = new Map<string, number>();
  for (const output of outputs) {
    for (const [path, input] of Object.entries(output?.inputs ?? {})) {
      const pkg = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
      const from = pkg ?? path.split('/').slice(0, 2).join('/');
      byOrigin.set(from, (byOrigin.get(from) ?? 0) + input.bytesInOutput);
    }
  }
  return [...byOrigin].sort((a, b) => b[1] - a[1]).map(([from, bytes]) => ({ from, bytes }));
}

function kib(bytes: number): number {
  return Math.round((bytes / 1024) * 10) / 10;
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
