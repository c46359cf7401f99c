import type { Config } from '../config.js';
import type { ZoneListing } from '../dns/provider.js';
import { desiredByZone, zoneReach } from '../dns/reconcile-zones.js';
import type { Endpoint } from '../endpoint/endpoint.js';
import type { PassWarning } from '../warnings.js';

/**
 * Desired endpoints by the zone that will hold them, as the DNS stage groups them for the whole listing
 * (the most specific public zone, every private one; a name of an unreachable account's zone held back
 * and reported): a zone's stage then sees exactly its share.
 */
export function zonePartitions(
  desired: readonly Endpoint[],
  listing: ZoneListing,
  config: Config,
  warnings: PassWarning[],
): Map<string, Endpoint[]> {
  if (listing.zones === undefined) return new Map();
  return desiredByZone(desired, listing.zones, zoneReach(listing, config), warnings);
}
