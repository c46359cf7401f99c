import { describe, expect, it } from 'vitest';
import { type SimulationOutcome, simulate } from '../../functions/cli/simulate.js';
import { parseScenario, ScenarioError } from '../../sandbox/scenario.js';
import { NETWORK, networkAccountWorld, NETWORK_ROLE as ROLE } from '../support/network-account.js';

/**
 * Hosted zones in another account through `simulate` (SCENARIOS.md: a scenario zone may carry
 * `account`): the zone is there, in its account, and a reconciler that holds no role there cannot see it.
 */

async function run(scenario: unknown, rounds = 2): Promise<SimulationOutcome> {
  return simulate(await parseScenario(scenario, process.cwd()), { rounds });
}

describe('a zone in another account (scenario zone `account`)', () => {
  it('without a role there, the zone is out of reach: its names are reported, the home zone is reconciled', async () => {
    const outcome = await run(networkAccountWorld());
    const [first, second] = outcome.passes;
    expect(first?.changes.map((c) => `${c.zone} ${c.action} ${c.name} ${c.type}`)).toEqual([
      'home.example.org. CREATE admin.home.example.org. A',
      'home.example.org. CREATE a-admin.home.example.org. TXT',
    ]);
    expect(first?.warnings).toContainEqual(
      expect.objectContaining({ code: 'no-zone', dnsName: 'shop.example.com', object: 'service/shop/web' }),
    );
    expect(second?.changes).toEqual([]);
    const network = outcome.zones.find((z) => z.name === 'example.com.');
    expect(network).toMatchObject({ account: NETWORK });
    expect(network?.records.map((r) => r.type)).toEqual(['NS', 'SOA']);
    expect(outcome.zones.find((z) => z.name === 'home.example.org.')).not.toHaveProperty('account');
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
  });

  it('awsAssumeRole (ExternalDNS): Route 53 in the role’s account only; the home zone is not touched', async () => {
    const outcome = await run(networkAccountWorld({ awsAssumeRole: ROLE }), 1);
    expect(outcome.passes[0]?.changes.map((c) => c.zone)).toEqual(['example.com.', 'example.com.']);
    expect(outcome.passes[0]?.warnings).toContainEqual(
      expect.objectContaining({ code: 'no-zone', dnsName: 'admin.home.example.org' }),
    );
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
