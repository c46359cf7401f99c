import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import {
  ChangeResourceRecordSetsCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_IDENTITIES } from '../../sandbox/credentials.js';
import { Sandbox } from '../../sandbox/sandbox.js';
import {
  KubernetesApiError,
  KubernetesClient,
  KubernetesNetworkError,
} from '../../shared/clusters/kubernetes-client.js';
import { EksTokenCache } from '../../shared/clusters/token.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';
import { resourceNamed } from '../support/resources.js';

/**
 * Every fault the sandbox injects, as the real SDK clients and our Kubernetes client see it: the error
 * each service answers under that trouble, and the call counted apart as `<Operation>.Fault`.
 * One attempt per call here, so the fault itself is seen, not the SDK's retry of it.
 */

const identity = SANDBOX_IDENTITIES[0]!;
const credentials = { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey };
let sandbox: Sandbox;
let route53: Route53Client;
let eks: EKSClient;
let zoneId: string;

const change = (name: string, ip: string) =>
  new ChangeResourceRecordSetsCommand({
    HostedZoneId: zoneId,
    ChangeBatch: {
      Changes: [
        {
          Action: 'UPSERT',
          ResourceRecordSet: { Name: name, Type: 'A', TTL: 60, ResourceRecords: [{ Value: ip }] },
        },
      ],
    },
  });

function errorOf(
  p: Promise<unknown>,
): Promise<{ name?: string; message?: string; code?: string; status?: number }> {
  return p.then(
    () => ({ name: 'no error' }),
    (e: { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } }) => ({
      name: e.name,
      message: e.message,
      code: e.code,
      status: e.$metadata?.httpStatusCode,
    }),
  );
}

beforeAll(async () => {
  sandbox = await Sandbox.start();
  sandbox.route53.createZone({ name: 'example.com' });
  await sandbox.addCluster({
    name: 'prod-eu',
    region: 'eu-central-1',
    objects: [
      loadBalancerService('a', 'a.example.com', { ip: '192.0.2.1' }),
      loadBalancerService('b', 'b.example.com', { ip: '192.0.2.2' }),
    ],
  });
  const options = { endpoint: sandbox.url, credentials, maxAttempts: 1 };
  route53 = new Route53Client({ ...options, region: 'us-east-1' });
  eks = new EKSClient({ ...options, region: 'eu-central-1' });
  zoneId = (await route53.send(new ListHostedZonesCommand({}))).HostedZones?.[0]?.Id ?? '';
});
beforeEach(() => sandbox.faults.clear());
afterAll(async () => {
  route53.destroy();
  eks.destroy();
  await sandbox.close();
});

describe('AWS faults, through the real SDK clients', () => {
  it('throttle: Route 53 Throttling (400), EKS ThrottlingException (429); counted apart', async () => {
    sandbox.faults.add({ service: 'route53', operation: 'ListHostedZones', fault: 'throttle', count: 1 });
    sandbox.faults.add({ service: 'eks', fault: 'throttle', count: 1 });
    const before = sandbox.calls.snapshot();
    expect(await errorOf(route53.send(new ListHostedZonesCommand({})))).toMatchObject({
      name: 'Throttling',
      status: 400,
    });
    expect(await errorOf(eks.send(new DescribeClusterCommand({ name: 'prod-eu' })))).toMatchObject({
      name: 'ThrottlingException',
      status: 429,
    });
    // count: 1 — the next call is served.
    await route53.send(new ListHostedZonesCommand({}));
    expect(sandbox.calls.since(before).route53).toEqual({ 'ListHostedZones.Fault': 1, ListHostedZones: 1 });
  });

  it('5xx: 503 ServiceUnavailable', async () => {
    sandbox.faults.add({ service: 'route53', fault: '5xx' });
    const err = await errorOf(route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId })));
    expect(err).toMatchObject({ name: 'ServiceUnavailable', status: 503 });
  });

  it('reset: the connection drops without an answer', async () => {
    sandbox.faults.add({ service: 'route53', fault: 'reset', count: 1 });
    const err = await errorOf(route53.send(new ListHostedZonesCommand({})));
    expect(err.code).toBe('ECONNRESET');
  });

  it('prior-request-not-complete: Route 53’s own 400', async () => {
    sandbox.faults.add({
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      fault: 'prior-request-not-complete',
    });
    const err = await errorOf(route53.send(change('x.example.com', '192.0.2.9')));
    expect(err).toMatchObject({ name: 'PriorRequestNotComplete', status: 400 });
  });

  it('refuse: a batch holding the name is AccessDenied; every other batch applies', async () => {
    sandbox.faults.add({ service: 'route53', fault: 'refuse', name: 'Denied.Example.com.' });
    const err = await errorOf(route53.send(change('denied.example.com', '192.0.2.7')));
    expect(err).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(err.message).toMatch(/is not authorized to perform: route53:ChangeResourceRecordSets/);
    await route53.send(change('allowed.example.com', '192.0.2.8'));
    const names = sandbox.route53.exportZones()[0]?.records.map((r) => r.name);
    expect(names).toContain('allowed.example.com.');
    expect(names).not.toContain('denied.example.com.');
  });

  it('hang: no answer until the client gives up', async () => {
    sandbox.faults.add({ service: 'eks', operation: 'DescribeCluster', cluster: 'prod-eu', fault: 'hang' });
    const impatient = new EKSClient({
      endpoint: sandbox.url,
      credentials,
      region: 'eu-central-1',
      maxAttempts: 1,
      requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true },
    });
    try {
      expect(await errorOf(impatient.send(new DescribeClusterCommand({ name: 'prod-eu' })))).toMatchObject({
        name: 'TimeoutError',
      });
      // Another cluster's DescribeCluster is not hung (it answers: no such cluster).
      expect(await errorOf(impatient.send(new DescribeClusterCommand({ name: 'other' })))).toMatchObject({
        name: 'ResourceNotFoundException',
      });
    } finally {
      impatient.destroy();
    }
  });
});

describe('Kubernetes faults, through our client', () => {
  let tokens: EksTokenCache;
  const client = () => {
    const server = sandbox.cluster('prod-eu');
    return new KubernetesClient({
      endpoint: server.url,
      caData: server.caData,
      token: tokens.provider('prod-eu', 'eu-central-1'),
      clusterName: 'prod-eu',
      timeoutMs: 300,
    });
  };
  beforeAll(() => {
    tokens = new EksTokenCache({ clock: sandbox.clock.clock, credentials: identity });
  });

  it('second-page: the first page is served, the second fails with 500', async () => {
    sandbox.faults.add({
      service: 'kubernetes',
      cluster: 'prod-eu',
      operation: 'list services',
      fault: 'second-page',
    });
    const c = client();
    try {
      // One page is all there is: nothing to fail.
      expect(await c.listAll(resourceNamed('services'), { pageSize: 5 })).toHaveLength(2);
      const err = await c.listAll(resourceNamed('services'), { pageSize: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubernetesApiError);
      expect((err as KubernetesApiError).status).toBe(500);
      expect((err as Error).message).toMatch(/etcdserver: leader changed/);
    } finally {
      c.close();
    }
  });

  it('throttle, 5xx, reset and hang, each as a real API server under that trouble', async () => {
    const c = client();
    try {
      const cases = [
        ['throttle', (e: unknown) => e instanceof KubernetesApiError && e.status === 429],
        ['5xx', (e: unknown) => e instanceof KubernetesApiError && e.status === 503],
        ['reset', (e: unknown) => e instanceof KubernetesNetworkError && e.code === 'ECONNRESET'],
        ['hang', (e: unknown) => e instanceof KubernetesNetworkError && e.timedOut],
      ] as const;
      for (const [fault, check] of cases) {
        sandbox.faults.clear();
        sandbox.faults.add({ service: 'kubernetes', cluster: 'prod-eu', fault, count: 1 });
        const err = await c.listAll(resourceNamed('services')).catch((e: unknown) => e);
        expect(check(err), `${fault}: ${String(err)}`).toBe(true);
      }
      // count: 1 — served again.
      expect(await c.listAll(resourceNamed('services'))).toHaveLength(2);
    } finally {
      c.close();
    }
  });

  it('a rule for another cluster leaves this one alone', async () => {
    sandbox.faults.add({ service: 'kubernetes', cluster: 'other', fault: '5xx' });
    const c = client();
    try {
      expect(await c.listAll(resourceNamed('services'))).toHaveLength(2);
    } finally {
      c.close();
    }
  });
});
