import type { Endpoint } from './endpoint.js';

/** What the planner decided, before ownership records are added. Pure data. */
export interface Plan {
  create: Endpoint[];
  /** `updateOld[i]` becomes `updateNew[i]`. */
  updateOld: Endpoint[];
  updateNew: Endpoint[];
  delete: Endpoint[];
}

export type ChangeAction = 'CREATE' | 'UPSERT' | 'DELETE';

export interface RecordChange {
  action: ChangeAction;
  endpoint: Endpoint;
  /** An UPSERT's record as it was read: what the output shows the change from. */
  previous?: Endpoint;
}

/**
 * Changes that must land in the same ChangeResourceRecordSets batch: a record and its ownership TXT.
 * A group is never split across batches.
 */
export type ChangeGroup = RecordChange[];
