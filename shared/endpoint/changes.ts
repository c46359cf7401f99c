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
  /**
   * An ownership TXT the registry writes or deletes beside its record, not a record of its own (a TXT a
   * source wants, such as a DNSEndpoint's SPF, is a record: this is unset for it).
   */
  ownership?: true;
  /**
   * Half of a DELETE + CREATE that changes a record set's routing in place (Route 53 takes no UPSERT for
   * that): the output says so instead of "nobody wants it".
   */
  routingChange?: true;
}

/**
 * Changes that must land in the same ChangeResourceRecordSets batch: a record and its ownership TXT.
 * A group is never split across batches.
 */
export type ChangeGroup = RecordChange[];
