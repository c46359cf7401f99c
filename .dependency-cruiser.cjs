/**
 * The layering DESIGN.md asks for, checked on every `npm test` (`npm run layers`). Each rule names the
 * design sentence it enforces; a violation fails the build with the importing and imported module.
 *
 * The Lambda's entry point is functions/reconciler.ts (infra/stack.ts FUNCTION_ENTRY): whatever it reaches
 * through static imports is what esbuild puts in the bundle.
 */
const LAMBDA_ENTRY = '^functions/reconciler[.]ts$';

/** Code and packages only the CLI, the sandbox, the CDK app and the tests need: never in the Lambda. */
const NOT_IN_LAMBDA = [
  '^sandbox/',
  '^functions/cli([.]ts$|/)',
  '^infra/',
  '^(bench|scripts|test)/',
  '^node_modules/(yaml|@peculiar/x509|reflect-metadata|fast-xml-parser|@nodable/entities|@aws-sdk/client-lambda|aws-cdk-lib|aws-cdk|constructs|cdk-nag|esbuild|tsx|vitest|fast-check|ajv)/',
  // zod's classic API bundles all of zod; the Lambda's schemas use zod/mini through shared/zod.ts.
  '^node_modules/zod/(index[.]|v4/classic/)',
];

/**
 * What the CDK app may take from shared/: the config (its types and parser) and the declarative tables
 * the stack is generated from (source reads, the RBAC group, registry names, certificate tags, record
 * types). Never the pass, its AWS clients or a stage's logic.
 */
const INFRA_MAY_IMPORT =
  '^shared/(config[.]ts|endpoint/endpoint[.]ts|sources/(api-resources|reads|definition)[.]ts|clusters/rbac[.]ts|registry/txt-names[.]ts|certificates/tags[.]ts)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-stays-inside',
      comment:
        'DESIGN: shared/ must never import functions/, infra/ or sandbox/ (nor bench/, scripts/, test/).',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(functions|infra|sandbox|bench|scripts|test)/' },
    },
    {
      name: 'sources-never-dns',
      comment: 'DESIGN: a source turns Kubernetes objects into endpoints; it never imports the DNS stage.',
      severity: 'error',
      from: { path: '^shared/sources/' },
      to: { path: '^shared/dns/' },
    },
    {
      name: 'dns-never-certificates',
      comment:
        'DESIGN: the DNS stage never imports the certificate stage (validation CNAMEs reach it as endpoints).',
      severity: 'error',
      from: { path: '^shared/dns/' },
      to: { path: '^shared/certificates/' },
    },
    {
      name: 'planners-never-aws',
      comment: 'DESIGN: the planners are pure; they never reach an AWS SDK client or the Smithy runtime.',
      severity: 'error',
      from: { path: '^shared/(dns|certificates)/plan[.]ts$' },
      to: { path: '^node_modules/(@aws-sdk|@smithy)/', reachable: true },
    },
    {
      name: 'infra-takes-declarations-only',
      comment: 'DESIGN: infra/ takes the config and the declarative tables from shared/, never the pass.',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^shared/', pathNot: INFRA_MAY_IMPORT },
    },
    {
      name: 'only-cli-reaches-sandbox',
      comment: 'DESIGN: only the CLI and the tests reach sandbox/; handlers and the CDK app never do.',
      severity: 'error',
      from: { path: '^(functions|infra)/', pathNot: '^functions/cli([.]ts$|/)' },
      to: { path: '^sandbox/' },
    },
    {
      name: 'lambda-bundle-lean',
      comment:
        'The Lambda bundle holds the pass only: no sandbox, CLI, CDK or test code and no package only they need.',
      severity: 'error',
      from: { path: LAMBDA_ENTRY },
      to: { path: NOT_IN_LAMBDA, reachable: true },
    },
    {
      name: 'public-aws-sdk-only',
      comment:
        'Only the AWS SDK clients, the environment credential provider and the Smithy packages they document are used; @aws-sdk/xml-builder, core and the like are SDK internals.',
      severity: 'error',
      from: {},
      to: {
        path: '^node_modules/@aws-sdk/',
        pathNot: '^node_modules/@aws-sdk/(client-[^/]+|credential-provider-env)/',
      },
    },
    {
      name: 'no-module-cycles',
      comment: 'Two modules that import each other (directly or round a loop) are one module in two files.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders form layers: if a folder imports another, nothing in the other leads back.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: '^node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: {
      archi: { collapsePattern: '^(shared/[^/]+|[^/]+)/' },
    },
  },
};
