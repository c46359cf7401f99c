import { request } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StsState } from '../../sandbox/aws/sts.js';
import { ApiCallCounter } from '../../sandbox/calls.js';
import { SandboxClock } from '../../sandbox/clock.js';
import { SANDBOX_IDENTITIES } from '../../sandbox/credentials.js';
import { type KubernetesApiServer, startKubernetesApiServer } from '../../sandbox/kubernetes/api-server.js';
import {
  KubernetesApiError,
  KubernetesClient,
  KubernetesNetworkError,
} from '../../shared/clusters/kubernetes-client.js';
import { createEksToken, EksTokenCache } from '../../shared/clusters/token.js';
import type { KubernetesObject } from '../../shared/sources/objects.js';
import { bareIngress } from '../support/kubernetes-objects.js';
import { resourceNamed } from '../support/resources.js';

const CLUSTER = 'prod-eu';
const REGION = 'eu-central-1';
const identity = SANDBOX_IDENTITIES[0]!;
const UNAUTHORIZED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Unauthorized',
  reason: 'Unauthorized',
  code: 401,
};

function services(): KubernetesObject[] {
  return Array.from({ length: 1200 }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `svc-${String(i).padStart(4, '0')}`,
      namespace: `ns-${i % 12}`,
      labels: { tier: ['web', 'api', 'batch'][i % 3]!, ...(i % 5 === 0 ? { exposed: 'true' } : {}) },
    },
    spec: { type: 'LoadBalancer' },
    status: { loadBalancer: { ingress: [{ hostname: `lb-${i}.elb.eu-central-1.amazonaws.com` }] } },
  }));
}

const others: KubernetesObject[] = [
  bareIngress('shop', 'x'),
  bareIngress('blog', 'y'),
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'x' } },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'x' } },
  { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name: 'tr', namespace: 'x' } },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'ip-10-0-0-1.eu-central-1.compute.internal' } },
  // One written before Gateway API 1.5, one after: every served version lists both.
  {
    apiVersion: 'gateway.networking.k8s.io/v1alpha2',
    kind: 'TLSRoute',
    metadata: { name: 'db', namespace: 'x' },
  },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'TLSRoute', metadata: { name: 'mq', namespace: 'y' } },
];

const GATEWAY_API = 'gateway.networking.k8s.io';
const TLSROUTES_V1 = `tlsroutes.${GATEWAY_API}/v1`;
const TLSROUTES_V1ALPHA2 = `tlsroutes.${GATEWAY_API}/v1alpha2`;

/** A GET with the cluster CA, for checking exact wire bodies. */
function rawGet(
  server: KubernetesApiServer,
  path: string,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { ca: server.caPem, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the sandbox Kubernetes API with our client and EKS token', () => {
  const clock = new SandboxClock();
  const calls = new ApiCallCounter();
  const sts = new StsState({ clock });
  let server: KubernetesApiServer;
  let tokens: EksTokenCache;
  const clients: KubernetesClient[] = [];

  const clientWith = (token: () => Promise<string>, extra: { caData?: string; timeoutMs?: number } = {}) => {
    const c = new KubernetesClient({
      endpoint: server.url,
      caData: extra.caData ?? server.caData,
      token,
      clusterName: CLUSTER,
      ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
    });
    clients.push(c);
    return c;
  };
  const client = () => clientWith(tokens.provider(CLUSTER, REGION));
  const fixedToken = async (opts: Partial<Parameters<typeof createEksToken>[0]> = {}) =>
    (
      await createEksToken({
        clusterName: CLUSTER,
        region: REGION,
        credentials: identity,
        now: clock.now(),
        ...opts,
      })
    ).token;

  beforeAll(async () => {
    server = await startKubernetesApiServer({
      clusterName: CLUSTER,
      clock,
      calls,
      objects: [...services(), ...others],
      identities: sts,
    });
    tokens = new EksTokenCache({ clock: clock.clock, credentials: identity });
  });
  afterEach(() => {
    server.setMode('ok');
    server.setUnservedVersions([]);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('lists 1,200 services in pages of 500 and restores kind and apiVersion', async () => {
    const before = calls.snapshot();
    const items = await client().listAll(resourceNamed('services'), { pageSize: 500 });
    expect(calls.since(before)).toEqual({ kubernetes: { 'list services': 3 } });
    expect(items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual(
      server
        .list('Service')
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
        .sort(),
    );
    expect(new Set(items.map((o) => `${o.apiVersion} ${o.kind}`))).toEqual(new Set(['v1 Service']));
    expect(items[0]?.status).toEqual(server.list('Service')[0]?.status);
  });

  it('lists one namespace', async () => {
    const items = await client().listAll(resourceNamed('services'), { namespace: 'ns-3' });
    expect(items).toHaveLength(100);
    expect(new Set(items.map((o) => o.metadata.namespace))).toEqual(new Set(['ns-3']));
  });

  it.each([
    ['tier=web', (o: KubernetesObject) => o.metadata.labels?.tier === 'web'],
    ['tier!=web', (o: KubernetesObject) => o.metadata.labels?.tier !== 'web'],
    [
      'tier in (api,batch),exposed',
      (o: KubernetesObject) => o.metadata.labels?.tier !== 'web' && !!o.metadata.labels?.exposed,
    ],
    ['!exposed', (o: KubernetesObject) => !o.metadata.labels?.exposed],
  ])('selects by label %s across pages', async (selector, predicate) => {
    const items = await client().listAll(resourceNamed('services'), {
      labelSelector: selector,
      pageSize: 150,
    });
    const expected = server.list('Service').filter(predicate);
    expect(expected.length).toBeGreaterThan(0);
    expect(items.map((o) => o.metadata.name).sort()).toEqual(expected.map((o) => o.metadata.name).sort());
  });

  it('selects by namespace field', async () => {
    const items = await client().listAll(resourceNamed('services'), {
      fieldSelector: 'metadata.namespace=ns-7',
    });
    expect(items).toHaveLength(100);
    expect(new Set(items.map((o) => o.metadata.namespace))).toEqual(new Set(['ns-7']));
  });

  it.each<[string, string, string, number]>([
    ['ingresses', 'networking.k8s.io/v1', 'Ingress', 2],
    ['gateways', 'gateway.networking.k8s.io/v1', 'Gateway', 1],
    ['httproutes', 'gateway.networking.k8s.io/v1', 'HTTPRoute', 1],
    ['ingressroutes', 'traefik.io/v1alpha1', 'IngressRoute', 1],
    ['nodes', 'v1', 'Node', 1],
    ['tlsroutes', 'gateway.networking.k8s.io/v1', 'TLSRoute', 2],
  ])('lists %s as %s %s', async (resource, apiVersion, kind, count) => {
    const items = await client().listAll(resourceNamed(resource));
    expect(items).toHaveLength(count);
    for (const o of items) expect([o.apiVersion, o.kind]).toEqual([apiVersion, kind]);
  });

  it('answers a list the way the real API does: List kind, resourceVersion, continue, items without kind', async () => {
    const t = await fixedToken();
    const first = await rawGet(server, '/api/v1/namespaces/ns-0/services?limit=40', t);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body)).toEqual(['kind', 'apiVersion', 'metadata', 'items']);
    expect(first.body.kind).toBe('ServiceList');
    expect(first.body.apiVersion).toBe('v1');
    const meta = first.body.metadata as {
      resourceVersion: string;
      continue: string;
      remainingItemCount: number;
    };
    expect(meta.resourceVersion).toMatch(/^\d+$/);
    expect(meta.remainingItemCount).toBe(60);
    const items = first.body.items as Record<string, unknown>[];
    expect(items).toHaveLength(40);
    for (const item of items) {
      expect(item).not.toHaveProperty('kind');
      expect(item).not.toHaveProperty('apiVersion');
      expect((item.metadata as { resourceVersion: string }).resourceVersion).toMatch(/^\d+$/);
    }
    const second = await rawGet(
      server,
      `/api/v1/namespaces/ns-0/services?limit=40&continue=${encodeURIComponent(meta.continue)}`,
      t,
    );
    expect((second.body.metadata as { resourceVersion: string }).resourceVersion).toBe(meta.resourceVersion);
    const names = [...items, ...(second.body.items as typeof items)].map(
      (i) => (i.metadata as { name: string }).name,
    );
    expect(new Set(names).size).toBe(80);
  });

  it('bumps resourceVersion on apply and remove, and serves a single object with its kind', async () => {
    const t = await fixedToken();
    const rv = async () =>
      Number(
        ((await rawGet(server, '/api/v1/nodes', t)).body.metadata as { resourceVersion: string })
          .resourceVersion,
      );
    const start = await rv();
    const applied = server.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'new', namespace: 'z' },
    });
    expect(Number(applied.metadata.resourceVersion)).toBe(start + 1);
    expect(await rv()).toBe(start + 1);
    const got = await rawGet(server, '/api/v1/namespaces/z/services/new', t);
    expect(got.body).toMatchObject({
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'new', namespace: 'z' },
    });
    expect(server.remove('Service', 'z', 'new')).toBe(true);
    expect(await rv()).toBe(start + 2);
    const gone = await rawGet(server, '/api/v1/namespaces/z/services/new', t);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'services "new" not found',
      code: 404,
    });
    expect((await rawGet(server, '/apis/example.com/v1/widgets', t)).status).toBe(404);
  });

  it('refuses a malformed continue token with 400 and a compacted one with 410', async () => {
    const t = await fixedToken();
    const bad = await rawGet(server, '/api/v1/services?limit=10&continue=not-a-token', t);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    const badSelector = await client()
      .listAll(resourceNamed('services'), { labelSelector: 'app in web' })
      .catch((e: unknown) => e);
    expect(badSelector).toMatchObject({
      status: 400,
      reason: 'BadRequest',
      serverMessage: expect.stringMatching(/unable to parse/),
    });
    const first = await rawGet(server, '/api/v1/services?limit=10', t);
    const token = (first.body.metadata as { continue: string }).continue;
    clock.advance(6 * 60_000);
    const expired = await rawGet(
      server,
      `/api/v1/services?limit=10&continue=${encodeURIComponent(token)}`,
      await fixedToken(),
    );
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
  });

  it('starts a list over when its continue token expires between pages', async () => {
    let requests = 0;
    const c = clientWith(async () => {
      // The second page is asked for after the snapshot has been compacted.
      if (++requests === 2) clock.advance(6 * 60_000);
      return fixedToken();
    });
    const before = calls.snapshot();
    const items = await c.listAll(resourceNamed('services'), { pageSize: 500 });
    expect(items).toHaveLength(1200);
    expect(calls.since(before)).toEqual({ kubernetes: { 'list services': 5 } });
  });

  describe('a kind served at several versions (TLSRoute: v1 since Gateway API 1.5, v1alpha2 before)', () => {
    const names = (items: KubernetesObject[]) => items.map((o) => `${o.apiVersion} ${o.metadata.name}`);

    it('lists at v1 with one request where v1 is served, whatever version the objects were written at', async () => {
      server.setUnservedVersions([TLSROUTES_V1ALPHA2]);
      const before = calls.snapshot();
      const items = await client().listAll(resourceNamed('tlsroutes'));
      expect(names(items)).toEqual([`${GATEWAY_API}/v1 db`, `${GATEWAY_API}/v1 mq`]);
      expect(calls.since(before)).toEqual({ kubernetes: { 'list tlsroutes': 1 } });
    });

    it('lists at v1alpha2 after one 404 where v1 is not served, and does not ask v1 again', async () => {
      server.setUnservedVersions([TLSROUTES_V1]);
      const c = client();
      const before = calls.snapshot();
      const items = await c.listAll(resourceNamed('tlsroutes'));
      expect(names(items)).toEqual([`${GATEWAY_API}/v1alpha2 db`, `${GATEWAY_API}/v1alpha2 mq`]);
      expect(calls.since(before)).toEqual({
        kubernetes: { [`get /apis/${GATEWAY_API}/v1/tlsroutes`]: 1, 'list tlsroutes': 1 },
      });

      const again = calls.snapshot();
      const inY = await c.listAll(resourceNamed('tlsroutes'), { namespace: 'y' });
      expect(names(inY)).toEqual([`${GATEWAY_API}/v1alpha2 mq`]);
      expect(calls.since(again)).toEqual({ kubernetes: { 'list tlsroutes': 1 } });
    });

    it('throws the last 404, naming every version tried, where none is served', async () => {
      server.setUnservedVersions([TLSROUTES_V1, TLSROUTES_V1ALPHA2]);
      const before = calls.snapshot();
      const error = await client()
        .listAll(resourceNamed('tlsroutes'))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubernetesApiError);
      expect(error).toMatchObject({
        status: 404,
        reason: 'NotFound',
        resource: 'tlsroutes',
        cluster: CLUSTER,
      });
      expect((error as Error).message).toBe(
        `cluster prod-eu: 404 NotFound listing tlsroutes: the server could not find the requested resource (tried ${GATEWAY_API}/v1 and ${GATEWAY_API}/v1alpha2: is the resource's API, or its CRD, installed in this cluster?)`,
      );
      expect(calls.since(before)).toEqual({
        kubernetes: {
          [`get /apis/${GATEWAY_API}/v1/tlsroutes`]: 1,
          [`get /apis/${GATEWAY_API}/v1alpha2/tlsroutes`]: 1,
        },
      });
    });

    it('throws a 403 at v1 as it is, without trying v1alpha2', async () => {
      server.setMode('forbidden');
      const before = calls.snapshot();
      const error = await client()
        .listAll(resourceNamed('tlsroutes'))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubernetesApiError);
      expect(error).toMatchObject({ status: 403, reason: 'Forbidden', resource: 'tlsroutes' });
      expect(calls.since(before)).toEqual({ kubernetes: { 'list tlsroutes': 1 } });
    });

    it('throws a 404 after the first page: the version answered, so it is not a version to skip', async () => {
      let requests = 0;
      const c = clientWith(async () => {
        // v1 stops being served between the first page and the second.
        if (++requests === 2) server.setUnservedVersions([TLSROUTES_V1]);
        return fixedToken();
      });
      const before = calls.snapshot();
      const error = await c.listAll(resourceNamed('tlsroutes'), { pageSize: 1 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 404, resource: 'tlsroutes' });
      expect(calls.since(before)).toEqual({
        kubernetes: { 'list tlsroutes': 1, [`get /apis/${GATEWAY_API}/v1/tlsroutes`]: 1 },
      });
    });

    it('serves an object at each served version, and discovery names only those', async () => {
      const t = await fixedToken();
      const servedAt = async (version: string) =>
        ((await rawGet(server, `/apis/${GATEWAY_API}/${version}`, t)).body.resources as { name: string }[])
          .map((r) => r.name)
          .includes('tlsroutes');
      expect([await servedAt('v1'), await servedAt('v1alpha2')]).toEqual([true, true]);
      const db = await rawGet(server, `/apis/${GATEWAY_API}/v1/namespaces/x/tlsroutes/db`, t);
      expect(db.body).toMatchObject({ apiVersion: `${GATEWAY_API}/v1`, kind: 'TLSRoute' });
      const list = await rawGet(server, `/apis/${GATEWAY_API}/v1alpha2/tlsroutes`, t);
      expect(list.body).toMatchObject({ kind: 'TLSRouteList', apiVersion: `${GATEWAY_API}/v1alpha2` });

      server.setUnservedVersions([TLSROUTES_V1ALPHA2]);
      // TCPRoute and UDPRoute keep the group version served.
      expect([await servedAt('v1'), await servedAt('v1alpha2')]).toEqual([true, false]);
      const gone = await rawGet(server, `/apis/${GATEWAY_API}/v1alpha2/namespaces/x/tlsroutes/db`, t);
      expect(gone.status).toBe(404);
      expect(() => server.setUnservedVersions([`tlsroutes.${GATEWAY_API}/v1alpha3`])).toThrow(
        /serves no tlsroutes\.gateway\.networking\.k8s\.io\/v1alpha3/,
      );
    });
  });

  describe('authentication', () => {
    it('answers 401 with the exact Status body, and no detail, without a token', async () => {
      expect(await rawGet(server, '/api/v1/services')).toEqual({ status: 401, body: UNAUTHORIZED });
      expect(await rawGet(server, '/api/v1/services', 'k8s-aws-v1.garbage')).toEqual({
        status: 401,
        body: UNAUTHORIZED,
      });
    });

    const tamper = (t: string) => {
      const url = new URL(Buffer.from(t.slice(11), 'base64url').toString('utf8'));
      const sig = url.searchParams.get('X-Amz-Signature')!;
      url.searchParams.set('X-Amz-Signature', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
      return `k8s-aws-v1.${Buffer.from(url.toString()).toString('base64url')}`;
    };

    it.each<[string, () => Promise<string>]>([
      ['made for another cluster', () => fixedToken({ clusterName: 'prod-us' })],
      [
        'signed with an unknown key',
        () => fixedToken({ credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' } }),
      ],
      ['with a tampered signature', async () => tamper(await fixedToken())],
      [
        'that expired (made 16 minutes ago on the sandbox clock)',
        () => fixedToken({ now: new Date(clock.now().getTime() - 16 * 60_000) }),
      ],
    ])('refuses a token %s with a typed 401 that never shows the token', async (_label, make) => {
      const token = await make();
      const error = await clientWith(async () => token)
        .listAll(resourceNamed('services'))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubernetesApiError);
      expect(error).toMatchObject({
        status: 401,
        reason: 'Unauthorized',
        resource: 'services',
        cluster: CLUSTER,
      });
      const message = (error as Error).message;
      expect(message).toMatch(/^cluster prod-eu: 401 Unauthorized listing services: token rejected/);
      expect(message).not.toContain('k8s-aws-v1');
      expect(message).not.toContain(token.slice(11, 40));
      expect(await rawGet(server, '/api/v1/services', token)).toEqual({ status: 401, body: UNAUTHORIZED });
    });

    it('refuses a token that was good once the sandbox clock moves 16 minutes', async () => {
      const token = await fixedToken();
      expect((await rawGet(server, '/version', token)).status).toBe(200);
      clock.advance(16 * 60_000);
      expect(await rawGet(server, '/version', token)).toEqual({ status: 401, body: UNAUTHORIZED });
      // The cache signs a new token at the new time, which is accepted again.
      expect(await client().listAll(resourceNamed('nodes'))).toHaveLength(1);
    });

    describe('with AssumeRole credentials', () => {
      const ROLE = 'arn:aws:iam::111111111111:role/edge-reader';
      const sessionToken = (token: string) =>
        fixedToken({ credentials: { ...identity, sessionToken: token } });

      it('accepts a token presigned with a live session, as the assumed role', async () => {
        const session = sts.assumeRole(identity, ROLE, 'pass-1', 3600);
        const token = await sessionToken(session.sessionToken);
        expect((await rawGet(server, '/version', token)).status).toBe(200);
        server.setMode('forbidden');
        const denied = await rawGet(server, '/api/v1/services', token);
        expect(denied.status).toBe(403);
        expect(denied.body.message).toContain(
          'User "arn:aws:sts::111111111111:assumed-role/edge-reader/pass-1" cannot list resource "services"',
        );
      });

      it.each<[string, () => Promise<string>]>([
        ['a session STS never issued', () => sessionToken('SandboxSession/forged')],
        [
          'a session that ended on the sandbox clock',
          async () => {
            const session = sts.assumeRole(identity, ROLE, 'short', 900);
            clock.advance(900_000);
            return sessionToken(session.sessionToken);
          },
        ],
      ])('refuses %s with 401', async (_label, make) => {
        expect(await rawGet(server, '/api/v1/services', await make())).toEqual({
          status: 401,
          body: UNAUTHORIZED,
        });
      });
    });
  });

  describe('failure modes', () => {
    it('forbidden: a typed 403 carrying the API server message', async () => {
      server.setMode('forbidden');
      const error = await client()
        .listAll(resourceNamed('ingresses'), { namespace: 'x' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubernetesApiError);
      expect(error).toMatchObject({
        status: 403,
        reason: 'Forbidden',
        serverMessage: `ingresses is forbidden: User "${identity.arn}" cannot list resource "ingresses" in API group "networking.k8s.io" in the namespace "x"`,
      });
      const raw = await rawGet(server, '/api/v1/services', await fixedToken());
      expect(raw.body).toMatchObject({
        reason: 'Forbidden',
        code: 403,
        message: `services is forbidden: User "${identity.arn}" cannot list resource "services" in API group "" at the cluster scope`,
      });
    });

    it('error: a typed 500', async () => {
      server.setMode('error');
      const error = await client()
        .listAll(resourceNamed('services'))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubernetesApiError);
      expect(error).toMatchObject({ status: 500, reason: 'InternalError' });
      expect((error as Error).message).toMatch(
        /^cluster prod-eu: 500 InternalError listing services: Internal error/,
      );
    });

    it('unreachable: a network error, not a hang', async () => {
      server.setMode('unreachable');
      const before = calls.snapshot();
      const error = await client()
        .listAll(resourceNamed('services'))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubernetesNetworkError);
      expect(error).toMatchObject({ timedOut: false, resource: 'services', cluster: CLUSTER });
      expect((error as Error).message).toMatch(/^cluster prod-eu: listing services failed: /);
      expect(calls.since(before)).toEqual({});
    });

    it('unreachable past the client deadline: a timeout error', async () => {
      const slow = await startKubernetesApiServer({
        clusterName: CLUSTER,
        clock,
        calls,
        mode: 'unreachable',
        unreachableDelayMs: 2000,
      });
      try {
        const c = new KubernetesClient({
          endpoint: slow.url,
          caData: slow.caData,
          token: () => fixedToken(),
          timeoutMs: 100,
        });
        const error = await c.listAll(resourceNamed('services')).catch((e: unknown) => e);
        c.close();
        expect(error).toBeInstanceOf(KubernetesNetworkError);
        expect(error).toMatchObject({ timedOut: true, code: 'ETIMEDOUT' });
        expect((error as Error).message).toContain('no answer within 100 ms');
      } finally {
        await slow.close();
      }
    });
  });

  describe('TLS', () => {
    it('trusts only the cluster CA: another cluster CA fails verification', async () => {
      const other = await startKubernetesApiServer({ clusterName: 'other', clock, calls });
      try {
        expect(other.caPem).not.toBe(server.caPem);
        const error = await clientWith(() => fixedToken(), { caData: other.caData })
          .listAll(resourceNamed('services'))
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(KubernetesNetworkError);
        expect((error as KubernetesNetworkError).message).toMatch(/TLS: .*cluster CA/);
      } finally {
        await other.close();
      }
    });

    it.each([
      [
        'CA data that is not a PEM',
        { caData: Buffer.from('hello').toString('base64') },
        /certificate authority data/,
      ],
      ['a plain-http endpoint', { endpoint: 'http://127.0.0.1:1' }, /not https/],
      ['an endpoint that is no URL', { endpoint: 'prod-eu' }, /not a URL/],
    ])('refuses %s up front', (_label, patch, message) => {
      expect(
        () =>
          new KubernetesClient({
            endpoint: server.url,
            caData: server.caData,
            token: async () => 'unused',
            clusterName: CLUSTER,
            ...patch,
          }),
      ).toThrow(message);
    });
  });
});
