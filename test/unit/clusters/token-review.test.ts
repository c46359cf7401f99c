import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyIdentity, StsState } from '../../../sandbox/aws/sts.js';
import { SandboxClock } from '../../../sandbox/clock.js';
import { SANDBOX_IDENTITIES } from '../../../sandbox/credentials.js';
import { reviewEksToken } from '../../../sandbox/kubernetes/token-review.js';
import { createEksToken } from '../../../shared/clusters/token.js';

const identity = SANDBOX_IDENTITIES[0]!;
const NOW = new Date('2026-03-14T15:09:26Z');
const MIN = 60_000;

async function token(clusterName = 'prod-eu', now = NOW, region = 'us-east-1'): Promise<string> {
  return (await createEksToken({ clusterName, region, credentials: identity, now })).token;
}

/** Re-encodes a token after editing its URL, the way a forger would. */
function edit(t: string, change: (url: string) => string): string {
  const url = Buffer.from(t.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
  return `k8s-aws-v1.${Buffer.from(change(url), 'utf8').toString('base64url')}`;
}

const setParam = (name: string, value: string) => (url: string) => {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
};

describe('reviewEksToken', () => {
  it('accepts a token made for this cluster with a sandbox identity', async () => {
    const review = await reviewEksToken(await token(), 'prod-eu', NOW);
    expect(review).toEqual({ ok: true, identity: keyIdentity(identity) });
    expect(keyIdentity(identity)).toMatchObject({ account: identity.account, arn: identity.arn });
  });

  it('accepts a token for the global STS host (the legacy endpoint of the CLI), signed for us-east-1', async () => {
    const signer = new SignatureV4({
      credentials: identity,
      region: 'us-east-1',
      service: 'sts',
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.presign(
      new HttpRequest({
        method: 'GET',
        protocol: 'https:',
        hostname: 'sts.amazonaws.com',
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: { host: 'sts.amazonaws.com', 'x-k8s-aws-id': 'prod-eu' },
      }),
      { signingDate: NOW, expiresIn: 60 },
    );
    const query = new URLSearchParams(signed.query as Record<string, string>);
    const t = `k8s-aws-v1.${Buffer.from(`https://sts.amazonaws.com/?${query}`).toString('base64url')}`;
    expect((await reviewEksToken(t, 'prod-eu', NOW)).ok).toBe(true);
  });

  it.each([
    ['within its 15 minutes', 15 * MIN, true],
    ['a second after 15 minutes', 15 * MIN + 1000, false],
    ['dated 4 minutes ahead (clock skew)', -4 * MIN, true],
    ['dated 6 minutes ahead', -6 * MIN, false],
  ])('judges a token %s on the given clock', async (_label, age, ok) => {
    const review = await reviewEksToken(await token(), 'prod-eu', new Date(NOW.getTime() + age));
    expect(review.ok).toBe(ok);
  });

  it('refuses a token made for another cluster (the signature covers the cluster id)', async () => {
    const review = await reviewEksToken(await token('prod-us'), 'prod-eu', NOW);
    expect(review).toEqual({ ok: false, reason: expect.stringMatching(/signature does not match/) });
  });

  it('refuses a token signed with an unknown key or the wrong secret', async () => {
    const unknown = await createEksToken({
      clusterName: 'prod-eu',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: identity.secretAccessKey },
      now: NOW,
    });
    expect(await reviewEksToken(unknown.token, 'prod-eu', NOW)).toEqual({
      ok: false,
      reason: 'unknown access key',
    });
    const wrongSecret = await createEksToken({
      clusterName: 'prod-eu',
      region: 'us-east-1',
      credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: 'not-the-secret' },
      now: NOW,
    });
    expect((await reviewEksToken(wrongSecret.token, 'prod-eu', NOW)).ok).toBe(false);
  });

  const flip = (hex: string) => (hex.startsWith('0') ? `1${hex.slice(1)}` : `0${hex.slice(1)}`);

  it.each<[string, (t: string) => string, RegExp]>([
    ['a missing prefix', (t) => t.slice('k8s-aws-v1.'.length), /prefix/],
    ['padding', (t) => `${t}==`, /base64url/],
    ['a dangling character', (t) => `${t}A`, /base64url|control characters/],
    ['an oversized token', (t) => t + 'A'.repeat(4096), /too large/],
    ['http', (t) => edit(t, (u) => u.replace('https:', 'http:')), /scheme/],
    [
      'another host',
      (t) => edit(t, (u) => u.replace('sts.us-east-1.amazonaws.com', 'sts.example.com')),
      /hostname/,
    ],
    ['a port', (t) => edit(t, (u) => u.replace('amazonaws.com/', 'amazonaws.com:8443/')), /URL parts/],
    ['another path', (t) => edit(t, (u) => u.replace('.com/?', '.com/x?')), /path/],
    ['an extra parameter', (t) => edit(t, setParam('Foo', 'bar')), /Foo is not allowed/],
    ['a repeated parameter', (t) => edit(t, (u) => `${u}&Action=GetCallerIdentity`), /several values/],
    ['another action', (t) => edit(t, setParam('Action', 'AssumeRole')), /action/],
    ['another version', (t) => edit(t, setParam('Version', '2020-01-01')), /version/],
    ['X-Amz-Expires above 900', (t) => edit(t, setParam('X-Amz-Expires', '901')), /X-Amz-Expires/],
    ['an unsigned cluster id', (t) => edit(t, setParam('X-Amz-SignedHeaders', 'host')), /x-k8s-aws-id/],
    [
      'a signed header STS cannot replay',
      (t) => edit(t, setParam('X-Amz-SignedHeaders', 'host;user-agent;x-k8s-aws-id')),
      /replayed/,
    ],
    ['a malformed date', (t) => edit(t, setParam('X-Amz-Date', '2026-03-14')), /X-Amz-Date/],
    [
      'a scope in another region than the host',
      (t) => edit(t, (u) => u.replace('%2Fus-east-1%2F', '%2Feu-west-1%2F')),
      /region/,
    ],
    ['a session token', (t) => edit(t, setParam('X-Amz-Security-Token', 'abc')), /security token/],
    [
      'a tampered signature',
      (t) =>
        edit(t, (u) => {
          const url = new URL(u);
          url.searchParams.set('X-Amz-Signature', flip(url.searchParams.get('X-Amz-Signature')!));
          return url.toString();
        }),
      /signature does not match/,
    ],
    ['a later date than signed', (t) => edit(t, setParam('X-Amz-Date', '20260314T151000Z')), /signature/],
  ])('refuses %s', async (_label, mutate, reason) => {
    const review = await reviewEksToken(mutate(await token()), 'prod-eu', NOW);
    expect(review).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('accepts every token createEksToken makes for the cluster, and no other cluster', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/),
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/),
        fc.constantFrom('us-east-1', 'eu-central-1', 'ap-northeast-3'),
        fc.integer({ min: 0, max: 15 * 60 }),
        async (cluster, other, region, ageSeconds) => {
          const t = await token(cluster, NOW, region);
          const at = new Date(NOW.getTime() + ageSeconds * 1000);
          expect((await reviewEksToken(t, cluster, at)).ok).toBe(true);
          if (other !== cluster) expect((await reviewEksToken(t, other, at)).ok).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  describe('with AssumeRole credentials of the sandbox STS', () => {
    const ROLE = 'arn:aws:iam::111111111111:role/edge/reader';
    const HOUR = 60 * MIN;

    function assumed() {
      const clock = new SandboxClock(NOW);
      const sts = new StsState({ clock });
      const session = sts.assumeRole(identity, ROLE, 'pass-1', 3600);
      const credentials = { ...identity, sessionToken: session.sessionToken };
      const sessionToken = (cluster = 'prod-eu') =>
        createEksToken({ clusterName: cluster, region: 'eu-central-1', credentials, now: clock.now() }).then(
          (t) => t.token,
        );
      return { clock, sts, session, sessionToken };
    }

    it('accepts a token signed with the session, as the assumed role', async () => {
      const { sts, session, sessionToken } = assumed();
      const review = await reviewEksToken(await sessionToken(), 'prod-eu', NOW, sts);
      expect(review).toEqual({ ok: true, identity: session.identity });
      expect(session.identity).toMatchObject({
        account: '111111111111',
        arn: 'arn:aws:sts::111111111111:assumed-role/reader/pass-1',
      });
    });

    it('still checks the cluster the session token was signed for', async () => {
      const { sts, sessionToken } = assumed();
      const review = await reviewEksToken(await sessionToken('prod-us'), 'prod-eu', NOW, sts);
      expect(review).toEqual({ ok: false, reason: expect.stringMatching(/signature does not match/) });
    });

    it('refuses the session token once the session has ended on the sandbox clock', async () => {
      const { clock, sts, sessionToken } = assumed();
      clock.advance(HOUR - 5 * MIN);
      const t = await sessionToken();
      expect((await reviewEksToken(t, 'prod-eu', clock.now(), sts)).ok).toBe(true);
      clock.advance(5 * MIN);
      expect(await reviewEksToken(t, 'prod-eu', clock.now(), sts)).toEqual({
        ok: false,
        reason: expect.stringMatching(/security token expired/),
      });
    });

    it.each<[string, (t: string, other: string) => string, RegExp]>([
      [
        'a session token this STS never issued',
        (t) => edit(t, setParam('X-Amz-Security-Token', 'SandboxSession/forged')),
        /not a session/,
      ],
      ['an empty session token', (t) => edit(t, setParam('X-Amz-Security-Token', '')), /empty/],
      [
        'a token without its session token (the signature covered it)',
        (t) =>
          edit(t, (u) => {
            const url = new URL(u);
            url.searchParams.delete('X-Amz-Security-Token');
            return url.toString();
          }),
        /signature does not match/,
      ],
      [
        'another live session’s token swapped in',
        (t, other) => edit(t, setParam('X-Amz-Security-Token', other)),
        /signature does not match/,
      ],
    ])('refuses %s', async (_label, mutate, reason) => {
      const { sts, sessionToken } = assumed();
      const other = sts.assumeRole(identity, ROLE, 'pass-2', 3600).sessionToken;
      const review = await reviewEksToken(mutate(await sessionToken(), other), 'prod-eu', NOW, sts);
      expect(review).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    });

    it('without the STS, a session token is refused like any unknown one', async () => {
      const { sessionToken } = assumed();
      expect(await reviewEksToken(await sessionToken(), 'prod-eu', NOW)).toEqual({
        ok: false,
        reason: expect.stringMatching(/not a session/),
      });
    });
  });
});
