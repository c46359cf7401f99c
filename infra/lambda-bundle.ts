import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { type BuildResult, build, type Plugin } from 'esbuild';

/**
 * How the deployed functions are bundled. The stack builds each through `buildLambda` (run by
 * infra/build-lambda.ts during synth) and the benchmark (bench/bundle.ts) measures the same build, so the
 * figures are the deployed bundle's. No CDK import here, so the bench can use it.
 */

/** Each deployed function's entry (exports `handler`), relative to the repository root. */
export const LAMBDA_FUNCTIONS = {
  /** The reconciler: every trigger invokes it (reserved concurrency 1 keeps passes apart). */
  reconciler: 'functions/reconciler.ts',
  /** The member accounts' audit-log forwarder. */
  'audit-forwarder': 'functions/audit-forwarder.ts',
} as const;

export type LambdaFunctionName = keyof typeof LAMBDA_FUNCTIONS;

/** The reconciler's entry. */
export const LAMBDA_ENTRY = LAMBDA_FUNCTIONS.reconciler;

/** The bundle's entry file in the asset, and the handler setting that names its `handler` export. */
export const BUNDLE_FILE = 'index.mjs';
export const BUNDLE_HANDLER = 'index.handler';
/**
 * The folder of the entry's chunks (code splitting): code only reached through a dynamic `import()` (the
 * reconciler's sharded-pass stages) is a chunk a cold start does not load; code both sides use is a chunk
 * the entry imports statically.
 */
export const CHUNK_DIR = 'chunks';

/** With `sharding`: the stage worker (fleet, cluster shards, report) the state machine invokes. */
export const STAGE_WORKER_ENTRY = 'functions/pass-stages.ts';

/** ESM bundles of CommonJS dependencies still call `require`; this gives them one. */
export const REQUIRE_SHIM =
  "import{createRequire as __edgeCreateRequire}from'node:module';const require=__edgeCreateRequire(import.meta.url);";

/**
 * Modules the Lambda gets in a lighter form.
 * - The SDK clients import the whole default credential chain (SSO, OIDC, sign-in, INI, process, web
 *   identity, instance metadata, and the nested clients they use); in Lambda the role's credentials are
 *   in the environment, so only that provider is bundled.
 * - The Smithy protocols load the event-stream codec (about 15 KiB) for streaming operations; none of
 *   the operations the functions call streams.
 */
export function lambdaAliases(projectRoot: string): Record<string, string> {
  return {
    '@aws-sdk/credential-provider-node': join(projectRoot, 'functions/lambda-credentials.ts'),
    '@smithy/core/event-streams': join(projectRoot, 'functions/lambda-no-event-streams.ts'),
  };
}

/** The esbuild settings, in esbuild's own option names. */
export const LAMBDA_ESBUILD = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  // Every output file (entry and chunks) is its own ES module: each gets the shim.
  banner: { js: REQUIRE_SHIM },
  splitting: true,
  entryNames: 'index',
  chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
  outExtension: { '.js': '.mjs' },
  // Stack traces through source maps (NODE_OPTIONS=--enable-source-maps), one per output file, without
  // the sources' text.
  sourcemap: true,
  sourcesContent: false,
} as const;

/**
 * The AWS SDK clients' schema tables (`dist-es/schemas/schemas_0.js`) write trait keys as computed
 * properties (`{ [_hH]: _xA }`, where `const _hH = "httpHeader"`). esbuild cannot prove a computed key
 * free of side effects, so every schema with one is kept, and through it every schema it reaches: each
 * client bundled its whole service model (EKS 40 KiB, Route 53 37 KiB) for the few operations called.
 * Written as the string literals they are, the keys mean the same and the unused schemas drop out. Only
 * the files' own top-level string constants are substituted.
 */
export const literalSchemaTraitKeys: Plugin = {
  name: 'literal-schema-trait-keys',
  setup(b) {
    b.onLoad(
      { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/ },
      async (args) => {
        const source = await readFile(args.path, 'utf8');
        return { contents: literalTraitKeys(source), loader: 'js' };
      },
    );
  },
};

/** `{ [_hH]: x }` → `{ "httpHeader": x }` for the file's top-level `const _hH = "httpHeader";`. */
export function literalTraitKeys(source: string): string {
  const strings = new Map<string, string>();
  for (const [, name, value] of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)) {
    if (name && value) strings.set(name, value);
  }
  return source.replace(/([{,]\s*)\[(_\w+)\]:/g, (whole, before: string, name: string) => {
    const value = strings.get(name);
    return value === undefined ? whole : `${before}${value}:`;
  });
}

export interface LambdaBuild {
  projectRoot: string;
  /** The entry, relative to `projectRoot`. */
  entry: string;
  /** Where `index.mjs`, its chunks (`chunks/`) and their source maps go. */
  outdir: string;
  metafile?: boolean;
}

/** Bundles one function as it is deployed. */
export function buildLambda(opts: LambdaBuild): Promise<BuildResult<{ metafile: true }>> {
  return build({
    ...LAMBDA_ESBUILD,
    mainFields: [...LAMBDA_ESBUILD.mainFields],
    entryPoints: [join(opts.projectRoot, opts.entry)],
    outdir: opts.outdir,
    alias: lambdaAliases(opts.projectRoot),
    plugins: [literalSchemaTraitKeys],
    metafile: true,
    logLevel: 'warning',
  });
}

/** A built function's files (paths relative to its folder), as a cold start meets them. */
export interface BundleLoad {
  /** The entry and every chunk it imports statically, transitively: what a cold start loads. */
  coldStart: string[];
  /** Chunks only reached through a dynamic `import()`: loaded when an event needs them. */
  lazy: string[];
}

/** `import…from"./x.mjs"` and `import"./x.mjs"`, as esbuild writes static imports between outputs. */
const STATIC_RELATIVE_IMPORT = /\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.\.?\/[^"']+\.mjs)["']/g;

/**
 * Which of a built function's files a cold start loads: the entry and, transitively, the chunks it
 * imports statically; the other chunks are lazy. Read from the files themselves, so it holds for a
 * synthesized asset as for the benchmark's build.
 */
export function bundleLoad(dir: string): BundleLoad {
  const coldStart: string[] = [];
  const pending = [BUNDLE_FILE];
  while (pending.length > 0) {
    const file = pending.shift() as string;
    if (coldStart.includes(file)) continue;
    coldStart.push(file);
    const code = readFileSync(join(dir, file), 'utf8');
    for (const [, spec] of code.matchAll(STATIC_RELATIVE_IMPORT)) {
      if (spec) pending.push(posix.join(posix.dirname(file), spec));
    }
  }
  const chunks = readdirSync(join(dir, CHUNK_DIR))
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => posix.join(CHUNK_DIR, f));
  return { coldStart, lazy: chunks.filter((c) => !coldStart.includes(c)).sort() };
}
