import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Route53State, route53Handler } from '../../sandbox/aws/route53.js';
import { type AwsServer, startAwsServer } from '../../sandbox/aws/server.js';
import { ApiCallCounter } from '../../sandbox/calls.js';
import { type AwsCliResult, type AwsCliRunner, awsCliRunner } from '../support/aws-cli.js';
import { awsCliV2, requireTool } from '../support/external-tools.js';

/**
 * What routing policies bring, refused by the sandbox as Route 53 refuses it, seen through the AWS CLI v2:
 * one policy per name and type, the set identifier with a policy, weights 0–255, latency regions from the
 * API's enum, one PRIMARY and one SECONDARY per failover set, a non-alias PRIMARY only with a health
 * check — and a move (DELETE + CREATE of every member) accepted whole in one batch.
 */

describe('AWS CLI v2: Route 53 routing-policy rules in the sandbox', () => {
  if (!requireTool(awsCliV2, 'the AWS CLI v2', 'apt-get install awscli')) return;
  const cliPath = awsCliV2;

  let server: AwsServer;
  let cli: AwsCliRunner;
  let zoneId: string;

  beforeAll(async () => {
    server = await startAwsServer({
      handlers: { route53: route53Handler(new Route53State()) },
      calls: new ApiCallCounter(),
    });
    cli = awsCliRunner(cliPath, server.url, 'aws-cli-routing-');
    const created = await cli.run(
      'us-east-1',
      'route53',
      'create-hosted-zone',
      '--name',
      'routing.example.com',
      '--caller-reference',
      'routing-1',
    );
    zoneId = (JSON.parse(created.stdout) as { HostedZone: { Id: string } }).HostedZone.Id;
  });

  afterAll(async () => {
    await server?.close();
    cli?.dispose();
  });

  type RecordSet = Record<string, unknown>;
  const a = (setIdentifier: string | undefined, routing: RecordSet, value = '192.0.2.1'): RecordSet => ({
    Name: 'api.routing.example.com',
    Type: 'A',
    TTL: 60,
    ResourceRecords: [{ Value: value }],
    ...(setIdentifier ? { SetIdentifier: setIdentifier } : {}),
    ...routing,
  });

  function change(...changes: [string, RecordSet][]): Promise<AwsCliResult> {
    const batch = JSON.stringify({
      Changes: changes.map(([Action, ResourceRecordSet]) => ({ Action, ResourceRecordSet })),
    });
    return cli.run(
      'us-east-1',
      'route53',
      'change-resource-record-sets',
      '--hosted-zone-id',
      zoneId,
      '--change-batch',
      batch,
    );
  }

  function refused(res: AwsCliResult, code: string, message: string): void {
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(`(${code})`);
    expect(res.stderr).toContain(message);
  }

  it('refuses a weight outside 0–255, a latency region Route 53 does not know, a policy without a set identifier', async () => {
    refused(
      await change(['CREATE', a('x', { Weight: 256 })]),
      'InvalidInput',
      'Weight must be an integer from 0 to 255',
    );
    refused(
      await change(['CREATE', a('x', { Region: 'moon-central-1' })]),
      'InvalidInput',
      "Value 'moon-central-1' at 'changeBatch.changes.member.resourceRecordSet.region' failed to satisfy constraint: Member must satisfy enum value set",
    );
    refused(
      await change(['CREATE', a(undefined, { Weight: 1 })]),
      'InvalidInput',
      "Missing field 'SetIdentifier'",
    );
  });

  it('one policy per name and type: weighted next to simple, latency next to weighted are refused', async () => {
    expect((await change(['CREATE', a('eu', { Weight: 1 })])).code).toBe(0);
    refused(
      await change(['CREATE', a(undefined, {})]),
      'InvalidChangeBatch',
      'cannot be created as other RRSets exist with the same name and type',
    );
    refused(
      await change(['CREATE', a('us', { Region: 'us-east-1' })]),
      'InvalidChangeBatch',
      'cannot be created as a non-latency set exists with the same name and type',
    );
  });

  it('a move — every weighted member deleted and created latency — is accepted as one batch', async () => {
    expect((await change(['CREATE', a('us', { Weight: 1 }, '192.0.2.2')])).code).toBe(0);
    const moved = await change(
      ['DELETE', a('eu', { Weight: 1 })],
      ['DELETE', a('us', { Weight: 1 }, '192.0.2.2')],
      ['CREATE', a('eu', { Region: 'eu-west-1' })],
      ['CREATE', a('us', { Region: 'us-east-1' }, '192.0.2.2')],
    );
    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    // Half of it alone is the mix Route 53 refuses: the batch is the unit.
    refused(
      await change(['DELETE', a('eu', { Region: 'eu-west-1' })], ['CREATE', a('eu', { Weight: 1 })]),
      'InvalidChangeBatch',
      'cannot be created as a non-weighted set exists with the same name and type',
    );
  });

  it('failover: a non-alias PRIMARY needs a health check; one PRIMARY and one SECONDARY per name and type', async () => {
    const f = (id: string, role: string, extra: RecordSet = {}): RecordSet => ({
      ...a(id, { Failover: role }),
      Name: 'fo.routing.example.com',
      ...extra,
    });
    refused(
      await change(['CREATE', f('one', 'PRIMARY')]),
      'InvalidChangeBatch',
      'A non-alias primary ResourceRecordSet must have an associated health check',
    );
    expect((await change(['CREATE', f('one', 'SECONDARY')])).code).toBe(0);
    refused(
      await change(['CREATE', f('two', 'SECONDARY')]),
      'InvalidChangeBatch',
      'cannot be created as a SECONDARY failover set already exists with the same name and type',
    );
    const alias = {
      TTL: undefined,
      ResourceRecords: undefined,
      AliasTarget: {
        HostedZoneId: zoneId.replace('/hostedzone/', ''),
        DNSName: 'api.routing.example.com',
        EvaluateTargetHealth: true,
      },
    };
    expect((await change(['CREATE', JSON.parse(JSON.stringify(f('two', 'PRIMARY', alias)))])).code).toBe(0);
  });

  it('health checks: created by caller reference, tagged, listed; a record naming a missing one is refused; one in use cannot be deleted', async () => {
    const route53 = (...args: string[]) => cli.run('us-east-1', 'route53', ...args);
    const config = JSON.stringify({
      IPAddress: '192.0.2.7',
      Port: 443,
      Type: 'HTTPS',
      ResourcePath: '/healthz',
    });
    const created = await route53(
      'create-health-check',
      '--caller-reference',
      'hc-1',
      '--health-check-config',
      config,
    );
    expect(created.stderr).toBe('');
    const id = (JSON.parse(created.stdout) as { HealthCheck: { Id: string } }).HealthCheck.Id;
    // The same caller reference with another config is another health check: refused.
    refused(
      await route53(
        'create-health-check',
        '--caller-reference',
        'hc-1',
        '--health-check-config',
        config.replace('443', '8443'),
      ),
      'HealthCheckAlreadyExists',
      'A different health check has already been created with the specified caller reference',
    );
    const tagged = await route53(
      'change-tags-for-resource',
      '--resource-type',
      'healthcheck',
      '--resource-id',
      id,
      '--add-tags',
      'Key=edge-reconciler:owner,Value=eu-a',
    );
    expect(tagged.code).toBe(0);
    const tags = JSON.parse(
      (await route53('list-tags-for-resource', '--resource-type', 'healthcheck', '--resource-id', id)).stdout,
    ) as {
      ResourceTagSet: { Tags: { Key: string; Value: string }[] };
    };
    expect(tags.ResourceTagSet.Tags).toEqual([{ Key: 'edge-reconciler:owner', Value: 'eu-a' }]);
    const listed = JSON.parse((await route53('list-health-checks')).stdout) as {
      HealthChecks: { Id: string }[];
    };
    expect(listed.HealthChecks.map((h) => h.Id)).toEqual([id]);

    const primary = (healthCheckId: string): RecordSet => ({
      ...a('hc-primary', { Failover: 'PRIMARY' }, '192.0.2.7'),
      Name: 'hc.routing.example.com',
      HealthCheckId: healthCheckId,
    });
    refused(
      await change(['CREATE', primary('00000000-0000-0000-0000-000000000000')]),
      'NoSuchHealthCheck',
      'does not exist',
    );
    expect((await change(['CREATE', primary(id)])).code).toBe(0);
    refused(
      await route53('delete-health-check', '--health-check-id', id),
      'HealthCheckInUse',
      'is referenced in the HealthCheckId element',
    );
    expect((await change(['DELETE', primary(id)])).code).toBe(0);
    expect((await route53('delete-health-check', '--health-check-id', id)).code).toBe(0);
    refused(
      await route53('get-health-check', '--health-check-id', id),
      'NoSuchHealthCheck',
      'does not exist',
    );
  });
});
