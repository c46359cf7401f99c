import { describe, expect, it } from 'vitest';
import { type SimulationOutcome, simulate } from '../../functions/cli/simulate.js';
import { loadScenarioFile, parseScenario, ScenarioError } from '../../sandbox/scenario.js';
import { NETWORK, networkAccountWorld, NETWORK_ROLE as ROLE } from '../support/network-account.js';

/**
 * Hosted zones in another account through `simulate` (SCENARIOS.md: a scenario zone may carry
 * `account`): the zone is there, in its account, and a reconciler that holds no role there cannot see it.
 */

async function run(scenario: unknown, rounds = 2): Promise<SimulationOutcome> {
  return simulate(await parseScenario(scenario, process.cwd()), { rounds });
}

describe('a zone in another account (scenario zone `account`)', () => {
  it('without a role there, the zone is reported unreachable, the home zone is reconciled, nothing else changes', async () => {
    const outcome = await run(networkAccountWorld());
    const [first, second] = outcome.passes;
    expect(first?.changes.map((c) => `${c.zone} ${c.action} ${c.name} ${c.type}`)).toEqual([
      'home.example.org. CREATE admin.home.example.org. A',
      'home.example.org. CREATE a-admin.home.example.org. TXT',
    ]);
    expect(first?.errors).toEqual([
      expect.stringMatching(/^domain example\.com: unreachable, .*a role there \(route53Roles\)/),
    ]);
    expect(first?.warnings).toEqual([
      expect.objectContaining({
        code: 'zone-unreachable',
        dnsName: 'shop.example.com',
        object: 'service/shop/web',
      }),
    ]);
    expect(second?.changes).toEqual([]);
    const network = outcome.zones.find((z) => z.name === 'example.com.');
    expect(network).toMatchObject({ account: NETWORK });
    expect(network?.records.map((r) => r.type)).toEqual(['NS', 'SOA']);
    expect(outcome.zones.find((z) => z.name === 'home.example.org.')).not.toHaveProperty('account');
    // Route 53 was called in one account only: no breakdown, the output as before.
    expect(first).not.toHaveProperty('route53CallsByAccount');
  });

  it('through route53Roles: records created in the network account’s zone, the second pass changes nothing', async () => {
    const outcome = await run(networkAccountWorld({ route53Roles: [{ roleArn: ROLE }] }));
    const [first, second] = outcome.passes;
    expect(first?.errors).toEqual([]);
    expect(first?.changes.map((c) => `${c.zone} ${c.action} ${c.name} ${c.type}`).sort()).toEqual([
      'example.com. CREATE a-shop.example.com. TXT',
      'example.com. CREATE shop.example.com. A',
      'home.example.org. CREATE a-admin.home.example.org. TXT',
      'home.example.org. CREATE admin.home.example.org. A',
    ]);
    expect(second?.changes).toEqual([]);
    expect(second?.errors).toEqual([]);
    const network = outcome.zones.find((z) => z.name === 'example.com.');
    expect(network?.account).toBe(NETWORK);
    expect(network?.records.find((r) => r.name === 'shop.example.com.')).toMatchObject({
      values: ['192.0.2.10'],
    });
    // One zone listing per account per pass, each zone read once per pass, one session for both passes.
    expect(outcome.apiCalls.route53?.ListHostedZones).toBe(4);
    expect(outcome.apiCalls.route53?.ListResourceRecordSets).toBe(4);
    expect(outcome.apiCalls.sts?.AssumeRole).toBe(1);
    // Each account's share (each has its own Route 53 rate): a pass's, and the whole run's.
    const perPass = { ListHostedZones: 1, ListResourceRecordSets: 1 };
    expect(second?.route53CallsByAccount).toEqual({ '000000000000': perPass, [NETWORK]: perPass });
    expect(outcome.route53CallsByAccount?.[NETWORK]).toEqual({
      ListHostedZones: 2,
      ListResourceRecordSets: 2,
      ChangeResourceRecordSets: 1,
    });
  });

  it('awsAssumeRole (ExternalDNS): Route 53 in the role’s account only; the home zone is not touched', async () => {
    const outcome = await run(networkAccountWorld({ awsAssumeRole: ROLE }), 1);
    expect(outcome.passes[0]?.changes.map((c) => c.zone)).toEqual(['example.com.', 'example.com.']);
    expect(outcome.passes[0]?.warnings).toContainEqual(
      expect.objectContaining({ code: 'zone-unreachable', dnsName: 'admin.home.example.org' }),
    );
  });

  it('a role STS refuses (another external id): that account named with STS’s answer, the other proceeds', async () => {
    const outcome = simulate(
      await loadScenarioFile('test/fixtures/scenarios/network-account-role-refused.yaml'),
      { rounds: 2 },
    );
    const [first, second] = (await outcome).passes;
    const refused = 'arn:aws:iam::555555555555:role/edge-reconciler-dns';
    expect(first?.errors).toEqual([
      expect.stringMatching(
        new RegExp(`^route53 account 555555555555 \\(${refused}\\): unreachable.*AccessDenied`),
      ),
      expect.stringMatching(/^domain example\.net: unreachable/),
    ]);

    expect(first?.changes.map((c) => c.zone)).toEqual(['example.com.', 'example.com.']);
    expect(second?.changes).toEqual([]);
    // The refused account's records, prod-eu's no longer wanted one included, are as they were.
    const net = (await outcome).zones.find((z) => z.name === 'example.net.');
    expect(net?.records.map((r) => r.name)).toEqual([
      'a-old.example.net.',
      'example.net.',
      'example.net.',
      'old.example.net.',
    ]);
  });

  it('refuses a role trust that is not an IAM role ARN, naming the field', async () => {
    await expect(
      parseScenario({ ...networkAccountWorld(), roles: [{ roleArn: 'edge-reconciler-dns' }] }, process.cwd()),
    ).rejects.toThrow(/roles\[0\]\.roleArn: an IAM role ARN/);
  });

  it('refuses a zone account that is not a 12-digit account id, naming the field', async () => {
    const world = networkAccountWorld();
    world.route53.zones[0]!.account = '2222';
    await expect(parseScenario(world, process.cwd())).rejects.toThrow(ScenarioError);
    await expect(parseScenario(world, process.cwd())).rejects.toThrow(
      /route53\.zones\[0\]\.account: a 12-digit AWS account id/,
    );
  });
});
