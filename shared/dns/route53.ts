import {
  type Change,
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourcesCommand,
  paginateListHostedZones,
  type ResourceRecordSet,
  type Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53';
import type { Config } from '../config.js';
import { deadlineOf } from '../deadline.js';
import type { ChangeGroup, RecordChange } from '../endpoint/changes.js';
import {
  type Endpoint,
  type FailoverRole,
  LABEL_OWNER,
  LABEL_RESOURCE,
  normalizeDnsName,
  RECORD_TYPES,
  type RecordType,
  type Route53Properties,
} from '../endpoint/endpoint.js';
import { errorMessage } from '../errors.js';
import { type BatchLimits, batchChangeGroups, batchChanges, ROUTE53_BATCH_LIMITS } from './batch.js';
import type { ApplyResult, CallOptions, DnsProvider, RecordsOptions, RefusedChange } from './provider.js';
import { type PageStart, type RecordPage, readRecords } from './record-reads.js';
import { type HealthCheckApi, Route53HealthChecks } from './route53-health-checks.js';
import { cleanZoneId, filterZones, type HostedZone, type ZoneFilterConfig } from './zones.js';

/**
 * The Route 53 adapter: zones, records and change batches over the real `Route53Client`. It owns
 * pagination, batching and the isolation of a refused change. Retrying is the client's alone
 * (`RETRY_POLICY` in shared/retry-policy.ts): nothing here sends a request the SDK already retried.
 * Nothing else: the plan comes from the planner.
 */

/** ListTagsForResources takes at most 10 ids per call. */
const TAG_CHUNK = 10;
const HOSTED_ZONE_PAGE_SIZE = 100;

export interface Route53Stats {
  /** ListHostedZones pages. */
  listZones: number;
  /** ListTagsForResources calls. */
  listTags: number;
  /** ListResourceRecordSets pages. */
  listRecords: number;
  /** ChangeResourceRecordSets requests sent (including halves of split batches). */
  changeBatches: number;
  /** Attempts the SDK retried inside a call (throttling, 5xx, network). */
  retries: number;
  /** Calls still throttled after every attempt the retry policy allows. */
  throttled: number;
}

export interface Route53ProviderOptions {
  /** `config.batchChangeSize` goes in `maxChanges`; the other limits default to Route 53's. */
  limits?: Partial<BatchLimits>;
  /** TTL for a non-ALIAS record whose endpoint has none (`config.defaultTtl`). */
  defaultTtl?: number;
  /** EvaluateTargetHealth for an ALIAS whose endpoint does not say (`config.evaluateTargetHealth`). */
  evaluateTargetHealth?: boolean;
}

export function route53ProviderOptions(
  config: Pick<Config, 'batchChangeSize' | 'defaultTtl' | 'evaluateTargetHealth'>,
): Route53ProviderOptions {
  return {
    limits: { maxChanges: config.batchChangeSize },
    defaultTtl: config.defaultTtl,
    evaluateTargetHealth: config.evaluateTargetHealth,
  };
}

interface AwsErrorLike {
  name?: string;
  message?: string;
  messages?: string[];
  $metadata?: { attempts?: number; httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

const THROTTLE_CODES = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete']);
/**
 * 4xx answers that are about the zone or the caller, not about any one change: splitting the batch
 * would send every group alone to hear the same answer. They stop the zone's apply instead.
 */
const ZONE_ERRORS = new Set([
  'NoSuchHostedZone',
  'ExpiredToken',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'UnrecognizedClientException',
]);

function isThrottle(err: unknown): boolean {
  const e = err as AwsErrorLike;
  return THROTTLE_CODES.has(e?.name ?? '') || e?.$retryable?.throttling === true;
}

/**
 * Whether Route 53 refused a batch for something in it — its content (`InvalidChangeBatch`,
 * `InvalidInput`, `NoSuchHealthCheck`) or a permission that depends on the records it names
 * (`AccessDenied` from an IAM record-name condition): any 4xx that is neither throttling nor about the
 * zone or the caller. A smaller batch can then get the rest through.
 */
function refusedForContent(err: unknown): boolean {
  const e = err as AwsErrorLike;
  const status = e?.$metadata?.httpStatusCode;
  if (status === undefined || status < 400 || status >= 500) return false;
  return !isThrottle(err) && !ZONE_ERRORS.has(e?.name ?? '');
}

/** `\ooo` octal escapes (Route 53's wire form for `*` and other characters) back to characters. */
function decodeName(name: string): string {
  return normalizeDnsName(
    name.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8))),
  );
}

function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

const KNOWN_TYPES = new Set<string>(RECORD_TYPES);

/** A record set as read, in the neutral model; undefined for types the model does not carry. */
function recordSetToEndpoint(set: ResourceRecordSet): Endpoint | undefined {
  if (!set.Name || !set.Type || !KNOWN_TYPES.has(set.Type)) return undefined;
  const properties: Route53Properties = {};
  const endpoint: Endpoint = {
    dnsName: decodeName(set.Name),
    recordType: set.Type as RecordType,
    targets: [],
    labels: {},
    properties,
  };
  if (set.AliasTarget) {
    endpoint.targets = [normalizeDnsName(set.AliasTarget.DNSName ?? '')];
    properties.alias = true;
    if (set.AliasTarget.HostedZoneId)
      properties.aliasHostedZoneId = cleanZoneId(set.AliasTarget.HostedZoneId);
    properties.evaluateTargetHealth = set.AliasTarget.EvaluateTargetHealth === true;
  } else {
    endpoint.targets = (set.ResourceRecords ?? []).map((r) => r.Value ?? '');
    if (set.TTL !== undefined) endpoint.ttl = set.TTL;
  }
  if (set.SetIdentifier !== undefined) endpoint.setIdentifier = set.SetIdentifier;
  if (set.Weight !== undefined) properties.weight = set.Weight;
  if (set.Region) properties.region = set.Region;
  if (set.Failover) properties.failover = set.Failover as FailoverRole;
  if (set.GeoLocation) {
    const { ContinentCode, CountryCode, SubdivisionCode } = set.GeoLocation;
    properties.geolocation = {
      ...(ContinentCode ? { continentCode: ContinentCode } : {}),
      ...(CountryCode ? { countryCode: CountryCode } : {}),
      ...(SubdivisionCode ? { subdivisionCode: SubdivisionCode } : {}),
    };
  }
  if (set.MultiValueAnswer === true) properties.multiValueAnswer = true;
  if (set.HealthCheckId) properties.healthCheckId = set.HealthCheckId;
  return endpoint;
}

export interface ToRecordSetDefaults {
  defaultTtl: number;
  evaluateTargetHealth: boolean;
  /** The zone written to: the alias target zone of a same-zone ALIAS. */
  zoneId: string;
}

/** An endpoint as Route 53 takes it in a Change. */
function endpointToRecordSet(e: Endpoint, defaults: ToRecordSetDefaults): ResourceRecordSet {
  const p = e.properties;
  const set: ResourceRecordSet = { Name: fqdn(e.dnsName), Type: e.recordType as RRType };
  if (p.alias === true) {
    set.AliasTarget = {
      HostedZoneId: cleanZoneId(p.aliasHostedZoneId ?? defaults.zoneId),
      DNSName: fqdn(e.targets[0] ?? ''),
      EvaluateTargetHealth: p.evaluateTargetHealth ?? defaults.evaluateTargetHealth,
    };
  } else {
    set.TTL = e.ttl ?? defaults.defaultTtl;
    set.ResourceRecords = e.targets.map((Value) => ({ Value }));
  }
  // Route 53 only accepts a routing policy together with a SetIdentifier (as ExternalDNS sends them).
  if (e.setIdentifier !== undefined && e.setIdentifier !== '') {
    set.SetIdentifier = e.setIdentifier;
    if (p.weight !== undefined) set.Weight = p.weight;
    if (p.region) set.Region = p.region as ResourceRecordSet['Region'];
    if (p.failover) set.Failover = p.failover;
    if (p.multiValueAnswer) set.MultiValueAnswer = true;
    const g = p.geolocation;
    if (g && (g.continentCode || g.countryCode || g.subdivisionCode)) {
      // A continent excludes a country, as in ExternalDNS.
      set.GeoLocation = g.continentCode
        ? { ContinentCode: g.continentCode }
        : {
            ...(g.countryCode ? { CountryCode: g.countryCode } : {}),
            ...(g.subdivisionCode ? { SubdivisionCode: g.subdivisionCode } : {}),
          };
    }
  }
  if (p.healthCheckId) set.HealthCheckId = p.healthCheckId;
  return set;
}

/** What every `send` of a call takes: the deadline's signal, when there is one. */
function sendOptions(call: CallOptions): { abortSignal?: AbortSignal } {
  return call.signal ? { abortSignal: call.signal } : {};
}

export class Route53Provider implements DnsProvider {
  readonly stats: Route53Stats = {
    listZones: 0,
    listTags: 0,
    listRecords: 0,
    changeBatches: 0,
    retries: 0,
    throttled: 0,
  };
  private readonly limits: BatchLimits;
  private readonly defaultTtl: number;
  private readonly evaluateTargetHealth: boolean;

  constructor(
    private readonly client: Route53Client,
    options: Route53ProviderOptions = {},
  ) {
    this.limits = { ...ROUTE53_BATCH_LIMITS, ...options.limits };
    this.defaultTtl = options.defaultTtl ?? 300;
    this.evaluateTargetHealth = options.evaluateTargetHealth ?? true;
  }

  /** The account's health checks, through the same client (fleet routing's IP targets). */
  healthChecks(_zone: HostedZone): HealthCheckApi {
    return new Route53HealthChecks(this.client);
  }

  /** Counts the SDK's retries of a call, from the attempts it reports on answers and errors alike. */
  private noteAttempts(meta: { attempts?: number } | undefined): void {
    if (meta?.attempts && meta.attempts > 1) this.stats.retries += meta.attempts - 1;
  }

  /** One API call; the client's retry strategy is the only one (see RETRY_POLICY). */
  private async call<T extends { $metadata?: { attempts?: number } }>(send: () => Promise<T>): Promise<T> {
    try {
      const out = await send();
      this.noteAttempts(out.$metadata);
      return out;
    } catch (err) {
      this.noteAttempts((err as AwsErrorLike)?.$metadata);
      if (isThrottle(err)) this.stats.throttled++;
      throw err;
    }
  }

  /**
   * The hosted zones the config lets us write: ListHostedZones (paged), the cheap filters first, then
   * ListTagsForResources in chunks of 10 only when a tag filter is set. Once per pass; the caller caches.
   */
  async listZones(config: ZoneFilterConfig, call: CallOptions = {}): Promise<HostedZone[]> {
    const all: HostedZone[] = [];
    const pages = paginateListHostedZones(
      { client: this.client, pageSize: HOSTED_ZONE_PAGE_SIZE },
      {},
      sendOptions(call),
    );
    // The paginator's own loop cannot be wrapped per page; a throttled page fails the listing after the
    // SDK's retries, and the caller's pass reports it.
    for await (const page of pages) {
      this.stats.listZones++;
      this.noteAttempts(page.$metadata);
      for (const z of page.HostedZones ?? []) {
        if (!z.Id || !z.Name) continue;
        all.push({
          id: cleanZoneId(z.Id),
          name: normalizeDnsName(z.Name),
          private: z.Config?.PrivateZone === true,
          tags: {},
          ...(z.ResourceRecordSetCount !== undefined ? { recordCount: z.ResourceRecordSetCount } : {}),
        });
      }
    }
    const untagged = filterZones(all, { ...config, zoneTags: [] });
    if (config.zoneTags.length === 0) return untagged;
    const tags = await this.zoneTags(
      untagged.map((z) => z.id),
      call,
    );
    return filterZones(
      untagged.map((z) => ({ ...z, tags: tags.get(z.id) ?? {} })),
      config,
    );
  }

  private async zoneTags(ids: string[], call: CallOptions): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    for (let i = 0; i < ids.length; i += TAG_CHUNK) {
      const chunk = ids.slice(i, i + TAG_CHUNK);
      this.stats.listTags++;
      const res = await this.call(() =>
        this.client.send(
          new ListTagsForResourcesCommand({ ResourceType: 'hostedzone', ResourceIds: chunk }),
          sendOptions(call),
        ),
      );
      for (const set of res.ResourceTagSets ?? []) {
        if (!set.ResourceId) continue;
        const tags: Record<string, string> = {};
        for (const t of set.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
        out.set(cleanZoneId(set.ResourceId), tags);
      }
    }
    return out;
  }

  /** One ListResourceRecordSets page as the readers in record-reads.ts take it. */
  private async listPage(
    zone: HostedZone,
    start: PageStart,
    maxItems: number,
    call: CallOptions,
  ): Promise<RecordPage> {
    this.stats.listRecords++;
    const page = await this.call(() =>
      this.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zone.id,
          MaxItems: maxItems,
          ...(start.name ? { StartRecordName: fqdn(start.name) } : {}),
          ...(start.type ? { StartRecordType: start.type as RRType } : {}),
          ...(start.identifier ? { StartRecordIdentifier: start.identifier } : {}),
        }),
        sendOptions(call),
      ),
    );
    const entries = (page.ResourceRecordSets ?? []).map((set) => {
      const record = recordSetToEndpoint(set);
      return { name: set.Name ? decodeName(set.Name) : '', ...(record ? { record } : {}) };
    });
    if (!page.IsTruncated || !page.NextRecordName) return { entries };
    return {
      entries,
      next: {
        name: page.NextRecordName,
        ...(page.NextRecordType ? { type: page.NextRecordType } : {}),
        ...(page.NextRecordIdentifier ? { identifier: page.NextRecordIdentifier } : {}),
      },
    };
  }

  /**
   * The zone's record sets as endpoints (SOA and NS included; types the model does not carry are left
   * out), read as `readRecords` decides: the whole zone, until `enough`, or only `names`.
   */
  records(zone: HostedZone, opts: RecordsOptions & CallOptions = {}): Promise<Endpoint[]> {
    return readRecords(zone, (start, maxItems) => this.listPage(zone, start, maxItems, opts), opts);
  }

  /**
   * Applies change groups to one zone: batched within Route 53's limits, deletions first in each batch.
   * A batch Route 53 refuses for something in it (see `refusedForContent`: bad content, a health check
   * that is gone, AccessDenied from a record-name condition) is split in halves down to the one group
   * it refuses, so one team's bad change cannot hold back the rest of the zone; that group is reported
   * with Route 53's code and message. Throttling and 5xx are the retry policy's; once it gives up, or
   * on an error about the zone or the caller, that batch and those after it fail without being sent,
   * and the next pass tries again.
   */
  async applyChanges(
    zone: HostedZone,
    groups: readonly ChangeGroup[],
    call: CallOptions = {},
  ): Promise<ApplyResult> {
    const result: ApplyResult = { batches: 0, applied: [], failed: [], refused: [], warnings: [] };
    const plan = batchChangeGroups(groups, this.limits);
    for (const o of plan.oversized) {
      const first = o.group[0]?.endpoint;
      result.warnings.push({
        code: 'route53-change-too-large',
        message: `Not sent to zone ${zone.name} (${zone.id}): ${o.reason}`,
        ...(first ? { dnsName: first.dnsName } : {}),
      });
      for (const change of o.group) result.failed.push({ change, error: o.reason });
    }
    let fatal: string | undefined;
    for (const batch of plan.batches) {
      if (fatal === undefined && call.signal?.aborted)
        fatal = `not sent: ${errorMessage(call.signal.reason)}`;
      if (fatal !== undefined) {
        for (const change of batch.flat()) result.failed.push({ change, error: fatal });
        continue;
      }
      fatal = await this.sendSplitting(zone, batch, result, call);
    }
    return result;
  }

  /** Sends one batch, halving it when refused for its content; returns an error that stops the zone's apply. */
  private async sendSplitting(
    zone: HostedZone,
    batch: ChangeGroup[],
    result: ApplyResult,
    call: CallOptions,
  ): Promise<string | undefined> {
    const changes = batchChanges(batch);
    try {
      result.batches++;
      this.stats.changeBatches++;
      await this.call(() =>
        this.client.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: zone.id,
            ChangeBatch: { Changes: changes.map((c) => this.toChange(zone, c)) },
          }),
          sendOptions(call),
        ),
      );
      result.applied.push(...changes);
      return undefined;
    } catch (err) {
      const message = errorMessage(deadlineOf(err, call.signal) ?? err);
      if (!refusedForContent(err)) {
        for (const change of changes) result.failed.push({ change, error: message });
        return message;
      }
      if (batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        const first = await this.sendSplitting(zone, batch.slice(0, half), result, call);
        if (first !== undefined) {
          for (const change of batch.slice(half).flat()) result.failed.push({ change, error: first });
          return first;
        }
        return this.sendSplitting(zone, batch.slice(half), result, call);
      }
      const refused = refusedChange(zone, changes, err as AwsErrorLike);
      result.refused.push(refused);
      result.warnings.push({
        code: 'route53-change-rejected',
        message: `Route 53 rejected ${changes.map((c) => `${c.action} ${c.endpoint.dnsName} ${c.endpoint.recordType}`).join(', ')} in zone ${zone.name} (${zone.id}), owner ${refused.owner || '(none)'}: ${message}`,
        dnsName: refused.name,
        ...(refused.resource ? { object: refused.resource } : {}),
      });
      return undefined;
    }
  }

  /** The record as a read returns it once `endpoint` is written: TTL, alias zone and health defaults applied. */
  asRead(zone: HostedZone, endpoint: Endpoint): Endpoint {
    const set = this.toChange(zone, { action: 'UPSERT', endpoint }).ResourceRecordSet;
    return (set && recordSetToEndpoint(set)) ?? { ...endpoint, labels: {} };
  }

  private toChange(zone: HostedZone, change: RecordChange): Change {
    return {
      Action: change.action,
      ResourceRecordSet: endpointToRecordSet(change.endpoint, {
        defaultTtl: this.defaultTtl,
        evaluateTargetHealth: this.evaluateTargetHealth,
        zoneId: zone.id,
      }),
    };
  }
}

/** The refused group as one report: its record (not the ownership TXT beside it) and Route 53's answer. */
function refusedChange(zone: HostedZone, group: readonly RecordChange[], err: AwsErrorLike): RefusedChange {
  const main = group.find((c) => !c.ownership) ?? group[0]!;
  const e = main.endpoint;
  const owner = group.map((c) => c.endpoint.labels[LABEL_OWNER]).find((o) => o) ?? '';
  const resource = group.map((c) => c.endpoint.labels[LABEL_RESOURCE]).find((r) => r);
  return {
    zone: zone.name,
    zoneId: zone.id,
    action: main.action,
    name: e.dnsName,
    type: e.recordType,
    ...(e.setIdentifier ? { setIdentifier: e.setIdentifier } : {}),
    owner,
    ...(resource ? { resource } : {}),
    code: err.name ?? 'Error',
    message: err.messages?.length ? err.messages.join('; ') : (err.message ?? ''),
  };
}
