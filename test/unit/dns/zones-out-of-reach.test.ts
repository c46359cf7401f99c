import { describe, expect, it } from 'vitest';
import { AssumeRoleError } from '../../../shared/clusters/assume-role.js';
import { parseConfig } from '../../../shared/config.js';
import { InMemoryProvider } from '../../../shared/dns/in-memory-provider.js';
import type { DnsProvider, RecordsOptions } from '../../../shared/dns/provider.js';
import { MultiAccountProvider } from '../../../shared/dns/route53-accounts.js';
import type { HostedZone } from '../../../shared/dns/zones.js';
import { type Endpoint, newEndpoint } from '../../../shared/endpoint/endpoint.js';
import { serializeOwnership } from '../../../shared/registry/txt.js';
import { dnsStagePass } from '../../support/dns-stage.js';

/**
 * Zones the pass cannot reach: a domain the config names that no zone in reach holds, an account whose
 * role STS refuses. Such a zone is reported by name with the reason, and none of its names is written
 * anywhere else; the accounts' zones are read side by side, a bounded number at once in each.
 */

const NETWORK = '222222222222';
const ROLE = `arn:aws:iam::${NETWORK}:role/edge-reconciler-dns`;

function wanted(name: string, ip: string): Endpoint {
  return newEndpoint(name, 'A', [ip], { labels: { owner: 'prod-eu', resource: `service/shop/${name}` } });
}

function namesIn(dns: InMemoryProvider, zoneId: string): string[] {
  return dns.recordsOf(zoneId).map((r) => `${r.dnsName} ${r.recordType}`);
}

/** An account whose role STS refuses (from `failing()` on), as the SDK reports it. */
function refusable(provider: InMemoryProvider): { provider: DnsProvider; fail: () => void } {
  let failing = false;
  const wrapped: DnsProvider = {
    listZones: (filter, call) => {
      if (!failing) return provider.listZones(filter, call);
      return Promise.reject(
        new AssumeRoleError(
          `AssumeRole ${ROLE} failed: AccessDenied: not authorized to perform: sts:AssumeRole`,
        ),
      );
    },
    records: (zone, options) => provider.records(zone, options),
    applyChanges: (zone, groups, call) => provider.applyChanges(zone, groups, call),
  };
  return { provider: wrapped, fail: () => (failing = true) };
}

describe('zones out of reach', () => {
  it('a domain the config names and no zone in reach holds: one error naming it, its names zone-unreachable', async () => {
    const dns = new InMemoryProvider();
    const home = dns.addZone({ id: 'ZHOME', name: 'home.example.org', private: false });
    const pass = dnsStagePass(dns, parseConfig({ domainFilters: ['example.com', 'home.example.org'] }));
    const out = await pass({
      desired: [wanted('shop.example.com', '192.0.2.10'), wanted('admin.home.example.org', '192.0.2.11')],
    });
    expect(out.errors).toEqual([
      {
        code: 'zone-unreachable',
        zone: 'example.com',
        message: expect.stringMatching(
          /^domain example\.com: unreachable, no hosted zone in reach holds example\.com \(domainFilters\): none listed in the home account .*route53Roles/,
        ),
      },
    ]);
    expect(out.warnings).toEqual([
      expect.objectContaining({
        code: 'zone-unreachable',
        dnsName: 'shop.example.com',
        object: 'service/shop/shop.example.com',
        message: expect.stringContaining('example.com has no hosted zone in reach'),
      }),
    ]);
    expect(namesIn(dns, home.id)).toEqual(['a-admin.home.example.org TXT', 'admin.home.example.org A']);
  });

  it('a name no zone holds and no filter names is still a plain no-zone', async () => {
    const dns = new InMemoryProvider();
    dns.addZone({ id: 'ZHOME', name: 'home.example.org', private: false });
    const out = await dnsStagePass(
      dns,
      parseConfig({}),
    )({ desired: [wanted('shop.example.com', '192.0.2.10')] });
    expect(out.errors).toEqual([]);
    expect(out.warnings.map((w) => w.code)).toEqual(['no-zone']);
  });

  it('a role STS refuses: its account named with the role and the error; its zones, as last listed, claim their names', async () => {
    const home = new InMemoryProvider();
    // The home account holds the parent zone: without the network zone's claim, shop.example.com would land here.
    const parent = home.addZone({ id: 'ZPARENT', name: 'example.com', private: false });
    const network = new InMemoryProvider();
    const child = network.addZone({ id: 'ZCHILD', name: 'shop.example.com', private: false }, [
      newEndpoint('old.shop.example.com', 'A', ['192.0.2.44'], { ttl: 300 }),
      newEndpoint(
        'a-old.shop.example.com',
        'TXT',
        [serializeOwnership({ owner: 'prod-eu', resource: 'service/shop/old' })],
        {
          ttl: 300,
        },
      ),
    ]);
    const role = refusable(network);
    const config = parseConfig({ domainFilters: ['example.com'], route53Roles: [{ roleArn: ROLE }] });
    const errors: string[] = [];
    const passWith = (desired: Endpoint[]) =>
      dnsStagePass(
        new MultiAccountProvider(
          [{ provider: home }, { account: NETWORK, roleArn: ROLE, provider: role.provider }],
          (message) => errors.push(message),
        ),
        config,
      )({ desired });

    const first = await passWith([
      wanted('www.shop.example.com', '192.0.2.10'),
      wanted('old.shop.example.com', '192.0.2.44'),
    ]);
    expect(first.changes.map((c) => `${c.zone} ${c.action} ${c.name}`)).toEqual(
      expect.arrayContaining([
        'shop.example.com. CREATE www.shop.example.com.',
        'shop.example.com. CREATE a-www.shop.example.com.',
      ]),
    );
    expect(first.changes.every((c) => c.zone === 'shop.example.com.')).toBe(true);
    const before = namesIn(network, child.id);

    role.fail();
    // old.shop.example.com is no longer wanted: a pass that reached the zone would delete it.
    const second = await passWith([
      wanted('www.shop.example.com', '192.0.2.10'),
      wanted('new.shop.example.com', '192.0.2.12'),
    ]);
    expect(errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `^route53 account ${NETWORK} \\(${ROLE}\\): unreachable, its zones \\(zones shop\\.example\\.com\\) are neither read nor changed this pass, the other accounts proceed: AssumeRoleError: .*AccessDenied`,
        ),
      ),
    ]);
    expect(second.changes).toEqual([]);
    expect(second.warnings.map((w) => w.dnsName)).toEqual(['www.shop.example.com', 'new.shop.example.com']);
    expect(second.warnings[1]).toEqual(
      expect.objectContaining({
        code: 'zone-unreachable',
        zone: 'shop.example.com',
        dnsName: 'new.shop.example.com',
        message: expect.stringContaining(
          `is in account ${NETWORK}, unreachable through ${ROLE} (AssumeRole AccessDenied)`,
        ),
      }),
    );
    expect(namesIn(home, parent.id)).toEqual([]);
    expect(namesIn(network, child.id)).toEqual(before);
  });

  it('a name a zone delegates (NS) to a zone not in reach: not written in the parent, its records there kept', async () => {
    const dns = new InMemoryProvider();
    // A cold container whose network role fails knows no zone of that account: the parent zone is all it
    // sees, and the delegation in it is what says the name is not the parent's.
    const parent = dns.addZone({ id: 'ZPARENT', name: 'example.com', private: false }, [
      newEndpoint('shop.example.com', 'NS', ['ns-1.awsdns-01.org.'], { ttl: 172800 }),
      newEndpoint('www.shop.example.com', 'A', ['192.0.2.9'], { ttl: 300 }),
      newEndpoint(
        'a-www.shop.example.com',
        'TXT',
        [serializeOwnership({ owner: 'prod-eu', resource: 'service/shop/www.shop.example.com' })],
        { ttl: 300 },
      ),
    ]);
    const before = namesIn(dns, parent.id);
    const out = await dnsStagePass(
      dns,
      parseConfig({ domainFilters: ['example.com'] }),
    )({
      desired: [
        wanted('www.shop.example.com', '192.0.2.10'),
        wanted('new.shop.example.com', '192.0.2.11'),
        wanted('api.example.com', '192.0.2.12'),
      ],
    });
    expect(out.changes.map((c) => `${c.action} ${c.name}`)).toEqual([
      'CREATE api.example.com.',
      'CREATE a-api.example.com.',
    ]);
    expect(out.warnings).toEqual([
      expect.objectContaining({
        code: 'zone-unreachable',
        zone: 'example.com',
        dnsName: 'www.shop.example.com',
        message: expect.stringContaining('delegates shop.example.com (NS) to a zone not in reach'),
      }),
      expect.objectContaining({ code: 'zone-unreachable', dnsName: 'new.shop.example.com' }),
    ]);
    expect(namesIn(dns, parent.id)).toEqual(
      expect.arrayContaining([...before, 'api.example.com A', 'a-api.example.com TXT']),
    );
    expect(dns.recordsOf(parent.id).find((r) => r.dnsName === 'www.shop.example.com')?.targets).toEqual([
      '192.0.2.9',
    ]);
  });

  it('a reachable child zone takes its names; the delegation in the parent changes nothing', async () => {
    const dns = new InMemoryProvider();
    dns.addZone({ id: 'ZPARENT', name: 'example.com', private: false }, [
      newEndpoint('shop.example.com', 'NS', ['ns-1.awsdns-01.org.'], { ttl: 172800 }),
    ]);
    const child = dns.addZone({ id: 'ZCHILD', name: 'shop.example.com', private: false });
    const out = await dnsStagePass(
      dns,
      parseConfig({ domainFilters: ['example.com'] }),
    )({
      desired: [wanted('www.shop.example.com', '192.0.2.10')],
    });
    expect(out.warnings).toEqual([]);
    expect(namesIn(dns, child.id)).toEqual(['a-www.shop.example.com TXT', 'www.shop.example.com A']);
  });

  it('reads the accounts’ zones side by side, at most zoneConcurrency at once in each', async () => {
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    let peakTotal = 0;
    const slow = (account: string, provider: InMemoryProvider): DnsProvider => ({
      listZones: (filter, call) => provider.listZones(filter, call),
      records: async (zone: HostedZone, options?: RecordsOptions) => {
        inFlight.set(account, (inFlight.get(account) ?? 0) + 1);
        peak.set(account, Math.max(peak.get(account) ?? 0, inFlight.get(account) ?? 0));
        peakTotal = Math.max(
          peakTotal,
          [...inFlight.values()].reduce((a, b) => a + b, 0),
        );
        await new Promise((r) => setTimeout(r, 20));
        inFlight.set(account, (inFlight.get(account) ?? 0) - 1);
        return provider.records(zone, options);
      },
      applyChanges: (zone, groups, call) => provider.applyChanges(zone, groups, call),
    });
    const home = new InMemoryProvider();
    const network = new InMemoryProvider();
    for (let i = 0; i < 5; i++) {
      home.addZone({ id: `ZH${i}`, name: `h${i}.example.org`, private: false });
      network.addZone({ id: `ZN${i}`, name: `n${i}.example.com`, private: false });
    }
    const config = parseConfig({ route53Roles: [{ roleArn: ROLE }], zoneConcurrency: 2 });
    const dns = new MultiAccountProvider(
      [
        { provider: slow('home', home) },
        { account: NETWORK, roleArn: ROLE, provider: slow(NETWORK, network) },
      ],
      () => {},
    );
    const out = await dnsStagePass(
      dns,
      config,
    )({
      desired: Array.from({ length: 5 }, (_, i) => [
        wanted(`a.h${i}.example.org`, '192.0.2.1'),
        wanted(`a.n${i}.example.com`, '192.0.2.2'),
      ]).flat(),
    });
    expect(out.errors).toEqual([]);
    expect(Object.fromEntries(peak)).toEqual({ home: 2, [NETWORK]: 2 });
    expect(peakTotal).toBe(4);
    // The report keeps the listing's order whichever zone finished first.
    expect(out.changes.filter((c) => c.type === 'A').map((c) => c.zone)).toEqual([
      'h0.example.org.',
      'h1.example.org.',
      'h2.example.org.',
      'h3.example.org.',
      'h4.example.org.',
      'n0.example.com.',
      'n1.example.com.',
      'n2.example.com.',
      'n3.example.com.',
      'n4.example.com.',
    ]);
  });
});
