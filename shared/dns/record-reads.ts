import { type Endpoint, normalizeDnsName } from '../endpoint/endpoint.js';
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

/** Route 53 answers at most 300 record sets per page, whatever MaxItems asks for. */
export const MAX_PAGE = 300;
/** A page for one name: more record sets than any name holds in practice, and one more name to end it. */
export const NAME_PAGE = 20;

/** One ListResourceRecordSets call: at most `maxItems` record sets from `start`. */
export type ListPage = (start: PageStart, maxItems: number) => Promise<RecordPage>;

/** Reads `zone` through `listPage` as `opts` asks. */
export async function readRecords(
  zone: HostedZone,
  listPage: ListPage,
  opts: RecordsOptions = {},
): Promise<Endpoint[]> {
  if (opts.names) {
    const done = new Set<string>();
    const found = await readNames(zone, listPage, opts.names, done);
    if (!opts.thenNames) return found;
    return [...found, ...(await readNames(zone, listPage, opts.thenNames(found), done))];
  }
  const out: Endpoint[] = [];
  let start: PageStart = opts.startName ? { name: normalizeDnsName(opts.startName) } : {};
  for (;;) {
    const page = await listPage(start, MAX_PAGE);
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
 * Only `names` (those not in `done`, which it adds to): the names in Route 53's order, a listing started at
 * the first one not yet read, and every name a page passes is done — read if it is there, known absent if
 * not — so names close together cost one listing. A listing for the last name left asks for a small page.
 */
async function readNames(
  zone: HostedZone,
  listPage: ListPage,
  names: readonly string[],
  done: Set<string>,
): Promise<Endpoint[]> {
  // A name outside the zone cannot be in it: no call for it.
  const wanted = [
    ...new Set(
      names.map(normalizeDnsName).filter((n) => n !== '' && isWithinDomain(n, zone.name) && !done.has(n)),
    ),
  ].sort(compareRoute53Names);
  const wantedSet = new Set(wanted);
  const found: Endpoint[] = [];
  let i = 0;
  let start: PageStart | undefined;
  while (i < wanted.length) {
    start ??= { name: wanted[i]! };
    const page = await listPage(start, wanted.length - i > 1 ? MAX_PAGE : NAME_PAGE);
    for (const { record } of page.entries) if (record && wantedSet.has(record.dnsName)) found.push(record);
    // The page ends where the next one starts: every name before that is done, read or known absent.
    const bound = page.next?.name;
    while (i < wanted.length && (bound === undefined || compareRoute53Names(wanted[i]!, bound) < 0)) {
      done.add(wanted[i]!);
      i++;
    }
    if (i >= wanted.length || !page.next || bound === undefined) break;
    // More of the next name follows: go on from there; a name further on starts its own listing.
    start = compareRoute53Names(wanted[i]!, bound) === 0 ? page.next : undefined;
  }
  for (const n of wanted) done.add(n);
  return found;
}

/** ListResourceRecordSets' name order: labels reversed, compared as ASCII (`www.example.com` → `com.example.www`). */
export function compareRoute53Names(a: string, b: string): number {
  const x = reversedLabels(a);
  const y = reversedLabels(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function reversedLabels(name: string): string {
  return normalizeDnsName(name).split('.').reverse().join('.');
}

/**
 * The cost model of a scoped read (an audit event's names): reading `names` by name costs about one
 * listing per name and one per ownership TXT name (`txtNamesPerName`, the types that will be there); the
 * whole zone costs its pages, known from its record count (ListHostedZones tells). Whichever is fewer
 * calls wins; a zone whose count is unknown is read by name.
 */
export function scopedReadPlan(
  zone: Pick<HostedZone, 'recordCount'>,
  names: number,
  txtNamesPerName: number,
): { read: 'names' | 'zone'; calls: number } {
  const byName = names * (1 + txtNamesPerName);
  if (zone.recordCount === undefined) return { read: 'names', calls: byName };
  const zonePages = Math.max(1, Math.ceil(zone.recordCount / MAX_PAGE));
  return zonePages <= byName ? { read: 'zone', calls: zonePages } : { read: 'names', calls: byName };
}
