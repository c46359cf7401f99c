import { simulate } from '../functions/cli/simulate.js';
import { parseScenario } from '../sandbox/scenario.js';
import { changeCost, ROUTE53_BATCH_LIMITS } from '../shared/dns/batch.js';
import { fleetScenario } from './fleet-scenario.js';

/**
 * Route 53 calls of a steady fleet, beside what one ExternalDNS per cluster would make.
 *
 * Measured: a generated fleet (one annotated Service per cluster, so two records each: the A record and
 * its ownership TXT) sharing one zone that holds `zoneRecords` records in all once the fleet's records
 * are in. Two scheduled passes through the `simulate` code path against the sandbox: pass 1 creates the
 * fleet's records, pass 2 is the steady state (nothing to change), whose calls are what every scheduled
 * pass costs. Per hour: pass 2 × the passes a `scheduleMinutes` schedule runs (default 5 → 12/h).
 */
export interface Route53Row {
  clusters: number;
  zoneRecords: number;
  /** Records in the zone after pass 1 (the fleet's own 2 per cluster may exceed a small zone). */
  recordsAfterPass1: number;
  pass1: Record<string, number>;
  steadyPass: Record<string, number>;
  steadyCallsPerPass: number;
  steadyCallsPerHour: number;
  externalDns: { callsPerInterval: number; callsPerHour: number };
  /** ExternalDNS per cluster ÷ this reconciler, calls per hour (each at its default interval). */
  ratio: number;
  /** The same ratio per pass, as if both ran at the same interval: what sharing one read saves. */
  ratioAtSameInterval: number;
  writes: { changes: number; observedBatches: number; formulaBatches: number };
  wallMs: number;
}

const APEX_RECORDS = 2;

export const EXTERNAL_DNS_MODEL = {
  text:
    'One ExternalDNS per cluster (AWS provider, default --interval 1m, no zone cache): every interval each ' +
    'instance lists the hosted zones (ListHostedZones, 100 per page) and reads every page of every managed ' +
    'zone (ListResourceRecordSets, 300 record sets per page). Per hour: clusters × (ceil(zones/100) + ' +
    'Σ ceil(records/300)) × 60. Writes are left out on both sides (a steady fleet changes nothing).',
  intervalMinutes: 1,
  zonesPerPage: 100,
  recordsPerPage: 300,
};

export const WRITE_FORMULA = {
  text:
    'ChangeResourceRecordSets requests for a set of changes ≥ max(ceil(changes / 1000), ' +
    'ceil(ResourceRecords / 1000), ceil(value characters / 32000)), where an UPSERT counts its ' +
    'ResourceRecords and value characters twice and a record never leaves its ownership TXT (groups are ' +
    'not split), so packing may need more. Route 53 limits: 1,000 ResourceRecord elements and 32,000 ' +
    'value characters per request.',
  limits: ROUTE53_BATCH_LIMITS,
};

export function externalDnsCalls(clusters: number, zones: { records: number }[]) {
  const perInstance =
    Math.ceil(zones.length / EXTERNAL_DNS_MODEL.zonesPerPage) +
    zones.reduce((n, z) => n + Math.ceil(z.records / EXTERNAL_DNS_MODEL.recordsPerPage), 0);
  const callsPerInterval = clusters * perInstance;
  return { callsPerInterval, callsPerHour: callsPerInterval * (60 / EXTERNAL_DNS_MODEL.intervalMinutes) };
}

/** WRITE_FORMULA's lower bound, from the changes' summed costs (`changeCost`: UPSERT counted twice). */
export function formulaBatches(changes: number, resourceRecords: number, valueChars: number): number {
  const l = ROUTE53_BATCH_LIMITS;
  return Math.max(
    Math.ceil(changes / l.maxChanges),
    Math.ceil(resourceRecords / l.maxRecords),
    Math.ceil(valueChars / l.maxValueChars),
  );
}

export async function measureRoute53(
  clusters: number,
  zoneRecords: number,
  scheduleMinutes = 5,
): Promise<Route53Row> {
  const fleetRecords = clusters * 2;
  // The zone's own SOA and NS count towards its records (and Route 53's 10,000-per-zone quota) too.
  const shape = {
    clusters,
    servicesPerCluster: 1,
    existingRecords: Math.max(0, zoneRecords - fleetRecords - APEX_RECORDS),
  };
  const scenario = await parseScenario(fleetScenario(shape), process.cwd());
  const started = performance.now();
  const outcome = await simulate(scenario, { rounds: 2, logLevel: 'error' });
  const wallMs = Math.round(performance.now() - started);
  const [pass1, pass2] = outcome.passes;
  if (!pass1 || !pass2) throw new Error('simulate ran fewer than two passes');
  const steady = pass2.apiCalls.route53 ?? {};
  const steadyCallsPerPass = Object.values(steady).reduce((a, b) => a + b, 0);
  const recordsAfterPass1 = shape.existingRecords + fleetRecords + APEX_RECORDS;
  const externalDns = externalDnsCalls(clusters, [{ records: recordsAfterPass1 }]);
  const steadyCallsPerHour = steadyCallsPerPass * (60 / scheduleMinutes);
  const applied = (outcome.details?.[0]?.results ?? []).flatMap((r) => r.recordChanges).map(changeCost);
  const sum = (key: 'changes' | 'records' | 'valueChars') => applied.reduce((n, c) => n + c[key], 0);
  return {
    clusters,
    zoneRecords,
    recordsAfterPass1,
    pass1: pass1.apiCalls.route53 ?? {},
    steadyPass: steady,
    steadyCallsPerPass,
    steadyCallsPerHour,
    externalDns,
    ratio: Math.round((externalDns.callsPerHour / steadyCallsPerHour) * 10) / 10,
    ratioAtSameInterval: Math.round((externalDns.callsPerInterval / steadyCallsPerPass) * 10) / 10,
    writes: {
      changes: pass1.changes.length,
      observedBatches: pass1.apiCalls.route53?.ChangeResourceRecordSets ?? 0,
      formulaBatches: formulaBatches(sum('changes'), sum('records'), sum('valueChars')),
    },
    wallMs,
  };
}
