import { describe, expect, it } from 'vitest';
import { Route53State } from '../../../sandbox/aws/route53-state.js';

/** A zone's records are read as a shared, frozen snapshot that a write replaces and never edits. */
describe('Route53State record snapshots', () => {
  const a = (name: string, ip: string) => ({ name, type: 'A', ttl: 60, values: [ip] });

  it('hands out the same sorted snapshot until a write, and a write leaves the old one as it was', () => {
    const state = new Route53State();
    const zone = state.createZone({ name: 'example.com', records: [a('b.example.com', '192.0.2.2')] });
    const first = state.records(zone.id);
    expect(state.records(zone.id)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first[2]) && Object.isFrozen(first[2]?.values)).toBe(
      true,
    );

    state.changeRecords(zone.id, [
      { action: 'CREATE', record: a('a.example.com.', '192.0.2.1') },
      { action: 'UPSERT', record: a('b.example.com.', '192.0.2.9') },
    ]);
    const second = state.records(zone.id);
    expect(second).not.toBe(first);
    expect(first.map((r) => `${r.name} ${r.values}`)).toEqual([
      expect.stringMatching(/^example\.com\. ns-/),
      expect.stringMatching(/^example\.com\. ns-.* awsdns-hostmaster/),
      'b.example.com. 192.0.2.2',
    ]);
    expect(second.map((r) => r.name)).toEqual([
      'example.com.',
      'example.com.',
      'a.example.com.',
      'b.example.com.',
    ]);
    expect(second.at(-1)?.values).toEqual(['192.0.2.9']);

    state.addRecord(zone.id, a('c.example.com', '192.0.2.3'));
    expect(
      state
        .records(zone.id)
        .map((r) => r.name)
        .at(-1),
    ).toBe('c.example.com.');
  });

  it('keeps its own copy of what a caller passed in', () => {
    const state = new Route53State();
    const zone = state.createZone({ name: 'example.com' });
    const record = a('x.example.com.', '192.0.2.1');
    state.changeRecords(zone.id, [{ action: 'CREATE', record }]);
    record.values[0] = '198.51.100.1';
    expect(state.records(zone.id).find((r) => r.name === 'x.example.com.')?.values).toEqual(['192.0.2.1']);
  });

  it('sorts in ListResourceRecordSets order: reversed labels, then type, then set identifier', () => {
    const state = new Route53State();
    const zone = state.createZone({
      name: 'example.com',
      records: [
        { name: 'www.example.com', type: 'A', ttl: 60, values: ['192.0.2.1'], setIdentifier: 'b', weight: 1 },
        { name: 'www.example.com', type: 'A', ttl: 60, values: ['192.0.2.2'], setIdentifier: 'a', weight: 1 },
        { name: 'a.b.example.com', type: 'TXT', ttl: 60, values: ['"x"'] },
        { name: '*.example.com', type: 'AAAA', ttl: 60, values: ['2001:db8::1'] },
        { name: 'b.example.com', type: 'TXT', ttl: 60, values: ['"y"'] },
      ],
    });
    expect(state.records(zone.id).map((r) => `${r.name} ${r.type} ${r.setIdentifier ?? ''}`.trim())).toEqual([
      'example.com. NS',
      'example.com. SOA',
      '*.example.com. AAAA',
      'b.example.com. TXT',
      'a.b.example.com. TXT',
      'www.example.com. A a',
      'www.example.com. A b',
    ]);
  });
});
