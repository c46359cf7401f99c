import type { Config } from '../../shared/config.js';
import { type DnsProvider, listZoneOnce } from '../../shared/dns/provider.js';
import { type DnsInput, type DnsOutcome, reconcileZones } from '../../shared/dns/reconcile-zones.js';
import { silentLog } from '../../shared/log.js';

/**
 * One pass of the DNS stage (zones listed once, then `reconcileZones`) over `dns`, for owner `prod-eu`
 * unless the input says otherwise. No ELBv2: the endpoints these tests use need no load balancer look-up.
 */
export function dnsStagePass(
  dns: DnsProvider,
  config: Config,
): (input: Partial<DnsInput>) => Promise<DnsOutcome> {
  const deps = {
    config,
    dns,
    log: silentLog,
    aws: {
      kept: () => {
        throw new Error('no ELBv2 in these tests');
      },
      clientConfig: () => {
        throw new Error('no ELBv2 in these tests');
      },
    },
  };
  return async (input) =>
    reconcileZones(
      {
        zones: await listZoneOnce(dns, config),
        desired: [],
        held: [],
        knownOwners: new Set(['prod-eu']),
        frozenOwners: new Set(),
        dryRun: false,
        ...input,
      },
      deps,
    );
}
