import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** The bundle's file in the asset, and the handler setting that names its `handler` export. */
export const BUNDLE_FILE = 'index.mjs';
export const BUNDLE_HANDLER = 'index.handler';

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
  banner: { js: REQUIRE_SHIM },
  // Stack traces through source maps (NODE_OPTIONS=--enable-source-maps), without the sources' text.
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
  /** Where `index.mjs` and its source map go. */
  outdir: string;
  metafile?: boolean;
}

/** Bundles one function as it is deployed. */
export function buildLambda(opts: LambdaBuild): Promise<BuildResult<{ metafile: true }>> {
  return build({
    ...LAMBDA_ESBUILD,
    mainFields: [...LAMBDA_ESBUILD.mainFields],
    entryPoints: [join(opts.projectRoot, opts.entry)],
    outfile: join(opts.outdir, BUNDLE_FILE),
    alias: lambdaAliases(opts.projectRoot),
    plugins: [literalSchemaTraitKeys],
    metafile: true,
    logLevel: 'warning',
  });
}
