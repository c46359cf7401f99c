import { readFile } from 'node:fs/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { loadScenarioFile, ScenarioError } from '../sandbox/scenario.js';
import { rbacYaml } from '../shared/clusters/rbac.js';
import { ConfigError } from '../shared/config.js';
import type { PassProgress } from '../shared/progress.js';
import { AwsAccessError } from './cli/aws-access.js';
import { formatSimulation, styleFor } from './cli/format.js';
import { resync, runPass } from './cli/operate.js';
import { terminalProgress } from './cli/progress.js';
import { rbacConfig } from './cli/rbac.js';
import { serveSandbox } from './cli/serve-sandbox.js';
import { type SimulateOptions, simulateFile, simulationDocument } from './cli/simulate.js';
import { InvalidEventError } from './middleware.js';

/**
 * `npm run cli -- <command>`: the operator's entry point. Exit codes: 0 done, 2 bad input (scenario,
 * config, flags; the message names the field), 1 anything else.
 */

const HELP = `edge-reconciler — Route 53 records for a fleet of EKS clusters, reconciled from outside

Usage: npm run --silent cli -- <command> [options]

Commands:
  simulate <scenario.yaml>   load a scenario into the embedded sandbox and run reconcile passes
  start                      simulate examples/kargo.yaml and explain the outcome (what npm start runs)
  sandbox [scenario.yaml]    serve the sandbox on loopback; writes an env file and a kubeconfig
  plan                       a dry-run pass against real AWS (or AWS_ENDPOINT_URL): the diff, nothing written
  reconcile                  the same pass, applied
  resync                     ask the deployed reconciler for a pass (direct invoke or EventBridge event)
  rbac                       print the ClusterRole + binding that let the reconciler list what its sources read

Run a command with --help for its options; --version prints the version.`;

const SIMULATE_HELP = `Usage: npm run --silent cli -- simulate <scenario.yaml> [--rounds N] [--advance <duration>] [--json]

Loads the scenario (format: docs/scenarios.md) into the sandbox and runs N scheduled passes through the same
code path as the deployed Lambda.

Options:
  --rounds N            passes to run (default 1)
  --advance <duration>  move the sandbox clock by this much before each pass after the first (10m, 2d, ...)
  --json                print exactly one JSON document on stdout (logs go to stderr)
  --verbose             log at debug level on stderr`;

class UsageError extends Error {}

/** The package's version, read from package.json next to the sources. */
async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

/** `--clusters a, b` → ['a', 'b']. */
function commaList(text: string): string[] {
  return text
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
}

/** parseArgs with our usage error: a bad flag exits 2 with the command's help. */
function flags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, help: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${help}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'simulate':
      return simulateCommand(rest);
    case 'start':
      return startCommand(rest);
    case 'sandbox':
      return sandboxCommand(rest);
    case 'plan':
      return passCommand(rest, false);
    case 'reconcile':
      return passCommand(rest, true);
    case 'resync':
      return resyncCommand(rest);
    case 'rbac':
      return rbacCommand(rest);
    case '--version':
    case '-v':
    case 'version':
      process.stdout.write(`edge-reconciler ${await version()}\n`);
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${HELP}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
  }
}

function simulateFlags(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        rounds: { type: 'string' },
        advance: { type: 'string' },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function simulateOptions(values: ReturnType<typeof simulateFlags>['values']): SimulateOptions {
  const rounds = Number(values.rounds ?? '1');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000) {
    throw new UsageError(`--rounds: "${values.rounds}" is not a whole number from 1 to 1000`);
  }
  return {
    rounds,
    ...(values.advance !== undefined ? { advance: values.advance } : {}),
    // The human output tells the pass itself; its log lines would only repeat it on stderr.
    logLevel: values.verbose ? 'debug' : values.json ? 'warn' : 'error',
  };
}

async function simulateCommand(args: string[]): Promise<number> {
  const { values, positionals } = simulateFlags(args);
  if (values.help) {
    process.stdout.write(`${SIMULATE_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`simulate takes one scenario file\n\n${SIMULATE_HELP}`);
  const options = simulateOptions(values);
  const outcome = await withProgress((progress) =>
    simulateFile(positionals[0] as string, { ...options, ...(progress ? { progress } : {}) }),
  );
  process.stdout.write(
    values.json
      ? `${JSON.stringify(simulationDocument(outcome), null, 2)}\n`
      : formatSimulation(outcome, { style: styleFor(process.stdout) }),
  );
  return 0;
}

async function startCommand(args: string[]): Promise<number> {
  const { values } = simulateFlags(args);
  if (values.help) {
    process.stdout.write(
      'Usage: npm start\n\nSimulates examples/kargo.yaml in the embedded sandbox and explains the outcome.\n',
    );
    return 0;
  }
  const file = new URL('../examples/kargo.yaml', import.meta.url).pathname;
  const options = simulateOptions({ ...values, rounds: values.rounds ?? '2' });
  const outcome = await withProgress((progress) =>
    simulateFile(file, {
      ...options,
      logLevel: values.verbose ? 'debug' : 'error',
      ...(progress ? { progress } : {}),
    }),
  );
  process.stdout.write(
    formatSimulation(outcome, { title: 'examples/kargo.yaml', style: styleFor(process.stdout) }),
  );
  return 0;
}

/** Runs a pass (or a simulation) with its progress on a terminal's stderr, cleared before the result prints. */
async function withProgress<T>(work: (progress?: PassProgress) => Promise<T>): Promise<T> {
  const progress = terminalProgress();
  try {
    return await work(progress);
  } finally {
    progress?.done();
  }
}

const RBAC_HELP = `Usage: npm run --silent cli -- rbac [--config file.yaml]

Prints the ClusterRole that lets the reconciler list exactly the kinds its enabled sources read, and the
ClusterRoleBinding to the group its EKS access entry puts it in, as YAML for kubectl:

  npm run --silent cli -- rbac --config edge-reconciler.config.yaml | kubectl apply -f -

Options:
  --config <file>  the deploy file or a reconciler config (YAML/JSON); default: EDGE_RECONCILER_CONFIG(_FILE)`;

async function rbacCommand(args: string[]): Promise<number> {
  const { values, positionals } = flags(
    args,
    { config: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    RBAC_HELP,
  );
  if (values.help) {
    process.stdout.write(`${RBAC_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`rbac takes no arguments\n\n${RBAC_HELP}`);
  process.stdout.write(rbacYaml(rbacConfig(values.config)));
  return 0;
}

// The SDK's notice that its 2027 releases need Node 22 is for whoever pins versions (we do), not for a
// person reading a simulation.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SANDBOX_HELP = `Usage: npm run --silent cli -- sandbox [scenario.yaml] [--dir .sandbox]

Serves the sandbox (AWS endpoint + one Kubernetes API server per cluster) on 127.0.0.1 until
interrupted, loaded with the scenario if one is given. Writes <dir>/env (source it: the AWS CLI and SDK
then talk to the sandbox) and <dir>/kubeconfig (one context per cluster; needs the AWS CLI v2 for
'aws eks get-token').

Options:
  --dir <path>   where to write env and kubeconfig (default .sandbox)`;

const PASS_HELP = (
  apply: boolean,
) => `Usage: npm run --silent cli -- ${apply ? 'reconcile' : 'plan'} [--config file.yaml] [--clusters a,b] [--context ctx ...] [--kubeconfig path] [--json]

${apply ? 'Runs one pass and applies it' : 'Runs one pass as a dry run and prints the diff; nothing is written'}. AWS access comes from the
standard variables (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ROUTE_53, ...).

Options:
  --config <file>      the reconciler config (YAML/JSON); default: EDGE_RECONCILER_CONFIG(_FILE)
  --clusters a,b       only these clusters (by name)
  --context <name>     take a cluster from a kubeconfig context instead of the config list (repeatable);
                       its EKS name and region come from the user's 'aws eks get-token' args
  --kubeconfig <path>  default: $KUBECONFIG or ~/.kube/config
  --json               print the pass result as JSON
  --verbose            log at debug level on stderr`;

async function passCommand(args: string[], apply: boolean): Promise<number> {
  const v = flags(
    args,
    {
      config: { type: 'string' },
      clusters: { type: 'string' },
      context: { type: 'string', multiple: true },
      kubeconfig: { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    PASS_HELP(apply),
  ).values;
  if (v.help) {
    process.stdout.write(`${PASS_HELP(apply)}\n`);
    return 0;
  }
  const { result, text } = await withProgress((progress) =>
    runPass({
      apply,
      json: v.json ?? false,
      verbose: v.verbose ?? false,
      ...(v.config ? { config: v.config } : {}),
      ...(v.clusters ? { clusters: commaList(v.clusters) } : {}),
      ...(v.context ? { contexts: v.context } : {}),
      ...(v.kubeconfig ? { kubeconfig: v.kubeconfig } : {}),
      ...(progress ? { progress } : {}),
    }),
  );
  process.stdout.write(v.json ? `${JSON.stringify(result, null, 2)}\n` : text);
  return result.errors.length > 0 ? 1 : 0;
}

const RESYNC_HELP = `Usage: npm run --silent cli -- resync (--function-name <name> | --event-bus <bus>) [--clusters a,b] [--dry-run] [--reason text]

Asks the deployed reconciler for a pass. With --function-name: a direct invoke of the manual-resync
function, printing its result. With --event-bus: a "Resync Requested" event (source edge-reconciler)
on that bus ("default" for the default bus). The payload is validated before it is sent.`;

async function resyncCommand(args: string[]): Promise<number> {
  const v = flags(
    args,
    {
      'function-name': { type: 'string' },
      'event-bus': { type: 'string' },
      clusters: { type: 'string' },
      'dry-run': { type: 'boolean' },
      reason: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    RESYNC_HELP,
  ).values;
  if (v.help) {
    process.stdout.write(`${RESYNC_HELP}\n`);
    return 0;
  }
  if (!v['function-name'] === !v['event-bus']) {
    throw new UsageError(`resync: give exactly one of --function-name or --event-bus\n\n${RESYNC_HELP}`);
  }
  const out = await resync({
    ...(v['function-name'] ? { functionName: v['function-name'] } : {}),
    ...(v['event-bus'] ? { eventBus: v['event-bus'] } : {}),
    ...(v.clusters ? { clusters: commaList(v.clusters) } : {}),
    ...(v['dry-run'] !== undefined ? { dryRun: v['dry-run'] } : {}),
    ...(v.reason ? { reason: v.reason } : {}),
    ...(v.region ? { region: v.region } : {}),
  });
  process.stdout.write(`${out}\n`);
  return 0;
}

async function sandboxCommand(args: string[]): Promise<number> {
  let parsed: { values: { dir?: string; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { dir: { type: 'string', default: '.sandbox' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(`${SANDBOX_HELP}\n`);
    return 0;
  }
  if (parsed.positionals.length > 1)
    throw new UsageError(`sandbox takes at most one scenario file\n\n${SANDBOX_HELP}`);
  const file = parsed.positionals[0];
  const scenario = file ? await loadScenarioFile(file) : undefined;
  const served = await serveSandbox(scenario, parsed.values.dir ?? '.sandbox');
  process.stdout.write(
    [
      `sandbox ready: AWS endpoint ${served.sandbox.url}`,
      ...[...served.sandbox.clusters.values()].map((c) => `  cluster ${c.clusterName}: ${c.url}`),
      `  env:        ${served.envFile}   (source it)`,
      `  kubeconfig: ${served.kubeconfig}`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await served.sandbox.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const bad =
      err instanceof UsageError ||
      err instanceof ScenarioError ||
      err instanceof ConfigError ||
      err instanceof InvalidEventError ||
      err instanceof AwsAccessError;
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (!bad && err instanceof Error && err.stack && process.env.DEBUG)
      process.stderr.write(`${err.stack}\n`);
    process.exitCode = bad ? 2 : 1;
  },
);
