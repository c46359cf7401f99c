import { describe, expect, it } from 'vitest';
import { formatSimulation, styleFor } from '../../../functions/cli/format.js';
import { simulateFile, simulationDocument } from '../../../functions/cli/simulate.js';

/** The human output of `simulate`: why each change, warnings with their object, dry runs and rejections. */

const triggers = await simulateFile('examples/triggers.yaml', { rounds: 1 });
const kargo = await simulateFile('examples/kargo.yaml', { rounds: 1 });
const tenancy = await simulateFile('examples/tenancy.yaml', { rounds: 1 });

describe('simulate human output', () => {
  it('says why each record changes, with its value and owner, and counts as the log does', () => {
    const text = formatSimulation(kargo);
    expect(text).toMatch(/changes: 8 created, 0 updated, 1 deleted \(and \d+ ownership TXT records\)/);
    expect(text).toMatch(
      /\+ CREATE shop\.kargo\.example\.com\. A ALIAS \S+ \(Z3F0SRJ5LGBH90\)\s+owner=prod-eu ingress\/shop\/shop\n\s+why: ingress\/shop\/shop in prod-eu wants it and the zone has no such record: created/,
    );
    expect(text).toMatch(
      /- DELETE old\.kargo\.example\.com\. CNAME .*\n\s+why: owned by prod-eu, and nothing in the fleet wants it any more: deleted/,
    );
  });

  it('shows an update with the value it replaces and the owner it takes the record from', () => {
    expect(formatSimulation(tenancy)).toMatch(
      /~ UPSERT pay\.example\.com\. A 300 192\.0\.2\.10 \(was 300 203\.0\.113\.66\)\s+owner=prod service\/pay\/api\n\s+why: owned by dev until now; service\/pay\/api in prod may have it and wants this value: updated/,
    );
  });

  it('says what a filter left out: an Ingress of another class (examples/kargo.yaml)', () => {
    expect(formatSimulation(kargo)).toContain(
      'filtered by ingressClass traefik: ingress/ops/internal-admin in cluster prod-eu — not published',
    );
  });

  it('counts changes as the summary event does, pass by pass', () => {
    for (const outcome of [kargo, tenancy]) {
      const counted = [
        ...formatSimulation(outcome).matchAll(/changes: (\d+) created, (\d+) updated, (\d+) deleted/g),
      ];
      const summaries = outcome.events.filter((e) => e.detailType === 'Reconcile Completed');
      expect(counted.length).toBe(summaries.length);
      counted.forEach((m, i) => {
        expect(summaries[i]?.detail.counts).toEqual({
          created: Number(m[1]),
          updated: Number(m[2]),
          deleted: Number(m[3]),
        });
      });
    }
  });

  it('marks a dry run and a rejected trigger', () => {
    const text = formatSimulation(triggers);
    const manual = triggers.passes.findIndex((p) => p.trigger === 'manual');
    expect(text).toContain(`Pass ${manual + 1} (manual) — REJECTED`);
    expect(text).toMatch(/the handler refused its input: .*payload\.dryRun/);
    const dry = triggers.passes.findIndex((p) => p.trigger === 'resyncEvent');
    expect(text).toContain(`Pass ${dry + 1} (resyncEvent) — DRY RUN: nothing was written`);
  });

  it('keeps the JSON document to the contract', () => {
    expect(Object.keys(simulationDocument(triggers)).sort()).toEqual([
      'apiCalls',
      'certificates',
      'events',
      'passes',
      'zones',
    ]);
    expect(Object.keys(triggers.passes[0] ?? {}).sort()).toEqual([
      'apiCalls',
      'changes',
      'clusters',
      'errors',
      'trigger',
      'warnings',
    ]);
  });

  it('colours a terminal only, and never with NO_COLOR', () => {
    const plain = formatSimulation(kargo, { style: styleFor({ isTTY: false }, {}) });
    expect(plain).not.toContain('\u001b[');
    expect(formatSimulation(kargo, { style: styleFor({ isTTY: true }, {}) })).toContain('\u001b[32m+ CREATE');
    expect(formatSimulation(kargo, { style: styleFor({ isTTY: true }, { NO_COLOR: '1' }) })).toBe(plain);
  });
});
