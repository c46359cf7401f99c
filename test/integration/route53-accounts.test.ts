import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT } from '../../sandbox/credentials.js';
import { Sandbox } from '../../sandbox/sandbox.js';
import { parseScenario, type Scenario } from '../../sandbox/scenario.js';
import { clientsForRole } from '../../shared/aws-accounts.js';
import type { AwsClients } from '../../shared/aws-clients.js';
import { silentLog } from '../../shared/log.js';
import { type ReconcileDeps, reconcile } from '../../shared/reconcile.js';
import { EmfMetrics } from '../../shared/telemetry/metrics.js';
import { NETWORK, networkAccountWorld, NETWORK_ROLE as ROLE } from '../support/network-account.js';

/**
 * Hosted zones in another account through real SDK clients and the sandbox's STS: each account's zones
 * listed and written through its own session; a role STS refuses takes only its account's zones out of
 * the pass; sessions are kept across passes until shortly before they expire, and named after the pass
 * that opened them.
 */

const MINUTE = 60_000;

let sandbox: Sandbox;
let aws: AwsClients;

async function world(config: Record<string, unknown>): Promise<Scenario> {
  return parseScenario(networkAccountWorld(config), process.cwd());
}

async function pass(scenario: Scenario) {
  const deps: ReconcileDeps = { config: scenario.config, aws, clock: sandbox.clock.clock, log: silentLog };
  return reconcile({ trigger: 'schedule' }, deps);
}

function names(account?: string): string[] {
  const zones = sandbox.snapshot().zones.filter((z) => z.account === account);
  return zones.flatMap((z) =>
    z.records.filter((r) => r.type !== 'SOA' && r.type !== 'NS').map((r) => r.name),
  );
}

describe('Route 53 in other accounts (route53Roles)', () => {
  beforeEach(async () => {
    sandbox = await Sandbox.start({ start: new Date('2026-12-01T00:00:00Z') });
    aws = sandbox.awsClients();
  });
  afterEach(async () => {
    aws.destroy();
    await sandbox.close();
  });

  it('assumes the role with its external id, and writes each zone through its own account', async () => {
    sandbox.sts.trustRole(ROLE, {
      principals: ['arn:aws:iam::000000000000:role/edge-reconciler'],
      externalId: 'fleet-7f3a',
    });
    const scenario = await world({ route53Roles: [{ roleArn: ROLE, externalId: 'fleet-7f3a' }] });
    await sandbox.load(scenario);
    const result = await pass(scenario);
    expect(result.errors).toEqual([]);
    expect(names(NETWORK).sort()).toEqual(['a-shop.example.com.', 'shop.example.com.']);
    expect(names(undefined).sort()).toEqual(['a-admin.home.example.org.', 'admin.home.example.org.']);
  });

  it('a role STS refuses: that account’s zones are reported unreachable, the home zone is reconciled', async () => {
    sandbox.sts.trustRole(ROLE, { externalId: 'fleet-7f3a' });
    const scenario = await world({ route53Roles: [{ roleArn: ROLE, externalId: 'not-the-id' }] });
    await sandbox.load(scenario);
    const result = await pass(scenario);
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^route53 account ${NETWORK} \\(${ROLE}\\): unreachable, its zones are neither read nor changed this pass, the other accounts proceed: .*AccessDenied`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^domain example.com: unreachable, .*account ${NETWORK} is unreachable through ${ROLE} \\(AssumeRole AccessDenied\\)`,
        ),
      ),
    ]);
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'zone-unreachable', dnsName: 'shop.example.com' }),
    );
    expect(names(NETWORK)).toEqual([]);
    expect(names(undefined).sort()).toEqual(['a-admin.home.example.org.', 'admin.home.example.org.']);
    // No token or secret in what the pass reports.
    expect(JSON.stringify(result)).not.toMatch(/SandboxSession|secret/i);
  });

  it('a role that fails after a pass reached it: its zones as last listed are named, nothing in them changes', async () => {
    sandbox.sts.trustRole(ROLE, { externalId: 'fleet-7f3a' });
    const scenario = await world({ route53Roles: [{ roleArn: ROLE, externalId: 'fleet-7f3a' }] });
    await sandbox.load(scenario);
    expect((await pass(scenario)).errors).toEqual([]);
    const before = sandbox.snapshot().zones.find((z) => z.account === NETWORK);
    // The role's trust changes (a rotated external id); the session is renewed 55 minutes in, and refused.
    sandbox.sts.trustRole(ROLE, { externalId: 'fleet-rotated' });
    sandbox.cluster('prod-eu').remove('Service', 'shop', 'web');
    sandbox.clock.advance(55 * MINUTE);
    const refused = await pass(scenario);
    expect(refused.errors[0]?.message).toMatch(
      new RegExp(
        `^route53 account ${NETWORK} \\(${ROLE}\\): unreachable, its zones \\(zones example.com\\) .*AccessDenied`,
      ),
    );
    // shop.example.com is no longer wanted: a pass that reached the zone would delete it. It stays.
    expect(sandbox.snapshot().zones.find((z) => z.account === NETWORK)).toEqual(before);
    expect(names(undefined).sort()).toEqual(['a-admin.home.example.org.', 'admin.home.example.org.']);
  });

  it('counts Route 53 calls per account, in the pass report and the metrics (dimension Account)', async () => {
    const scenario = await world({ route53Roles: [{ roleArn: ROLE }] });
    await sandbox.load(scenario);
    const before = sandbox.calls.accountsSnapshot();
    const emf: string[] = [];
    const result = await reconcile(
      { trigger: 'schedule' },
      {
        config: scenario.config,
        aws,
        clock: sandbox.clock.clock,
        log: silentLog,
        metrics: new EmfMetrics((doc) => emf.push(doc)),
      },
    );
    const served = sandbox.calls.accountsSince(before);
    const total = (account: string) =>
      Object.values(served[account]?.route53 ?? {}).reduce((n, c) => n + c, 0);
    expect(total(NETWORK)).toBe(3); // ListHostedZones, ListResourceRecordSets, ChangeResourceRecordSets
    expect(result.route53).toEqual({
      calls: total(NETWORK) + total(SANDBOX_ACCOUNT),
      throttles: 0,
      accounts: {
        home: { calls: total(SANDBOX_ACCOUNT), throttles: 0 },
        [NETWORK]: { calls: total(NETWORK), throttles: 0 },
      },
    });
    const byAccount = emf
      .map((doc) => JSON.parse(doc) as Record<string, unknown>)
      .filter((doc) => doc.Account !== undefined)
      .map((doc) => [doc.Account, doc.Route53Calls, doc.Route53Throttles]);
    expect(byAccount).toEqual(
      expect.arrayContaining([
        ['home', total(SANDBOX_ACCOUNT), undefined],
        ['home', undefined, 0],
        [NETWORK, total(NETWORK), undefined],
        [NETWORK, undefined, 0],
      ]),
    );
  });

  it('reports a refused change with the zone id qualified by its account', async () => {
    const scenario = await world({ route53Roles: [{ roleArn: ROLE }] });
    await sandbox.load(scenario);
    sandbox.route53Refusals.refuse({ name: 'shop.example.com' });
    const result = await pass(scenario);
    const zoneId = sandbox.snapshot().zones.find((z) => z.name === 'example.com.')!.id;
    expect(result.refusedChanges).toEqual([
      expect.objectContaining({ zone: 'example.com', zoneId: `${NETWORK}/${zoneId}`, code: 'AccessDenied' }),
    ]);
    expect(
      result.errors.some((e) => e.message.includes('assumed-role/edge-reconciler-dns/edge-reconciler-')),
    ).toBe(true);
  });

  it('keeps the role account’s zone cache warm across passes (zoneCacheSeconds)', async () => {
    const reads = () => sandbox.apiCalls().route53?.ListResourceRecordSets ?? 0;
    const cached = await world({ route53Roles: [{ roleArn: ROLE }], zoneCacheSeconds: 3600 });
    await sandbox.load(cached);
    await pass(cached);
    const afterFirst = reads();
    await pass(cached);
    // The home zone is read again (no cache in front of it here); the network zone comes from the cache.
    expect(reads() - afterFirst).toBe(1);
    expect(names(NETWORK).sort()).toEqual(['a-shop.example.com.', 'shop.example.com.']);
  });

  it('keeps the session across passes until shortly before it expires; a new one is named after its pass', async () => {
    const scenario = await world({ route53Roles: [{ roleArn: ROLE }] });
    await sandbox.load(scenario);
    const assumes = () => sandbox.apiCalls().sts?.AssumeRole ?? 0;
    const first = await pass(scenario);
    await pass(scenario);
    sandbox.clock.advance(45 * MINUTE);
    await pass(scenario);
    expect(assumes()).toBe(1);
    const who = await clientsForRole(aws, ROLE).sts().send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(
      `arn:aws:sts::${NETWORK}:assumed-role/edge-reconciler-dns/edge-reconciler-${first.passId}`,
    );

    sandbox.clock.advance(10 * MINUTE); // 55 minutes into a 60-minute session: renewed before use
    const renewing = await pass(scenario);
    expect(assumes()).toBe(2);
    expect(renewing.errors).toEqual([]);
    const again = await clientsForRole(aws, ROLE).sts().send(new GetCallerIdentityCommand({}));
    expect(again.Arn).toBe(
      `arn:aws:sts::${NETWORK}:assumed-role/edge-reconciler-dns/edge-reconciler-${renewing.passId}`,
    );
  });
});
