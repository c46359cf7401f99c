import { parseArgs } from 'node:util';
import { parseConfig } from '../shared/config.js';
import { InMemoryProvider } from '../shared/dns/in-memory-provider.js';
import { listZoneOnce } from '../shared/dns/provider.js';
import { reconcileZones } from '../shared/dns/reconcile-zones.js';
import { type Endpoint, newEndpoint } from '../shared/endpoint/endpoint.js';
import { silentLog } from '../shared/log.js';
import { serializeOwnership } from '../shared/registry/txt.js';

/**
 * Route 53 calls of an audit event's partial pass (the DNS stage): the zone listing and the record pages
 * read for the touched names, over the in-memory provider, which pages exactly as Route 53 does (300 record
 * sets, Route 53's order) through the same reader as the Route 53 adapter. Each shape is a zone of owned
 * records (half records, half their TXTs) and an event naming some of them, new or existing.
 *
 *   npx tsx bench/audit-reads.ts          # the table
 *   npx tsx bench/audit-reads.ts --json   # one JSON document
 */

export interface AuditReadFigure {
  zoneRecords: number;
  touchedNames: number;
  kind: 'new' | 'existing' | 'deleted';
  listHostedZones: number;
  listResourceRecordSets: number;
  zonePages: number;
}

const SHAPES: { zoneRecords: number; touchedNames: number; kind: AuditReadFigure['kind'] }[] = [
  { zoneRecords: 3000, touchedNames: 1, kind: 'new' },
  { zoneRecords: 3000, touchedNames: 1, kind: 'existing' },
  { zoneRecords: 3000, touchedNames: 1, kind: 'deleted' },
  { zoneRecords: 1190, touchedNames: 60, kind: 'existing' },
  { zoneRecords: 10_000, touchedNames: 10, kind: 'existing' },
  { zoneRecords: 10_000, touchedNames: 60, kind: 'existing' },
];

function zone(records: number): Endpoint[] {
  const out: Endpoint[] = [];
  for (let i = 0; i < records / 2; i++) {
    out.push(newEndpoint(`r${i}.example.com`, 'A', [`10.0.${(i >> 8) & 255}.${i & 255}`], { ttl: 300 }));
    out.push(
      newEndpoint(
        `a-r${i}.example.com`,
        'TXT',
        [serializeOwnership({ owner: 'prod-eu', resource: `service/ns/r${i}` })],
        {
          ttl: 300,
        },
      ),
    );
  }
  return out;
}

export async function measureAuditReads(): Promise<AuditReadFigure[]> {
  const figures: AuditReadFigure[] = [];
  const config = parseConfig({ domainFilters: ['example.com'] });
  for (const shape of SHAPES) {
    const dns = new InMemoryProvider();
    dns.addZone({ id: 'ZBENCH', name: 'example.com', private: false }, zone(shape.zoneRecords));
    const step = Math.max(1, Math.floor(shape.zoneRecords / 2 / shape.touchedNames));
    const names = Array.from({ length: shape.touchedNames }, (_, i) =>
      shape.kind === 'new' ? `new${i}.example.com` : `r${i * step}.example.com`,
    );
    const desired =
      shape.kind === 'deleted'
        ? []
        : names.map((n, i) =>
            newEndpoint(n, 'A', [`192.0.2.${i % 250}`], {
              labels: { owner: 'prod-eu', resource: `service/ns/${n.split('.')[0]}` },
            }),
          );
    const zones = await listZoneOnce(dns, config);
    await reconcileZones(
      {
        zones,
        desired,
        held: [],
        knownOwners: new Set(['prod-eu']),
        frozenOwners: new Set(),
        dryRun: true,
        scope: new Set(names),
      },
      {
        config,
        dns,
        log: silentLog,
        aws: {
          kept: () => Promise.reject(new Error('no ELBv2 here')) as never,
          clientConfig: () => undefined as never,
        },
      },
    );
    figures.push({
      ...shape,
      listHostedZones: dns.stats.listZones,
      listResourceRecordSets: dns.stats.listRecords,
      zonePages: Math.ceil(shape.zoneRecords / 300),
    });
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Parsed here, not on import: bench/run.ts imports this module under flags of its own.
  const { values } = parseArgs({ options: { json: { type: 'boolean' } } });
  const figures = await measureAuditReads();
  if (values.json) console.log(JSON.stringify({ figures }, null, 2));
  else {
    console.log(
      '| zone records | touched names | names are | ListHostedZones | ListResourceRecordSets | zone pages |',
    );
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const f of figures) {
      console.log(
        `| ${f.zoneRecords} | ${f.touchedNames} | ${f.kind} | ${f.listHostedZones} | ${f.listResourceRecordSets} | ${f.zonePages} |`,
      );
    }
  }
}
