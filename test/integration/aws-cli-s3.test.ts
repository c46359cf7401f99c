import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_KEY_BYTES, S3State, s3Handler } from '../../sandbox/aws/s3.js';
import { type AwsServer, startAwsServer } from '../../sandbox/aws/server.js';
import { ApiCallCounter } from '../../sandbox/calls.js';
import { SandboxClock } from '../../sandbox/clock.js';
import { SANDBOX_IDENTITIES } from '../../sandbox/credentials.js';
import { AwsClients } from '../../shared/aws-clients.js';
import { S3ShardStore, s3Client } from '../../shared/shards/store.js';
import { type AwsCliRunner, awsCliRunner } from '../support/aws-cli.js';
import { awsCliV2, requireTool } from '../support/external-tools.js';

/**
 * The sandbox's S3 (the sharded pass's shard store) checked by a client no one here wrote, the AWS CLI v2,
 * and by the store itself over the real @aws-sdk/client-s3: objects in and out, listings by prefix across
 * pages, and S3's refusals (NoSuchKey, NoSuchBucket, KeyTooLongError, BadDigest).
 */
describe('the sandbox S3', () => {
  const clock = new SandboxClock(new Date('2030-06-01T12:00:00Z'));
  const s3 = new S3State({ clock });
  let server: AwsServer;

  beforeAll(async () => {
    server = await startAwsServer({ handlers: { s3: s3Handler(s3) }, calls: new ApiCallCounter() });
  });
  afterAll(async () => {
    await server?.close();
  });

  function clients(): AwsClients {
    const id = SANDBOX_IDENTITIES[0]!;
    return new AwsClients({
      region: 'eu-west-1',
      endpoint: server.url,
      credentials: { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey },
      maxAttempts: 1,
    });
  }

  it('the shard store puts, gets and lists JSON over the SDK; a missing key is undefined, a missing bucket an error', async () => {
    s3.createBucket('store-test', 'eu-west-1');
    const aws = clients();
    const store = new S3ShardStore(s3Client(aws), 'store-test');
    await store.put('passes/p/zones/Z1/shard-0.json', [{ dnsName: 'a.example.com' }]);
    await store.put('passes/p/zones/Z1/certificates.json', []);
    await store.put('passes/p/zones/Z2/shard-0.json', []);
    expect(await store.get('passes/p/zones/Z1/shard-0.json')).toEqual([{ dnsName: 'a.example.com' }]);
    expect(await store.get('passes/p/zones/Z1/shard-9.json')).toBeUndefined();
    expect(await store.list('passes/p/zones/Z1/')).toEqual([
      'passes/p/zones/Z1/certificates.json',
      'passes/p/zones/Z1/shard-0.json',
    ]);
    const elsewhere = new S3ShardStore(s3Client(aws), 'no-such-bucket');
    await expect(elsewhere.get('k')).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(store.put('k'.repeat(MAX_KEY_BYTES + 1), {})).rejects.toMatchObject({
      name: 'KeyTooLongError',
    });
    aws.destroy();
  });

  it('the store lists past S3 pages of 1,000 keys', async () => {
    s3.createBucket('paged', 'eu-west-1');
    const bucket = s3.bucket('paged')!;
    for (let i = 0; i < 1001; i++) {
      bucket.objects.set(`p/${String(i).padStart(4, '0')}`, {
        body: Buffer.from('{}'),
        contentType: 'application/json',
        etag: '"x"',
        lastModified: clock.now(),
      });
    }
    const aws = clients();
    const keys = await new S3ShardStore(s3Client(aws), 'paged').list('p/');
    expect(keys).toHaveLength(1001);
    expect(keys.at(-1)).toBe('p/1000');
    aws.destroy();
  });

  describe('AWS CLI v2 s3api', () => {
    if (!requireTool(awsCliV2, 'the AWS CLI v2', 'apt-get install awscli')) return;
    let cli: AwsCliRunner;
    let dir: string;
    beforeAll(() => {
      cli = awsCliRunner(awsCliV2 as string, server.url, 'aws-cli-s3-');
      dir = join(process.env.TMPDIR ?? '/tmp');
    });
    afterAll(() => cli?.dispose());

    async function awsJson(...args: string[]): Promise<Record<string, unknown>> {
      const out = await cli.run('us-east-1', ...args);
      if (out.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${out.code}: ${out.stderr}`);
      return out.stdout.trim() === '' ? {} : (JSON.parse(out.stdout) as Record<string, unknown>);
    }

    it('create-bucket, put-object, get-object, list-objects-v2 and S3 refusals', async () => {
      await awsJson('s3api', 'create-bucket', '--bucket', 'cli-bucket');
      const body = join(dir, `aws-cli-s3-${process.pid}.json`);
      writeFileSync(body, '{"shard":0,"naïve":"ü"}');
      const put = await awsJson(
        's3api',
        'put-object',
        '--bucket',
        'cli-bucket',
        '--key',
        'passes/p 1/a.json',
        '--body',
        body,
      );
      expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
      await awsJson(
        's3api',
        'put-object',
        '--bucket',
        'cli-bucket',
        '--key',
        'passes/p 1/b.json',
        '--body',
        body,
      );
      await awsJson('s3api', 'put-object', '--bucket', 'cli-bucket', '--key', 'other/c.json', '--body', body);

      const out = join(dir, `aws-cli-s3-${process.pid}.out`);
      const got = await awsJson(
        's3api',
        'get-object',
        '--bucket',
        'cli-bucket',
        '--key',
        'passes/p 1/a.json',
        out,
      );
      expect(got).toMatchObject({
        ETag: put.ETag,
        ContentLength: Buffer.byteLength('{"shard":0,"naïve":"ü"}'),
      });

      const listed = await awsJson(
        's3api',
        'list-objects-v2',
        '--bucket',
        'cli-bucket',
        '--prefix',
        'passes/',
        '--page-size',
        '1',
      );
      expect((listed.Contents as { Key: string }[]).map((c) => c.Key)).toEqual([
        'passes/p 1/a.json',
        'passes/p 1/b.json',
      ]);

      const missingKey = await cli.run(
        'us-east-1',
        's3api',
        'get-object',
        '--bucket',
        'cli-bucket',
        '--key',
        'nope',
        out,
      );
      expect(missingKey.stderr).toContain('NoSuchKey');
      const missingBucket = await cli.run(
        'us-east-1',
        's3api',
        'list-objects-v2',
        '--bucket',
        'no-such-bucket',
      );
      expect(missingBucket.stderr).toContain('NoSuchBucket');
      const longKey = await cli.run(
        'us-east-1',
        's3api',
        'put-object',
        '--bucket',
        'cli-bucket',
        '--key',
        'k'.repeat(MAX_KEY_BYTES + 1),
        '--body',
        body,
      );
      expect(longKey.stderr).toContain('KeyTooLongError');
      const badName = await cli.run('us-east-1', 's3api', 'create-bucket', '--bucket', 'Bad_Name');
      expect(badName.code).not.toBe(0);
      const badDigest = await cli.run(
        'us-east-1',
        's3api',
        'put-object',
        '--bucket',
        'cli-bucket',
        '--key',
        'x',
        '--body',
        body,
        '--checksum-crc32',
        'AAAAAA==',
      );
      expect(badDigest.stderr).toContain('BadDigest');
    });
  });
});
