import type { PlanInput } from '../../shared/dns/plan.js';
import { DomainFilter } from '../../shared/endpoint/domain-filter.js';

/**
 * A planner input as the planner's table tests start from: sync, A/AAAA/CNAME managed, no domain filter,
 * nothing frozen or held, the deletion guard at 50 % of an owner's 4 or more records. What a test sets wins.
 */
export function planInput(input: Partial<PlanInput> & Pick<PlanInput, 'knownOwners'>): PlanInput {
  return {
    current: [],
    desired: [],
    policy: 'sync',
    managedRecordTypes: ['A', 'AAAA', 'CNAME'],
    excludeRecordTypes: [],
    domainFilter: new DomainFilter({}),
    frozenOwners: new Set(),
    held: [],
    deletionGuard: { maxShare: 0.5, minRecords: 4, allow: false },
    ...input,
  };
}
