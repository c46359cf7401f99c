import { afterEach, describe, expect, it } from 'vitest';
import { throttledOperation } from '../../sandbox/aws/server.js';
import { TokenBucket } from '../../sandbox/aws/throttle.js';
import { SANDBOX_IDENTITIES } from '../../sandbox/credentials.js';
import { AwsClients } from '../../shared/aws-clients.js';
import { Route53Provider, type Route53ProviderOptions } from '../../shared/dns/route53.js';
import type { HostedZone, ZoneFilterConfig } from '../../shared/dns/zones.js';
import type { ChangeGroup, RecordChange } from '../../shared/endpoint/changes.js';
import { type Endpoint, endpointKey, newEndpoint } from '../../shared/endpoint/endpoint.js';
import { RETRY_POLICY } from '../../shared/retry-policy.js';
import {
  type Route53Sandbox,
  type Route53SandboxOptions,
  startRoute53Sandbox,
  stopRoute53Sandbox,
} from '../support/route53-sandbox.js';

const SANDBOX_CREDENTIALS = {
  accessKeyId: SANDBOX_IDENTITIES[0]!.accessKeyId,
  secretAccessKey: SANDBOX_IDENTITIES[0]!.secretAccessKey,
};

const NO_FILTERS: ZoneFilterConfig = { zoneIdFilters: [], zoneType: '', zoneTags: [], domainFilters: [] };
const ALB = 'k8s-shop-web-0123456789.eu-central-1.elb.amazonaws.com';

interface Sandbox extends Route53Sandbox {
  provider: Route53Provider;
}

let sandbox: Sandbox | undefined;

async function start(
  opts: Route53SandboxOptions & { provider?: Route53ProviderOptions } = {},
): Promise<Sandbox> {
  const { provider: providerOptions, ...sandboxOptions } = opts;
  const base = await startRoute53Sandbox({ loadBalancers: [ALB], ...sandboxOptions });
  const provider = new Route53Provider(base.client, providerOptions);
  sandbox = { ...base, provider };
  return sandbox;
}

afterEach(async () => {
  if (!sandbox) return;
  await stopRoute53Sandbox(sandbox);
  sandbox = undefined;
});

function route53Calls(s: Sandbox, before = {}): Record<string, number> {
  return s.calls.since(before).route53 ?? {};
}

async function zoneNamed(s: Sandbox, name: string): Promise<HostedZone> {
  const zone = (await s.provider.listZones(NO_FILTERS)).find((z) => z.name === name && !z.private);
  if (!zone) throw new Error(`no zone ${name}`);
  return zone;
}

function create(endpoint: Endpoint): RecordChange {
  return { action: 'CREATE', endpoint };
}

/** `count` A records, each with its ownership TXT in the same group. */
function ownedARecords(count: number, zone = 'example.com', owner = 'prod-eu'): ChangeGroup[] {
  return Array.from({ length: count }, (_, i) => {
    const labels = { owner, resource: `ingress/shop/r${i}` };
    return [
      create(newEndpoint(`r${i}.${zone}`, 'A', [`10.0.${Math.floor(i / 250)}.${i % 250}`], { labels })),
      create(
        newEndpoint(`a-r${i}.${zone}`, 'TXT', [`"heritage=external-dns,external-dns/owner=${owner}"`], {
          labels,
        }),
      ),
    ];
  });
}

/** Loads a zone through the sandbox state directly, so a test's call counts start clean. */
function seedZone(s: Sandbox, name: string, records: number): void {
  s.state.createZone({
    name,
    records: Array.from({ length: records }, (_, i) => ({
      name: `r${i}.${name}`,
      type: 'A',
      ttl: 300,
      values: [`10.1.${Math.floor(i / 250)}.${i % 250}`],
    })),
  });
}

describe('Route53Provider.listZones', () => {
  it('lists every zone with its type, and reads tags only when a tag filter asks for them', async () => {
    const s = await start();
    s.state.createZone({ name: 'example.com', tags: { team: 'edge' } });
    s.state.createZone({
      name: 'example.com',
      private: true,
      vpcs: [{ id: 'vpc-1', region: 'eu-central-1' }],
    });
    s.state.createZone({ name: 'example.org', tags: { team: 'web' } });
    for (let i = 0; i < 12; i++) s.state.createZone({ name: `z${i}.example.net`, tags: { team: 'edge' } });

    const before = s.calls.snapshot();
    const all = await s.provider.listZones(NO_FILTERS);
    expect(all).toHaveLength(15);
    expect(all.filter((z) => z.private).map((z) => z.name)).toEqual(['example.com']);
    expect(all.every((z) => !z.id.startsWith('/') && !z.name.endsWith('.'))).toBe(true);
    expect(all.find((z) => z.name === 'example.com' && !z.private)?.recordCount).toBe(2);
    expect(route53Calls(s, before)).toEqual({ ListHostedZones: 1 });

    const tagged = s.calls.snapshot();
    const edge = await s.provider.listZones({ ...NO_FILTERS, zoneTags: ['team=edge'], zoneType: 'public' });
    expect(edge.map((z) => z.name).sort()).toEqual(
      ['example.com', ...Array.from({ length: 12 }, (_, i) => `z${i}.example.net`)].sort(),
    );
    expect(edge.every((z) => z.tags.team === 'edge')).toBe(true);
    // 14 public zones → two ListTagsForResources calls of at most 10 ids.
    expect(route53Calls(s, tagged)).toEqual({ ListHostedZones: 1, ListTagsForResources: 2 });
    expect(s.provider.stats).toMatchObject({ listZones: 2, listTags: 2 });
  });

  it('filters by domain before reading tags', async () => {
    const s = await start();
    s.state.createZone({ name: 'example.com', tags: { team: 'edge' } });
    s.state.createZone({ name: 'example.org', tags: { team: 'edge' } });
    const before = s.calls.snapshot();
    const zones = await s.provider.listZones({
      ...NO_FILTERS,
      domainFilters: ['example.org'],
      zoneTags: ['team=edge'],
    });
    expect(zones.map((z) => z.name)).toEqual(['example.org']);
    expect(route53Calls(s, before)).toEqual({ ListHostedZones: 1, ListTagsForResources: 1 });
  });
});

describe('Route53Provider.applyChanges', () => {
  it('applies 3,000 record sets in batches of at most 1,000 ResourceRecord elements', async () => {
    const s = await start();
    s.state.createZone({ name: 'example.com' });
    const zone = await zoneNamed(s, 'example.com');
    const groups = ownedARecords(1500);

    const before = s.calls.snapshot();
    const result = await s.provider.applyChanges(zone, groups);
    expect(result.failed).toEqual([]);
    expect(result.applied).toHaveLength(3000);
    // The sandbox rejects any request over 1,000 ResourceRecord elements, so three clean requests
    // mean three batches within the limit.
    expect(result.batches).toBe(3);
    expect(route53Calls(s, before)).toEqual({ ChangeResourceRecordSets: 3 });
    expect(s.state.records(zone.id)).toHaveLength(3002);
  });

  it('honours batchChangeSize', async () => {
    const s = await start({ provider: { limits: { maxChanges: 100 } } });
    s.state.createZone({ name: 'example.com' });
    const zone = await zoneNamed(s, 'example.com');
    const result = await s.provider.applyChanges(zone, ownedARecords(120));
    expect(result.failed).toEqual([]);
    expect(result.batches).toBe(3);
  });

  it('splits a rejected batch so one bad change cannot block the other 49', async () => {
    const s = await start();
    s.state.createZone({
      name: 'example.com',
      records: [{ name: 'r17.example.com', type: 'A', ttl: 60, values: ['192.0.2.1'] }],
    });
    const zone = await zoneNamed(s, 'example.com');
    const groups = Array.from({ length: 50 }, (_, i) => [
      create(newEndpoint(`r${i}.example.com`, 'A', ['10.0.0.1'])),
    ]);

    const before = s.calls.snapshot();
    const result = await s.provider.applyChanges(zone, groups);
    expect(result.applied).toHaveLength(49);
    expect(result.failed).toEqual([]);
    expect(result.refused).toHaveLength(1);
    expect(result.refused[0]).toMatchObject({ name: 'r17.example.com', code: 'InvalidChangeBatch' });
    expect(result.refused[0]?.message).toMatch(/r17\.example\.com.*already exists/);
    expect(route53Calls(s, before).ChangeResourceRecordSets).toBe(result.batches);
    expect(result.batches).toBeGreaterThan(2);
    expect(result.batches).toBeLessThan(20);
    const names = s.state.records(zone.id).map((r) => r.name);
    for (let i = 0; i < 50; i++) expect(names).toContain(`r${i}.example.com.`);
    // The record that was there is untouched.
    expect(s.state.records(zone.id).find((r) => r.name === 'r17.example.com.')?.values).toEqual([
      '192.0.2.1',
    ]);
    expect(result.warnings.map((w) => w.code)).toEqual(['route53-change-rejected']);
    expect(result.warnings[0]?.dnsName).toBe('r17.example.com');
  });

  it('keeps a record and its TXT together: a group fails whole', async () => {
    const s = await start();
    s.state.createZone({
      name: 'example.com',
      records: [{ name: 'a-r3.example.com', type: 'TXT', ttl: 300, values: ['"x"'] }],
    });
    const zone = await zoneNamed(s, 'example.com');
    const result = await s.provider.applyChanges(zone, ownedARecords(8));
    expect(result.refused.map((r) => [r.name, r.type, r.owner])).toEqual([
      ['r3.example.com', 'A', 'prod-eu'],
    ]);
    expect(result.applied.map((c) => c.endpoint.dnsName)).not.toContain('a-r3.example.com');
    expect(result.applied).toHaveLength(14);
    expect(s.state.records(zone.id).some((r) => r.name === 'r3.example.com.')).toBe(false);
  });

  it('sends deletions before creations, so a type change lands in one batch', async () => {
    const s = await start();
    s.state.createZone({
      name: 'example.com',
      records: [{ name: 'shop.example.com', type: 'CNAME', ttl: 300, values: ['old.example.net'] }],
    });
    const zone = await zoneNamed(s, 'example.com');
    const result = await s.provider.applyChanges(zone, [
      [
        create(newEndpoint('shop.example.com', 'A', ['192.0.2.7'])),
        {
          action: 'DELETE',
          endpoint: newEndpoint('shop.example.com', 'CNAME', ['old.example.net'], { ttl: 300 }),
        },
      ],
    ]);
    expect(result).toMatchObject({ batches: 1, failed: [] });
    const shop = s.state.records(zone.id).filter((r) => r.name === 'shop.example.com.');
    expect(shop.map((r) => r.type)).toEqual(['A']);
  });

  it('reports a group over the request limits without sending it', async () => {
    const s = await start();
    s.state.createZone({ name: 'example.com' });
    const zone = await zoneNamed(s, 'example.com');
    const huge = Array.from({ length: 501 }, (_, i) => `10.9.${Math.floor(i / 250)}.${i % 250}`);
    const before = s.calls.snapshot();
    const result = await s.provider.applyChanges(zone, [
      [{ action: 'UPSERT', endpoint: newEndpoint('big.example.com', 'A', huge) }],
      ...ownedARecords(2),
    ]);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]?.error).toMatch(/1002 ResourceRecord elements/);
    expect(result.applied).toHaveLength(4);
    expect(route53Calls(s, before)).toEqual({ ChangeResourceRecordSets: 1 });
    expect(result.warnings.map((w) => [w.code, w.dnsName])).toEqual([
      ['route53-change-too-large', 'big.example.com'],
    ]);
  });

  it.each([
    ['AccessDenied', 403, undefined, /is not authorized to perform: route53:ChangeResourceRecordSets/],
    ['NoSuchHealthCheck', 404, 'No health check exists with the specified ID 0f0e.', /No health check/],
    ['InvalidInput', 400, 'Invalid request: something in r33', /Invalid request/],
  ])(
    'isolates one group refused with %s (%i): the rest of the zone applies',
    async (code, status, message, shown) => {
      const s = await start({ provider: { limits: { maxChanges: 40 } } });
      s.state.createZone({ name: 'example.com' });
      s.refusals.refuse({ name: 'r33.example.com', code, status, ...(message ? { message } : {}) });
      const zone = await zoneNamed(s, 'example.com');
      const before = s.calls.snapshot();
      const result = await s.provider.applyChanges(zone, ownedARecords(50));

      expect(result.failed).toEqual([]);
      expect(result.applied).toHaveLength(98);
      expect(result.refused).toEqual([
        {
          zone: 'example.com',
          zoneId: zone.id,
          action: 'CREATE',
          name: 'r33.example.com',
          type: 'A',
          owner: 'prod-eu',
          resource: 'ingress/shop/r33',
          code,
          message: expect.stringMatching(shown),
        },
      ]);
      const names = new Set(s.state.records(zone.id).map((r) => r.name));
      expect(names.has('r33.example.com.') || names.has('a-r33.example.com.')).toBe(false);
      for (const i of [0, 19, 32, 34, 49]) expect(names.has(`r${i}.example.com.`)).toBe(true);
      // Batches of 20 groups; the refused one is halved down to its group (20 → 10 → 5 → 3 → 2 → 1).
      const calls = route53Calls(s, before).ChangeResourceRecordSets;
      expect(calls).toBe(result.batches);
      expect(calls).toBeLessThanOrEqual(3 + 2 * Math.ceil(Math.log2(20)));
      expect(result.warnings.map((w) => [w.code, w.dnsName, w.object])).toEqual([
        ['route53-change-rejected', 'r33.example.com', 'ingress/shop/r33'],
      ]);
    },
  );

  it('stops at an error that is not about the changes, without sending the remaining batches', async () => {
    const s = await start({ provider: { limits: { maxChanges: 10 } } });
    const ghost: HostedZone = { id: 'ZNOSUCHZONE', name: 'example.com', private: false, tags: {} };
    const result = await s.provider.applyChanges(ghost, ownedARecords(20));
    expect(result.applied).toEqual([]);
    expect(result.failed).toHaveLength(40);
    expect(result.failed.every((f) => f.error.startsWith('NoSuchHostedZone'))).toBe(true);
    expect(route53Calls(s)).toEqual({ ChangeResourceRecordSets: 1 });
  });
});

describe('Route53Provider.records', () => {
  const ROUND_TRIP: Endpoint[] = [
    newEndpoint('apex.example.com', 'A', [ALB], {
      properties: { alias: true, aliasHostedZoneId: 'Z215JYRZR1TBD5', evaluateTargetHealth: true },
    }),
    newEndpoint('apex.example.com', 'AAAA', [`dualstack.${ALB}`], {
      properties: { alias: true, aliasHostedZoneId: 'Z215JYRZR1TBD5', evaluateTargetHealth: false },
    }),
    newEndpoint('weighted.example.com', 'CNAME', ['blue.example.net'], {
      ttl: 60,
      setIdentifier: 'blue',
      properties: { weight: 10, healthCheckId: 'abcdef11-2222-3333-4444-555555fedcba' },
    }),
    newEndpoint('weighted.example.com', 'CNAME', ['green.example.net'], {
      ttl: 60,
      setIdentifier: 'green',
      properties: { weight: 0 },
    }),
    newEndpoint('geo.example.com', 'A', ['192.0.2.1'], {
      ttl: 300,
      setIdentifier: 'de-by',
      properties: { geolocation: { countryCode: 'DE', subdivisionCode: 'BY' } },
    }),
    newEndpoint('geo.example.com', 'A', ['192.0.2.2'], {
      ttl: 300,
      setIdentifier: 'europe',
      properties: { geolocation: { continentCode: 'EU' } },
    }),
    newEndpoint('latency.example.com', 'A', ['192.0.2.3'], {
      ttl: 300,
      setIdentifier: 'eu',
      properties: { region: 'eu-central-1' },
    }),
    newEndpoint('failover.example.com', 'A', ['192.0.2.4'], {
      ttl: 300,
      // A SECONDARY: a non-alias PRIMARY needs a health check, which Route 53 (and the sandbox) insists on.
      setIdentifier: 'secondary',
      properties: { failover: 'SECONDARY' },
    }),
    newEndpoint('multi.example.com', 'A', ['192.0.2.5', '192.0.2.6'], {
      ttl: 300,
      setIdentifier: 'one',
      properties: { multiValueAnswer: true },
    }),
    newEndpoint('*.wild.example.com', 'TXT', ['"heritage=external-dns,external-dns/owner=prod-eu"'], {
      ttl: 300,
    }),
    newEndpoint('*.wild.example.com', 'A', ['192.0.2.8', '192.0.2.9'], { ttl: 120 }),
    newEndpoint('mx.example.com', 'MX', ['10 mail.example.com.'], { ttl: 3600 }),
  ];

  it('round-trips every field it writes', async () => {
    const s = await start();
    s.state.createZone({ name: 'example.com' });
    const zone = await zoneNamed(s, 'example.com');
    // A record may name only a health check that exists (NoSuchHealthCheck otherwise).
    const { healthCheck } = s.state.healthChecks.create('round-trip', {
      type: 'HTTPS',
      ipAddress: '192.0.2.99',
      requestInterval: 30,
      failureThreshold: 3,
    });
    const records = ROUND_TRIP.map((e) =>
      e.properties.healthCheckId
        ? { ...e, properties: { ...e.properties, healthCheckId: healthCheck.id } }
        : e,
    );
    const result = await s.provider.applyChanges(
      zone,
      records.map((e) => [create(e)]),
    );
    expect(result.failed).toEqual([]);

    const read = await s.provider.records(zone);
    const byKey = new Map(read.map((e) => [endpointKey(e), e]));
    for (const written of records) {
      expect(byKey.get(endpointKey(written)), endpointKey(written)).toEqual(written);
    }
    // SOA and NS come along as they are.
    expect(
      read
        .filter((e) => e.dnsName === 'example.com')
        .map((e) => e.recordType)
        .sort(),
    ).toEqual(['NS', 'SOA']);
    expect(read).toHaveLength(ROUND_TRIP.length + 2);
  });

  it('fills the default TTL and the same-zone alias target zone when writing', async () => {
    const s = await start({ provider: { defaultTtl: 42, evaluateTargetHealth: false } });
    s.state.createZone({ name: 'example.com' });
    const zone = await zoneNamed(s, 'example.com');
    const result = await s.provider.applyChanges(zone, [
      [create(newEndpoint('plain.example.com', 'A', ['192.0.2.1']))],
      [create(newEndpoint('www.example.com', 'A', ['plain.example.com'], { properties: { alias: true } }))],
    ]);
    expect(result.failed).toEqual([]);
    const read = await s.provider.records(zone);
    expect(read.find((e) => e.dnsName === 'plain.example.com')?.ttl).toBe(42);
    expect(read.find((e) => e.dnsName === 'www.example.com')?.properties).toEqual({
      alias: true,
      aliasHostedZoneId: zone.id,
      evaluateTargetHealth: false,
    });
  });

  it('reads a 3,000-record zone in pages of 300', async () => {
    const s = await start();
    seedZone(s, 'example.com', 3000);
    const zone = await zoneNamed(s, 'example.com');
    const before = s.calls.snapshot();
    const read = await s.provider.records(zone);
    expect(read).toHaveLength(3002);
    expect(new Set(read.map(endpointKey)).size).toBe(3002);
    expect(route53Calls(s, before)).toEqual({ ListResourceRecordSets: 11 });
  });

  it('reads only the names asked for, in a few calls, on a 3,000-record zone', async () => {
    const s = await start();
    seedZone(s, 'example.com', 3000);
    s.state.addRecord(s.state.zones()[0]!.id, {
      name: 'a-r1234.example.com',
      type: 'TXT',
      ttl: 300,
      values: ['"o"'],
    });
    const zone = await zoneNamed(s, 'example.com');
    const all = await s.provider.records(zone);

    const names = [
      'r1234.example.com',
      'A-R1234.example.com.',
      'missing.example.com',
      'r2999.example.com',
      'r1.example.org',
    ];
    const before = s.calls.snapshot();
    const read = await s.provider.records(zone, { names });
    const calls = route53Calls(s, before).ListResourceRecordSets ?? 0;
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(4);
    const wanted = new Set(['r1234.example.com', 'a-r1234.example.com', 'r2999.example.com']);
    expect(read.map(endpointKey).sort()).toEqual(
      all
        .filter((e) => wanted.has(e.dnsName))
        .map(endpointKey)
        .sort(),
    );
  });

  it('reads every set identifier of a name even when they span pages', async () => {
    const s = await start();
    s.state.createZone({
      name: 'example.com',
      records: Array.from({ length: 450 }, (_, i) => ({
        name: 'w.example.com',
        type: 'A',
        ttl: 60,
        values: ['192.0.2.1'],
        setIdentifier: `id-${String(i).padStart(3, '0')}`,
        weight: 1,
      })),
    });
    const zone = await zoneNamed(s, 'example.com');
    const read = await s.provider.records(zone, { names: ['w.example.com'] });
    expect(read).toHaveLength(450);
    expect(new Set(read.map((e) => e.setIdentifier)).size).toBe(450);
  });

  it('starts a listing at a name', async () => {
    const s = await start();
    seedZone(s, 'example.com', 20);
    const zone = await zoneNamed(s, 'example.com');
    const read = await s.provider.records(zone, { startName: 'r5.example.com' });
    // Route 53 order is by reversed labels: r5 … r9 follow, r10 … r19 and the apex come before.
    expect(read.map((e) => e.dnsName)).toEqual([
      'r5.example.com',
      'r6.example.com',
      'r7.example.com',
      'r8.example.com',
      'r9.example.com',
    ]);
  });
});

describe('Route53Provider under throttling', () => {
  it("rides out the account's token bucket with the SDK's retries", async () => {
    // The bucket's clock moves 20 ms per request (0.8 token back each), whatever the machine's speed:
    // on real time a slow machine spaces the pages out enough that nothing is ever throttled.
    let fakeMs = 0;
    const bucket = new TokenBucket({ burst: 3, ratePerSecond: 40, nowMs: () => (fakeMs += 20) });
    const s = await start({ throttle: bucket, maxAttempts: 10 });
    seedZone(s, 'example.com', 3000);
    const zone = await zoneNamed(s, 'example.com');
    const read = await s.provider.records(zone);
    expect(read).toHaveLength(3002);
    const counts = route53Calls(s);
    expect(counts.ListResourceRecordSets).toBe(11);
    expect(counts[throttledOperation('ListResourceRecordSets')]).toBeGreaterThan(0);
    const throttledCalls = Object.entries(counts)
      .filter(([op]) => op.endsWith(throttledOperation('')))
      .reduce((n, [, c]) => n + c, 0);
    expect(s.provider.stats.retries).toBe(throttledCalls);
  });

  it('sends a call throttled throughout RETRY_POLICY.maxAttempts times, no more, and never splits it', async () => {
    // The production client factory, with the policy's attempts; only the waiting is taken out.
    const s = await start({ throttle: new TokenBucket({ burst: 1, ratePerSecond: 0 }) });
    const clients = new AwsClients({
      region: 'us-east-1',
      endpoint: s.server.url,
      credentials: SANDBOX_CREDENTIALS,
      retryBackoffMs: () => 0,
    });
    const provider = new Route53Provider(clients.route53(), { limits: { maxChanges: 10 } });
    try {
      s.state.createZone({ name: 'example.com' });
      const zone = await zoneNamed(s, 'example.com'); // takes the only token
      const result = await provider.applyChanges(zone, ownedARecords(10));
      expect(result.applied).toEqual([]);
      expect(result.refused).toEqual([]);
      expect(result.failed).toHaveLength(20);
      expect(result.failed.every((f) => f.error.startsWith('Throttling'))).toBe(true);
      // One batch of the two was sent, never halved; the other waits for the next pass.
      expect(result.batches).toBe(1);
      expect(route53Calls(s)[throttledOperation('ChangeResourceRecordSets')]).toBe(RETRY_POLICY.maxAttempts);
      expect(RETRY_POLICY.maxAttempts).toBe(5);
      expect(provider.stats).toMatchObject({ throttled: 1, retries: RETRY_POLICY.maxAttempts - 1 });
    } finally {
      clients.destroy();
    }
  });

  it('gets a change through once the bucket refills during the backoff', async () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 1, ratePerSecond: 1, nowMs: () => now });
    const s = await start({
      throttle: bucket,
      // The sandbox bucket runs on an injected clock: each backoff is one second of it.
      retryBackoffMs: () => {
        now += 1000;
        return 0;
      },
    });
    s.state.createZone({ name: 'example.com' });
    const zone = await zoneNamed(s, 'example.com');
    const result = await s.provider.applyChanges(zone, ownedARecords(2));
    expect(result.failed).toEqual([]);
    expect(result.applied).toHaveLength(4);
    expect(s.provider.stats).toMatchObject({ throttled: 0, retries: 1 });
  });
});
