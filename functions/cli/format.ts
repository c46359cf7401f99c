import type { ZoneSnapshot } from '../../sandbox/sandbox.js';
import type { SimulationOutcome } from './simulate.js';

/** The person-readable account of a simulation: what was found, what changed, the zones afterwards. */
export function formatSimulation(outcome: SimulationOutcome, opts: { title?: string } = {}): string {
  const out: string[] = [];
  if (opts.title) out.push(`edge-reconciler — simulating ${opts.title} in the embedded sandbox`, '');
  for (const [i, pass] of outcome.passes.entries()) {
    out.push(`Pass ${i + 1} (${pass.trigger})`);
    out.push('  clusters:');
    for (const c of pass.clusters) {
      out.push(
        `    ${c.name.padEnd(16)} ${c.status.padEnd(7)} ${c.endpoints} endpoint${c.endpoints === 1 ? '' : 's'}`,
      );
      if (c.error) out.push(`      ${c.error}`);
    }
    if (pass.changes.length === 0) out.push('  changes: none — Route 53 already matches the fleet');
    else {
      out.push(`  changes (${pass.changes.length}):`);
      for (const c of pass.changes) {
        out.push(
          `    ${c.action.padEnd(6)} ${c.type.padEnd(5)} ${c.name}${c.setIdentifier ? ` [${c.setIdentifier}]` : ''}`,
        );
      }
    }
    for (const w of pass.warnings) out.push(`  warning: ${w.message}`);
    for (const e of pass.errors) out.push(`  error: ${e}`);
    out.push(`  API calls: ${formatCalls(pass.apiCalls)}`, '');
  }
  for (const zone of outcome.zones) out.push(...formatZone(zone), '');
  return `${out.join('\n')}\n`;
}

function formatCalls(calls: Record<string, Record<string, number>>): string {
  const parts = Object.entries(calls).flatMap(([service, ops]) =>
    Object.entries(ops).map(([op, n]) => `${service} ${op} ×${n}`),
  );
  return parts.length ? parts.join(', ') : 'none';
}

function formatZone(zone: ZoneSnapshot): string[] {
  const lines = [
    `Zone ${zone.name} (${zone.private ? 'private' : 'public'}, ${zone.id}), after the last pass:`,
  ];
  const width = Math.max(...zone.records.map((r) => r.name.length), 10);
  for (const r of zone.records) {
    const value = r.alias
      ? `ALIAS ${r.alias.dnsName} (${r.alias.hostedZoneId})`
      : `${r.ttl ?? ''} ${(r.values ?? []).join(' ')}`.trim();
    const routing = r.setIdentifier
      ? ` [${r.setIdentifier}${r.weight !== undefined ? ` weight ${r.weight}` : ''}]`
      : '';
    lines.push(`  ${r.name.padEnd(width)} ${r.type.padEnd(5)} ${value}${routing}`);
  }
  return lines;
}
