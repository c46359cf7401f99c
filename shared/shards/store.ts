import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws-clients.js';

/**
 * Where the stages of a sharded pass leave what the next stage reads: Step Functions passes at most
 * 256 KiB from state to state, and a shard's desired endpoints are megabytes. One JSON object per key.
 */
export interface ShardStore {
  put(key: string, value: unknown): Promise<void>;
  /** The object, or undefined when there is none (S3's NoSuchKey): a stage that did not finish. */
  get<T>(key: string): Promise<T | undefined>;
  /** Every key under the prefix, in S3's order (UTF-8 binary). */
  list(prefix: string): Promise<string[]>;
}

/** The keys of one pass, partitioned by zone so a zone's stage lists and reads only its own. */
export const passKeys = {
  manifest: (passId: string) => `passes/${passId}/manifest.json`,
  /** Written last by a shard, after its zone files: present means the shard finished. */
  shardOwners: (passId: string, shard: number) => `passes/${passId}/shards/${shard}.json`,
  zonePrefix: (passId: string, zoneId: string) => `passes/${passId}/zones/${encodeURIComponent(zoneId)}/`,
  zoneDesired: (passId: string, zoneId: string, from: number | 'certificates') =>
    `${passKeys.zonePrefix(passId, zoneId)}${from === 'certificates' ? 'certificates' : `shard-${from}`}.json`,
  certificates: (passId: string) => `passes/${passId}/certificates.json`,
  /** The report stage's whole result (what one pass returns). */
  result: (passId: string) => `passes/${passId}/result.json`,
  zoneOutcome: (passId: string, zoneId: string) =>
    `passes/${passId}/outcomes/${encodeURIComponent(zoneId)}.json`,
};

/**
 * S3 in the home region, kept with the pass's other clients. Path-style addressing against an explicit
 * endpoint (the sandbox): a bucket cannot be a host name of 127.0.0.1.
 */
export function s3Client(aws: AwsClients): S3Client {
  return aws.kept(
    's3',
    () =>
      new S3Client({
        ...aws.clientConfig(aws.options.region),
        forcePathStyle: aws.options.endpoint !== undefined,
      }),
  );
}

/** The shard store in an S3 bucket (the stack's, encrypted, expiring old passes by lifecycle rule). */
export class S3ShardStore implements ShardStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, value: unknown): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: 'application/json',
      }),
    );
  }

  async get<T>(key: string): Promise<T | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const text = await out.Body?.transformToString('utf8');
      return text === undefined ? undefined : (JSON.parse(text) as T);
    } catch (err) {
      if (err instanceof NoSuchKey) return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }
}
