import type { ApiCallCounts } from '../../sandbox/calls.js';
import { Sandbox, type SandboxSnapshot, type ZoneSnapshot } from '../../sandbox/sandbox.js';
import {
  configuredConfig,
  loadScenarioFile,
  parseDuration,
  type Scenario,
  ScenarioError,
  type ScenarioTrigger,
} from '../../sandbox/scenario.js';
import { streamLog } from '../../shared/log.js';
import type { PassProgress } from '../../shared/progress.js';
import type { PassResult, ReconcileDeps } from '../../shared/reconcile.js';
import { runTrigger } from './triggers.js';

export interface SimulateOptions {
  rounds: number;
  advance?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Told as each pass lists its clusters and reads its zones. */
  progress?: PassProgress;
}

/** One entry of `passes` in docs/scenarios.md's output. */
export interface SimulatedPass {
  trigger: string;
  changes: PassResult['changes'];
  clusters: PassResult['clusters'];
  errors: string[];
  warnings: PassResult['warnings'];
  apiCalls: ApiCallCounts;
  /**
   * Route 53 calls by account (the account a request acted in), when the pass called Route 53 in another
   * account than the sandbox's own: each account has its own Route 53 rate.
   */
  route53CallsByAccount?: Record<string, Record<string, number>>;
}

/** What the human output explains beyond the JSON contract: each entry of `passes`, in full. */
export interface PassDetail {
  results: PassResult[];
  rejected: boolean;
  /** The zones after the pass, in a scenario whose `configure` triggers change the config between passes. */
  zones?: ZoneSnapshot[];
}

export type SimulationOutcome = { passes: SimulatedPass[] } & SandboxSnapshot & {
    apiCalls: ApiCallCounts;
    /** As a pass's, over every pass. */
    route53CallsByAccount?: Record<string, Record<string, number>>;
    /** Not printed by `--json` (its document is the contract); one entry per pass. */
    details?: PassDetail[];
  };

/** The `--json` document: the contract of docs/scenarios.md, nothing else. */
export function simulationDocument(outcome: SimulationOutcome): Omit<SimulationOutcome, 'details'> {
  const { details: _, ...document } = outcome;
  return document;
}

export async function simulateFile(path: string, options: SimulateOptions): Promise<SimulationOutcome> {
  const scenario = await loadScenarioFile(path);
  try {
    return await simulate(scenario, options);
  } catch (err) {
    // What the sandbox refuses while loading names the field; the file is named here.
    if (err instanceof ScenarioError) throw new ScenarioError(`${path}: ${err.message}`);
    throw err;
  }
}

/**
 * Loads the world into a fresh sandbox and runs the passes through the scheduled handler, the deployed
 * function's own code path, with the sandbox's endpoint, credentials and clock.
 */
export async function simulate(scenario: Scenario, options: SimulateOptions): Promise<SimulationOutcome> {
  const advanceMs = options.advance !== undefined ? parseDuration(options.advance) : 0;
  const sandbox = await Sandbox.start();
  try {
    await sandbox.load(scenario);
    const deps: ReconcileDeps = {
      config: scenario.config,
      aws: sandbox.awsClients(scenario.config.region, scenario.config.timeouts),
      clock: sandbox.clock.clock,
      log: streamLog(options.logLevel ?? 'warn'),
      ...(options.progress ? { progress: options.progress } : {}),
    };
    const passes: SimulatedPass[] = [];
    const details: PassDetail[] = [];
    const stepped = scenario.triggers?.some((t) => 'configure' in t) ?? false;
    // Without triggers, each round is the scheduled fleet pass; with them, they run in order instead.
    const triggers: ScenarioTrigger[] =
      scenario.triggers ??
      Array.from({ length: options.rounds }, (_, round) =>
        round > 0 && advanceMs > 0 ? [{ advance: `${advanceMs}ms` }, { schedule: {} }] : [{ schedule: {} }],
      ).flat();
    for (const trigger of triggers) {
      if ('advance' in trigger) {
        sandbox.clock.advance(parseDuration(trigger.advance, 'triggers[].advance'));
        continue;
      }
      if ('configure' in trigger) {
        deps.config = configuredConfig(deps.config, trigger.configure, 'triggers[].configure');
        continue;
      }
      const before = sandbox.calls.snapshot();
      const beforeByAccount = sandbox.calls.accountsSnapshot();
      const entry = await runTrigger(trigger, sandbox, deps);
      if (!entry) continue;
      const { results, rejected, ...pass } = entry;
      const byAccount = sandbox.route53CallsByAccount(beforeByAccount);
      passes.push({
        ...pass,
        apiCalls: sandbox.apiCalls(before),
        ...(byAccount ? { route53CallsByAccount: byAccount } : {}),
      });
      // A scenario that changes its config between passes shows what each step leaves in Route 53.
      details.push({ results, rejected, ...(stepped ? { zones: sandbox.snapshot().zones } : {}) });
    }
    const byAccount = sandbox.route53CallsByAccount();
    return {
      passes,
      ...sandbox.snapshot(),
      apiCalls: sandbox.apiCalls(),
      ...(byAccount ? { route53CallsByAccount: byAccount } : {}),
      details,
    };
  } finally {
    await sandbox.close();
  }
}
