import { describe, expect, it } from 'vitest';
import type { ApplyResult, CallOptions, DnsProvider, RecordsOptions } from '../../../shared/dns/provider.js';
import { ZoneReadAhead } from '../../../shared/dns/zone-read-ahead.js';
import type { HostedZone } from '../../../shared/dns/zones.js';
import type { ChangeGroup } from '../../../shared/endpoint/changes.js';
import { type Endpoint, newEndpoint } from '../../../shared/endpoint/endpoint.js';

/**
 * Zone reads started ahead while clusters are read: each zone read once however it is asked for, in the
 * DNS stage's order and concurrency, within the record budget, never after `stop`.
 */

/** A provider whose whole reads wait until released, and which records what it was asked. */
class GatedProvider implements DnsProvider {
  readonly asked: string[] = [];
  inFlight = 0;
  maxInFlight = new Map<string, number>();
  private readonly gates = new Map<string, () => void>();
  private readonly perAccount = new Map<string, number>();

  async listZones(): Promise<HostedZone[]> {
    return [];
  }

  async records(zone: HostedZone, options: RecordsOptions & CallOptions = {}): Promise<Endpoint[]> {
    const key = `${zone.account ?? ''}/${zone.id}${options.names ? ` names=${options.names.join(',')}` : ''}`;
    this.asked.push(key);
    const account = zone.account ?? '';
    const now = (this.perAccount.get(account) ?? 0) + 1;
    this.perAccount.set(account, now);
    this.maxInFlight.set(account, Math.max(this.maxInFlight.get(account) ?? 0, now));
    await new Promise<void>((resolve) => this.gates.set(key, resolve));
    this.perAccount.set(account, (this.perAccount.get(account) ?? 1) - 1);
    if (zone.id === 'ZBROKEN') throw new Error('Throttling: Rate exceeded');
    return [newEndpoint(`www.${zone.name}`, 'A', ['192.0.2.1'])];
  }

  release(key: string): void {
    this.gates.get(key)?.();
  }

  releaseAll(): void {
    for (const open of this.gates.values()) open();
  }

  async applyChanges(_zone: HostedZone, _groups: readonly ChangeGroup[]): Promise<ApplyResult> {
    return { batches: 0, applied: [], failed: [], refused: [], warnings: [] };
  }
}

const zone = (id: string, account?: string, recordCount = 10): HostedZone => ({
  id,
  name: `${id.toLowerCase()}.example.com`,
  private: false,
  tags: {},
  recordCount,
  ...(account ? { account } : {}),
});

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ZoneReadAhead', () => {
  it('reads each account’s zones in order, perAccount at once; a whole read later takes the read ahead', async () => {
    const inner = new GatedProvider();
    const dns = new ZoneReadAhead(inner, { perAccount: 2 });
    const zones = [zone('Z1'), zone('Z2'), zone('Z3'), zone('N1', '111111111111')];
    dns.start(zones);
    await settle();
    expect(inner.asked).toEqual(['/Z1', '/Z2', '111111111111/N1']);
    inner.releaseAll();
    await settle();
    expect(inner.asked).toEqual(['/Z1', '/Z2', '111111111111/N1', '/Z3']);
    inner.releaseAll();
    const read = await Promise.all(zones.map((z) => dns.records(z)));
    expect(read.map((r) => r.map((e) => e.dnsName))).toEqual(zones.map((z) => [`www.${z.name}`]));
    // Taken once: a second whole read in the same pass goes to the provider.
    expect(inner.asked).toHaveLength(4);
    expect(inner.maxInFlight.get('')).toBe(2);
    const again = dns.records(zones[0]!);
    await settle();
    expect(inner.asked).toHaveLength(5);
    inner.releaseAll();
    await again;
  });

  it('a scoped read is never served from a whole read ahead', async () => {
    const inner = new GatedProvider();
    const dns = new ZoneReadAhead(inner, { perAccount: 1 });
    const z1 = zone('Z1');
    dns.start([z1]);
    const scoped = dns.records(z1, { names: ['a.z1.example.com'] });
    await settle();
    expect(inner.asked).toEqual(['/Z1', '/Z1 names=a.z1.example.com']);
    inner.releaseAll();
    await scoped;
    expect(dns.readAheadZones()).toEqual(['/Z1']);
  });

  it('stops starting reads at stop(), and at the record budget', async () => {
    const inner = new GatedProvider();
    const dns = new ZoneReadAhead(inner, { perAccount: 1 });
    dns.start([zone('Z1'), zone('Z2'), zone('Z3')]);
    await settle();
    dns.stop();
    inner.releaseAll();
    await settle();
    expect(inner.asked).toEqual(['/Z1']);

    const budgeted = new GatedProvider();
    const small = new ZoneReadAhead(budgeted, { perAccount: 1, maxRecords: 250 });
    small.start([zone('Z1', undefined, 200), zone('Z2', undefined, 100), zone('Z3', undefined, 1)]);
    for (let i = 0; i < 3; i++) {
      await settle();
      budgeted.releaseAll();
    }
    await settle();
    // Z2 starts within the budget (200 used of 250); after it the budget is spent.
    expect(budgeted.asked).toEqual(['/Z1', '/Z2']);
  });

  it('start after stop reads nothing; a second start adds nothing', async () => {
    const inner = new GatedProvider();
    const dns = new ZoneReadAhead(inner, { perAccount: 1 });
    dns.start([zone('Z1')]);
    dns.start([zone('Z2')]);
    await settle();
    expect(inner.asked).toEqual(['/Z1']);
    const stopped = new ZoneReadAhead(new GatedProvider(), { perAccount: 1 });
    stopped.stop();
    stopped.start([zone('Z1')]);
    expect(stopped.readAheadZones()).toEqual([]);
    inner.releaseAll();
  });

  it('a read ahead that fails fails its taker, and one nobody takes is no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const inner = new GatedProvider();
      const dns = new ZoneReadAhead(inner, { perAccount: 2 });
      const broken = zone('ZBROKEN');
      dns.start([broken, zone('ZBROKEN', '222222222222')]);
      await settle();
      inner.releaseAll();
      await expect(dns.records(broken)).rejects.toThrow(/Throttling/);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      expect(dns.readAheadZones()).toEqual(['222222222222/ZBROKEN']);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
