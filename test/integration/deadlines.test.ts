import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../sandbox/faults.js';
import { Sandbox } from '../../sandbox/sandbox.js';
import { parseScenario, type Scenario } from '../../sandbox/scenario.js';
import { KubernetesClient, KubernetesNetworkError } from '../../shared/clusters/kubernetes-client.js';
import { errorLines } from '../../shared/errors.js';
import { silentLog } from '../../shared/log.js';
import { type ReconcileDeps, reconcile } from '../../shared/reconcile.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';
import { resourceNamed } from '../support/resources.js';

/**
 * Deadlines, with short configured timeouts and no assertion on wall time: a hung endpoint fails only
 * what depends on it, and the pass always ends. vitest's own timeout is only the safety net.
 */

const SHORT = { connectMs: 300, awsRequestMs: 300, kubernetesRequestMs: 300 };

function service(name: string, hostname: string, ip: string) {
  return loadBalancerService(name, hostname, { ip });
}

async function world(
  raw: Record<string, unknown>,
  timeouts: Record<string, number> = SHORT,
): Promise<Scenario> {
  return parseScenario(
    {
      config: { domainFilters: ['example.com', 'example.org'], timeouts },
      route53: { zones: [{ name: 'example.com' }] },
      clusters: [
        { name: 'good', region: 'eu-central-1', objects: [service('web', 'shop.example.com', '192.0.2.10')] },
        { name: 'bad', region: 'eu-central-1', objects: [service('api', 'api.example.com', '192.0.2.20')] },
      ],
      ...raw,
    },
    process.cwd(),
  );
}

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(
  scenario: Scenario,
  faults: FaultRule[] = [],
  remainingTimeMs?: number,
): Promise<{ sandbox: Sandbox; deps: ReconcileDeps }> {
  sandbox = await Sandbox.start({ faults });
  await sandbox.load(scenario);
  return {
    sandbox,
    deps: {
      config: scenario.config,
      aws: sandbox.awsClients('us-east-1', scenario.config.timeouts),
      clock: sandbox.clock.clock,
      log: silentLog,
      ...(remainingTimeMs !== undefined ? { remainingTimeMs: () => remainingTimeMs } : {}),
    },
  };
}

function names(s: Sandbox): string[] {
  return s
    .snapshot()
    .zones.flatMap((z) => z.records.filter((r) => r.type === 'A').map((r) => r.name))
    .sort();
}

/**
 * Both clusters written, then `bad`'s API server hangs while its Service goes and `good` gets a new
 * one: the next pass, whose result this is, must write `good`'s name and keep `bad`'s record.
 */
async function passWithBadHung(sandbox: Sandbox, deps: ReconcileDeps) {
  await reconcile({ trigger: 'schedule' }, deps);
  expect(names(sandbox)).toEqual(['api.example.com.', 'shop.example.com.']);
  sandbox.cluster('bad').setMode('hang');
  sandbox.cluster('bad').remove('Service', 'shop', 'api');
  sandbox.cluster('good').apply(service('web2', 'cart.example.com', '192.0.2.11') as never);
  return reconcile({ trigger: 'schedule' }, deps);
}

describe('deadlines on every call', () => {
  it('a hung Kubernetes API server fails only its cluster, within the configured request timeout', async () => {
    const { sandbox, deps } = await start(await world({}));
    const result = await passWithBadHung(sandbox, deps);

    const bad = result.clusters.find((c) => c.name === 'bad');
    expect(bad?.status).toBe('failed');
    expect(bad?.error).toMatch(/cluster bad: listing (services|ingresses) failed: no answer within 300 ms/);
    expect(result.clusters.find((c) => c.name === 'good')?.status).toBe('ok');
    // The good cluster's new record is written; the hung cluster's record is frozen, not deleted.
    expect(names(sandbox)).toEqual(['api.example.com.', 'cart.example.com.', 'shop.example.com.']);
  });

  it('a hung DescribeCluster fails only its cluster, within the configured AWS request timeout', async () => {
    const { sandbox, deps } = await start(await world({}), [
      { service: 'eks', operation: 'DescribeCluster', cluster: 'bad', fault: 'hang' },
    ]);
    const result = await reconcile({ trigger: 'schedule' }, deps);
    const bad = result.clusters.find((c) => c.name === 'bad');
    expect(bad?.status).toBe('failed');
    expect(bad?.error).toMatch(/cluster bad: DescribeCluster failed: TimeoutError: .*300 ms requestTimeout/);
    expect(names(sandbox)).toEqual(['shop.example.com.']);
    // One timeout, not one per retry: an attempt that timed out is not retried.
    expect(sandbox.faults.injected.hang).toBe(1);
  });

  it('a hung ListHostedZones does not hang the pass: DNS is reported failed, the rest is reported', async () => {
    const { sandbox, deps } = await start(await world({}), [
      { service: 'route53', operation: 'ListHostedZones', fault: 'hang' },
    ]);
    const result = await reconcile({ trigger: 'schedule' }, deps);
    expect(result.errors).toEqual([
      {
        code: 'zones-unlisted',
        message: expect.stringMatching(/route53: listing hosted zones failed: TimeoutError/),
      },
    ]);
    expect(sandbox.faults.injected.hang).toBe(1);
    expect(result.clusters.every((c) => c.status === 'ok')).toBe(true);
    expect(names(sandbox)).toEqual([]);
  });

  it('connecting has its own deadline: a server that never finishes the TLS handshake', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n').toString(
      'base64',
    );
    const client = new KubernetesClient({
      endpoint: `https://127.0.0.1:${port}`,
      caData: ca,
      token: async () => 'token',
      clusterName: 'silent',
      connectTimeoutMs: 200,
      timeoutMs: 60_000,
    });
    try {
      const err = await client.listAll(resourceNamed('services')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubernetesNetworkError);
      expect((err as KubernetesNetworkError).timedOut).toBe(true);
      expect((err as Error).message).toMatch(
        /cluster silent: listing services failed: no connection within 200 ms/,
      );
    } finally {
      client.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('the pass deadline, cut from the time the invocation has left', () => {
  it('a cluster still being read at the deadline is failed and frozen; the others are applied', async () => {
    // Requests may take a minute; the invocation has 1.5 s: reading stops at 1.5 − 0.5 − 0.15 s.
    const timeouts = { kubernetesRequestMs: 60_000, applyReserveMs: 500, reportReserveMs: 150 };
    const { sandbox, deps } = await start(await world({}, timeouts), [], 1_500);
    const result = await passWithBadHung(sandbox, deps);
    const bad = result.clusters.find((c) => c.name === 'bad');
    expect(bad?.status).toBe('failed');
    expect(bad?.error).toMatch(/cluster bad: .*the pass deadline for reading passed \(850 ms/);
    expect(names(sandbox)).toEqual(['api.example.com.', 'cart.example.com.', 'shop.example.com.']);
  });

  it('a zone whose apply cannot finish in time is reported and left for the next pass', async () => {
    const timeouts = { awsRequestMs: 60_000, applyReserveMs: 600, reportReserveMs: 150 };
    const scenario = await world(
      {
        // One zone at a time, so the second waits behind the first's hung change.
        config: { domainFilters: ['example.com', 'example.org'], timeouts, zoneConcurrency: 1 },
        route53: { zones: [{ name: 'example.com' }, { name: 'example.org' }] },
        clusters: [
          {
            name: 'good',
            region: 'eu-central-1',
            objects: [
              service('web', 'shop.example.com', '192.0.2.10'),
              service('org', 'www.example.org', '192.0.2.30'),
            ],
          },
        ],
      },
      timeouts,
    );
    const { sandbox, deps } = await start(
      scenario,
      [{ service: 'route53', operation: 'ChangeResourceRecordSets', fault: 'hang', count: 1 }],
      2_000,
    );
    const first = await reconcile({ trigger: 'schedule' }, deps);
    // Each error says which zone it is about: the hung changes of one, the zone not started.
    expect(new Set(first.errors.map((e) => `${e.code} ${e.zone}`))).toEqual(
      new Set(['change-failed example.com', 'zone-failed example.org']),
    );
    const errors = errorLines(first.errors).join('\n');
    // The first zone's change hung until the deadline; the second was not started.
    expect(errors).toMatch(/zone example\.com: .*the pass deadline for applying passed/);
    expect(errors).toMatch(
      /zone example\.org: not reconciled, left for the next pass: .*deadline for applying/,
    );
    expect(names(sandbox)).toEqual([]);

    const second = await reconcile({ trigger: 'schedule' }, deps);
    expect(second.errors).toEqual([]);
    expect(names(sandbox)).toEqual(['shop.example.com.', 'www.example.org.']);
  });
});
