import { describe, expect, it } from 'vitest';
import { type Config, parseConfig } from '../../../shared/config.js';
import { InMemoryProvider } from '../../../shared/dns/in-memory-provider.js';
import { reconcileZones } from '../../../shared/dns/reconcile-zones.js';
import { scopedReadPlan } from '../../../shared/dns/record-reads.js';
import { type Endpoint, newEndpoint } from '../../../shared/endpoint/endpoint.js';
import { silentLog } from '../../../shared/log.js';
import { serializeOwnership } from '../../../shared/registry/txt.js';
import { dnsStagePass } from '../../support/dns-stage.js';

/**
 * The DNS stage over the in-memory provider: zone grouping, reads, the registry and the apply, in
 * milliseconds. What Route 53 itself answers is the integration tests' (sandbox) business.
 */

const ZONE = { id: 'ZEXAMPLE', name: 'example.com', private: false };

function desired(name: string, ip: string, owner = 'prod-eu', resource = `service/shop/${name}`): Endpoint {
  return newEndpoint(`${name}.example.com`, 'A', [ip], { labels: { owner, resource } });
}

/** A record and its new-format ownership TXT, as a previous pass wrote them. */
function owned(name: string, ip: string, owner = 'prod-eu', resource = `service/shop/${name}`): Endpoint[] {
  return [
    newEndpoint(`${name}.example.com`, 'A', [ip], { ttl: 300 }),
    newEndpoint(`a-${name}.example.com`, 'TXT', [serializeOwnership({ owner, resource })], { ttl: 300 }),
  ];
}

function world(records: Endpoint[] = [], config: Partial<Config> = {}) {
  const dns = new InMemoryProvider();
  const zone = dns.addZone(ZONE, records);
  const cfg = parseConfig({ domainFilters: ['example.com'], ...config });
  const pass = dnsStagePass(dns, cfg);
  const names = () => dns.recordsOf(zone.id).map((r) => `${r.dnsName} ${r.recordType}`);
  return { dns, zone, pass, names };
}

describe('reconcileZones over the in-memory provider', () => {
  it('creates records with their ownership TXTs, then changes nothing', async () => {
    const w = world([newEndpoint('example.com', 'NS', ['ns-1.awsdns.com.'], { ttl: 172800 })]);
    const first = await w.pass({ desired: [desired('web', '192.0.2.1'), desired('api', '192.0.2.2')] });
    expect(first.errors).toEqual([]);
    expect(first.changes.map((c) => `${c.action} ${c.name} ${c.type}`)).toEqual([
      'CREATE api.example.com. A',
      'CREATE a-api.example.com. TXT',
      'CREATE web.example.com. A',
      'CREATE a-web.example.com. TXT',
    ]);
    expect(w.names()).toEqual([
      'example.com NS',
      'a-api.example.com TXT',
      'a-web.example.com TXT',
      'api.example.com A',
      'web.example.com A',
    ]);
    const second = await w.pass({ desired: [desired('web', '192.0.2.1'), desired('api', '192.0.2.2')] });
    expect(second.changes).toEqual([]);
    expect(second.warnings).toEqual([]);
    // Each pass lists the zones once (here, in the test's own `listZoneOnce`) and reads one page.
    expect(w.dns.stats).toEqual({ listZones: 2, listRecords: 2, changeBatches: 1 });
  });

  it('deletes what a known owner no longer wants, with its TXT; leaves other owners and unowned records', async () => {
    const w = world([
      ...owned('old', '192.0.2.9'),
      ...owned('keep', '192.0.2.8'),
      ...owned('theirs', '192.0.2.7', 'prod-us'),
      newEndpoint('manual.example.com', 'A', ['192.0.2.6'], { ttl: 60 }),
    ]);
    const out = await w.pass({ desired: [desired('keep', '192.0.2.8')], knownOwners: new Set(['prod-eu']) });
    expect(out.changes.map((c) => `${c.action} ${c.name} ${c.type}`)).toEqual([
      'DELETE old.example.com. A',
      'DELETE a-old.example.com. TXT',
    ]);
    expect(w.names()).not.toContain('old.example.com A');
    expect(w.names()).toEqual(expect.arrayContaining(['theirs.example.com A', 'manual.example.com A']));
  });

  it('holds back deletions that are too large a share of an owner, and reports them', async () => {
    const records = ['a', 'b', 'c', 'd', 'e'].flatMap((n, i) => owned(n, `192.0.2.${i + 1}`));
    const w = world(records);
    const out = await w.pass({ desired: [desired('a', '192.0.2.1')] });
    expect(out.changes).toEqual([]);
    expect(out.heldDeletions).toBe(4);
    expect(out.warnings.map((w) => w.code)).toEqual(['deletions-held']);
  });

  it('a scoped pass reads only the names in scope (and their TXTs), not the zone', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => owned(`r${i}`, `10.0.${i >> 8}.${i & 255}`)).flat();
    const w = world(many);
    const out = await w.pass({
      desired: [desired('r7', '10.9.9.9')],
      scope: new Set(['r7.example.com']),
    });
    expect(out.changes.map((c) => `${c.action} ${c.name} ${c.type}`)).toEqual(['UPSERT r7.example.com. A']);
    // The zone is 3,000 records (10 pages); the names r7 and its TXT names cost a page each at most.
    expect(w.dns.stats.listRecords).toBeLessThanOrEqual(4);
  });

  it('a scoped pass that would delete reads the zone only until the owner is seen to hold enough records', async () => {
    // 6,000 records, 20 pages; in Route 53's order the `a-` TXTs fill the first 10, the records follow.
    const many = Array.from({ length: 3000 }, (_, i) => owned(`r${i}`, `10.0.${i >> 8}.${i & 255}`)).flat();
    const w = world(many);
    const out = await w.pass({ scope: new Set(['r7.example.com']) });
    expect(out.changes.map((c) => `${c.action} ${c.name} ${c.type}`)).toEqual([
      'DELETE r7.example.com. A',
      'DELETE a-r7.example.com. TXT',
    ]);
    expect(out.heldDeletions).toBe(0);
    // The names in scope (a few pages), then the zone up to the first page of owned records: 11 of 20.
    expect(w.dns.stats.listRecords).toBeLessThanOrEqual(4 + 11);
  });

  it('reads the old-format TXT under a txtPrefix in a scoped pass, and deletes it with the last record', async () => {
    const w = world(
      [
        newEndpoint('web.example.com', 'A', ['192.0.2.1'], { ttl: 300 }),
        newEndpoint('own-web.example.com', 'TXT', [serializeOwnership({ owner: 'prod-eu' })], { ttl: 300 }),
        ...['a', 'b', 'c', 'd'].flatMap((n, i) => [
          newEndpoint(`${n}.example.com`, 'A', [`192.0.2.${i + 10}`], { ttl: 300 }),
          newEndpoint(`own-a-${n}.example.com`, 'TXT', [serializeOwnership({ owner: 'prod-eu' })], {
            ttl: 300,
          }),
        ]),
      ],
      { txtPrefix: 'own-' },
    );
    const out = await w.pass({ scope: new Set(['web.example.com']) });
    expect(out.changes.map((c) => `${c.action} ${c.name} ${c.type}`)).toEqual([
      'DELETE web.example.com. A',
      'DELETE own-web.example.com. TXT',
    ]);
    expect(w.names()).not.toContain('own-web.example.com TXT');
  });

  it('reports a failed zone listing and reads nothing', async () => {
    const w = world();
    const out = await reconcileZones(
      {
        zones: { error: 'Throttling: Rate exceeded' },
        desired: [desired('web', '192.0.2.1')],
        held: [],
        knownOwners: new Set(['prod-eu']),
        frozenOwners: new Set(),
        dryRun: false,
      },
      {
        config: parseConfig({}),
        dns: w.dns,
        log: silentLog,
        aws: { kept: () => undefined as never, clientConfig: () => undefined as never },
      },
    );
    expect(out.errors).toEqual([
      { code: 'zones-unlisted', message: 'route53: listing hosted zones failed: Throttling: Rate exceeded' },
    ]);
    expect(w.dns.stats.listRecords).toBe(0);
  });

  it('a dry run plans the changes and applies none', async () => {
    const w = world();
    const out = await w.pass({ desired: [desired('web', '192.0.2.1')], dryRun: true });
    expect(out.changes.map((c) => `${c.action} ${c.name}`)).toEqual([
      'CREATE web.example.com.',
      'CREATE a-web.example.com.',
    ]);
    expect(w.names()).toEqual([]);
    expect(w.dns.stats.changeBatches).toBe(0);
  });

  it('leaves a zone whose deadline passed for the next pass', async () => {
    const w = world();
    const out = await w.pass({
      desired: [desired('web', '192.0.2.1')],
      deadline: AbortSignal.abort(new Error('late')),
    });
    expect(out.errors).toEqual([
      {
        code: 'zone-failed',
        zone: 'example.com',
        message: 'zone example.com: not reconciled, left for the next pass: late',
      },
    ]);
    expect(w.dns.stats.listRecords).toBe(0);
  });

  it('skips an endpoint no zone holds, with a warning naming it', async () => {
    const w = world();
    const out = await w.pass({
      desired: [
        newEndpoint('web.other.org', 'A', ['192.0.2.1'], {
          labels: { owner: 'prod-eu', resource: 'service/shop/web' },
        }),
      ],
    });
    expect(out.warnings).toEqual([
      expect.objectContaining({ code: 'no-zone', dnsName: 'web.other.org', object: 'service/shop/web' }),
    ]);
  });

  it('an audit event naming one new name in a 3,000-record zone: 2 record reads (issue 14: ≤ 2)', async () => {
    const filler = Array.from({ length: 1500 }, (_, i) => owned(`r${i}`, `10.0.${i >> 8}.${i & 255}`)).flat();
    const w = world(filler);
    const out = await w.pass({ desired: [desired('web', '192.0.2.1')], scope: new Set(['web.example.com']) });
    expect(out.changes.map((c) => `${c.action} ${c.name}`)).toEqual([
      'CREATE web.example.com.',
      'CREATE a-web.example.com.',
    ]);
    // The name (nothing there), then `a-web` only: the type wanted; AAAA and CNAME TXT names unread.
    expect(w.dns.stats).toMatchObject({ listZones: 1, listRecords: 2 });
  });

  it("an event naming 60 names in a 1,190-record zone reads the zone's 4 pages instead", async () => {
    const filler = Array.from({ length: 595 }, (_, i) => owned(`r${i}`, `10.0.${i >> 8}.${i & 255}`)).flat();
    const w = world(filler);
    const names = Array.from({ length: 60 }, (_, i) => `r${i * 9}.example.com`);
    const out = await w.pass({
      desired: names.map((n, i) => desired(n.replace('.example.com', ''), `10.9.0.${i}`)),
      scope: new Set(names),
    });
    expect(out.changes.filter((c) => c.action === 'UPSERT')).toHaveLength(60);
    expect(w.dns.stats.listRecords).toBe(4);
  });
});

describe('scopedReadPlan: the cost model of a scoped read', () => {
  it('reads names while they cost fewer calls than the zone, the zone once they would not', () => {
    expect(scopedReadPlan({ recordCount: 3000 }, 1, 1)).toEqual({ read: 'names', calls: 2 });
    expect(scopedReadPlan({ recordCount: 3000 }, 4, 1)).toEqual({ read: 'names', calls: 8 });
    expect(scopedReadPlan({ recordCount: 3000 }, 5, 1)).toEqual({ read: 'zone', calls: 10 });
    expect(scopedReadPlan({ recordCount: 1190 }, 60, 1)).toEqual({ read: 'zone', calls: 4 });
    expect(scopedReadPlan({ recordCount: 1190 }, 1, 2)).toEqual({ read: 'names', calls: 3 });
    // A zone of one page is read whole: never more than one call.
    expect(scopedReadPlan({ recordCount: 12 }, 1, 1)).toEqual({ read: 'zone', calls: 1 });
    expect(scopedReadPlan({}, 60, 1)).toEqual({ read: 'names', calls: 120 });
  });
});
