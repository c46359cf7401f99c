import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { createClusterLifecycleHandler } from '../../functions/cluster-lifecycle.js';
import { createScheduledHandler } from '../../functions/scheduled.js';
import { SANDBOX_ACCOUNT } from '../../sandbox/credentials.js';
import { Sandbox } from '../../sandbox/sandbox.js';
import { parseScenario, type Scenario } from '../../sandbox/scenario.js';
import { clientsForRole } from '../../shared/aws-accounts.js';
import {
  AssumeRoleError,
  assumeRoleCredentials,
  ROLE_SESSION_NAME,
} from '../../shared/clusters/assume-role.js';
import { resolveFleet } from '../../shared/clusters/discover.js';
import { silentLog } from '../../shared/log.js';
import type { ReconcileDeps } from '../../shared/reconcile.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';

/**
 * Cluster discovery against the sandbox's EKS and STS: ListClusters (paginated) per region, tags,
 * a second account through AssumeRole, and what a failed search leaves alone.
 */

const OTHER_ACCOUNT = '111111111111';
const OTHER_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/edge-reconciler`;
const MINUTE = 60_000;

function service(name: string, host: string, ip: string) {
  return loadBalancerService(name, host, { ip }, 'web');
}

const open: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

interface Setup {
  sandbox: Sandbox;
  scenario: Scenario;
  deps: ReconcileDeps;
}

/**
 * Home account: `edge-eu` (team=edge, searched), `data-eu` (team=data), `edge-us` (team=edge, in a region
 * not searched) and, in eu-central-1, more than a ListClusters page of clusters of other teams.
 * The other account: `edge-other` in eu-west-1.
 */
async function setup(
  discovery: Record<string, unknown>,
  config: Record<string, unknown> = {},
  zoneRecords: unknown[] = [],
): Promise<Setup> {
  const sandbox = await Sandbox.start();
  open.push(sandbox);
  const scenario = await parseScenario(
    {
      config: {
        domainFilters: ['example.com'],
        clusters: [],
        clusterDiscovery: discovery,
        ...config,
      },
      clusters: [
        {
          name: 'edge-eu',
          region: 'eu-central-1',
          tags: { team: 'edge', env: 'prod' },
          objects: [service('shop', 'shop.example.com', '192.0.2.10')],
        },
        {
          name: 'data-eu',
          region: 'eu-central-1',
          tags: { team: 'data' },
          objects: [service('etl', 'etl.example.com', '192.0.2.30')],
        },
        {
          name: 'edge-us',
          region: 'us-east-1',
          tags: { team: 'edge' },
          objects: [service('us', 'us.example.com', '192.0.2.40')],
        },
        {
          name: 'edge-other',
          region: 'eu-west-1',
          account: OTHER_ACCOUNT,
          tags: { team: 'edge' },
          objects: [service('other', 'other.example.com', '192.0.2.50')],
        },
      ],
      route53: { zones: [{ name: 'example.com', records: zoneRecords }] },
    },
    import.meta.dirname,
  );
  await sandbox.load(scenario);
  // More than one ListClusters page (100), none of them ours.
  for (let i = 0; i < 101; i++) {
    sandbox.eks.addCluster({ name: `batch-${String(i).padStart(3, '0')}`, region: 'eu-central-1', tags: {} });
  }
  const deps: ReconcileDeps = {
    config: scenario.config,
    aws: sandbox.awsClients(),
    clock: sandbox.clock.clock,
    log: silentLog,
  };
  return { sandbox, scenario, deps };
}

function records(sandbox: Sandbox): string[] {
  const zone = sandbox.route53.exportZones().find((z) => z.name === 'example.com.');
  return (zone?.records ?? [])
    .filter((r) => r.type === 'A')
    .map((r) => r.name)
    .sort();
}

describe('resolveFleet', () => {
  it('finds tagged clusters in the searched regions of the home account and, through its role, another', async () => {
    const { sandbox, deps } = await setup({
      regions: ['eu-central-1'],
      tags: { team: 'edge' },
      accounts: [{ id: OTHER_ACCOUNT, roleArn: OTHER_ROLE, regions: ['eu-west-1'] }],
    });

    const fleet = await resolveFleet(deps.config, deps.aws, { clock: deps.clock });

    expect(fleet.errors).toEqual([]);
    // Each carries the API server its DescribeCluster returned, so the pass need not describe it again.
    const server = {
      endpoint: expect.stringMatching(/^https:\/\//),
      certificateAuthorityData: expect.any(String),
    };
    expect(fleet.clusters).toEqual([
      { name: 'edge-eu', region: 'eu-central-1', tags: { team: 'edge', env: 'prod' }, ...server },
      {
        name: 'edge-other',
        region: 'eu-west-1',
        account: OTHER_ACCOUNT,
        roleArn: OTHER_ROLE,
        tags: { team: 'edge' },
        ...server,
      },
    ]);
    const calls = sandbox.apiCalls();
    // Two pages in eu-central-1, one in eu-west-1.
    expect(calls.eks?.ListClusters).toBe(3);
    expect(calls.sts?.AssumeRole).toBe(1);
  });

  it('signs the other account’s calls as the assumed role, session edge-reconciler, assumed once', async () => {
    const { sandbox, deps } = await setup({
      regions: ['eu-central-1'],
      accounts: [{ id: OTHER_ACCOUNT, roleArn: OTHER_ROLE, regions: ['eu-west-1'] }],
    });
    await resolveFleet(deps.config, deps.aws, { clock: deps.clock });
    await resolveFleet(deps.config, deps.aws, { clock: deps.clock });

    const who = await clientsForRole(deps.aws, OTHER_ROLE).sts().send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(OTHER_ACCOUNT);
    expect(who.Arn).toBe(`arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/edge-reconciler/${ROLE_SESSION_NAME}`);
    expect(sandbox.apiCalls().sts?.AssumeRole).toBe(1);
  });

  it('without tags every cluster of a searched region is in, and a listed cluster is not doubled', async () => {
    const { deps } = await setup(
      { regions: ['us-east-1'] },
      { clusters: [{ name: 'edge-us', region: 'us-east-1', ownerId: 'legacy-us' }] },
    );
    const fleet = await resolveFleet(deps.config, deps.aws, { clock: deps.clock });

    expect(fleet.clusters).toEqual([
      { name: 'edge-us', region: 'us-east-1', ownerId: 'legacy-us', tags: {} },
    ]);
  });

  it('a partial pass describes only the clusters it wants', async () => {
    const { sandbox, deps } = await setup({ regions: ['eu-central-1'], tags: { team: 'edge' } });
    const fleet = await resolveFleet(deps.config, deps.aws, { only: new Set(['edge-eu']) });

    expect(fleet.clusters.map((c) => c.name)).toEqual(['edge-eu']);
    expect(sandbox.apiCalls().eks?.DescribeCluster).toBe(1);
  });

  it('a search that fails is reported, and the other searches still count', async () => {
    const badRole = `arn:aws:iam::${OTHER_ACCOUNT}:role/no such role`;
    const { deps } = await setup({
      regions: ['eu-central-1'],
      tags: { team: 'edge' },
      accounts: [{ id: OTHER_ACCOUNT, roleArn: badRole, regions: ['eu-west-1'] }],
    });
    const fleet = await resolveFleet(deps.config, deps.aws, { clock: deps.clock });

    expect(fleet.clusters.map((c) => c.name)).toEqual(['edge-eu']);
    expect(fleet.errors).toHaveLength(1);
    expect(fleet.errors[0]?.code).toBe('discovery-failed');
    expect(fleet.errors[0]?.message).toMatch(
      new RegExp(
        `^discovery account ${OTHER_ACCOUNT} eu-west-1: ListClusters failed: .*AssumeRole .*no such role`,
      ),
    );
  });
});

describe('assumeRoleCredentials', () => {
  it('assumes once, shares concurrent callers, and renews shortly before the session ends', async () => {
    const { sandbox, deps } = await setup({ regions: ['eu-central-1'] });
    const provider = assumeRoleCredentials({ sts: deps.aws.sts(), roleArn: OTHER_ROLE, clock: deps.clock });
    const assumed = () => sandbox.apiCalls().sts?.AssumeRole ?? 0;

    const first = await Promise.all([provider(), provider(), provider()]);
    expect(new Set(first.map((c) => c.sessionToken)).size).toBe(1);
    expect(assumed()).toBe(1);

    sandbox.clock.advance(45 * MINUTE);
    expect((await provider()).sessionToken).toBe(first[0]?.sessionToken);
    expect(assumed()).toBe(1);

    sandbox.clock.advance(10 * MINUTE); // 5 minutes before the hour-long session ends
    const renewed = await provider();
    expect(renewed.sessionToken).not.toBe(first[0]?.sessionToken);
    expect(assumed()).toBe(2);
  });

  it('a refused AssumeRole names the role and is not cached', async () => {
    const { sandbox, deps } = await setup({ regions: ['eu-central-1'] });
    const roleArn = `arn:aws:iam::${OTHER_ACCOUNT}:role/no such role`;
    const provider = assumeRoleCredentials({ sts: deps.aws.sts(), roleArn, clock: deps.clock });

    await expect(provider()).rejects.toThrow(AssumeRoleError);
    await expect(provider()).rejects.toThrow(
      /AssumeRole arn:aws:iam::111111111111:role\/no such role failed/,
    );
    expect(sandbox.apiCalls().sts?.AssumeRole).toBe(2);
  });
});

describe('discovered clusters in a pass', () => {
  it('the scheduled pass reconciles the clusters discovery finds, and only those', async () => {
    const { sandbox, deps } = await setup({ regions: ['eu-central-1', 'us-east-1'], tags: { team: 'edge' } });

    const result = await createScheduledHandler(() => deps)({ source: 'edge-reconciler.schedule' });

    expect(result.errors).toEqual([]);
    expect(result.clusters.map((c) => c.name).sort()).toEqual(['edge-eu', 'edge-us']);
    expect(records(sandbox)).toEqual(['shop.example.com.', 'us.example.com.']);
    // Each candidate is described once, by discovery (edge-eu, data-eu, 101 batch-*, edge-us), and
    // the pass reuses what it returned instead of describing edge-eu and edge-us again.
    expect(sandbox.apiCalls().eks?.DescribeCluster).toBe(104);
  });

  it('an account that cannot be searched keeps its records: their owner is not known this pass', async () => {
    // edge-other's records from an earlier pass, when its account could still be searched.
    const { sandbox, deps } = await setup(
      {
        regions: ['eu-central-1'],
        tags: { team: 'edge' },
        accounts: [{ id: OTHER_ACCOUNT, roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/no such role` }],
      },
      {},
      [
        { name: 'other.example.com', type: 'A', ttl: 300, values: ['192.0.2.50'] },
        {
          name: 'a-other.example.com',
          type: 'TXT',
          ttl: 300,
          values: [
            '"heritage=external-dns,external-dns/owner=edge-other,external-dns/resource=service/web/other"',
          ],
        },
      ],
    );

    const result = await createScheduledHandler(() => deps)({ source: 'edge-reconciler.schedule' });

    expect(result.errors).toContainEqual(
      expect.objectContaining({
        code: 'discovery-failed',
        message: expect.stringMatching(`^discovery account ${OTHER_ACCOUNT}`),
      }),
    );
    expect(records(sandbox)).toEqual(['other.example.com.', 'shop.example.com.']);
  });

  it('CreateCluster of a cluster discovery would find reconciles it; DeleteCluster releases it', async () => {
    const { sandbox, deps } = await setup({ regions: ['eu-central-1'], tags: { team: 'edge' } });
    const lifecycle = createClusterLifecycleHandler(() => deps);
    const event = (eventName: string, tags: Record<string, string>) => ({
      version: '0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.eks',
      account: SANDBOX_ACCOUNT,
      time: '2026-11-23T10:00:00Z',
      region: 'eu-central-1',
      resources: [],
      detail: {
        eventSource: 'eks.amazonaws.com',
        eventName,
        awsRegion: 'eu-central-1',
        requestParameters: { name: 'edge-eu' },
        responseElements: { cluster: { name: 'edge-eu', tags } },
        eventType: 'AwsApiCall',
        recipientAccountId: SANDBOX_ACCOUNT,
      },
    });

    expect(await lifecycle(event('CreateCluster', { team: 'data' }))).toMatchObject({ ignored: true });
    expect(records(sandbox)).toEqual([]);

    const created = await lifecycle(event('CreateCluster', { team: 'edge' }));
    expect(created).toMatchObject({ trigger: 'cluster-created', errors: [] });
    expect(records(sandbox)).toEqual(['shop.example.com.']);

    sandbox.eks.removeCluster('eu-central-1', 'edge-eu');
    const deleted = await lifecycle(event('DeleteCluster', { team: 'edge' }));
    expect(deleted).toMatchObject({ trigger: 'cluster-deleted', errors: [] });
    expect(records(sandbox)).toEqual([]);
  });

  it('a cluster in another account is read with a token presigned by the assumed role', async () => {
    const { sandbox, deps } = await setup({
      regions: ['eu-central-1'],
      tags: { team: 'edge' },
      accounts: [{ id: OTHER_ACCOUNT, roleArn: OTHER_ROLE, regions: ['eu-west-1'] }],
    });
    const result = await createScheduledHandler(() => deps)({ source: 'edge-reconciler.schedule' });

    expect(result.errors).toEqual([]);
    expect(records(sandbox)).toEqual(['other.example.com.', 'shop.example.com.']);
  });
});
