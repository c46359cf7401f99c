import type { ChangeAction, ChangeGroup, RecordChange } from '../endpoint/changes.js';

/**
 * Cutting change groups into ChangeResourceRecordSets requests within Route 53's limits. Pure.
 *
 * Route 53 quotas ("Maximums on API requests"): a request holds at most 1,000 ResourceRecord elements
 * and at most 32,000 characters across all Value elements; with UPSERT each ResourceRecord element and
 * each Value character counts twice. An ALIAS record counts its DNS name as one value, as ExternalDNS
 * does, which only ever makes a batch smaller than it could be.
 */

export interface BatchLimits {
  /** Change elements per request (`config.batchChangeSize`, at most 1,000). */
  maxChanges: number;
  /** ResourceRecord elements per request, UPSERT counted twice. */
  maxRecords: number;
  /** Value characters per request, UPSERT counted twice. */
  maxValueChars: number;
}

export const ROUTE53_BATCH_LIMITS: Readonly<BatchLimits> = {
  maxChanges: 1000,
  maxRecords: 1000,
  maxValueChars: 32000,
};

export interface ChangeCost {
  changes: number;
  records: number;
  valueChars: number;
}

export interface OversizedGroup {
  group: ChangeGroup;
  cost: ChangeCost;
  reason: string;
}

export interface BatchPlan {
  /** Requests to send, in order; the groups in each keep their input order. */
  batches: ChangeGroup[][];
  /** Groups that alone exceed a limit: never sent, reported with the limit they break. */
  oversized: OversizedGroup[];
}

export function changeCost(change: RecordChange): ChangeCost {
  const weight = change.action === 'UPSERT' ? 2 : 1;
  const values = change.endpoint.targets;
  const isAlias = change.endpoint.properties.alias === true;
  const records = isAlias ? Math.min(values.length, 1) : values.length;
  const chars = (isAlias ? values.slice(0, 1) : values).reduce((n, v) => n + Buffer.byteLength(v, 'utf8'), 0);
  return { changes: 1, records: records * weight, valueChars: chars * weight };
}

export function groupCost(group: ChangeGroup): ChangeCost {
  const total: ChangeCost = { changes: 0, records: 0, valueChars: 0 };
  for (const change of group) {
    const c = changeCost(change);
    total.changes += c.changes;
    total.records += c.records;
    total.valueChars += c.valueChars;
  }
  return total;
}

function overLimit(cost: ChangeCost, limits: BatchLimits): string | undefined {
  if (cost.changes > limits.maxChanges)
    return `${cost.changes} changes exceed the ${limits.maxChanges}-change batch limit`;
  if (cost.records > limits.maxRecords) {
    return `${cost.records} ResourceRecord elements (UPSERT counted twice) exceed the limit of ${limits.maxRecords}`;
  }
  if (cost.valueChars > limits.maxValueChars) {
    return `${cost.valueChars} value characters (UPSERT counted twice) exceed the limit of ${limits.maxValueChars}`;
  }
  return undefined;
}

function checkLimits(limits: BatchLimits): void {
  for (const [key, value] of Object.entries(limits)) {
    if (!(Number.isInteger(value) && value >= 1)) {
      throw new RangeError(`batch limits.${key} must be an integer >= 1, got ${String(value)}`);
    }
  }
}

/**
 * Packs groups into as few requests as fit, first-fit in input order (a group never jumps ahead of an
 * earlier one, so a planner's ordering between groups holds across requests), never splitting a group.
 * Empty groups are dropped.
 */
export function batchChangeGroups(groups: readonly ChangeGroup[], limits: BatchLimits): BatchPlan {
  checkLimits(limits);
  const batches: ChangeGroup[][] = [];
  const oversized: OversizedGroup[] = [];
  let current: ChangeGroup[] = [];
  let used: ChangeCost = { changes: 0, records: 0, valueChars: 0 };
  for (const group of groups) {
    if (group.length === 0) continue;
    const cost = groupCost(group);
    const reason = overLimit(cost, limits);
    if (reason) {
      oversized.push({ group, cost, reason });
      continue;
    }
    const next: ChangeCost = {
      changes: used.changes + cost.changes,
      records: used.records + cost.records,
      valueChars: used.valueChars + cost.valueChars,
    };
    if (current.length > 0 && overLimit(next, limits)) {
      batches.push(current);
      current = [group];
      used = cost;
    } else {
      current.push(group);
      used = next;
    }
  }
  if (current.length > 0) batches.push(current);
  return { batches, oversized };
}

const ACTION_ORDER: Record<ChangeAction, number> = { DELETE: 0, UPSERT: 1, CREATE: 2 };

/**
 * The Change list of one request. Route 53 checks a batch's changes in order against the zone as the
 * earlier changes leave it, so deletions go first: a CNAME deleted and an A created at the same name
 * (a type change) only succeeds in that order. Otherwise the groups' order is kept.
 */
export function batchChanges(batch: readonly ChangeGroup[]): RecordChange[] {
  const flat = batch.flat();
  return flat
    .map((change, index) => ({ change, index }))
    .sort((a, b) => ACTION_ORDER[a.change.action] - ACTION_ORDER[b.change.action] || a.index - b.index)
    .map((x) => x.change);
}
