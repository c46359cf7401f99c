import { join } from 'node:path';

/**
 * How the one deployed function is bundled: the stack's NodejsFunction builds it with these settings and
 * the benchmark (bench/bundle.ts) measures the same build. No CDK import here, so the bench can use it.
 */

/** The one deployed entry: every trigger invokes it. */
export const LAMBDA_ENTRY = 'functions/reconciler.ts';

/** ESM bundles of CommonJS dependencies still call `require`; this gives them one. */
export const REQUIRE_SHIM =
  "import{createRequire as __edgeCreateRequire}from'node:module';const require=__edgeCreateRequire(import.meta.url);";

/**
 * Packages the Lambda gets in a lighter form. The SDK clients import the whole default credential chain
 * (SSO, OIDC, sign-in, INI, process, web identity, instance metadata, and the nested clients they use);
 * in Lambda the role's credentials are in the environment, so only that provider is bundled.
 */
export function lambdaAliases(projectRoot: string): Record<string, string> {
  return { '@aws-sdk/credential-provider-node': join(projectRoot, 'functions/lambda-credentials.ts') };
}

/** The esbuild settings, in esbuild's own option names (the bench passes them to esbuild's API). */
export const LAMBDA_ESBUILD = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_SHIM },
} as const;
