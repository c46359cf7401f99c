import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Route53State, route53Handler } from '../../sandbox/aws/route53.js';
import { type AwsServer, startAwsServer } from '../../sandbox/aws/server.js';
import { ApiCallCounter } from '../../sandbox/calls.js';
import { type AwsCliResult, type AwsCliRunner, awsCliRunner } from '../support/aws-cli.js';
import { awsCliV2, requireTool } from '../support/external-tools.js';

/**
 * The sandbox checked by a Route 53 client no one here wrote: the AWS CLI v2 (Debian package `awscli`).
 * A pyenv shim for the v1 CLI may come first on PATH, so the v2 binary is looked up explicitly.
 */

describe('AWS CLI v2 against the sandbox Route 53', () => {
  if (!requireTool(awsCliV2, 'the AWS CLI v2', 'apt-get install awscli')) return;
  const cliPath = awsCliV2;

  let server: AwsServer;
  let state: Route53State;
  let cli: AwsCliRunner;

  beforeAll(async () => {
    state = new Route53State();
    server = await startAwsServer({
      handlers: { route53: route53Handler(state) },
      calls: new ApiCallCounter(),
    });
    cli = awsCliRunner(cliPath, server.url, 'aws-cli-route53-');
  });

  afterAll(async () => {
    await server?.close();
    cli?.dispose();
  });

  function aws(...args: string[]): Promise<AwsCliResult> {
    return cli.run('us-east-1', 'route53', ...args);
  }

  async function awsJson<T>(...args: string[]): Promise<T> {
    const res = await aws(...args);
    expect(res.stderr, `aws route53 ${args.join(' ')}`).toBe('');
    expect(res.code).toBe(0);
    return JSON.parse(res.stdout) as T;
  }

  it('creates and lists a zone, changes records, pages them and reads tags', async () => {
    const created = await awsJson<{
      HostedZone: { Id: string; Name: string };
      DelegationSet: { NameServers: string[] };
    }>('create-hosted-zone', '--name', 'cli.example.com', '--caller-reference', 'cli-test-1');
    expect(created.HostedZone.Name).toBe('cli.example.com.');
    expect(created.DelegationSet.NameServers).toHaveLength(4);
    const zoneId = created.HostedZone.Id;

    const zones = await awsJson<{ HostedZones: { Id: string; Name: string }[] }>('list-hosted-zones');
    expect(zones.HostedZones.map((z) => [z.Id, z.Name])).toEqual([[zoneId, 'cli.example.com.']]);

    const batch = JSON.stringify({
      Changes: ['a', 'b', 'c', 'd', '*'].map((label, i) => ({
        Action: 'CREATE',
        ResourceRecordSet: {
          Name: `${label}.cli.example.com`,
          Type: 'A',
          TTL: 300,
          ResourceRecords: [{ Value: `192.0.2.${i + 1}` }],
        },
      })),
    });
    const changed = await awsJson<{ ChangeInfo: { Id: string; Status: string } }>(
      'change-resource-record-sets',
      '--hosted-zone-id',
      zoneId,
      '--change-batch',
      batch,
    );
    expect(changed.ChangeInfo.Status).toBe('PENDING');

    const again = await aws(
      'change-resource-record-sets',
      '--hosted-zone-id',
      zoneId,
      '--change-batch',
      batch,
    );
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('InvalidChangeBatch');
    expect(again.stderr).toContain(
      "Tried to create resource record set [name='a.cli.example.com.', type='A']",
    );
    expect(state.records(zoneId)).toHaveLength(7);

    const change = await awsJson<{ ChangeInfo: { Id: string; Status: string } }>(
      'get-change',
      '--id',
      changed.ChangeInfo.Id,
    );
    expect(change.ChangeInfo).toMatchObject({ Id: changed.ChangeInfo.Id, Status: 'INSYNC' });

    // --page-size makes the server truncate; --max-items makes the CLI hand out its own NextToken.
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await awsJson<{
        ResourceRecordSets: { Name: string; Type: string }[];
        NextToken?: string;
      }>(
        'list-resource-record-sets',
        '--hosted-zone-id',
        zoneId,
        '--max-items',
        '3',
        '--page-size',
        '2',
        ...(token ? ['--starting-token', token] : []),
      );
      pages += 1;
      expect(page.ResourceRecordSets.length).toBeLessThanOrEqual(3);
      names.push(...page.ResourceRecordSets.map((r) => `${r.Name} ${r.Type}`));
      token = page.NextToken;
    } while (token && pages < 5);
    expect(pages).toBe(3);
    expect(names).toEqual([
      'cli.example.com. NS',
      'cli.example.com. SOA',
      '\\052.cli.example.com. A',
      'a.cli.example.com. A',
      'b.cli.example.com. A',
      'c.cli.example.com. A',
      'd.cli.example.com. A',
    ]);

    const bareId = zoneId.replace('/hostedzone/', '');
    const tagged = await aws(
      'change-tags-for-resource',
      '--resource-type',
      'hostedzone',
      '--resource-id',
      bareId,
      '--add-tags',
      'Key=team,Value=edge',
    );
    expect(tagged.code).toBe(0);
    const tags = await awsJson<{
      ResourceTagSet: { ResourceId: string; Tags: { Key: string; Value: string }[] };
    }>('list-tags-for-resource', '--resource-type', 'hostedzone', '--resource-id', bareId);
    expect(tags.ResourceTagSet).toEqual({
      ResourceType: 'hostedzone',
      ResourceId: bareId,
      Tags: [{ Key: 'team', Value: 'edge' }],
    });
  });

  it('refuses what Route 53 refuses in a record set, as the CLI reports it', async () => {
    const created = await awsJson<{ HostedZone: { Id: string } }>(
      'create-hosted-zone',
      '--name',
      'strict.example.com',
      '--caller-reference',
      'cli-test-strict',
    );
    const zoneId = created.HostedZone.Id;
    const change = (set: object) =>
      aws(
        'change-resource-record-sets',
        '--hosted-zone-id',
        zoneId,
        '--change-batch',
        JSON.stringify({ Changes: [{ Action: 'CREATE', ResourceRecordSet: set }] }),
      );
    const long = `"${'x'.repeat(256)}"`;
    const tooLong = await change({
      Name: 't.strict.example.com',
      Type: 'TXT',
      TTL: 300,
      ResourceRecords: [{ Value: long }],
    });
    expect(tooLong.code).not.toBe(0);
    expect(tooLong.stderr).toContain('(InvalidChangeBatch)');
    expect(tooLong.stderr).toContain(
      'FATAL problem: CharacterStringTooLong (Value is too long) encountered with',
    );

    const twoTargets = await change({
      Name: 'c.strict.example.com',
      Type: 'CNAME',
      TTL: 300,
      ResourceRecords: [{ Value: 'a.example.net' }, { Value: 'b.example.net' }],
    });
    expect(twoTargets.stderr).toContain('RRSet of type CNAME may hold only one value');

    const notAnAddress = await change({
      Name: 'a.strict.example.com',
      Type: 'A',
      TTL: 300,
      ResourceRecords: [{ Value: 'lb.example.net' }],
    });
    expect(notAnAddress.stderr).toContain('ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address)');

    const ghost = await change({
      Name: 'g.strict.example.com',
      Type: 'A',
      AliasTarget: {
        DNSName: 'ghost-1.elb.eu-west-1.amazonaws.com',
        HostedZoneId: 'Z2IFOLAFXWLO4F',
        EvaluateTargetHealth: true,
      },
    });
    expect(ghost.stderr).toContain('but that target was not found');

    const split = await change({
      Name: 't.strict.example.com',
      Type: 'TXT',
      TTL: 300,
      ResourceRecords: [{ Value: `"${'x'.repeat(255)}" "x"` }],
    });
    expect(split.stderr).toBe('');
    expect(state.records(zoneId).map((r) => r.type)).toEqual(['NS', 'SOA', 'TXT']);
  });
});
