import { describe, expect, it } from 'vitest';
import { Route53Error, Route53State } from '../../../sandbox/aws/route53.js';
import { batchLimitMessages, type RecordChange } from '../../../sandbox/aws/route53-records.js';

function txt(name: string, count: number, length = 1): RecordChange['record'] {
  return { name, type: 'TXT', ttl: 60, values: Array.from({ length: count }, () => 'x'.repeat(length)) };
}

describe('Route53State', () => {
  it('exports zones in the scenario output shape: FQDNs, unescaped, sorted by name, type, set identifier', () => {
    const state = new Route53State();
    const zone = state.createZone({
      name: 'example.com',
      tags: { team: 'edge' },
      records: [
        {
          name: 'c.example.com',
          type: 'CNAME',
          ttl: 60,
          values: ['d.example.com'],
          setIdentifier: 'green',
          weight: 5,
        },
        {
          name: 'c.example.com',
          type: 'CNAME',
          ttl: 60,
          values: ['e.example.com'],
          setIdentifier: 'blue',
          weight: 10,
        },
        { name: '\\052.example.com', type: 'A', ttl: 300, values: ['192.0.2.10'] },
        {
          name: 'b.example.com',
          type: 'A',
          alias: { dnsName: 'x.elb.eu-central-1.amazonaws.com', hostedZoneId: 'Z215JYRZR1TBD5' },
        },
      ],
    });
    state.createZone({
      name: 'a-internal.example',
      private: true,
      vpcs: [{ id: 'vpc-1', region: 'eu-central-1' }],
    });

    const exported = state.exportZones();
    expect(exported.map((z) => [z.name, z.private])).toEqual([
      ['a-internal.example.', true],
      ['example.com.', false],
    ]);
    const records = exported[1]!.records;
    expect(exported[1]!.id).toBe(zone.id);
    expect(records.map((r) => [r.name, r.type, r.setIdentifier])).toEqual([
      ['*.example.com.', 'A', undefined],
      ['b.example.com.', 'A', undefined],
      ['c.example.com.', 'CNAME', 'blue'],
      ['c.example.com.', 'CNAME', 'green'],
      ['example.com.', 'NS', undefined],
      ['example.com.', 'SOA', undefined],
    ]);
    expect(records[1]).toEqual({
      name: 'b.example.com.',
      type: 'A',
      alias: {
        dnsName: 'x.elb.eu-central-1.amazonaws.com.',
        hostedZoneId: 'Z215JYRZR1TBD5',
        evaluateTargetHealth: false,
      },
    });
    expect(records[2]).toEqual({
      name: 'c.example.com.',
      type: 'CNAME',
      ttl: 60,
      values: ['e.example.com'],
      setIdentifier: 'blue',
      weight: 10,
    });
    expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
  });

  it('gives the same ids to the same scenario', () => {
    const ids = () => {
      const state = new Route53State();
      return ['example.com', 'example.org'].map((name) => state.createZone({ name }).id);
    };
    expect(ids()).toEqual(ids());
    expect(new Set(ids()).size).toBe(2);
  });

  it('names the zone and record index when a scenario record is invalid', () => {
    const state = new Route53State();
    const attempt = () =>
      state.createZone({
        name: 'example.com',
        records: [{ name: 'a.example.com', type: 'A', values: ['192.0.2.1'] }],
      });
    expect(attempt).toThrow(Route53Error);
    expect(attempt).toThrow(/zone example\.com\. records\[0\]: .*TTL/);
    expect(state.zones()).toEqual([]);
  });

  it('loads scenario records beyond the per-request limits, but not beyond the zone quota', () => {
    const state = new Route53State({ maxRecordSetsPerZone: 1_500 });
    const records = Array.from({ length: 1_200 }, (_, i) => ({
      name: `r${i}.example.com`,
      type: 'A',
      ttl: 60,
      values: ['192.0.2.1'],
    }));
    expect(state.createZone({ name: 'example.com', records }).recordSetCount).toBe(1_202);
    const tooMany = Array.from({ length: 1_499 }, (_, i) => ({
      name: `r${i}.example.org`,
      type: 'A',
      ttl: 60,
      values: ['192.0.2.1'],
    }));
    expect(() => state.createZone({ name: 'example.org', records: tooMany })).toThrow(/MAX_RRSETS_BY_ZONE/);
  });

  it('finds record values only in the most specific public zone that holds the name', () => {
    const state = new Route53State();
    const parent = state.createZone({ name: 'example.com' });
    const child = state.createZone({ name: 'sub.example.com' });
    const priv = state.createZone({
      name: 'example.com',
      private: true,
      vpcs: [{ id: 'vpc-1', region: 'us-east-1' }],
    });
    const validation = {
      name: '_abc.sub.example.com',
      type: 'CNAME',
      ttl: 300,
      values: ['_xyz.acm-validations.aws.'],
    };
    state.addRecord(parent.id, validation);
    expect(state.findPublicRecordValues('_abc.sub.example.com.', 'CNAME')).toBeUndefined();
    state.addRecord(priv.id, { ...validation, name: '_p.example.com' });
    expect(state.findPublicRecordValues('_p.example.com', 'CNAME')).toBeUndefined();
    state.addRecord(child.id, validation);
    expect(state.findPublicRecordValues('_ABC.sub.example.com', 'cname')).toEqual([
      '_xyz.acm-validations.aws.',
    ]);
    expect(state.findPublicRecordValues('_abc.sub.example.com', 'TXT')).toBeUndefined();
    expect(state.findPublicRecordValues('x.example.net', 'A')).toBeUndefined();
  });

  it('addRecord refuses a duplicate and leaves the zone unchanged', () => {
    const state = new Route53State();
    const zone = state.createZone({ name: 'example.com' });
    state.addRecord(zone.id, { name: 'a.example.com', type: 'A', ttl: 60, values: ['192.0.2.1'] });
    expect(() =>
      state.addRecord(zone.id, { name: 'a.example.com', type: 'A', ttl: 60, values: ['192.0.2.2'] }),
    ).toThrow(/already exists/);
    expect(state.records(zone.id).find((r) => r.name === 'a.example.com.')?.values).toEqual(['192.0.2.1']);
  });
});

describe('batchLimitMessages', () => {
  it.each([
    { title: '1,000 elements', changes: [{ action: 'CREATE', record: txt('a.', 1000) }], messages: [] },
    {
      title: '1,001 elements',
      changes: [
        { action: 'CREATE', record: txt('a.', 1000) },
        { action: 'DELETE', record: txt('b.', 1) },
      ],
      messages: ['Number of records limit of 1000 exceeded.'],
    },
    { title: 'UPSERT of 500', changes: [{ action: 'UPSERT', record: txt('a.', 500) }], messages: [] },
    {
      title: 'UPSERT of 501',
      changes: [{ action: 'UPSERT', record: txt('a.', 501) }],
      messages: ['Number of records limit of 1000 exceeded.'],
    },
    {
      title: '32,000 characters',
      changes: [{ action: 'CREATE', record: txt('a.', 100, 320) }],
      messages: [],
    },
    {
      title: 'UPSERT of 16,001 characters',
      changes: [{ action: 'UPSERT', record: txt('a.', 1, 16001) }],
      messages: ['RDATA character limit of 32000 exceeded.'],
    },
  ] as { title: string; changes: RecordChange[]; messages: string[] }[])(
    '$title',
    ({ changes, messages }) => {
      expect(batchLimitMessages(changes)).toEqual(messages);
    },
  );
});
