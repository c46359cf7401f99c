import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createEksToken,
  type EksToken,
  EksTokenCache,
  type EksTokenRequest,
} from '../../../shared/clusters/token.js';

const credentials = { accessKeyId: 'AKIAEXAMPLEKEY000001', secretAccessKey: 'example/secret/key/for/tests' };
const NOW = new Date('2026-03-14T15:09:26.535Z');

function decode(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  const body = token.slice('k8s-aws-v1.'.length);
  expect(body).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
  return new URL(Buffer.from(body, 'base64url').toString('utf8'));
}

/** SigV4 written out from the AWS documentation: an oracle independent of the signer under test. */
function expectedSignature(url: URL, clusterName: string, secret: string): string {
  const params = [...url.searchParams].filter(([k]) => k !== 'X-Amz-Signature');
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = params
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    'GET',
    '/',
    canonicalQuery,
    `host:${url.host}\nx-k8s-aws-id:${clusterName}\n`,
    'host;x-k8s-aws-id',
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const date = url.searchParams.get('X-Amz-Date')!;
  const [, day, region, service] = url.searchParams.get('X-Amz-Credential')!.split('/');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    date,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  let key = hmac(`AWS4${secret}`, day!);
  key = hmac(key, region!);
  key = hmac(key, service!);
  key = hmac(key, 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('createEksToken', () => {
  it('is a presigned STS GetCallerIdentity URL with every field aws eks get-token sets', async () => {
    const { token, expiresAt } = await createEksToken({
      clusterName: 'prod-eu',
      region: 'eu-central-1',
      credentials,
      now: NOW,
    });
    const url = decode(token);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-central-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const q = Object.fromEntries(url.searchParams);
    expect(Object.keys(q).sort()).toEqual([
      'Action',
      'Version',
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-Signature',
      'X-Amz-SignedHeaders',
    ]);
    expect(q.Action).toBe('GetCallerIdentity');
    expect(q.Version).toBe('2011-06-15');
    expect(q['X-Amz-Algorithm']).toBe('AWS4-HMAC-SHA256');
    expect(q['X-Amz-Credential']).toBe('AKIAEXAMPLEKEY000001/20260314/eu-central-1/sts/aws4_request');
    expect(q['X-Amz-Date']).toBe('20260314T150926Z');
    expect(q['X-Amz-Expires']).toBe('60');
    expect(q['X-Amz-SignedHeaders']).toBe('host;x-k8s-aws-id');
    expect(q['X-Amz-Signature']).toBe(expectedSignature(url, 'prod-eu', credentials.secretAccessKey));
    expect(expiresAt.toISOString()).toBe('2026-03-14T15:24:26.000Z');
  });

  it('signs the cluster name: another cluster, same instant, gets another signature', async () => {
    const a = decode(
      (await createEksToken({ clusterName: 'a', region: 'us-east-1', credentials, now: NOW })).token,
    );
    const b = decode(
      (await createEksToken({ clusterName: 'b', region: 'us-east-1', credentials, now: NOW })).token,
    );
    expect(a.searchParams.get('X-Amz-Signature')).not.toBe(b.searchParams.get('X-Amz-Signature'));
    expect(b.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(b, 'b', credentials.secretAccessKey),
    );
  });

  it('takes a credential provider and carries a session token', async () => {
    const { token } = await createEksToken({
      clusterName: 'c',
      region: 'us-west-2',
      credentials: async () => ({ ...credentials, sessionToken: 'session+token/with=chars' }),
      now: NOW,
    });
    const url = decode(token);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session+token/with=chars');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(url, 'c', credentials.secretAccessKey),
    );
  });

  it('matches the documented signature for any cluster, region and instant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/),
        fc.constantFrom('us-east-1', 'eu-west-3', 'ap-southeast-2', 'us-gov-west-1'),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        async (clusterName, region, now) => {
          const url = decode((await createEksToken({ clusterName, region, credentials, now })).token);
          expect(url.host).toBe(`sts.${region}.amazonaws.com`);
          expect(url.searchParams.get('X-Amz-Signature')).toBe(
            expectedSignature(url, clusterName, credentials.secretAccessKey),
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it.each([
    ['an empty cluster name', { clusterName: '' }, /clusterName/],
    ['a region that is not one', { region: 'moon-1' }, /region "moon-1"/],
  ])('refuses %s', async (_label, patch, message) => {
    await expect(
      createEksToken({ clusterName: 'x', region: 'us-east-1', credentials, now: NOW, ...patch }),
    ).rejects.toThrow(message);
  });
});

describe('EksTokenCache', () => {
  function setup(refreshBeforeMs?: number) {
    let now = NOW.getTime();
    const made: EksTokenRequest[] = [];
    let fail = false;
    const cache = new EksTokenCache({
      clock: () => new Date(now),
      credentials,
      ...(refreshBeforeMs !== undefined ? { refreshBeforeMs } : {}),
      create: async (req): Promise<EksToken> => {
        made.push(req);
        if (fail) throw new Error('no credentials');
        return {
          token: `t${made.length}:${req.clusterName}`,
          expiresAt: new Date(req.now.getTime() + 15 * 60_000),
        };
      },
    });
    return {
      cache,
      made,
      advance: (ms: number) => {
        now += ms;
      },
      failNext: (f: boolean) => {
        fail = f;
      },
    };
  }

  it('reuses a token until a minute before it expires, then signs a new one at the clock time', async () => {
    const { cache, made, advance } = setup();
    expect(await cache.get('prod', 'us-east-1')).toBe('t1:prod');
    advance(14 * 60_000 - 1);
    expect(await cache.get('prod', 'us-east-1')).toBe('t1:prod');
    advance(1);
    expect(await cache.get('prod', 'us-east-1')).toBe('t2:prod');
    expect(made.map((m) => m.now.getTime() - NOW.getTime())).toEqual([0, 14 * 60_000]);
  });

  it('honours another refresh margin', async () => {
    const { cache, advance } = setup(5 * 60_000);
    await cache.get('prod', 'us-east-1');
    advance(10 * 60_000);
    expect(await cache.get('prod', 'us-east-1')).toBe('t2:prod');
  });

  it('keeps one token per cluster and region', async () => {
    const { cache, made } = setup();
    await cache.get('a', 'us-east-1');
    await cache.get('b', 'us-east-1');
    await cache.get('a', 'eu-west-1');
    await cache.get('a', 'us-east-1');
    expect(made.map((m) => `${m.region}/${m.clusterName}`)).toEqual([
      'us-east-1/a',
      'us-east-1/b',
      'eu-west-1/a',
    ]);
  });

  it('shares one signing among concurrent callers', async () => {
    const { cache, made } = setup();
    const tokens = await Promise.all([1, 2, 3].map(() => cache.get('prod', 'us-east-1')));
    expect(tokens).toEqual(['t1:prod', 't1:prod', 't1:prod']);
    expect(made).toHaveLength(1);
  });

  it('does not cache a failure', async () => {
    const { cache, made, failNext } = setup();
    failNext(true);
    await expect(cache.get('prod', 'us-east-1')).rejects.toThrow('no credentials');
    failNext(false);
    expect(await cache.get('prod', 'us-east-1')).toBe('t2:prod');
    expect(made).toHaveLength(2);
  });

  it('hands out a provider bound to one cluster', async () => {
    const { cache } = setup();
    const provider = cache.provider('prod', 'us-east-1');
    expect(await provider()).toBe('t1:prod');
    expect(await provider()).toBe('t1:prod');
  });
});
