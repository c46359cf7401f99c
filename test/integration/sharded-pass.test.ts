import { describe, expect, it } from 'vitest';
import { simulate } from '../../functions/cli/simulate.js';
import { createStageHandlers, stagesHandler, WORKER_STAGES } from '../../functions/pass-stages.js';
import { createReconcilerHandler } from '../../functions/reconciler.js';
import { runShardedWorkflow } from '../../functions/sharded-workflow.js';
import { SANDBOX_SHARD_BUCKET, Sandbox } from '../../sandbox/sandbox.js';
import { loadScenarioFile, parseScenario, type Scenario } from '../../sandbox/scenario.js';
import { silentLog } from '../../shared/log.js';
import type { ReconcileDeps } from '../../shared/reconcile.js';
import type { StageDeps } from '../../shared/shards/deps.js';
import { S3ShardStore, s3Client } from '../../shared/shards/store.js';
import { NETWORK_ROLE, networkAccountWorld } from '../support/network-account.js';

/**
 * The sharded pass (docs/scale.md) against the sandbox through the real handlers and the sandbox's S3:
 * it must leave exactly the zones one pass leaves, freeze the owners of a shard that left no output, and
 * change nothing on a second pass.
 */

const changeLine = (c: { zone: string; action: string; name: string; type: string }) =>
  `${c.zone} ${c.action} ${c.name} ${c.type}`;

function unsharded(scenario: Scenario): Scenario {
  const { sharding: _, ...config } = scenario.config;
  return { ...scenario, config };
}

describe('the sharded pass', () => {
  it('examples/sharded.yaml: the same zones and changes as one pass, nothing on the second pass', async () => {
    const scenario = await loadScenarioFile('examples/sharded.yaml');
    expect(scenario.config.sharding).toEqual({ clustersPerShard: 2, maxConcurrency: 2 });
    const [sharded, single] = await Promise.all([
      simulate(scenario, { rounds: 2 }),
      simulate(unsharded(scenario), { rounds: 2 }),
    ]);
    expect(sharded.zones).toEqual(single.zones);
    expect(sharded.passes[0]?.changes.map(changeLine).sort()).toEqual(
      single.passes[0]?.changes.map(changeLine).sort(),
    );
    expect(sharded.passes[0]?.changes.length).toBeGreaterThan(0);
    expect(sharded.passes[0]?.changes).toContainEqual(
      expect.objectContaining({ action: 'DELETE', name: 'old.example.com.' }),
    );
    expect(sharded.passes[1]?.changes).toEqual([]);
    expect(sharded.passes.flatMap((p) => p.errors)).toEqual([]);
    // The stages met through S3; the zones were read once each per pass, as in one pass.
    expect(sharded.passes[0]?.apiCalls.s3?.PutObject).toBeGreaterThan(0);
    expect(single.apiCalls.s3).toBeUndefined();
    expect(sharded.passes[1]?.apiCalls.route53).toEqual(single.passes[1]?.apiCalls.route53);
  });

  it('zones in another account through route53Roles: the same records as one pass', async () => {
    const world = networkAccountWorld({ route53Roles: [{ roleArn: NETWORK_ROLE }] }) as { config: object };
    const scenario = await parseScenario(
      { ...world, config: { ...world.config, sharding: { clustersPerShard: 1 } } },
      process.cwd(),
    );
    const [sharded, single] = await Promise.all([
      simulate(scenario, { rounds: 2 }),
      simulate(unsharded(scenario), { rounds: 2 }),
    ]);
    expect(sharded.passes.flatMap((p) => p.errors)).toEqual([]);
    expect(sharded.zones).toEqual(single.zones);
    expect(sharded.passes[1]?.changes).toEqual([]);
  });

  it('a shard that leaves no output freezes its owners: nothing of theirs deleted; the next pass catches up', async () => {
    const scenario = await loadScenarioFile('examples/sharded.yaml');
    // blue (shard 0) and red (shard 1) publish as one owner: red's shard alone would make it known.
    const clusters = scenario.config.clusters.map((c) =>
      c.name === 'blue' || c.name === 'red' ? { ...c, ownerId: 'shop' } : c,
    );
    const config = { ...scenario.config, clusters, sharding: { clustersPerShard: 2, maxConcurrency: 1 } };
    const sandbox = await Sandbox.start();
    try {
      await sandbox.load({ ...scenario, config });
      const deps: ReconcileDeps = {
        config,
        aws: sandbox.awsClients(config.region, config.timeouts),
        clock: sandbox.clock.clock,
        log: silentLog,
      };
      const stageDeps: StageDeps = {
        ...deps,
        store: new S3ShardStore(s3Client(deps.aws), SANDBOX_SHARD_BUCKET),
      };
      const first = await runShardedWorkflow({}, deps, stageDeps);
      expect(first.failures).toEqual([]);
      const shop = () =>
        sandbox.route53
          .exportZones()
          .flatMap((z) => z.records)
          .filter((r) => r.name === 'shop.example.com.');
      expect(shop()).toHaveLength(1);

      // blue's Service goes, and the invocation of blue's shard (shard 0, first: one shard at a time) fails
      // at its first write, every retry: its owners are frozen, so blue's record stays although red's
      // shard read the same owner in full.
      sandbox.cluster('blue').remove('Service', 'shop', 'web');
      sandbox.faults.add({ fault: '5xx', service: 's3', operation: 'PutObject', after: 1, count: 3 });
      const failed = await runShardedWorkflow({}, deps, stageDeps);
      expect(failed.failures).toEqual([expect.stringMatching(/^cluster-shard\[0\]: ServiceUnavailable/)]);
      expect(failed.result.changes).toEqual([]);
      expect(failed.result.clusters.filter((c) => c.status === 'failed').map((c) => c.name)).toEqual([
        'blue',
        'green',
      ]);
      expect(failed.result.errors.map((e) => e.message)).toContain(
        'cluster blue: shard 0 left no output (its invocation failed or timed out); its records are frozen',
      );
      expect(shop()).toHaveLength(1);

      const next = await runShardedWorkflow({}, deps, stageDeps);
      expect(next.failures).toEqual([]);
      expect(next.result.changes.map(changeLine)).toEqual([
        'example.com. DELETE shop.example.com. A',
        'example.com. DELETE a-shop.example.com. TXT',
      ]);
      const again = await runShardedWorkflow({}, deps, stageDeps);
      expect(again.result.changes).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });

  it('a resync of the whole fleet runs as a sharded pass; one naming clusters in the reconciler; a whole-fleet invoke is refused', async () => {
    const scenario = await loadScenarioFile('examples/sharded.yaml');
    const result = await simulate(
      {
        ...scenario,
        triggers: [
          { resyncEvent: { detail: { dryRun: true, reason: 'after the outage' } } },
          { resyncEvent: { detail: { clusters: ['blue'] } } },
          { manual: { payload: { reason: 'whole fleet by invoke' } } },
          { resyncEvent: { detail: { clusters: ['blue'], extra: 1 } } },
          { resyncEvent: { detail: {} } },
        ],
      },
      { rounds: 1 },
    );
    const [dryRun, some, invoked, misspelt, applied] = result.passes;
    // The whole fleet through the state machine: every cluster read in its shard, nothing applied.
    expect(dryRun?.apiCalls.s3?.PutObject).toBeGreaterThan(0);
    expect(dryRun?.clusters.map((c) => c.name).sort()).toEqual(['blue', 'green', 'red', 'yellow']);
    expect(dryRun?.changes.length).toBeGreaterThan(0);
    expect(dryRun?.apiCalls.route53?.ChangeResourceRecordSets ?? 0).toBe(0);
    // Some clusters: one pass in the reconciler function, no shard store.
    expect(some?.apiCalls.s3).toBeUndefined();
    expect(some?.clusters.map((c) => c.name)).toEqual(['blue']);
    expect(some?.errors).toEqual([]);
    expect(invoked?.errors.join()).toMatch(/payload\.clusters: required: the fleet is sharded/);
    expect(misspelt?.errors.join()).toMatch(/detail\.extra: unknown field/);
    // An empty detail asks for the whole fleet, applied.
    expect(applied?.apiCalls.s3?.PutObject).toBeGreaterThan(0);
    expect(applied?.errors).toEqual([]);
    // What the dry run planned, made by blue's resync and this one between them.
    expect([...(some?.changes ?? []), ...(applied?.changes ?? [])].map(changeLine).sort()).toEqual(
      dryRun?.changes.map(changeLine).sort(),
    );
  });

  it('the fleet stage reads its start: a schedule’s, a resync’s (trigger, dry run and reason kept), or refuses it', async () => {
    const sandbox = await Sandbox.start();
    try {
      const scenario = await loadScenarioFile('examples/sharded.yaml');
      await sandbox.load(scenario);
      const deps: ReconcileDeps = {
        config: scenario.config,
        aws: sandbox.awsClients(scenario.config.region, scenario.config.timeouts),
        clock: sandbox.clock.clock,
        log: silentLog,
      };
      const stageDeps = { ...deps, store: new S3ShardStore(s3Client(deps.aws), SANDBOX_SHARD_BUCKET) };
      const resync = {
        version: '0',
        source: 'edge-reconciler',
        'detail-type': 'Resync Requested',
        account: '123456789012',
        detail: { dryRun: true, reason: 'zone restored' },
      };
      const { result } = await runShardedWorkflow({ start: resync }, deps, stageDeps);
      expect(result).toMatchObject({ trigger: 'resync', dryRun: true, reason: 'zone restored' });
      const scheduled = await runShardedWorkflow(
        { start: { source: 'edge-reconciler.schedule', scheduledTime: '2026-12-03T05:00:00Z' } },
        deps,
        stageDeps,
      );
      expect(scheduled.result).toMatchObject({ trigger: 'schedule', dryRun: false });
      const worker = stagesHandler(
        createStageHandlers(() => stageDeps),
        WORKER_STAGES,
      );
      await expect(
        worker({ stage: 'fleet', start: { ...resync, detail: { clusters: ['blue'] } } }),
      ).rejects.toThrow(/detail\.clusters: a sharded pass reads the whole fleet/);
      await expect(
        worker({ stage: 'fleet', start: { ...resync, detail: { dryrun: true } } }),
      ).rejects.toThrow(/dryrun/);
      await expect(worker({ stage: 'fleet', start: { source: 'somebody.else' } })).rejects.toThrow(
        /event\.start\.source/,
      );
    } finally {
      await sandbox.close();
    }
  });

  it('each stage refuses an event it does not take, naming the field', async () => {
    const sandbox = await Sandbox.start();
    try {
      const scenario = await loadScenarioFile('examples/sharded.yaml');
      const deps: ReconcileDeps = {
        config: scenario.config,
        aws: sandbox.awsClients(),
        clock: sandbox.clock.clock,
        log: silentLog,
      };
      const stageDeps = { ...deps, store: new S3ShardStore(s3Client(deps.aws), SANDBOX_SHARD_BUCKET) };
      const worker = stagesHandler(
        createStageHandlers(() => stageDeps),
        WORKER_STAGES,
      );
      const reconciler = createReconcilerHandler(
        () => deps,
        () => stageDeps,
      );
      await expect(worker({ stage: 'cluster-shard', passId: 'not-a-uuid', shard: 0 })).rejects.toThrow(
        /event\.passId/,
      );
      await expect(
        worker({ stage: 'cluster-shard', passId: crypto.randomUUID(), shard: -1 }),
      ).rejects.toThrow(/event\.shard/);
      await expect(worker({ stage: 'zone', passId: crypto.randomUUID(), zone: 'Z1' })).rejects.toThrow(
        /event\.stage/,
      );
      await expect(
        reconciler({ stage: 'zone', passId: crypto.randomUUID(), zone: 'Z1', extra: 1 }),
      ).rejects.toThrow(/extra/);
      await expect(reconciler({ stage: 'report', passId: crypto.randomUUID() })).rejects.toThrow(
        /event\.stage/,
      );
      // A pass the fleet stage never cut: refused, nothing read.
      await expect(reconciler({ stage: 'zone', passId: crypto.randomUUID(), zone: 'Z1' })).rejects.toThrow(
        /no manifest/,
      );
      const plain = stagesHandler(
        createStageHandlers(() => ({ ...stageDeps, config: unsharded(scenario).config })),
        WORKER_STAGES,
      );
      await expect(plain({ stage: 'fleet' })).rejects.toThrow(/config\.sharding/);
    } finally {
      await sandbox.close();
    }
  });
});
