import {
  ChangeResourceRecordSetsCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { AssumeRoleCommand, type Credentials, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT, SANDBOX_IDENTITIES } from '../../sandbox/credentials.js';
import { Sandbox } from '../../sandbox/sandbox.js';
import { type AwsCliRunner, awsCliRunner } from '../support/aws-cli.js';
import { awsCliV2, requireTool } from '../support/external-tools.js';

/**
 * Route 53 per account: a request acts in the account of its credentials — the sandbox's own for its key
 * pair, the role's for an AssumeRole session — and STS refuses a role whose trust policy does not admit
 * the caller, as AWS does.
 */

const NETWORK = '222222222222';
const ROLE = `arn:aws:iam::${NETWORK}:role/edge-reconciler-dns`;
const identity = SANDBOX_IDENTITIES[0]!;
const home = { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey };

let sandbox: Sandbox;

function route53(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  return new Route53Client({ region: 'us-east-1', endpoint: sandbox.url, credentials, maxAttempts: 1 });
}

async function assume(roleArn = ROLE, externalId?: string): Promise<Credentials> {
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: sandbox.url,
    credentials: home,
    maxAttempts: 1,
  });
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: 'accounts-test',
      ...(externalId ? { ExternalId: externalId } : {}),
    }),
  );
  sts.destroy();
  return out.Credentials!;
}

function session(c: Credentials) {
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

async function zoneNames(client: Route53Client): Promise<string[]> {
  const out = await client.send(new ListHostedZonesCommand({}));
  return (out.HostedZones ?? []).map((z) => z.Name!);
}

describe('sandbox Route 53 per account', () => {
  beforeEach(async () => {
    sandbox = await Sandbox.start({ start: new Date('2026-12-01T00:00:00Z') });
    sandbox.route53.createZone({ name: 'home.example.com' });
    sandbox.route53Accounts.account(NETWORK).createZone({ name: 'example.com' });
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('an AssumeRole session lists, reads and writes its role account’s zones; the key pair only its own', async () => {
    const asHome = route53(home);
    expect(await zoneNames(asHome)).toEqual(['home.example.com.']);

    const asNetwork = route53(session(await assume()));
    const [zone] = (await asNetwork.send(new ListHostedZonesCommand({}))).HostedZones!;
    expect(zone?.Name).toBe('example.com.');
    await asNetwork.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone!.Id,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'www.example.com',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '192.0.2.1' }],
              },
            },
          ],
        },
      }),
    );
    const read = await asNetwork.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone!.Id }));
    expect(read.ResourceRecordSets?.map((r) => `${r.Name} ${r.Type}`)).toEqual([
      'example.com. NS',
      'example.com. SOA',
      'www.example.com. A',
    ]);

    // The home account cannot reach the other account's zone by id either.
    const err = await asHome
      .send(new ListResourceRecordSetsCommand({ HostedZoneId: zone!.Id }))
      .catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ name: 'NoSuchHostedZone' });

    const exported = sandbox.snapshot().zones.map((z) => ({ name: z.name, account: z.account }));
    expect(exported).toEqual([
      { name: 'example.com.', account: NETWORK },
      { name: 'home.example.com.', account: undefined },
    ]);
    asHome.destroy();
    asNetwork.destroy();
  });

  it('zones of different accounts never share an id', () => {
    const a = sandbox.route53Accounts.account('333333333333').createZone({ name: 'same.example' });
    const b = sandbox.route53Accounts.account('444444444444').createZone({ name: 'same.example' });
    expect(a.id).not.toBe(b.id);
  });

  it('an expired session is refused with ExpiredToken, an unknown one with InvalidClientTokenId', async () => {
    const creds = session(await assume());
    sandbox.clock.advance(3600_000 + 1000);
    const expired = await route53(creds)
      .send(new ListHostedZonesCommand({}))
      .catch((e: unknown) => e as Error & { $metadata: { httpStatusCode: number } });
    expect(expired).toMatchObject({
      name: 'ExpiredToken',
      message: 'The security token included in the request is expired',
      $metadata: { httpStatusCode: 403 },
    });
    const forged = await route53({ ...home, sessionToken: 'SandboxSession/forged' })
      .send(new ListHostedZonesCommand({}))
      .catch((e: unknown) => e as Error);
    expect(forged).toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it('a role with a trust policy admits only its principal with its external id (AccessDenied otherwise)', async () => {
    sandbox.sts.trustRole(ROLE, {
      principals: ['arn:aws:iam::000000000000:role/edge-reconciler'],
      externalId: 'fleet-7f3a',
    });
    const denied = `User: ${identity.arn} is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`;
    await expect(assume(ROLE)).rejects.toMatchObject({ name: 'AccessDenied', message: denied });
    await expect(assume(ROLE, 'wrong-id')).rejects.toMatchObject({ name: 'AccessDenied', message: denied });
    expect((await assume(ROLE, 'fleet-7f3a')).SessionToken).toBeTruthy();

    sandbox.sts.trustRole(ROLE, { principals: [`arn:aws:iam::${SANDBOX_ACCOUNT}:role/someone-else`] });
    await expect(assume(ROLE)).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('refuses a malformed external id as STS validates it', async () => {
    await expect(assume(ROLE, 'has spaces')).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/ExternalId.*regular expression pattern/),
    });
  });
});

describe('AWS CLI v2: Route 53 through an assumed role', () => {
  if (!requireTool(awsCliV2, 'the AWS CLI v2', 'apt-get install awscli')) return;
  let cli: AwsCliRunner;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
    sandbox.route53.createZone({ name: 'home.example.com' });
    sandbox.route53Accounts.account(NETWORK).createZone({ name: 'example.com' });
    cli = awsCliRunner(awsCliV2!, sandbox.url, 'aws-cli-accounts-');
  });
  afterAll(async () => {
    cli?.dispose();
    await sandbox?.close();
  });

  it('assume-role, then list-hosted-zones with the session shows the role account’s zones', async () => {
    const assumed = await cli.run(
      'us-east-1',
      'sts',
      'assume-role',
      '--role-arn',
      ROLE,
      '--role-session-name',
      'cli',
    );
    expect(assumed.stderr).toBe('');
    const { Credentials: c } = JSON.parse(assumed.stdout) as { Credentials: Record<string, string> };
    const asRole = await cli.runWithEnv(
      {
        AWS_ACCESS_KEY_ID: c.AccessKeyId!,
        AWS_SECRET_ACCESS_KEY: c.SecretAccessKey!,
        AWS_SESSION_TOKEN: c.SessionToken!,
      },
      'us-east-1',
      'route53',
      'list-hosted-zones',
    );
    expect(asRole.stderr).toBe('');
    const names = (JSON.parse(asRole.stdout) as { HostedZones: { Name: string }[] }).HostedZones.map(
      (z) => z.Name,
    );
    expect(names).toEqual(['example.com.']);

    const asHome = await cli.run('us-east-1', 'route53', 'list-hosted-zones');
    expect(JSON.parse(asHome.stdout).HostedZones.map((z: { Name: string }) => z.Name)).toEqual([
      'home.example.com.',
    ]);

    const forged = await cli.runWithEnv(
      { AWS_SESSION_TOKEN: 'SandboxSession/forged' },
      'us-east-1',
      'route53',
      'list-hosted-zones',
    );
    expect(forged.code).not.toBe(0);
    expect(forged.stderr).toMatch(/InvalidClientTokenId/);
  });
});

describe('sandbox Route 53 throttles each account apart', () => {
  let throttled: Sandbox;
  beforeEach(async () => {
    throttled = await Sandbox.start({
      start: new Date('2026-12-01T00:00:00Z'),
      throttle: { burst: 2, ratePerSecond: 0 },
    });
    sandbox = throttled;
  });
  afterEach(async () => {
    await throttled.close();
  });

  async function outcomes(client: Route53Client, n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      out.push(
        await client.send(new ListHostedZonesCommand({})).then(
          () => 'ok',
          (err: Error) => err.name,
        ),
      );
    }
    return out;
  }

  it('an account that spent its burst is throttled; another account still has its own', async () => {
    const asHome = route53(home);
    const asNetwork = route53(session(await assume()));
    expect(await outcomes(asHome, 3)).toEqual(['ok', 'ok', 'Throttling']);
    expect(await outcomes(asNetwork, 3)).toEqual(['ok', 'ok', 'Throttling']);
    expect(throttled.route53Buckets?.accounts().sort()).toEqual([NETWORK, SANDBOX_ACCOUNT].sort());
    // STS is not Route 53: AssumeRole took nothing from any bucket.
    expect(throttled.apiCalls().route53?.['ListHostedZones.Throttled']).toBe(2);
    asHome.destroy();
    asNetwork.destroy();
  });
});
