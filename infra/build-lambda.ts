import { buildLambda } from './lambda-bundle.js';

/**
 * Bundles one function into a directory (`index.mjs`, its `chunks/`, their source maps): what the stack's local
 * bundling runs during synth (infra/constructs/reconciler-function.ts), because the build needs an
 * esbuild plugin and the CDK's bundling step is synchronous.
 *
 *   npx tsx infra/build-lambda.ts <entry relative to the repository root> <output directory>
 */
const [entry, outdir] = process.argv.slice(2);
if (!entry || !outdir) {
  console.error('usage: tsx infra/build-lambda.ts <entry> <outdir>');
  process.exit(2);
}
await buildLambda({ projectRoot: process.cwd(), entry, outdir });
