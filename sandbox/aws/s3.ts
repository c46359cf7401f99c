import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { SandboxClock } from '../clock.js';
import { newRequestId } from './errors.js';
import type { AwsRequest, ServiceHandler, ServiceResponse } from './protocol.js';
import { XmlNode } from './xml.js';

/**
 * A minimal S3 (REST-XML, path-style addressing): the buckets and objects the sharded pass keeps its
 * stage outputs in. CreateBucket, HeadBucket, PutObject, GetObject, DeleteObject and ListObjectsV2, as
 * strict as S3 for what they take: NoSuchBucket, NoSuchKey, keys over 1,024 bytes (KeyTooLongError), bucket
 * names S3 refuses (InvalidBucketName), a CRC32 checksum that does not match (BadDigest), aws-chunked
 * uploads decoded as S3 decodes them. Signatures are not verified, as elsewhere in the sandbox.
 */

const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
/** S3's limit on an object key (UTF-8 bytes). */
export const MAX_KEY_BYTES = 1024;
const MAX_LIST_KEYS = 1000;

interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
}

export class S3State {
  private readonly buckets = new Map<string, { region: string; objects: Map<string, StoredObject> }>();

  constructor(private readonly deps: { clock: SandboxClock }) {}

  /** Creates a bucket (the sandbox's setup; CreateBucket over the wire does the same). */
  createBucket(name: string, region = 'us-east-1'): void {
    if (!this.buckets.has(name)) this.buckets.set(name, { region, objects: new Map() });
  }

  bucket(name: string) {
    return this.buckets.get(name);
  }

  /** Keys of a bucket, sorted as S3 lists them (UTF-8 binary order). */
  keys(bucket: string): string[] {
    return sortedKeys([...(this.buckets.get(bucket)?.objects.keys() ?? [])]);
  }

  /** Removes an object directly (tests: a shard whose output never arrived). */
  remove(bucket: string, key: string): boolean {
    return this.buckets.get(bucket)?.objects.delete(key) ?? false;
  }

  now(): Date {
    return this.deps.clock.now();
  }
}

function sortedKeys(keys: string[]): string[] {
  return keys.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

/** S3's error document: `<Error>` at the root, with the resource it concerns. */
function s3Error(
  status: number,
  code: string,
  message: string,
  operation: string,
  extra: Record<string, string> = {},
): ServiceResponse {
  const requestId = newRequestId();
  const error = new XmlNode('Error').c(XmlNode.of('Code', code)).c(XmlNode.of('Message', message));
  for (const [k, v] of Object.entries(extra)) error.c(XmlNode.of(k, v));
  error.c(XmlNode.of('RequestId', requestId));
  return {
    operation,
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${error.toString()}`,
  };
}

function xmlOk(operation: string, root: XmlNode, headers: Record<string, string> = {}): ServiceResponse {
  return {
    operation,
    status: 200,
    headers: { 'content-type': 'application/xml', ...headers },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${root.a('xmlns', S3_XMLNS).toString()}`,
  };
}

/** The bucket and key of a path-style request (`/bucket/key...`). */
function target(path: string): { bucket: string; key: string } {
  const slash = path.indexOf('/', 1);
  const bucket = decodeURIComponent(slash === -1 ? path.slice(1) : path.slice(1, slash));
  const key = slash === -1 ? '' : decodeURIComponent(path.slice(slash + 1));
  return { bucket, key };
}

export function s3OperationOf(req: AwsRequest): string {
  const { bucket, key } = target(req.path);
  if (!bucket) return 'ListBuckets';
  if (!key) {
    if (req.method === 'PUT') return 'CreateBucket';
    if (req.method === 'HEAD') return 'HeadBucket';
    if (req.method === 'GET' && req.query.get('list-type') === '2') return 'ListObjectsV2';
    return 'Unknown';
  }
  switch (req.method) {
    case 'PUT':
      return 'PutObject';
    case 'GET':
      return 'GetObject';
    case 'DELETE':
      return 'DeleteObject';
    default:
      return 'Unknown';
  }
}

/** Bucket naming rules (general purpose buckets): 3–63 of a-z 0-9 . -, starting and ending alphanumeric. */
function bucketNameProblem(name: string): boolean {
  return (
    !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) ||
    name.includes('..') ||
    /^\d+\.\d+\.\d+\.\d+$/.test(name)
  );
}

/**
 * An `aws-chunked` body (a streaming upload with a trailing checksum, as the AWS CLI sends one):
 * `<hex size>[;chunk-signature=...]\r\n<data>\r\n` until a zero chunk, then the trailers.
 */
function decodeAwsChunked(raw: Buffer): { body: Buffer; trailers: Record<string, string> } | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    if (eol === -1) return undefined;
    const size = Number.parseInt(raw.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) return undefined;
    at = eol + 2;
    if (size === 0) break;
    parts.push(raw.subarray(at, at + size));
    at += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of raw.subarray(at).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(parts), trailers };
}

function header(req: AwsRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function s3Handler(state: S3State): ServiceHandler {
  const handler: ServiceHandler = (req) => {
    const operation = s3OperationOf(req);
    const { bucket: bucketName, key } = target(req.path);
    if (operation === 'Unknown' || operation === 'ListBuckets') {
      return s3Error(
        501,
        'NotImplemented',
        'A header or query you provided implies functionality that is not implemented.',
        operation,
      );
    }
    if (operation === 'CreateBucket') {
      if (bucketNameProblem(bucketName)) {
        return s3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.', operation, {
          BucketName: bucketName,
        });
      }
      if (state.bucket(bucketName)) {
        return s3Error(
          409,
          'BucketAlreadyOwnedByYou',
          'Your previous request to create the named bucket succeeded and you already own it.',
          operation,
          { BucketName: bucketName },
        );
      }
      state.createBucket(bucketName, req.region);
      return { operation, status: 200, headers: { location: `/${bucketName}` }, body: '' };
    }
    const bucket = state.bucket(bucketName);
    if (!bucket) {
      return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', operation, {
        BucketName: bucketName,
      });
    }
    if (operation === 'HeadBucket')
      return { operation, status: 200, headers: { 'x-amz-bucket-region': bucket.region }, body: '' };
    if (operation === 'ListObjectsV2') return listObjectsV2(req, bucketName, bucket.objects);
    if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
      return s3Error(400, 'KeyTooLongError', 'Your key is too long', operation, {
        Size: String(Buffer.byteLength(key, 'utf8')),
        MaxSizeAllowed: String(MAX_KEY_BYTES),
      });
    }
    switch (operation) {
      case 'PutObject':
        return putObject(req, key, bucket.objects, state.now());
      case 'GetObject': {
        const o = bucket.objects.get(key);
        if (!o)
          return s3Error(404, 'NoSuchKey', 'The specified key does not exist.', operation, { Key: key });
        return {
          operation,
          status: 200,
          headers: {
            'content-type': o.contentType,
            etag: o.etag,
            'last-modified': o.lastModified.toUTCString(),
          },
          body: o.body.toString('utf8'),
        };
      }
      case 'DeleteObject':
        bucket.objects.delete(key);
        return { operation, status: 204, headers: {}, body: '' };
      default:
        return s3Error(
          501,
          'NotImplemented',
          'A header or query you provided implies functionality that is not implemented.',
          operation,
        );
    }
  };
  handler.operationOf = s3OperationOf;
  return handler;
}

function putObject(
  req: AwsRequest,
  key: string,
  objects: Map<string, StoredObject>,
  now: Date,
): ServiceResponse {
  const operation = 'PutObject';
  let body: Buffer = Buffer.from(req.body, 'utf8');
  let checksum = header(req, 'x-amz-checksum-crc32');
  if ((header(req, 'content-encoding') ?? '').split(',').some((e) => e.trim() === 'aws-chunked')) {
    const decoded = decodeAwsChunked(body);
    if (!decoded)
      return s3Error(400, 'IncompleteBody', 'The request body terminated unexpectedly', operation);
    body = decoded.body;
    checksum ??= decoded.trailers['x-amz-checksum-crc32'];
    const declared = header(req, 'x-amz-decoded-content-length');
    if (declared !== undefined && Number(declared) !== body.length) {
      return s3Error(
        400,
        'IncompleteBody',
        'You did not provide the number of bytes specified by the Content-Length HTTP header',
        operation,
      );
    }
  }
  if (checksum !== undefined) {
    const actual = Buffer.alloc(4);
    actual.writeUInt32BE(crc32(body) >>> 0);
    if (actual.toString('base64') !== checksum) {
      return s3Error(
        400,
        'BadDigest',
        'The CRC32 you specified did not match the calculated checksum.',
        operation,
      );
    }
  }
  const etag = `"${createHash('md5').update(body).digest('hex')}"`;
  objects.set(key, {
    body,
    contentType: header(req, 'content-type') ?? 'binary/octet-stream',
    etag,
    lastModified: now,
  });
  return {
    operation,
    status: 200,
    headers: { etag, ...(checksum !== undefined ? { 'x-amz-checksum-crc32': checksum } : {}) },
    body: '',
  };
}

function listObjectsV2(
  req: AwsRequest,
  bucketName: string,
  objects: Map<string, StoredObject>,
): ServiceResponse {
  const operation = 'ListObjectsV2';
  const prefix = req.query.get('prefix') ?? '';
  const maxKeysText = req.query.get('max-keys');
  const maxKeys = maxKeysText === null ? MAX_LIST_KEYS : Number(maxKeysText);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    return s3Error(
      400,
      'InvalidArgument',
      'Provided max-keys not an integer or within integer range',
      operation,
      {
        ArgumentName: 'max-keys',
        ArgumentValue: maxKeysText ?? '',
      },
    );
  }
  const encodingType = req.query.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') {
    return s3Error(400, 'InvalidArgument', 'Invalid Encoding Method specified in Request', operation, {
      ArgumentName: 'encoding-type',
      ArgumentValue: encodingType,
    });
  }
  const token = req.query.get('continuation-token');
  let after = req.query.get('start-after') ?? '';
  if (token !== null) {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    if (!decoded.startsWith('k:')) {
      return s3Error(400, 'InvalidArgument', 'The continuation token provided is incorrect', operation, {
        ArgumentName: 'continuation-token',
      });
    }
    after = decoded.slice(2);
  }
  const afterBytes = Buffer.from(after, 'utf8');
  const matching = sortedKeys([...objects.keys()].filter((k) => k.startsWith(prefix))).filter(
    (k) => Buffer.compare(Buffer.from(k, 'utf8'), afterBytes) > 0,
  );
  const page = matching.slice(0, Math.min(maxKeys, MAX_LIST_KEYS));
  const truncated = matching.length > page.length;
  const encode = (s: string) => (encodingType === 'url' ? encodeURIComponent(s) : s);
  const root = new XmlNode('ListBucketResult')
    .c(XmlNode.of('Name', bucketName))
    .c(XmlNode.of('Prefix', encode(prefix)))
    .c(XmlNode.of('KeyCount', String(page.length)))
    .c(XmlNode.of('MaxKeys', String(maxKeys)))
    .c(XmlNode.of('IsTruncated', String(truncated)));
  if (encodingType) root.c(XmlNode.of('EncodingType', encodingType));
  if (token !== null) root.c(XmlNode.of('ContinuationToken', token));
  if (truncated) {
    const last = page[page.length - 1] ?? after;
    root.c(XmlNode.of('NextContinuationToken', Buffer.from(`k:${last}`, 'utf8').toString('base64')));
  }
  for (const key of page) {
    const o = objects.get(key) as StoredObject;
    root.c(
      new XmlNode('Contents')
        .c(XmlNode.of('Key', encode(key)))
        .c(XmlNode.of('LastModified', o.lastModified.toISOString()))
        .c(XmlNode.of('ETag', o.etag))
        .c(XmlNode.of('Size', String(o.body.length)))
        .c(XmlNode.of('StorageClass', 'STANDARD')),
    );
  }
  return xmlOk(operation, root, {});
}
