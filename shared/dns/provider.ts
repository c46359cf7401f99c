import { deadlineOf } from '../deadline.js';
import type { ChangeGroup, RecordChange } from '../endpoint/changes.js';
import type { Endpoint } from '../endpoint/endpoint.js';
import { errorMessage } from '../errors.js';
import type { PassWarning } from '../warnings.js';
import type { HealthCheckApi } from './route53-health-checks.js';
import type { HostedZone, ZoneFilterConfig } from './zones.js';

/**
 * The DNS provider seam (ExternalDNS's `provider.Provider`): what the pass needs of a DNS service, and
 * nothing of how it is spoken to. `Route53Provider` (route53.ts) speaks to Route 53;
 * `InMemoryProvider` (in-memory-provider.ts) keeps zones in memory for fast tests of the stages above.
 * A provider lives as long as its clients (a warm Lambda container keeps it): anything that belongs to
 * one pass — its deadline, its warnings — goes in and out per call.
 */
export interface DnsProvider {
  /** The hosted zones the filters let us write. Once per pass: `listZoneOnce` shares the answer. */
  listZones(filter: ZoneFilterConfig, call?: CallOptions): Promise<HostedZone[]>;
  /**
   * The accounts the last `listZones` could not reach (a provider over several accounts): their zones
   * are out of the pass, and a name no reachable zone holds may be theirs.
   */
  unreachableAccounts?(): UnreachableAccount[];
  /** The zone's record sets as endpoints (types the model does not carry left out). */
  records(zone: HostedZone, options?: RecordsOptions & CallOptions): Promise<Endpoint[]>;
  /** Applies change groups to one zone; a group is never split across requests. */
  applyChanges(zone: HostedZone, groups: readonly ChangeGroup[], call?: CallOptions): Promise<ApplyResult>;
  /** The health checks of the zone's account, where this provider can make them (fleet routing). */
  healthChecks?(zone: HostedZone): HealthCheckApi | undefined;
}

export interface CallOptions {
  /**
   * The pass's deadline: every call still waiting then is aborted, and batches not yet sent are
   * reported failed, left for the next pass.
   */
  signal?: AbortSignal;
}

export interface RecordsOptions {
  /** Start the listing at this name (Route 53's order: labels reversed). */
  startName?: string;
  /** Read only these names: a listing per stretch of them, names a page passes are done. */
  names?: string[];
  /**
   * With `names`: more names to read once those are read, from what they showed (the ownership TXT names
   * of the record types found there), so a TXT name for a type that is not there costs nothing.
   */
  thenNames?: (found: readonly Endpoint[]) => string[];
  /**
   * Stop after the first page at which this holds (a reader that needs only so much). It is given every
   * page just read, the last one too, not everything so far: a reader keeps its own tally, so a long
   * read costs linear time.
   */
  enough?: (page: readonly Endpoint[]) => boolean;
}

/**
 * A change group the provider refused on its own (its batch split down to it): what an operator needs to
 * find the object and the cause.
 */
export interface RefusedChange {
  zone: string;
  zoneId: string;
  action: RecordChange['action'];
  name: string;
  type: string;
  setIdentifier?: string;
  /** The TXT registry owner of the record ('' when it has none). */
  owner: string;
  /** The Kubernetes object behind it (`kind/namespace/name`), when known. */
  resource?: string;
  /** The service's error code (`AccessDenied`, `InvalidChangeBatch`, `NoSuchHealthCheck`, ...). */
  code: string;
  /** The service's message. */
  message: string;
}

export interface ApplyResult {
  /** Change requests sent, including halves of split batches. */
  batches: number;
  applied: RecordChange[];
  /** Changes not applied because their batch failed as a whole, or was never sent. */
  failed: { change: RecordChange; error: string }[];
  /** Groups refused on their own (a record and its TXT): one report each. */
  refused: RefusedChange[];
  /** What the pass reports about this apply: groups too large to send, groups refused. */
  warnings: PassWarning[];
}

/**
 * An account whose zones could not be listed (its role refused by STS — AccessDenied, a wrong external id
 * — or Route 53 refusing the listing): nothing in it is read or changed this pass.
 */
export interface UnreachableAccount {
  account: string;
  roleArn: string;
  /** Why, as STS or Route 53 answered (no credentials in it). */
  error: string;
  /** The same in a few words: `AssumeRole AccessDenied`, `Route 53 Throttling`. */
  reason: string;
  /** The account's zones as this container last listed them (ids qualified by the account); none when cold. */
  lastKnownZones: HostedZone[];
}

/** The pass's one zone listing, shared by the certificate and DNS stages: the zones, or why there are none. */
export type ZoneListing =
  | { zones: HostedZone[]; unreachable?: UnreachableAccount[]; error?: undefined }
  | { zones?: undefined; error: string };

/** Lists the zones once for the pass; a failure (a passed deadline named as such) is the listing's answer. */
export async function listZoneOnce(
  provider: DnsProvider,
  filter: ZoneFilterConfig,
  signal?: AbortSignal,
): Promise<ZoneListing> {
  try {
    const zones = await provider.listZones(filter, signal ? { signal } : {});
    const unreachable = provider.unreachableAccounts?.() ?? [];
    return unreachable.length > 0 ? { zones, unreachable } : { zones };
  } catch (err) {
    return { error: errorMessage(deadlineOf(err, signal) ?? err) };
  }
}
