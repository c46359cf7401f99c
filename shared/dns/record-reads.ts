import { type Endpoint, endpointKey, normalizeDnsName } from '../endpoint/endpoint.js';
import type { RecordsOptions } from './provider.js';
import { type HostedZone, isWithinDomain } from './zones.js';

/**
 * How a zone is read page by page, whatever serves the pages: the whole zone, the zone until a reader
 * has enough, or only some names. Route 53's ListResourceRecordSets is the model — pages in name order
 * (labels reversed), each ending with where the next starts — and `Route53Provider` and `InMemoryProvider`
 * both read through here, so what a read costs in pages is decided in one place.
 */

/** Where a page starts: a name, and within it a type and set identifier (Route 53's Next* fields). */
export interface PageStart {
  name?: string;
  type?: string;
  identifier?: string;
}

export interface RecordPage {
  /** Every record set of the page in order: its decoded name, and the endpoint when the model carries the type. */
  entries: { name: string; record?: Endpoint }[];
  /** Where the next page starts; absent on the last page. */
  next?: PageStart;
}

export type ListPage = (start: PageStart) => Promise<RecordPage>;

/** Reads `zone` through `listPage` as `opts` asks. */
export async function readRecords(
  zone: HostedZone,
  listPage: ListPage,
  opts: RecordsOptions = {},
): Promise<Endpoint[]> {
  if (opts.names) return readNames(zone, listPage, opts.names);
  const out: Endpoint[] = [];
  let start: PageStart = opts.startName ? { name: normalizeDnsName(opts.startName) } : {};
  for (;;) {
    const page = await listPage(start);
    const read: Endpoint[] = [];
    for (const { record } of page.entries) if (record) read.push(record);
    for (const e of read) out.push(e);
    // Every page is shown to `enough`, the last one too: a reader keeping a tally sees the whole read.
    const enough = opts.enough?.(read) ?? false;
    if (!page.next || enough) return out;
    start = page.next;
  }
}

/**
 * Only `names`: a listing starting at each name, stopped as soon as a later name shows up, so an event for
 * one object costs a few calls instead of the whole zone. A name seen complete in an earlier listing costs
 * nothing.
 */
async function readNames(
  zone: HostedZone,
  listPage: ListPage,
  names: readonly string[],
): Promise<Endpoint[]> {
  // A name outside the zone cannot be in it: no call for it.
  const wanted = new Set(names.map(normalizeDnsName).filter((n) => n !== '' && isWithinDomain(n, zone.name)));
  const complete = new Set<string>();
  const found = new Map<string, Endpoint>();
  for (const name of [...wanted].sort()) {
    let start: PageStart = { name };
    while (!complete.has(name)) {
      const page = await listPage(start);
      const last = page.entries[page.entries.length - 1]?.name;
      for (const { name: n, record } of page.entries) {
        if (record && wanted.has(record.dnsName)) found.set(endpointKey(record), record);
        // A name is complete once a later name follows it in the same page (a page is in name order,
        // so the last name tells), or the listing ended.
        if (!page.next || n !== last) complete.add(n);
      }
      // The listing starts at `name`: any other name in the page, or its end, means there is no more of it.
      if (!page.next || page.entries.some((e) => e.name !== name)) complete.add(name);
      if (complete.has(name) || !page.next) break;
      start = page.next;
    }
  }
  return [...found.values()];
}
