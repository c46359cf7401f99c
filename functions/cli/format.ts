import type { ZoneSnapshot } from '../../sandbox/sandbox.js';
import type { FilteredOut } from '../../shared/filtered.js';
import type { PassResult } from '../../shared/reconcile.js';
import type { PassWarning, WarningCode } from '../../shared/warnings.js';
import type { SimulationOutcome } from './simulate.js';

/**
 * The person-readable account of a simulation: what was found, what changed and why, what was left
 * alone and why, the certificates and the zones afterwards. Colour only for a terminal (`NO_COLOR` off).
 */

export interface Style {
  bold(text: string): string;
  add(text: string): string;
  remove(text: string): string;
  change(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
}

const paint =
  (code: number) =>
  (text: string): string =>
    `\u001b[${code}m${text}\u001b[0m`;
const COLOUR: Style = {
  bold: paint(1),
  add: paint(32),
  remove: paint(31),
  change: paint(33),
  warn: paint(35),
  dim: paint(2),
};
const PLAIN: Style = { bold: same, add: same, remove: same, change: same, warn: same, dim: same };
function same(text: string): string {
  return text;
}

/** Colour for a terminal, none when piped or when NO_COLOR is set (no-color.org). */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return stream.isTTY && !env.NO_COLOR ? COLOUR : PLAIN;
}

type RecordChange = PassResult['recordChanges'][number];

/** A record's value as `plan` shows it: TTL and values, or the alias target and its zone. */
function recordValue(e: RecordChange['endpoint']): string {
  return e.properties.alias
    ? `ALIAS ${e.targets[0]}${e.properties.aliasHostedZoneId ? ` (${e.properties.aliasHostedZoneId})` : ''}`
    : `${e.ttl ?? ''} ${e.targets.join(' ')}`.trim();
}

/** A routed record's set identifier and policy, as `plan` shows it: `[eu-a weight 2]`, `[us us-east-1]`. */
function routingOf(e: RecordChange['endpoint']): string {
  if (e.setIdentifier === undefined) return '';
  return `${e.setIdentifier}${policyOf(e.properties)}`;
}

/** A routing policy after its set identifier: ` weight 2`, ` us-east-1`, ` PRIMARY`, or nothing. */
function policyOf(p: { weight?: number; region?: string; failover?: string }): string {
  if (p.weight !== undefined) return ` weight ${p.weight}`;
  if (p.region !== undefined) return ` ${p.region}`;
  if (p.failover !== undefined) return ` ${p.failover}`;
  return '';
}

/** A health check a pass creates or deletes for a fleet-routed member. */
export function formatHealthCheckChange(
  h: NonNullable<PassResult['healthChecks']>[number],
  dryRun: boolean,
): string {
  const what =
    h.action === 'CREATE'
      ? dryRun
        ? 'would be created'
        : 'created'
      : dryRun
        ? 'would be deleted'
        : 'deleted';
  return `health check ${what} for ${h.member}${h.ipAddress ? ` (${h.ipAddress})` : ''}${h.id ? `: ${h.id}` : ''}`;
}

/** How a pass shifts traffic at a routed name: its members before → after. */
export function formatTrafficShift(t: NonNullable<PassResult['trafficShifts']>[number]): string {
  return `traffic ${t.dnsName}. ${t.recordType}: ${t.before} → ${t.after}`;
}

/**
 * One record change as `plan` shows it: sign, action, name, type, routing (an update's old routing too),
 * value (an update's old value too), owner and object.
 */
export function formatRecordChange(
  { action, endpoint: e, previous, ownership }: RecordChange,
  style: Style = PLAIN,
): string {
  const sign = action === 'CREATE' ? '+' : action === 'DELETE' ? '-' : '~';
  const was = previous && recordValue(previous) !== recordValue(e) ? ` (was ${recordValue(previous)})` : '';
  const value = `${recordValue(e)}${was}`;
  const wasRouted = previous && routingOf(previous) !== routingOf(e) ? ` (was ${routingOf(previous)})` : '';
  const id = e.setIdentifier ? ` [${routingOf(e)}${wasRouted}]` : '';
  const owner = e.labels.owner
    ? `   owner=${e.labels.owner}${e.labels.resource ? ` ${e.labels.resource}` : ''}`
    : '';
  const colour = action === 'CREATE' ? style.add : action === 'DELETE' ? style.remove : style.change;
  return colour(
    `${sign} ${action.padEnd(6)} ${e.dnsName}. ${e.recordType}${id} ${value}${ownership ? '' : owner}`,
  );
}

/** Why a change is made, from what the pass knew about the record. */
function reasonFor({ action, endpoint: e, previous, routingChange }: RecordChange, dryRun: boolean): string {
  const would = dryRun ? 'would be ' : '';
  const who = e.labels.resource
    ? `${e.labels.resource} in ${e.labels.owner ?? '?'}`
    : (e.labels.owner ?? '?');
  if (routingChange) {
    const then = action === 'DELETE' ? `${would}deleted` : `${would}created with its new routing`;
    return `${who} changes its routing, which Route 53 takes only as DELETE + CREATE in one batch: ${then}`;
  }
  if (action === 'CREATE') return `${who} wants it and the zone has no such record: ${would}created`;
  const before = previous?.labels.owner;
  if (action === 'UPSERT' && before && before !== e.labels.owner)
    return `owned by ${before} until now; ${who} may have it and wants this value: ${would}updated`;
  if (action === 'UPSERT')
    return `owned by ${e.labels.owner ?? '?'}; ${who} wants this value now: ${would}updated`;
  return `owned by ${e.labels.owner ?? '?'}, and nothing in the fleet wants it any more: ${would}deleted`;
}

/** What a warning means for the records, for the codes where the message alone does not say. */
const LEFT_ALONE: Partial<Record<WarningCode, string>> = {
  conflict: 'the record stays with its holder; the other claim is not applied',
  'cname-conflict': 'one CNAME wins; the other object gets no record',
  'deletions-held': 'held back by the deletion guard: nothing of this owner was deleted',
  frozen: 'the cluster failed: its records are kept as they are, never deleted on doubt',
  'no-owner': 'not ours: left alone',
  'no-zone': 'no zone we manage holds the name: no record',
  'zone-unreachable': 'its zone is out of reach: nothing is read or changed there, its records stay',
  'api-not-served': 'the kind is not served there: its records are kept',
};

/**
 * Each warning once: a name's A and AAAA records (or a zone's plan and its registry) can report the same
 * thing twice, which a reader takes for two problems. The JSON keeps them all.
 */
export function distinctWarnings(warnings: readonly PassWarning[]): PassWarning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = JSON.stringify([w.code, w.cluster, w.object, w.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A warning with its code, cluster and object, and what it means for the records where the message does not say. */
export function formatWarning(w: PassWarning, style: Style = PLAIN): string[] {
  const where = [w.cluster ? `cluster ${w.cluster}` : '', w.object ?? ''].filter(Boolean).join(', ');
  const lines = [style.warn(`  warning [${w.code}]${where ? ` ${where}` : ''}: ${w.message}`)];
  const why = LEFT_ALONE[w.code];
  if (why) lines.push(style.dim(`      → ${why}`));
  return lines;
}

/** A name or object a filter left out on purpose, with the filter's setting: why it has no record. */
export function formatFiltered(f: FilteredOut): string {
  const by = f.filter === 'ingressClass' ? `ingressClass ${f.setting}` : f.setting;
  const where = [f.object, f.cluster ? `in cluster ${f.cluster}` : ''].filter(Boolean).join(' ');
  const what = f.dnsName ? `${f.dnsName}${where ? ` (${where})` : ''}` : where;
  return `filtered by ${by}: ${what} — not published`;
}

/** Record changes as the summary event and the log count them: ownership TXT records apart. */
function countLine(changes: readonly RecordChange[]): string {
  const records = changes.filter((c) => !c.ownership);
  const n = (action: string) => records.filter((c) => c.action === action).length;
  const txt = changes.length - records.length;
  return `${n('CREATE')} created, ${n('UPSERT')} updated, ${n('DELETE')} deleted${txt ? ` (and ${txt} ownership TXT record${txt === 1 ? '' : 's'})` : ''}`;
}

export function formatSimulation(
  outcome: SimulationOutcome,
  opts: { title?: string; style?: Style } = {},
): string {
  const style = opts.style ?? PLAIN;
  const out: string[] = [];
  if (opts.title) out.push(`edge-reconciler — simulating ${opts.title} in the embedded sandbox`, '');
  for (const [i, pass] of outcome.passes.entries()) {
    const detail = outcome.details?.[i];
    const dryRun = detail?.results.some((r) => r.dryRun) ?? false;
    const marks = [dryRun ? 'DRY RUN: nothing was written' : '', detail?.rejected ? 'REJECTED' : '']
      .filter(Boolean)
      .join(', ');
    out.push(style.bold(`Pass ${i + 1} (${pass.trigger})${marks ? ` — ${marks}` : ''}`));
    if (detail?.rejected) {
      out.push(style.remove(`  the handler refused its input: ${pass.errors.join('; ')}`), '');
      continue;
    }
    out.push('  clusters:');
    for (const c of pass.clusters) {
      out.push(
        `    ${c.name.padEnd(16)} ${c.status.padEnd(7)} ${c.endpoints} endpoint${c.endpoints === 1 ? '' : 's'}`,
      );
      if (c.error) out.push(`      ${c.error}`);
    }
    const changes = detail?.results.flatMap((r) => r.recordChanges) ?? [];
    if (pass.changes.length === 0) out.push('  changes: none — Route 53 already matches the fleet');
    else if (changes.length === 0) {
      out.push(`  changes (${pass.changes.length}):`);
      for (const c of pass.changes) out.push(`    ${c.action.padEnd(6)} ${c.type.padEnd(5)} ${c.name}`);
    } else {
      out.push(`  changes: ${countLine(changes)}`);
      for (const c of changes) {
        out.push(`    ${formatRecordChange(c, style)}`);
        if (!c.ownership) out.push(style.dim(`        why: ${reasonFor(c, dryRun)}`));
      }
    }
    for (const t of detail?.results.flatMap((r) => r.trafficShifts ?? []) ?? [])
      out.push(style.change(`  ${formatTrafficShift(t)}`));
    for (const h of detail?.results.flatMap((r) => r.healthChecks ?? []) ?? [])
      out.push(style.change(`  ${formatHealthCheckChange(h, dryRun)}`));
    if (detail?.zones) out.push(...stepRecords(detail.zones, pass.changes));
    for (const w of distinctWarnings(pass.warnings)) out.push(...formatWarning(w, style));
    for (const f of detail?.results.flatMap((r) => r.filtered) ?? [])
      out.push(style.dim(`  ${formatFiltered(f)}`));
    for (const e of pass.errors) out.push(style.remove(`  error: ${e}`));
    out.push(...formatCertificateStage(detail?.results ?? []));
    out.push(style.dim(`  API calls: ${formatCalls(pass.apiCalls)}`));
    for (const [account, ops] of Object.entries(pass.route53CallsByAccount ?? {})) {
      out.push(
        style.dim(
          `    route53 in account ${account}: ${formatCalls({ route53: ops }).replaceAll('route53 ', '')}`,
        ),
      );
    }
    out.push('');
  }
  out.push(...formatCertificates(outcome, style));
  for (const zone of outcome.zones) out.push(...formatZone(zone), '');
  return `${out.join('\n')}\n`;
}

/** What the certificate stage did in a pass: requests, deletions, hosts it could not serve. */
function formatCertificateStage(results: readonly PassResult[]): string[] {
  const lines: string[] = [];
  for (const { certificates: c } of results) {
    if (!c?.enabled) continue;
    for (const r of c.requested)
      lines.push(`  certificate requested in ${r.region} for ${r.names.join(', ')}`);
    for (const d of c.deleted)
      lines.push(`  certificate deleted: ${d.arn} (${d.names.join(', ')}): ${d.reason}`);
    for (const s of c.skipped)
      lines.push(`  no certificate for ${s.host} (${s.resources.join(', ')}): ${s.reason}`);
  }
  return lines;
}

function formatCertificates(outcome: SimulationOutcome, style: Style): string[] {
  if (outcome.certificates.length === 0) return [];
  const lines = [style.bold('Certificates after the last pass:')];
  for (const c of outcome.certificates) {
    const region = c.arn.split(':')[3];
    const names = [c.domain, ...c.sans.filter((s) => s !== c.domain)].join(', ');
    const ours = Object.keys(c.tags).some((k) => k.endsWith(':owner')) ? ' (ours)' : '';
    lines.push(`  ${c.status.padEnd(18)} ${region}  ${names}${ours}`);
  }
  lines.push('');
  return lines;
}

function formatCalls(calls: Record<string, Record<string, number>>): string {
  const parts = Object.entries(calls).flatMap(([service, ops]) =>
    Object.entries(ops).map(([op, n]) => `${service} ${op} ×${n}`),
  );
  return parts.length ? parts.join(', ') : 'none';
}

function formatZone(zone: ZoneSnapshot): string[] {
  const lines = [
    `Zone ${zone.name} (${zone.private ? 'private' : 'public'}, ${zone.account ? `account ${zone.account}, ` : ''}${zone.id}), after the last pass:`,
  ];
  const width = Math.max(...zone.records.map((r) => r.name.length), 10);
  for (const r of zone.records) lines.push(`  ${zoneRecordLine(r, width)}`);
  return lines;
}

/** One record as a zone holds it: name, type, value, routing. */
function zoneRecordLine(r: ZoneSnapshot['records'][number], width: number): string {
  const value = r.alias
    ? `ALIAS ${r.alias.dnsName} (${r.alias.hostedZoneId})`
    : `${r.ttl ?? ''} ${(r.values ?? []).join(' ')}`.trim();
  const routing = r.setIdentifier ? ` [${r.setIdentifier}${policyOf(r)}]` : '';
  return `${r.name.padEnd(width)} ${r.type.padEnd(5)} ${value}${routing}`;
}

/** In a scenario that changes its config between passes: what Route 53 holds after a pass where it changed. */
function stepRecords(zones: readonly ZoneSnapshot[], changes: readonly { name: string }[]): string[] {
  const names = new Set(changes.map((c) => c.name));
  const records = zones.flatMap((z) => z.records.filter((r) => names.has(r.name) && r.type !== 'TXT'));
  if (records.length === 0) return [];
  const width = Math.max(...records.map((r) => r.name.length), 10);
  return [
    '  Route 53 now holds at the names changed (ownership TXTs aside):',
    ...records.map((r) => `    ${zoneRecordLine(r, width)}`),
  ];
}
