import { Sandbox } from '../../sandbox/sandbox.js';
import { parseScenario } from '../../sandbox/scenario.js';
import { silentLog } from '../../shared/log.js';
import type { ReconcileDeps } from '../../shared/reconcile.js';
import type { KubernetesObject } from '../../shared/sources/objects.js';

/** A source's end-to-end world: the sandbox with the clusters and one `example.com` zone, and the deps a handler needs. */
export interface SourceWorld {
  sandbox: Sandbox;
  deps: ReconcileDeps;
}

export interface WorldCluster {
  name: string;
  region: string;
  objects: KubernetesObject[];
}

/** An EventBridge Scheduler event for the scheduled handler. */
export const SCHEDULE_EVENT = { source: 'edge-reconciler.schedule', scheduledTime: '2030-01-01T10:00:00Z' };

/** Starts the sandbox with `config` on top of `domainFilters: [example.com]`; the caller closes it. */
export async function startSourceWorld(
  config: Record<string, unknown>,
  clusters: WorldCluster[],
  zoneRecords: unknown[] = [],
): Promise<SourceWorld> {
  const sandbox = await Sandbox.start();
  const scenario = await parseScenario(
    {
      config: { domainFilters: ['example.com'], ...config },
      clusters,
      route53: { zones: [{ name: 'example.com', records: zoneRecords }] },
    },
    process.cwd(),
  );
  await sandbox.load(scenario);
  return {
    sandbox,
    deps: { config: scenario.config, aws: sandbox.awsClients(), clock: sandbox.clock.clock, log: silentLog },
  };
}

/** Every record of every zone but the SOA and NS the zone was born with. */
export function zoneRecords(s: Sandbox) {
  return s.snapshot().zones.flatMap((z) => z.records.filter((r) => r.type !== 'SOA' && r.type !== 'NS'));
}

/** The value of an ExternalDNS ownership TXT record, quoted as Route 53 holds it. */
export function ownershipTxt(owner: string, resource: string): string {
  return `"heritage=external-dns,external-dns/owner=${owner},external-dns/resource=${resource}"`;
}
