import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config.js';
import { InMemoryProvider } from '../../../shared/dns/in-memory-provider.js';
import { ZoneCache } from '../../../shared/dns/zone-cache.js';
import { type Endpoint, newEndpoint } from '../../../shared/endpoint/endpoint.js';
import { dnsStagePass } from '../../support/dns-stage.js';

/**
 * The warm function's zone cache over the in-memory provider: full reads answered from memory while the
 * last real one is younger than zoneCacheSeconds, kept true by the pass's own writes and scoped reads; an
 * outside change shows at the next real read (the drift window).
 */

const MAX_AGE_MS = 300_000;
/** A whole read of the test zone (701 records, then 705 with the pass's): 3 pages. */
const ZONE_PAGES = 3;

function desired(name: string, ip: string): Endpoint {
  return newEndpoint(`${name}.example.com`, 'A', [ip], {
    labels: { owner: 'prod-eu', resource: `service/shop/${name}` },
  });
}

function world() {
  const inner = new InMemoryProvider();
  // 700 records nobody here owns: a scoped pass reads its names, not the zone's 3 pages.
  const filler = Array.from({ length: 700 }, (_, i) =>
    newEndpoint(`f${i}.example.com`, 'A', ['192.0.2.200'], { ttl: 60 }),
  );
  const zone = inner.addZone({ id: 'ZEXAMPLE', name: 'example.com', private: false }, [
    newEndpoint('manual.example.com', 'A', ['192.0.2.99'], { ttl: 60 }),
    ...filler,
  ]);
  let now = 1_000_000;
  const dns = new ZoneCache(inner, {
    maxAgeMs: MAX_AGE_MS,
    now: () => now,
    asRead: (z, e) => inner.asRead(z, e),
  });
  const config = parseConfig({ domainFilters: ['example.com'] });
  const pass = dnsStagePass(dns, config);
  /** Someone deletes a record by hand. */
  const deleteByHand = (name: string) =>
    inner.applyChanges(zone, [
      [{ action: 'DELETE', endpoint: inner.recordsOf(zone.id).find((r) => r.dnsName === name)! }],
    ]);
  return {
    inner,
    dns,
    zone,
    pass,
    deleteByHand,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const summary = (out: Awaited<ReturnType<ReturnType<typeof world>['pass']>>) =>
  out.changes.map((c) => `${c.action} ${c.name} ${c.type}`).sort();

describe('ZoneCache', () => {
  it('reads a zone once per interval; its own writes keep the copy true, so the next pass changes nothing', async () => {
    const w = world();
    const want = [desired('web', '192.0.2.1'), desired('api', '192.0.2.2')];
    expect(summary(await w.pass({ desired: want }))).toHaveLength(4);
    expect(w.inner.stats.listRecords).toBe(ZONE_PAGES);
    for (let i = 0; i < 4; i++) {
      w.advance(60_000);
      expect(summary(await w.pass({ desired: want }))).toEqual([]);
    }
    expect(w.inner.stats.listRecords).toBe(ZONE_PAGES);
    w.advance(60_000);
    expect(summary(await w.pass({ desired: want }))).toEqual([]);
    // 300 s after the first read: a real read again.
    expect(w.inner.stats.listRecords).toBe(2 * ZONE_PAGES);
  });

  it('an outside change shows at the next real read, within the drift window', async () => {
    const w = world();
    const want = [desired('web', '192.0.2.1')];
    await w.pass({ desired: want });
    await w.deleteByHand('web.example.com');
    w.advance(MAX_AGE_MS - 1);
    expect(summary(await w.pass({ desired: want }))).toEqual([]);
    w.advance(1);
    // The TXT is still there as ours (an orphan of this owner): the record comes back beside it.
    expect(summary(await w.pass({ desired: want }))).toEqual([
      'CREATE web.example.com. A',
      'UPSERT a-web.example.com. TXT',
    ]);
  });

  it('a scoped pass reads its names from the provider and puts them into the copy', async () => {
    const w = world();
    const want = [desired('web', '192.0.2.1')];
    await w.pass({ desired: want });
    await w.deleteByHand('web.example.com');
    w.advance(1000);
    const audit = await w.pass({ desired: want, scope: new Set(['web.example.com']) });
    expect(summary(audit)).toEqual(['CREATE web.example.com. A', 'UPSERT a-web.example.com. TXT'].sort());
    w.advance(1000);
    // The full pass after it plans against the copy the audit pass refreshed: nothing to do, no read.
    const reads = w.inner.stats.listRecords;
    expect(summary(await w.pass({ desired: want }))).toEqual([]);
    expect(w.inner.stats.listRecords).toBe(reads);
  });

  it('drops the copy when a batch fails: the next pass reads the zone', async () => {
    const w = world();
    await w.pass({ desired: [desired('web', '192.0.2.1')] });
    const reads = w.inner.stats.listRecords;
    // A CREATE over a record that is there: the batch fails, what was applied is not known for sure.
    const result = await w.dns.applyChanges(w.zone, [
      [{ action: 'CREATE', endpoint: newEndpoint('manual.example.com', 'A', ['192.0.2.5'], { ttl: 60 }) }],
    ]);
    expect(result.failed).toHaveLength(1);
    w.advance(1000);
    await w.pass({ desired: [desired('web', '192.0.2.1')] });
    expect(w.inner.stats.listRecords).toBe(reads + ZONE_PAGES);
  });
});
