import type { CertificatesOutcome } from './certificates/reconcile.js';
import type { ClusterOutcome } from './clusters/collect.js';
import type { RefusedChange } from './dns/provider.js';
import type { ChangeOutcome, DnsOutcome } from './dns/reconcile-zones.js';
import type { PassError } from './errors.js';
import type { FilteredOut } from './filtered.js';
import type { TlsHost } from './sources/index.js';
import type { PassWarning } from './warnings.js';

/**
 * What one pass returns and the names it is about, as plain types: the pass (`reconcile.ts`) produces them and
 * the report (`telemetry/`), the audit path and the handlers read them, without importing the pass.
 */

export type TriggerKind = 'schedule' | 'audit' | 'manual' | 'resync' | 'cluster-created' | 'cluster-deleted';

/** An object named by an event: `kind/namespace/name` in the TXT registry's resource form. */
export interface TouchedObject {
  kind: string;
  namespace?: string;
  name: string;
}

export interface PassResult {
  passId: string;
  trigger: TriggerKind;
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  changes: ChangeOutcome[];
  /** The changes with their records (values, alias, TTL): what `plan` shows as a diff. */
  recordChanges: DnsOutcome['recordChanges'];
  clusters: ClusterOutcome[];
  errors: PassError[];
  warnings: PassWarning[];
  /** What a filter left out on purpose (an Ingress of another class, a name outside domainFilters). */
  filtered: FilteredOut[];
  heldDeletions: number;
  /** Change groups Route 53 refused on their own (named in `errors` too); the rest of their zones applied. */
  refusedChanges?: RefusedChange[];
  /** How each fleet-routed (or otherwise routed) name the pass changes answers before and after. */
  trafficShifts?: DnsOutcome['trafficShifts'];
  /** Health checks created or deleted for fleet-routed IP members (in a dry run: that would be). */
  healthChecks?: DnsOutcome['healthChecks'];
  tlsHosts: TlsHost[];
  certificates: CertificatesOutcome;
  /**
   * Route 53 requests of this pass (every attempt) and how many were throttled; `accounts` breaks them
   * down by account (`home`, or a role's account id) when the pass reached zones in other accounts.
   */
  route53?: {
    calls: number;
    throttles: number;
    accounts?: Record<string, { calls: number; throttles: number }>;
  };
  /** Why the pass ran, as the trigger said. */
  reason?: string;
}
