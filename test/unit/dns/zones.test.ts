import { describe, expect, it } from 'vitest';
import {
  cleanZoneId,
  filterZones,
  type HostedZone,
  matchesDomainFilters,
  matchesZoneTags,
  type ZoneFilterConfig,
  zonesForName,
} from '../../../shared/dns/zones.js';

function zone(id: string, name: string, extra: Partial<HostedZone> = {}): HostedZone {
  return { id, name, private: false, tags: {}, ...extra };
}

const ZONES: HostedZone[] = [
  zone('ZPUB1', 'example.com', { tags: { team: 'edge', env: 'prod' } }),
  zone('ZPUB2', 'eu.example.com', { tags: { team: 'edge' } }),
  zone('ZPRIV1', 'example.com', { private: true, tags: { env: 'prod' } }),
  zone('ZPRIV2', 'internal.example.com', { private: true }),
  zone('ZOTHER', 'badexample.com'),
  zone('ZORG', 'example.org', { tags: { team: 'edge', env: '' } }),
];

const NO_FILTERS: ZoneFilterConfig = { zoneIdFilters: [], zoneType: '', zoneTags: [], domainFilters: [] };

function ids(zones: HostedZone[]): string[] {
  return zones.map((z) => z.id);
}

describe('cleanZoneId', () => {
  it.each([
    ['/hostedzone/Z123', 'Z123'],
    ['hostedzone/Z123', 'Z123'],
    ['Z123', 'Z123'],
    [' /hostedzone/Z9 ', 'Z9'],
  ])('%s → %s', (input, expected) => {
    expect(cleanZoneId(input)).toBe(expected);
  });
});

describe('filterZones', () => {
  it.each<[string, Partial<ZoneFilterConfig>, string[]]>([
    ['no filters keep every zone', {}, ['ZPUB1', 'ZPUB2', 'ZPRIV1', 'ZPRIV2', 'ZOTHER', 'ZORG']],
    [
      'zone id filter, with and without prefix',
      { zoneIdFilters: ['/hostedzone/ZPUB2', 'ZORG'] },
      ['ZPUB2', 'ZORG'],
    ],
    ['public only', { zoneType: 'public' }, ['ZPUB1', 'ZPUB2', 'ZOTHER', 'ZORG']],
    ['private only', { zoneType: 'private' }, ['ZPRIV1', 'ZPRIV2']],
    ['tags: all pairs required', { zoneTags: ['team=edge', 'env=prod'] }, ['ZPUB1']],
    ['tags: empty value must match an empty value', { zoneTags: ['env='] }, ['ZORG']],
    ['tags: a bare key only requires the key', { zoneTags: ['env'] }, ['ZPUB1', 'ZPRIV1', 'ZORG']],
    [
      'domain filter keeps the zone and the zones within it, on label boundaries',
      { domainFilters: ['example.com'] },
      ['ZPUB1', 'ZPUB2', 'ZPRIV1', 'ZPRIV2'],
    ],
    [
      'a filter within a zone keeps the zone (parent match)',
      { domainFilters: ['app.eu.example.com'] },
      ['ZPUB1', 'ZPUB2', 'ZPRIV1'],
    ],
    [
      'leading-dot filter behaves like the plain domain',
      { domainFilters: ['.eu.example.com'] },
      ['ZPUB1', 'ZPUB2', 'ZPRIV1'],
    ],
    ['filters are case- and dot-insensitive', { domainFilters: ['Example.ORG.'] }, ['ZORG']],
    [
      'excluded domains drop zones within them',
      { domainFilters: ['example.com'], excludeDomains: ['internal.example.com', 'eu.example.com'] },
      ['ZPUB1', 'ZPRIV1'],
    ],
    [
      'filters combine',
      { zoneType: 'public', domainFilters: ['example.com'], zoneTags: ['team=edge'] },
      ['ZPUB1', 'ZPUB2'],
    ],
  ])('%s', (_title, filters, expected) => {
    expect(ids(filterZones(ZONES, { ...NO_FILTERS, ...filters }))).toEqual(expected);
  });
});

describe('matchesDomainFilters', () => {
  it.each<[string, string[], string[], boolean]>([
    ['example.com', [], [], true],
    ['badexample.com', ['example.com'], [], false],
    ['example.com', ['badexample.com'], [], false],
    ['sub.example.com', ['example.com'], [], true],
    ['example.com', ['deep.sub.example.com'], [], true],
    ['example.com', ['example.com'], ['example.com'], false],
    ['example.com', [''], [], true],
  ])('zone %s, filters %j, excluded %j → %s', (zoneName, filters, excluded, expected) => {
    expect(matchesDomainFilters(zoneName, filters, excluded)).toBe(expected);
  });
});

describe('matchesZoneTags', () => {
  it('requires every filter', () => {
    expect(matchesZoneTags({ a: '1', b: '2' }, ['a=1', 'b=2'])).toBe(true);
    expect(matchesZoneTags({ a: '1' }, ['a=1', 'b=2'])).toBe(false);
    expect(matchesZoneTags({ a: '1' }, ['a=2'])).toBe(false);
    expect(matchesZoneTags({}, [])).toBe(true);
  });

  it('keeps everything after the first = as the value', () => {
    expect(matchesZoneTags({ k: 'v=w' }, ['k=v=w'])).toBe(true);
  });

  it('does not take inherited object keys for tags', () => {
    expect(matchesZoneTags({}, ['toString'])).toBe(false);
  });
});

describe('zonesForName', () => {
  it.each<[string, string[]]>([
    // Every private zone is its own view; only the longest public zone gets the record.
    ['www.example.com', ['ZPRIV1', 'ZPUB1']],
    ['app.eu.example.com', ['ZPRIV1', 'ZPUB2']],
    ['eu.example.com', ['ZPRIV1', 'ZPUB2']],
    ['db.internal.example.com', ['ZPRIV1', 'ZPRIV2', 'ZPUB1']],
    ['www.badexample.com', ['ZOTHER']],
    ['badexample.com', ['ZOTHER']],
    ['example.net', []],
    ['xexample.com', []],
    ['*.eu.example.com', ['ZPRIV1', 'ZPUB2']],
    ['WWW.Example.COM.', ['ZPRIV1', 'ZPUB1']],
  ])('%s → %j', (name, expected) => {
    expect(ids(zonesForName(name, ZONES))).toEqual(expected);
  });

  it('picks the longest public zone whatever the input order', () => {
    expect(ids(zonesForName('a.eu.example.com', [...ZONES].reverse()))).toEqual(['ZPRIV1', 'ZPUB2']);
  });
});
