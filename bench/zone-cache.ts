import { parseArgs } from 'node:util';
import { parseConfig } from '../shared/config.js';
import { InMemoryProvider } from '../shared/dns/in-memory-provider.js';
import { listZoneOnce } from '../shared/dns/provider.js';
import { reconcileZones } from '../shared/dns/reconcile-zones.js';
import { ZoneCache } from '../shared/dns/zone-cache.js';
import { type Endpoint, newEndpoint } from '../shared/endpoint/endpoint.js';
import { silentLog } from '../shared/log.js';

/**
 * What `zoneCacheSeconds` saves: a steady fleet (nothing changes) passing every `scheduleMinutes` for an
 * hour over one zone, ListResourceRecordSets counted with and without the cache, through the DNS stage over
 * the in-memory provider (Route 53's pages). The drift window is the cache age: a change made outside
 * this reconciler shows up to `zoneCacheSeconds` late.
 *
 *   npx tsx bench/zone-cache.ts          # the table
 *   npx tsx bench/zone-cache.ts --json   # one JSON document
 */

export interface ZoneCacheFigure {
  zoneRecords: number;
  scheduleMinutes: number;
  zoneCacheSeconds: number;
  listRecordsPerHour: number;
  driftWindowSeconds: number;
}

function zone(records: number): Endpoint[] {
  return Array.from({ length: records }, (_, i) =>
    newEndpoint(`r${i}.example.com`, 'A', [`10.0.${(i >> 8) & 255}.${i & 255}`], { ttl: 300 }),
  );
}

async function hourOfPasses(records: number, scheduleMinutes: number, cacheSeconds: number): Promise<number> {
  const inner = new InMemoryProvider();
  inner.addZone({ id: 'ZBENCH', name: 'example.com', private: false }, zone(records));
  let now = 0;
  const dns =
    cacheSeconds > 0
      ? new ZoneCache(inner, {
          maxAgeMs: cacheSeconds * 1000,
          now: () => now,
          asRead: (z, e) => inner.asRead(z, e),
        })
      : inner;
  const config = parseConfig({ domainFilters: ['example.com'] });
  const want = [
    newEndpoint('web.example.com', 'A', ['192.0.2.1'], {
      labels: { owner: 'prod-eu', resource: 'service/a/web' },
    }),
  ];
  for (let t = 0; t < 60; t += scheduleMinutes) {
    now = t * 60_000;
    await reconcileZones(
      {
        zones: await listZoneOnce(dns, config),
        desired: want,
        held: [],
        knownOwners: new Set(['prod-eu']),
        frozenOwners: new Set(),
        dryRun: false,
      },
      {
        config,
        dns,
        log: silentLog,
        aws: { kept: () => undefined as never, clientConfig: () => undefined as never },
      },
    );
  }
  return inner.stats.listRecords;
}

export async function measureZoneCache(): Promise<ZoneCacheFigure[]> {
  const figures: ZoneCacheFigure[] = [];
  for (const zoneRecords of [1000, 10_000]) {
    for (const scheduleMinutes of [1, 5]) {
      for (const zoneCacheSeconds of [0, 300, 900, 3600]) {
        const listRecordsPerHour = await hourOfPasses(zoneRecords, scheduleMinutes, zoneCacheSeconds);
        figures.push({
          zoneRecords,
          scheduleMinutes,
          zoneCacheSeconds,
          listRecordsPerHour,
          driftWindowSeconds: zoneCacheSeconds,
        });
      }
    }
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Parsed here, not on import: bench/run.ts imports this module under flags of its own.
  const { values } = parseArgs({ options: { json: { type: 'boolean' } } });
  const figures = await measureZoneCache();
  if (values.json) console.log(JSON.stringify({ figures }, null, 2));
  else {
    console.log(
      '| zone records | schedule (min) | zoneCacheSeconds | ListResourceRecordSets / hour | saved | drift window |',
    );
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const f of figures) {
      const base = figures.find(
        (g) =>
          g.zoneRecords === f.zoneRecords &&
          g.scheduleMinutes === f.scheduleMinutes &&
          g.zoneCacheSeconds === 0,
      )!;
      const saved = base.listRecordsPerHour - f.listRecordsPerHour;
      console.log(
        `| ${f.zoneRecords} | ${f.scheduleMinutes} | ${f.zoneCacheSeconds} | ${f.listRecordsPerHour} | ${saved} | ${f.driftWindowSeconds ? `${f.driftWindowSeconds} s` : '—'} |`,
      );
    }
  }
}
