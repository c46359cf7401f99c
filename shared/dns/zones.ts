import { mapConcurrent } from '../concurrency.js';
import type { Config } from '../config.js';
import { normalizeDnsName } from '../endpoint/endpoint.js';

/** A Route 53 hosted zone as the pass sees it. */
export interface HostedZone {
  /** The bare id (`Z0123...`), without the `/hostedzone/` prefix the API adds. */
  id: string;
  /** Lower case, no trailing dot. */
  name: string;
  private: boolean;
  /** Filled only when zone tags were asked for (tag filter set); otherwise empty. */
  tags: Record<string, string>;
  recordCount?: number;
  /** The account of a zone reached through a role (`route53Roles`); absent for the home account's. */
  account?: string;
}

export type ZoneFilterConfig = Pick<Config, 'zoneIdFilters' | 'zoneType' | 'zoneTags' | 'domainFilters'> &
  Partial<Pick<Config, 'excludeDomains'>>;

/**
 * Runs `work` over the zones, the accounts side by side (Route 53 throttles each account apart) and at
 * most `perAccount` zones at once in each, each account's in listing order; results keep the zones' order.
 */
export async function inAccounts<R>(
  zones: readonly HostedZone[],
  perAccount: number,
  work: (zone: HostedZone) => Promise<R>,
): Promise<R[]> {
  const byAccount = new Map<string, number[]>();
  for (const [i, zone] of zones.entries()) {
    const key = zone.account ?? '';
    const indexes = byAccount.get(key);
    if (indexes) indexes.push(i);
    else byAccount.set(key, [i]);
  }
  const results = new Array<R>(zones.length);
  await Promise.all(
    [...byAccount.values()].map((indexes) =>
      mapConcurrent(indexes, perAccount, async (i) => {
        results[i] = await work(zones[i] as HostedZone);
      }),
    ),
  );
  return results;
}

export function cleanZoneId(id: string): string {
  return id.trim().replace(/^\/?hostedzone\//, '');
}

/** Whether `name` is `domain` itself or a name below it, on a label boundary (both normalized). */
export function isWithinDomain(name: string, domain: string): boolean {
  if (domain === '') return true;
  return name === domain || name.endsWith(`.${domain}`);
}

/** A domain filter as a plain domain: ExternalDNS's leading dot ("subdomains only") does not matter for zones. */
function filterDomain(filter: string): string {
  return normalizeDnsName(filter).replace(/^\.+/, '');
}

/**
 * `key=value` tag filters, all required (ExternalDNS `--aws-zone-tags`). A filter without `=` only
 * requires the key, as ExternalDNS accepts it too.
 */
export function matchesZoneTags(tags: Record<string, string>, filters: readonly string[]): boolean {
  for (const filter of filters) {
    const eq = filter.indexOf('=');
    const key = eq < 0 ? filter : filter.slice(0, eq);
    if (!Object.hasOwn(tags, key)) return false;
    if (eq >= 0 && tags[key] !== filter.slice(eq + 1)) return false;
  }
  return true;
}

/**
 * A zone can hold a managed name when a domain filter lies within it (`app.example.com` in zone
 * `example.com`) or it lies within a filter (zone `eu.example.com` under filter `example.com`).
 * ExternalDNS keeps the first kind only with `--zone-match-parent`; keeping it always costs one zone
 * read at most and never a write outside the filters, since names are filtered downstream.
 */
export function matchesDomainFilters(
  zoneName: string,
  domainFilters: readonly string[],
  excludeDomains: readonly string[] = [],
): boolean {
  const zone = normalizeDnsName(zoneName);
  const excluded = excludeDomains.map(filterDomain).filter((d) => d !== '');
  if (excluded.some((d) => isWithinDomain(zone, d))) return false;
  const filters = domainFilters.map(filterDomain).filter((d) => d !== '');
  if (filters.length === 0) return true;
  return filters.some((d) => isWithinDomain(zone, d) || isWithinDomain(d, zone));
}

/** Applies the zone id, zone type, zone tag and domain filters, in ExternalDNS's order and meaning. */
export function filterZones(zones: readonly HostedZone[], config: ZoneFilterConfig): HostedZone[] {
  const ids = new Set(config.zoneIdFilters.map(cleanZoneId).filter((id) => id !== ''));
  return zones.filter((zone) => {
    if (ids.size > 0 && !ids.has(cleanZoneId(zone.id))) return false;
    if (config.zoneType === 'public' && zone.private) return false;
    if (config.zoneType === 'private' && !zone.private) return false;
    if (!matchesDomainFilters(zone.name, config.domainFilters, config.excludeDomains)) return false;
    return matchesZoneTags(zone.tags, config.zoneTags);
  });
}

/**
 * The zones a name is written to: the longest matching public zone, and every matching private zone
 * (each private zone is the view of its own VPCs, so each gets the record).
 */
export function zonesForName(name: string, zones: readonly HostedZone[]): HostedZone[] {
  const host = normalizeDnsName(name);
  let bestPublic: HostedZone | undefined;
  const out: HostedZone[] = [];
  for (const zone of zones) {
    if (!isWithinDomain(host, normalizeDnsName(zone.name))) continue;
    if (zone.private) out.push(zone);
    else if (!bestPublic || zone.name.length > bestPublic.name.length) bestPublic = zone;
  }
  if (bestPublic) out.push(bestPublic);
  return out;
}
