import { ResourceRecordSetRegion } from '@aws-sdk/client-route-53';
import { nameProblem, normalizeName } from './route53-names.js';
import { MAX_VALUE_LENGTH, nameLabelProblem, valueProblems } from './route53-rdata.js';

/**
 * Route 53 record sets as the sandbox holds them, and the per-record rules that do not depend on a
 * zone's contents (shape, routing fields, the batch size limits).
 */

export interface AliasTarget {
  dnsName: string;
  hostedZoneId: string;
  evaluateTargetHealth: boolean;
}

export interface GeoLocation {
  continentCode?: string;
  countryCode?: string;
  subdivisionCode?: string;
}

/** A record set: names normalized (lower case, trailing dot, unescaped). Field names follow the API. */
export interface RecordSet {
  name: string;
  type: string;
  ttl?: number;
  values?: string[];
  alias?: AliasTarget;
  setIdentifier?: string;
  weight?: number;
  region?: string;
  failover?: string;
  geoLocation?: GeoLocation;
  multiValueAnswer?: boolean;
  healthCheckId?: string;
}

/** A record set as a scenario or a caller writes it: names may lack the trailing dot. */
export interface RecordSetInput extends Omit<RecordSet, 'alias'> {
  alias?: Omit<AliasTarget, 'evaluateTargetHealth'> & { evaluateTargetHealth?: boolean };
}

export type ChangeAction = 'CREATE' | 'DELETE' | 'UPSERT';
export const CHANGE_ACTIONS: readonly ChangeAction[] = ['CREATE', 'DELETE', 'UPSERT'];

export interface RecordChange {
  action: ChangeAction;
  record: RecordSet;
}

/** The RRType enum of the Route 53 API. */
export const RECORD_TYPES: ReadonlySet<string> = new Set([
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'HTTPS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT',
]);

/** Route 53's per-request limits (Developer Guide, "Quotas on API requests"). */
export const MAX_RESOURCE_RECORDS_PER_REQUEST = 1000;
export const MAX_VALUE_CHARACTERS_PER_REQUEST = 32000;
/** Route 53's default record-set quota per hosted zone. */
export const DEFAULT_MAX_RECORD_SETS_PER_ZONE = 10000;

/** An error in Route 53's terms: the API error code, its HTTP status and the messages it carries. */
export class Route53Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly messages: readonly string[],
  ) {
    // Route 53 wraps InvalidChangeBatch messages in brackets, even a single one.
    super(code === 'InvalidChangeBatch' || messages.length !== 1 ? `[${messages.join(', ')}]` : messages[0]);
    this.name = code;
  }
}

export function invalidInput(message: string): Route53Error {
  return new Route53Error('InvalidInput', 400, [message]);
}

export function describeRecord(r: Pick<RecordSet, 'name' | 'type' | 'setIdentifier'>): string {
  const id = r.setIdentifier === undefined ? '' : `, set-identifier='${r.setIdentifier}'`;
  return `[name='${r.name}', type='${r.type}'${id}]`;
}

function changeContext(action: string, r: Pick<RecordSet, 'name' | 'type' | 'setIdentifier'>): string {
  return `Change with [Action=${action}, Name=${r.name}, Type=${r.type}, SetIdentifier=${r.setIdentifier ?? 'null'}]`;
}

/** Types whose empty value Route 53 reports as a bad value of that type rather than a missing one. */
const VALUE_CHECKED_TYPES = new Set(['A', 'AAAA', 'CNAME', 'NS', 'PTR']);

const LATENCY_REGIONS: ReadonlySet<string> = new Set(Object.values(ResourceRecordSetRegion));

const ROUTING_FIELDS = ['weight', 'region', 'failover', 'geoLocation', 'multiValueAnswer'] as const;

/**
 * Normalizes a record set and checks the rules Route 53 answers with InvalidInput: exactly one of alias or
 * TTL + values, a routing policy if and only if there is a SetIdentifier, and sane numbers.
 */
export function normalizeRecord(input: RecordSetInput, action = 'CREATE'): RecordSet {
  if (typeof input.name !== 'string' || input.name.trim() === '') {
    throw invalidInput(`Invalid request: a record set needs a Name (${action})`);
  }
  const name = normalizeName(input.name.trim());
  // A label over 63 characters is a content error Route 53 lists in InvalidChangeBatch (applyChange).
  const problem = nameProblem(name, { labelLength: false });
  if (problem) throw invalidInput(`Invalid request: DNS name ${name} is not valid: ${problem}`);
  const type = typeof input.type === 'string' ? input.type.toUpperCase() : '';
  if (!RECORD_TYPES.has(type)) {
    throw invalidInput(`Invalid request: unsupported record type '${String(input.type)}' for ${name}`);
  }
  const record: RecordSet = { name, type };
  const ctx = changeContext(action, { name, type, setIdentifier: input.setIdentifier });

  const hasValues = input.values !== undefined && input.values.length > 0;
  const hasTtl = input.ttl !== undefined;
  const plainFields = (hasTtl ? 1 : 0) + (hasValues ? 1 : 0);
  if (input.alias && plainFields > 0) {
    throw invalidInput(
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one in ${ctx}`,
    );
  }
  if (!input.alias && plainFields < 2) {
    const missing =
      !hasTtl && !hasValues ? 'none' : hasTtl ? 'TTL without ResourceRecords' : 'ResourceRecords without TTL';
    throw invalidInput(
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${missing} in ${ctx}`,
    );
  }
  if (input.alias) {
    const { dnsName, hostedZoneId } = input.alias;
    if (
      typeof dnsName !== 'string' ||
      dnsName === '' ||
      typeof hostedZoneId !== 'string' ||
      hostedZoneId === ''
    ) {
      throw invalidInput(`Invalid request: AliasTarget needs DNSName and HostedZoneId in ${ctx}`);
    }
    record.alias = {
      dnsName: normalizeName(dnsName),
      hostedZoneId: hostedZoneId.replace(/^\/hostedzone\//, ''),
      evaluateTargetHealth: input.alias.evaluateTargetHealth ?? false,
    };
  } else {
    const ttl = input.ttl!;
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647) {
      throw invalidInput(
        `Invalid request: TTL must be an integer from 0 to 2147483647, got ${ttl} in ${ctx}`,
      );
    }
    if (input.values!.some((v) => typeof v !== 'string' || (v === '' && !VALUE_CHECKED_TYPES.has(type)))) {
      throw invalidInput(`Invalid request: a ResourceRecord Value is empty in ${ctx}`);
    }
    const oversized = input.values!.find((v) => v.length > MAX_VALUE_LENGTH);
    if (oversized !== undefined) {
      throw invalidInput(
        `1 validation error detected: Value '${oversized}' at 'changeBatch.changes.member.resourceRecordSet.resourceRecords.member.value' failed to satisfy constraint: Member must have length less than or equal to ${MAX_VALUE_LENGTH}`,
      );
    }
    record.ttl = ttl;
    record.values = [...input.values!];
  }

  const routing = ROUTING_FIELDS.filter((f) => input[f] !== undefined);
  if (input.setIdentifier !== undefined) {
    if (input.setIdentifier === '' || input.setIdentifier.length > 128) {
      throw invalidInput(`Invalid request: SetIdentifier must be 1 to 128 characters in ${ctx}`);
    }
    if (routing.length !== 1) {
      throw invalidInput(
        `Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, CidrRoutingConfig], but found ${routing.length === 0 ? 'none' : 'more than one'} in ${ctx}`,
      );
    }
    record.setIdentifier = input.setIdentifier;
  } else if (routing.length > 0) {
    throw invalidInput(`Invalid request: Missing field 'SetIdentifier' in ${ctx}`);
  }
  if (input.weight !== undefined) {
    if (!Number.isInteger(input.weight) || input.weight < 0 || input.weight > 255) {
      throw invalidInput(`Invalid request: Weight must be an integer from 0 to 255 in ${ctx}`);
    }
    record.weight = input.weight;
  }
  if (input.region !== undefined) {
    // The API's ResourceRecordSetRegion enum (the SDK's model of it): Route 53 validates the request
    // against it before anything else, as it does a value's length.
    if (!LATENCY_REGIONS.has(input.region)) {
      throw invalidInput(
        `1 validation error detected: Value '${input.region}' at 'changeBatch.changes.member.resourceRecordSet.region' failed to satisfy constraint: Member must satisfy enum value set: [${[...LATENCY_REGIONS].join(', ')}]`,
      );
    }
    record.region = input.region;
  }
  if (input.failover !== undefined) {
    if (input.failover !== 'PRIMARY' && input.failover !== 'SECONDARY') {
      throw invalidInput(`Invalid request: Failover must be PRIMARY or SECONDARY in ${ctx}`);
    }
    record.failover = input.failover;
  }
  if (input.geoLocation !== undefined) record.geoLocation = { ...input.geoLocation };
  if (input.multiValueAnswer !== undefined) record.multiValueAnswer = input.multiValueAnswer;
  if (input.healthCheckId !== undefined) record.healthCheckId = input.healthCheckId;
  return record;
}

export function recordKey(r: Pick<RecordSet, 'name' | 'type' | 'setIdentifier'>): string {
  return `${r.name}\u0000${r.type}\u0000${r.setIdentifier ?? ''}`;
}

/**
 * A zone's record sets by `recordKey`, with each name's sets at hand: the rules compare a change with the
 * other sets of its name, and finding them by scanning the zone made every change cost the zone's size.
 */
export class ZoneRecords {
  private readonly byKey: Map<string, RecordSet>;
  private readonly byName: Map<string, Map<string, RecordSet>>;

  constructor(from?: ZoneRecords) {
    this.byKey = new Map(from?.byKey);
    this.byName = new Map();
    for (const [name, sets] of from?.byName ?? []) this.byName.set(name, new Map(sets));
  }

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): RecordSet | undefined {
    return this.byKey.get(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  values(): IterableIterator<RecordSet> {
    return this.byKey.values();
  }

  /** The sets named `name` (normalized). */
  named(name: string): Iterable<RecordSet> {
    return this.byName.get(name)?.values() ?? [];
  }

  set(key: string, record: RecordSet): void {
    this.byKey.set(key, record);
    let sets = this.byName.get(record.name);
    if (!sets) {
      sets = new Map();
      this.byName.set(record.name, sets);
    }
    sets.set(key, record);
  }

  delete(key: string): void {
    const record = this.byKey.get(key);
    if (!record) return;
    this.byKey.delete(key);
    const sets = this.byName.get(record.name);
    sets?.delete(key);
    if (sets?.size === 0) this.byName.delete(record.name);
  }
}

function sameValues(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((v, i) => v === sb[i]);
}

function sameGeo(a: GeoLocation | undefined, b: GeoLocation | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.continentCode === b.continentCode &&
    a.countryCode === b.countryCode &&
    a.subdivisionCode === b.subdivisionCode
  );
}

/** Whether a DELETE's record set matches the stored one exactly, as Route 53 requires. */
export function sameRecordSet(a: RecordSet, b: RecordSet): boolean {
  const aliasSame =
    a.alias === undefined || b.alias === undefined
      ? a.alias === b.alias
      : a.alias.dnsName === b.alias.dnsName &&
        a.alias.hostedZoneId === b.alias.hostedZoneId &&
        a.alias.evaluateTargetHealth === b.alias.evaluateTargetHealth;
  return (
    a.ttl === b.ttl &&
    sameValues(a.values, b.values) &&
    aliasSame &&
    a.weight === b.weight &&
    a.region === b.region &&
    a.failover === b.failover &&
    sameGeo(a.geoLocation, b.geoLocation) &&
    a.multiValueAnswer === b.multiValueAnswer &&
    a.healthCheckId === b.healthCheckId
  );
}

/**
 * The request-size limits: at most 1,000 ResourceRecord elements and 32,000 characters of Value in one
 * request, each UPSERT counted twice (Developer Guide, "Quotas on ChangeResourceRecordSets requests").
 */
export function batchLimitMessages(changes: readonly RecordChange[]): string[] {
  let elements = 0;
  let characters = 0;
  for (const { action, record } of changes) {
    const weight = action === 'UPSERT' ? 2 : 1;
    const values = record.values ?? [];
    elements += values.length * weight;
    characters += values.reduce((n, v) => n + v.length, 0) * weight;
  }
  const messages: string[] = [];
  if (elements > MAX_RESOURCE_RECORDS_PER_REQUEST) {
    messages.push(`Number of records limit of ${MAX_RESOURCE_RECORDS_PER_REQUEST} exceeded.`);
  }
  if (characters > MAX_VALUE_CHARACTERS_PER_REQUEST) {
    messages.push(`RDATA character limit of ${MAX_VALUE_CHARACTERS_PER_REQUEST} exceeded.`);
  }
  return messages;
}

function routingPolicyName(r: RecordSet): string {
  if (r.weight !== undefined) return 'weighted';
  if (r.region !== undefined) return 'latency';
  if (r.failover !== undefined) return 'failover';
  if (r.geoLocation !== undefined) return 'geolocation';
  if (r.multiValueAnswer !== undefined) return 'multivalue answer';
  return 'simple';
}

/**
 * Checks one change against a zone's record sets (after the batch's earlier changes) and applies it to
 * `records` when valid. Returns Route 53's InvalidChangeBatch messages for it, empty when it applied.
 */
/**
 * Route 53's messages for what is wrong inside one record set, whatever the zone holds: its name's
 * labels, its values for its type, its alias target's name (route53-rdata.ts says where each comes from).
 */
export function recordContentProblems(record: RecordSet): string[] {
  const problems: string[] = [];
  const name = nameLabelProblem(record.name);
  if (name) problems.push(name);
  if (record.alias) {
    const target = nameLabelProblem(record.alias.dnsName);
    if (target) problems.push(target);
  } else problems.push(...valueProblems(record.type, record.values ?? []));
  return problems;
}

/**
 * Checks an alias target beyond the zone itself (a load balancer, a canonical zone); returns Route 53's
 * messages, empty when the target is acceptable.
 */
export type AliasTargetCheck = (record: RecordSet & { alias: AliasTarget }) => string[];

export function applyChange(
  records: ZoneRecords,
  zone: { id: string; name: string },
  change: RecordChange,
  checkAliasTarget?: AliasTargetCheck,
): string[] {
  const { action, record } = change;
  const key = recordKey(record);
  const existing = records.get(key);

  if (record.name !== zone.name && !record.name.endsWith(`.${zone.name}`)) {
    return [`RRSet with DNS name ${record.name} is not permitted in zone ${zone.name}`];
  }
  if (action !== 'DELETE') {
    const content = recordContentProblems(record);
    if (content.length > 0) return content;
  }
  if (record.type === 'CNAME' && record.name === zone.name) {
    return [`RRSet of type CNAME with DNS name ${record.name} is not permitted at apex in zone ${zone.name}`];
  }

  if (action === 'DELETE') {
    if (!existing)
      return [`Tried to delete resource record set ${describeRecord(record)} but it was not found`];
    if (!sameRecordSet(existing, record)) {
      return [
        `Tried to delete resource record set ${describeRecord(record)} but the values provided do not match the current values`,
      ];
    }
    records.delete(key);
    return [];
  }

  if (action === 'CREATE' && existing) {
    return [`Tried to create resource record set ${describeRecord(record)} but it already exists`];
  }

  const sameNameOthers = [...records.named(record.name)].filter((r) => recordKey(r) !== key);
  const sameType = sameNameOthers.filter((r) => r.type === record.type);
  // One routing policy per name and type: a simple set stands alone, routed sets share their policy.
  const mixed = sameType.find((r) => routingPolicyName(r) !== routingPolicyName(record));
  if (mixed) {
    return record.setIdentifier === undefined
      ? [
          `RRSet with DNS name ${record.name}, type ${record.type} cannot be created as other RRSets exist with the same name and type.`,
        ]
      : [
          `RRSet with DNS name ${record.name}, type ${record.type}, SetIdentifier ${record.setIdentifier} cannot be created as a non-${routingPolicyName(record)} set exists with the same name and type.`,
        ];
  }
  // One name and type holds one routing policy: an UPSERT that turns a weighted set into a latency set,
  // or a set of another policy beside it, is refused as a simple record beside routed sets is
  // (kubernetes-sigs/external-dns#1411 and #4345 quote these answers; ExternalDNS's AWS provider sends
  // DELETE + CREATE in one batch for a policy change for this reason).
  if (record.setIdentifier !== undefined) {
    const policy = routingPolicyName(record);
    const other = [...sameType, ...(existing ? [existing] : [])].find(
      (r) => r.setIdentifier !== undefined && routingPolicyName(r) !== policy,
    );
    if (other) {
      return [
        `RRSet with DNS name ${record.name}, type ${record.type}, SetIdentifier ${record.setIdentifier} cannot be created as a non-${policy} set exists with the same name and type.`,
      ];
    }
  }
  if (record.failover !== undefined) {
    // A failover set is one PRIMARY and one SECONDARY. A second of a role has no answer from Route 53 in
    // public sources; the sandbox refuses it in Route 53's "cannot be created" shape rather than take it.
    const twin = sameType.find((r) => r.failover === record.failover);
    if (twin) {
      return [
        `RRSet with DNS name ${record.name}, type ${record.type}, SetIdentifier ${record.setIdentifier} cannot be created as a ${record.failover} failover set already exists with the same name and type (SetIdentifier ${twin.setIdentifier}).`,
      ];
    }
    // kubernetes-sigs/external-dns#2362 and #1420 quote this answer (ExternalDNS's failover TXT met it).
    if (record.failover === 'PRIMARY' && !record.alias && record.healthCheckId === undefined) {
      return ['A non-alias primary ResourceRecordSet must have an associated health check. No changes made.'];
    }
  }
  if (record.type === 'CNAME' && sameNameOthers.some((r) => r.type !== 'CNAME')) {
    return [
      `RRSet of type CNAME with DNS name ${record.name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`,
    ];
  }
  if (record.type !== 'CNAME' && sameNameOthers.some((r) => r.type === 'CNAME')) {
    return [
      `RRSet of type ${record.type} with DNS name ${record.name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zone.name}`,
    ];
  }
  if (record.alias && record.alias.hostedZoneId === zone.id) {
    const target = [...records.named(record.alias.dnsName)].some((r) => r.type === record.type);
    if (!target) return [aliasTargetNotFound(record as RecordSet & { alias: AliasTarget })];
  } else if (record.alias && checkAliasTarget) {
    const problems = checkAliasTarget(record as RecordSet & { alias: AliasTarget });
    if (problems.length > 0) return problems;
  }
  records.set(key, record);
  return [];
}

/**
 * Route 53's answers for an alias whose target is not where the alias says (aws/aws-cdk#19643,
 * harmony-one/harmony-ops#491, barnybug/cli53#213 quote them): a target zone that is not the target's,
 * and a target name with nothing behind it.
 */
export function aliasOutsideTargetZone(record: RecordSet & { alias: AliasTarget }): string {
  return `Tried to create an alias that targets ${record.alias.dnsName}, type ${record.type} in zone ${record.alias.hostedZoneId}, but the alias target name does not lie within the target zone`;
}

export function aliasTargetNotFound(record: RecordSet & { alias: AliasTarget }): string {
  return `Tried to create an alias that targets ${record.alias.dnsName}, type ${record.type} in zone ${record.alias.hostedZoneId}, but that target was not found`;
}
