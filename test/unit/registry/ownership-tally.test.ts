import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isManaged, ownedRecordCounts } from '../../../shared/dns/plan.js';
import { DomainFilter } from '../../../shared/endpoint/domain-filter.js';
import type { Endpoint, RecordType } from '../../../shared/endpoint/endpoint.js';
import {
  OwnershipTally,
  type RegistryOptions,
  readOwnership,
  serializeOwnership,
} from '../../../shared/registry/txt.js';
import { txtNameMapper } from '../../../shared/registry/txt-names.js';

/**
 * The deletion guard's page-by-page count (`OwnershipTally`) against the count over the whole read
 * (`ownedRecordCounts(readOwnership(...))`): the same after every page, whatever the order and split.
 */

const NAMES = ['a.example.com', 'b.example.com', 'c.d.example.com'];
const AFFIXES: RegistryOptions[] = [
  { prefix: '', suffix: '', wildcardReplacement: '' },
  { prefix: 'txt.', suffix: '', wildcardReplacement: '' },
  { prefix: '', suffix: '-own', wildcardReplacement: '' },
];
const considered = {
  managedRecordTypes: ['A', 'AAAA', 'CNAME'] as RecordType[],
  excludeRecordTypes: [] as RecordType[],
  domainFilter: new DomainFilter({}),
};

const arbEntry = fc.record({
  dnsName: fc.constantFrom(...NAMES),
  recordType: fc.constantFrom<RecordType>('A', 'AAAA', 'CNAME', 'MX'),
  setIdentifier: fc.option(fc.constantFrom('blue'), { nil: undefined }),
  alias: fc.boolean(),
  txt: fc.constantFrom('none', 'new', 'old', 'legacy', 'foreign-value'),
  owner: fc.constantFrom('o1', 'o2', ''),
});

type Entry = typeof arbEntry extends fc.Arbitrary<infer T> ? T : never;

function zoneOf(entries: readonly Entry[], o: RegistryOptions): Endpoint[] {
  const names = txtNameMapper(o);
  const zone: Endpoint[] = [];
  for (const g of entries) {
    const set = g.setIdentifier ? { setIdentifier: g.setIdentifier } : {};
    zone.push({
      dnsName: g.dnsName,
      recordType: g.recordType,
      targets: ['192.0.2.1'],
      ...set,
      labels: {},
      properties: g.alias && g.recordType === 'A' ? { alias: true } : {},
    });
    const value =
      g.txt === 'foreign-value'
        ? '"v=spf1 -all"'
        : serializeOwnership(g.owner ? { owner: g.owner } : { owner: '' });
    const txtName =
      g.txt === 'new' || g.txt === 'foreign-value'
        ? names.txtName(g.dnsName, g.recordType)
        : g.txt === 'legacy'
          ? names.txtName(g.dnsName, 'CNAME')
          : g.txt === 'old'
            ? names.ownershipNames(g.dnsName, []).at(-1)!
            : undefined;
    if (txtName)
      zone.push({
        dnsName: txtName,
        recordType: 'TXT',
        targets: [value],
        ...set,
        labels: {},
        properties: {},
      });
  }
  return zone;
}

describe('OwnershipTally', () => {
  it('counts each owner as readOwnership over everything read so far would, after every page', () => {
    fc.assert(
      fc.property(
        fc.array(arbEntry, { maxLength: 12 }),
        fc.constantFrom(...AFFIXES),
        fc.func(fc.integer()),
        fc.integer({ min: 1, max: 5 }),
        (entries, affix, rank, pageSize) => {
          const zone = zoneOf(entries, affix).sort((a, b) => rank(a) - rank(b));
          const tally = new OwnershipTally(affix, (r) => isManaged(r, considered));
          for (let i = 0; i < zone.length; i += pageSize) {
            tally.add(zone.slice(i, i + pageSize));
            const read = zone.slice(0, i + pageSize);
            expect(tally.owned()).toEqual(ownedRecordCounts(readOwnership(read, affix).records, considered));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
