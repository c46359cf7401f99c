import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../shared/endpoint/changes.js';
import { type Endpoint, newEndpoint, type RecordType } from '../../../shared/endpoint/endpoint.js';
import {
  LABEL_TXT_MIGRATE,
  parseOwnership,
  planRegistryChanges,
  readOwnership,
  serializeOwnership,
  toChangeGroups,
} from '../../../shared/registry/txt.js';

const noAffix = { prefix: '', suffix: '', wildcardReplacement: '' };
const value = (owner: string, resource: string) =>
  `"heritage=external-dns,external-dns/owner=${owner},external-dns/resource=${resource}"`;
const rec = (name: string, type: RecordType, targets: string[], extra: Partial<Endpoint> = {}) =>
  newEndpoint(name, type, targets, extra);
const txt = (name: string, v: string, extra: Partial<Endpoint> = {}) =>
  rec(name, 'TXT', [v], { ttl: 300, ...extra });
const owned = (e: Endpoint, owner: string, resource: string): Endpoint => ({
  ...e,
  labels: { ...e.labels, owner, resource },
});
const emptyPlan = (): Plan => ({ create: [], updateOld: [], updateNew: [], delete: [] });

describe('ownership TXT value', () => {
  it('serializes as ExternalDNS does: quoted, heritage first, labels sorted', () => {
    expect(serializeOwnership({ owner: 'prod-eu', resource: 'service/shop/web' })).toBe(
      '"heritage=external-dns,external-dns/owner=prod-eu,external-dns/resource=service/shop/web"',
    );
  });

  it('splits a value longer than 255 characters into 255-character strings, owner first, and reads it back', () => {
    const resource = `ingress/${'n'.repeat(63)}/${'i'.repeat(253)}`;
    const serialized = serializeOwnership({ owner: 'prod-eu', resource });
    const strings = [...serialized.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    expect(strings.map((x) => x.length)).toEqual([255, strings.join('').length - 255]);
    expect(strings.join('')).toBe(
      `heritage=external-dns,external-dns/owner=prod-eu,external-dns/resource=${resource}`,
    );
    expect(serialized).toBe(strings.map((x) => `"${x}"`).join(' '));
    expect(strings[0]).toMatch(
      /^heritage=external-dns,external-dns\/owner=prod-eu,external-dns\/resource=ingress\//,
    );
    expect(parseOwnership(serialized)).toEqual({ owner: 'prod-eu', resource });
  });

  it.each([
    ['the standard value', value('o', 'ingress/a/b'), { owner: 'o', resource: 'ingress/a/b' }],
    [
      'labels in another order',
      '"external-dns/resource=r,heritage=external-dns,external-dns/owner=o"',
      { owner: 'o', resource: 'r' },
    ],
    [
      'extra labels kept',
      '"heritage=external-dns,external-dns/owner=o,external-dns/foo=bar"',
      { owner: 'o', foo: 'bar' },
    ],
    ['without quotes', 'heritage=external-dns,external-dns/owner=o', { owner: 'o' }],
    ['split into several strings', '"heritage=external-dns,external-dns/own" "er=o"', { owner: 'o' }],
    ['another heritage is not ours', '"heritage=other,external-dns/owner=o"', undefined],
    ['no heritage is not ours', '"external-dns/owner=o"', undefined],
    ['an SPF record is not ours', '"v=spf1 include:_spf.example.com ~all"', undefined],
  ])('parses %s', (_t, v, expected) => {
    expect(parseOwnership(v)).toEqual(expected);
  });
});

describe('readOwnership', () => {
  const labelsOf = (records: Endpoint[], name: string, type: RecordType, setIdentifier?: string) =>
    records.find((r) => r.dnsName === name && r.recordType === type && r.setIdentifier === setIdentifier)
      ?.labels;

  it('labels a record from its new-format TXT and keeps the TXT out of the records', () => {
    const out = readOwnership(
      [rec('web.example.com', 'A', ['192.0.2.1']), txt('a-web.example.com', value('o1', 'service/a/web'))],
      noAffix,
    );
    expect(out.records).toHaveLength(1);
    expect(labelsOf(out.records, 'web.example.com', 'A')).toEqual({ owner: 'o1', resource: 'service/a/web' });
    expect(out.registry.map((r) => r.dnsName)).toEqual(['a-web.example.com']);
  });

  it('leaves a record without a TXT unowned, and a foreign or multi-valued TXT among the records', () => {
    const out = readOwnership(
      [
        rec('web.example.com', 'A', ['192.0.2.1']),
        txt('example.com', '"v=spf1 -all"'),
        rec('x.example.com', 'TXT', [value('o1', 'r'), '"other"']),
      ],
      noAffix,
    );
    expect(labelsOf(out.records, 'web.example.com', 'A')).toEqual({});
    expect(out.records.map((r) => r.dnsName).sort()).toEqual([
      'example.com',
      'web.example.com',
      'x.example.com',
    ]);
    expect(out.registry).toEqual([]);
  });

  it('a TXT for one type does not own another type at the same name', () => {
    const out = readOwnership(
      [
        rec('web.example.com', 'A', ['192.0.2.1']),
        rec('web.example.com', 'AAAA', ['2001:db8::1']),
        txt('aaaa-web.example.com', value('o1', 'r')),
      ],
      noAffix,
    );
    expect(labelsOf(out.records, 'web.example.com', 'A')).toEqual({});
    expect(labelsOf(out.records, 'web.example.com', 'AAAA')?.owner).toBe('o1');
  });

  it('old format (no type) owns every type but AAAA, and marks the records for migration', () => {
    const out = readOwnership(
      [
        rec('web.example.com', 'A', ['192.0.2.1']),
        rec('web.example.com', 'AAAA', ['2001:db8::1']),
        txt('web.example.com', value('o1', 'r')),
      ],
      noAffix,
    );
    expect(labelsOf(out.records, 'web.example.com', 'A')).toEqual({
      owner: 'o1',
      resource: 'r',
      [LABEL_TXT_MIGRATE]: 'true',
    });
    expect(labelsOf(out.records, 'web.example.com', 'AAAA')).toEqual({});
  });

  it('prefers the new format over the old one', () => {
    const out = readOwnership(
      [
        rec('web.example.com', 'CNAME', ['lb.example.net']),
        txt('web.example.com', value('old', 'r')),
        txt('cname-web.example.com', value('new', 'r')),
      ],
      noAffix,
    );
    expect(labelsOf(out.records, 'web.example.com', 'CNAME')).toEqual({ owner: 'new', resource: 'r' });
  });

  it('reads the legacy cname- TXT as ownership of an ALIAS A, not of a plain A', () => {
    const out = readOwnership(
      [
        rec('alias.example.com', 'A', ['lb.elb.amazonaws.com'], { properties: { alias: true } }),
        txt('cname-alias.example.com', value('o1', 'r')),
        rec('plain.example.com', 'A', ['192.0.2.1']),
        txt('cname-plain.example.com', value('o1', 'r')),
      ],
      noAffix,
    );
    expect(labelsOf(out.records, 'alias.example.com', 'A')?.owner).toBe('o1');
    expect(labelsOf(out.records, 'alias.example.com', 'A')?.[LABEL_TXT_MIGRATE]).toBe('true');
    expect(labelsOf(out.records, 'plain.example.com', 'A')).toEqual({});
  });

  it('gives weighted records each their own TXT, told apart by set identifier', () => {
    const out = readOwnership(
      [
        rec('w.example.com', 'A', ['192.0.2.1'], { setIdentifier: 'blue', properties: { weight: 10 } }),
        rec('w.example.com', 'A', ['192.0.2.2'], { setIdentifier: 'green', properties: { weight: 10 } }),
        txt('a-w.example.com', value('o1', 'blue-svc'), {
          setIdentifier: 'blue',
          properties: { weight: 10 },
        }),
        txt('a-w.example.com', value('o2', 'green-svc'), {
          setIdentifier: 'green',
          properties: { weight: 10 },
        }),
      ],
      noAffix,
    );
    expect(labelsOf(out.records, 'w.example.com', 'A', 'blue')?.owner).toBe('o1');
    expect(labelsOf(out.records, 'w.example.com', 'A', 'green')?.owner).toBe('o2');
  });

  it.each([
    ['a prefix', { ...noAffix, prefix: 'txt.' }, 'txt.a-web.example.com'],
    ['a suffix', { ...noAffix, suffix: '-own' }, 'a-web-own.example.com'],
    ['a template prefix', { ...noAffix, prefix: '%{record_type}.' }, 'a.web.example.com'],
  ])('finds the TXT under %s', (_t, o, name) => {
    const out = readOwnership([rec('web.example.com', 'A', ['192.0.2.1']), txt(name, value('o1', 'r'))], o);
    expect(labelsOf(out.records, 'web.example.com', 'A')?.owner).toBe('o1');
  });

  it('finds a wildcard record through the wildcard replacement', () => {
    const out = readOwnership(
      [rec('*.example.com', 'A', ['192.0.2.1']), txt('a-star.example.com', value('o1', 'r'))],
      { ...noAffix, wildcardReplacement: 'star' },
    );
    expect(labelsOf(out.records, '*.example.com', 'A')?.owner).toBe('o1');
  });

  it('does not ask to migrate an apex record whose new-format TXT could not live in the zone', () => {
    const records = [rec('example.com', 'A', ['192.0.2.1']), txt('example.com', value('o1', 'r'))];
    expect(labelsOf(readOwnership(records, noAffix).records, 'example.com', 'A')?.[LABEL_TXT_MIGRATE]).toBe(
      'true',
    );
    const inZone = readOwnership(records, { ...noAffix, zone: 'example.com' });
    expect(labelsOf(inZone.records, 'example.com', 'A')).toEqual({ owner: 'o1', resource: 'r' });
  });
});

describe('toChangeGroups', () => {
  const web = owned(rec('web.example.com', 'A', ['192.0.2.1'], { ttl: 60 }), 'o1', 'service/a/web');

  it('create: CREATE record and CREATE its new-format TXT in one group (TTL 300)', () => {
    const groups = toChangeGroups({ ...emptyPlan(), create: [web] }, [], noAffix);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.map((c) => [c.action, c.endpoint.dnsName, c.endpoint.recordType])).toEqual([
      ['CREATE', 'web.example.com', 'A'],
      ['CREATE', 'a-web.example.com', 'TXT'],
    ]);
    expect(groups[0]![1]!.endpoint).toMatchObject({ targets: [value('o1', 'service/a/web')], ttl: 300 });
  });

  it('create: the TXT carries the set identifier and routing properties, not the alias', () => {
    const weighted = owned(
      rec('w.example.com', 'A', ['lb.example.net'], {
        setIdentifier: 'blue',
        properties: { alias: true, evaluateTargetHealth: true, weight: 20, healthCheckId: 'hc-1' },
      }),
      'o1',
      'r',
    );
    const [group] = toChangeGroups({ ...emptyPlan(), create: [weighted] }, [], noAffix);
    expect(group![1]!.endpoint).toMatchObject({
      dnsName: 'a-w.example.com',
      setIdentifier: 'blue',
      properties: { weight: 20, healthCheckId: 'hc-1' },
    });
    expect(group![1]!.endpoint.properties.alias).toBeUndefined();
  });

  it("create over its own owner's orphaned TXT: UPSERT the TXT (CREATE would fail the batch)", () => {
    const orphan = readOwnership([txt('a-web.example.com', value('o1', 'x'))], noAffix).registry;
    const [group] = toChangeGroups({ ...emptyPlan(), create: [web] }, orphan, noAffix);
    expect(group!.map((c) => c.action)).toEqual(['CREATE', 'UPSERT']);
  });

  it("never overwrites another owner's orphaned TXT: the record waits, with a warning naming both", () => {
    const orphan = readOwnership([txt('a-web.example.com', value('gone', 'x'))], noAffix).registry;
    const { groups, warnings } = planRegistryChanges({ ...emptyPlan(), create: [web] }, orphan, noAffix);
    expect(groups).toEqual([]);
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'txt-of-another-owner',
        object: 'service/a/web',
        message: expect.stringContaining('a-web.example.com belongs to owner gone'),
      }),
    ]);
  });

  it('update with the same owner and resource and a new-format TXT: UPSERT the record only', () => {
    const zone = readOwnership([web, txt('a-web.example.com', value('o1', 'service/a/web'))], noAffix);
    const next = { ...web, targets: ['192.0.2.2'] };
    const groups = toChangeGroups(
      { ...emptyPlan(), updateOld: [web], updateNew: [next] },
      zone.registry,
      noAffix,
    );
    expect(groups.map((g) => g.map((c) => `${c.action} ${c.endpoint.dnsName}`))).toEqual([
      ['UPSERT web.example.com'],
    ]);
  });

  it.each([
    ['the resource changed', [txt('a-web.example.com', value('o1', 'service/a/old'))]],
    ['the TXT is missing', []],
    ['only an old-format TXT exists (migration)', [txt('web.example.com', value('o1', 'service/a/web'))]],
  ])('update where %s: UPSERT record and new-format TXT', (_t, txts) => {
    const zone = readOwnership([web, ...txts], noAffix);
    const groups = toChangeGroups(
      { ...emptyPlan(), updateOld: [web], updateNew: [web] },
      zone.registry,
      noAffix,
    );
    expect(groups.map((g) => g.map((c) => `${c.action} ${c.endpoint.dnsName}`))).toEqual([
      ['UPSERT web.example.com', 'UPSERT a-web.example.com'],
    ]);
    expect(groups[0]![1]!.endpoint.targets).toEqual([value('o1', 'service/a/web')]);
  });

  it('delete: DELETE record and its TXT exactly as read (a DELETE must match)', () => {
    const stored =
      '"heritage=external-dns,external-dns/resource=service/a/web,external-dns/owner=o1,external-dns/x=y"';
    const zone = readOwnership([web, txt('a-web.example.com', stored)], noAffix);
    const [group] = toChangeGroups({ ...emptyPlan(), delete: [web] }, zone.registry, noAffix);
    expect(group!.map((c) => [c.action, c.endpoint.dnsName, c.endpoint.targets[0]])).toEqual([
      ['DELETE', 'web.example.com', '192.0.2.1'],
      ['DELETE', 'a-web.example.com', stored],
    ]);
  });

  it('delete without any TXT: no TXT DELETE (a DELETE of a missing record fails the batch)', () => {
    const [group] = toChangeGroups({ ...emptyPlan(), delete: [web] }, [], noAffix);
    expect(group!.map((c) => c.endpoint.recordType)).toEqual(['A']);
  });

  it('an old-format TXT shared by two records goes with the last of them, once', () => {
    const cname = owned(rec('web.example.com', 'MX', ['10 mail.example.com']), 'o1', 'r');
    const zone = readOwnership([web, cname, txt('web.example.com', value('o1', 'r'))], noAffix);
    const [a, b] = zone.records;
    const one = toChangeGroups({ ...emptyPlan(), delete: [a!] }, zone.registry, noAffix);
    expect(one.flat().filter((c) => c.endpoint.recordType === 'TXT')).toEqual([]);
    const both = toChangeGroups({ ...emptyPlan(), delete: [a!, b!] }, zone.registry, noAffix);
    expect(
      both
        .flat()
        .filter((c) => c.endpoint.recordType === 'TXT')
        .map((c) => c.endpoint.dnsName),
    ).toEqual(['web.example.com']);
  });

  it('deleting an ALIAS A also deletes its legacy cname- TXT and its new one', () => {
    const alias = rec('al.example.com', 'A', ['lb.example.net'], { properties: { alias: true } });
    const zone = readOwnership(
      [alias, txt('cname-al.example.com', value('o1', 'r')), txt('a-al.example.com', value('o1', 'r'))],
      noAffix,
    );
    const [group] = toChangeGroups({ ...emptyPlan(), delete: zone.records }, zone.registry, noAffix);
    expect(group!.map((c) => c.endpoint.dnsName).sort()).toEqual([
      'a-al.example.com',
      'al.example.com',
      'cname-al.example.com',
    ]);
  });

  it('orders groups deletes, then updates, then creates', () => {
    const other = owned(rec('b.example.com', 'A', ['192.0.2.9']), 'o1', 'r');
    const gone = owned(rec('c.example.com', 'A', ['192.0.2.8']), 'o1', 'r');
    const groups = toChangeGroups(
      { create: [web], updateOld: [other], updateNew: [other], delete: [gone] },
      [],
      noAffix,
    );
    expect(groups.map((g) => g[0]!.action)).toEqual(['DELETE', 'UPSERT', 'CREATE']);
  });

  it('an apex create whose TXT would fall outside the zone is not made, and is reported', () => {
    const apex = owned(rec('example.com', 'A', ['192.0.2.1']), 'o1', 'service/a/apex');
    const out = planRegistryChanges({ ...emptyPlan(), create: [apex] }, [], {
      ...noAffix,
      zone: 'example.com',
    });
    expect(out.groups).toEqual([]);
    expect(out.warnings).toMatchObject([
      { code: 'txt-outside-zone', dnsName: 'example.com', object: 'service/a/apex' },
    ]);
    const templated = planRegistryChanges({ ...emptyPlan(), create: [apex] }, [], {
      ...noAffix,
      prefix: '%{record_type}.',
      zone: 'example.com',
    });
    expect(templated.groups.flat().map((c) => c.endpoint.dnsName)).toEqual(['example.com', 'a.example.com']);
  });

  it('record changes carry no registry-internal labels', () => {
    const zone = readOwnership([web, txt('web.example.com', value('o1', 'service/a/web'))], noAffix);
    const groups = toChangeGroups(
      { ...emptyPlan(), updateOld: zone.records, updateNew: zone.records },
      zone.registry,
      noAffix,
    );
    for (const c of groups.flat()) expect(c.endpoint.labels[LABEL_TXT_MIGRATE]).toBeUndefined();
  });
});

describe('TXT records beside the registry (TXT in managedRecordTypes)', () => {
  const spf = rec('corp.example.com', 'TXT', ['"v=spf1 include:mail.example.net -all"']);

  it('reads a TXT record as a record, owned through its own txt- ownership TXT, and the ownership TXT apart', () => {
    const out = readOwnership([spf, txt('txt-corp.example.com', value('o1', 'crd/dns/mail'))], noAffix);
    expect(out.records).toEqual([owned(spf, 'o1', 'crd/dns/mail')]);
    expect(out.registry.map((t) => [t.dnsName, t.users])).toEqual([
      ['txt-corp.example.com', ['corp.example.com|TXT|']],
    ]);
  });

  it("does not take another type's ownership TXT for the TXT record's", () => {
    const out = readOwnership([spf, txt('a-corp.example.com', value('o1', 'service/a/web'))], noAffix);
    expect(out.records).toEqual([spf]);
  });

  it('writes a created TXT record with its ownership TXT, the one marked as ownership', () => {
    const [group] = toChangeGroups(
      { ...emptyPlan(), create: [owned(spf, 'o1', 'crd/dns/mail')] },
      [],
      noAffix,
    );
    expect(group!.map((c) => [c.action, c.endpoint.dnsName, c.ownership ?? false])).toEqual([
      ['CREATE', 'corp.example.com', false],
      ['CREATE', 'txt-corp.example.com', true],
    ]);
    expect(group![1]!.endpoint.targets).toEqual([value('o1', 'crd/dns/mail')]);
  });

  it('deletes a TXT record with its ownership TXT', () => {
    const zone = readOwnership([spf, txt('txt-corp.example.com', value('o1', 'crd/dns/mail'))], noAffix);
    const [group] = toChangeGroups({ ...emptyPlan(), delete: zone.records }, zone.registry, noAffix);
    expect(group!.map((c) => [c.action, c.endpoint.dnsName, c.ownership ?? false])).toEqual([
      ['DELETE', 'corp.example.com', false],
      ['DELETE', 'txt-corp.example.com', true],
    ]);
  });

  it('does not create a TXT record where an ownership TXT stands (one record set), and says so', () => {
    const zone = readOwnership([txt('a-web.example.com', value('o2', 'service/a/web'))], noAffix);
    const taker = owned(rec('a-web.example.com', 'TXT', ['"verify=1"']), 'o1', 'crd/dns/v');
    const out = planRegistryChanges(
      { ...emptyPlan(), create: [taker] },
      zone.registry,
      noAffix,
      zone.records,
    );
    expect(out.groups).toEqual([]);
    expect(out.warnings).toEqual([
      expect.objectContaining({
        code: 'txt-name-is-ownership-record',
        dnsName: 'a-web.example.com',
        object: 'crd/dns/v',
      }),
    ]);
  });

  it('does not write an ownership TXT over a TXT record at its name, nor create the record without one', () => {
    const theirs = rec('a-web.example.com', 'TXT', ['"verify=1"']);
    const zone = readOwnership([theirs], noAffix);
    const web = owned(rec('web.example.com', 'A', ['192.0.2.1']), 'o1', 'service/a/web');
    const out = planRegistryChanges({ ...emptyPlan(), create: [web] }, zone.registry, noAffix, zone.records);
    expect(out.groups).toEqual([]);
    expect(out.warnings.map((w) => w.code)).toEqual(['ownership-txt-name-taken']);
    // Once that TXT record is deleted in the same plan, the name is free.
    const freed = planRegistryChanges(
      { ...emptyPlan(), create: [web], delete: [owned(theirs, 'o1', 'crd/dns/v')] },
      zone.registry,
      noAffix,
      zone.records,
    );
    expect(freed.warnings).toEqual([]);
    expect(freed.groups.flat().map((c) => `${c.action} ${c.endpoint.dnsName}`)).toEqual([
      'DELETE a-web.example.com',
      'CREATE web.example.com',
      'CREATE a-web.example.com',
    ]);
  });
});
