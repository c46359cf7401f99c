import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordType } from '../../../shared/endpoint/endpoint.js';
import { isInZone, txtNameMapper } from '../../../shared/registry/txt-names.js';

const opts = (o: Partial<{ prefix: string; suffix: string; wildcardReplacement: string }> = {}) => ({
  prefix: '',
  suffix: '',
  wildcardReplacement: '',
  ...o,
});

describe('TXT names (ExternalDNS affix mapper)', () => {
  it.each([
    ['no affix: type marker before the first label', opts(), 'foo.example.com', 'A', 'a-foo.example.com'],
    ['no affix, CNAME', opts(), 'foo.example.com', 'CNAME', 'cname-foo.example.com'],
    ['no affix, AAAA', opts(), 'foo.example.com', 'AAAA', 'aaaa-foo.example.com'],
    [
      'prefix with a dot goes before the first label',
      opts({ prefix: 'txt.' }),
      'foo.example.com',
      'A',
      'txt.a-foo.example.com',
    ],
    ['prefix without a dot', opts({ prefix: 'txt-' }), 'foo.example.com', 'A', 'txt-a-foo.example.com'],
    [
      'suffix goes after the first label',
      opts({ suffix: '-txt' }),
      'foo.example.com',
      'A',
      'a-foo-txt.example.com',
    ],
    ['suffix with a dot', opts({ suffix: '.txt' }), 'foo.example.com', 'A', 'a-foo.txt.example.com'],
    [
      '%{record_type} in the prefix replaces the marker',
      opts({ prefix: '%{record_type}-' }),
      'foo.example.com',
      'CNAME',
      'cname-foo.example.com',
    ],
    [
      '%{record_type}. prefix',
      opts({ prefix: '%{record_type}.' }),
      'foo.example.com',
      'A',
      'a.foo.example.com',
    ],
    [
      'template inside a prefix',
      opts({ prefix: 'txt-%{record_type}.' }),
      'foo.example.com',
      'AAAA',
      'txt-aaaa.foo.example.com',
    ],
    [
      '%{record_type} in the suffix',
      opts({ suffix: '-%{record_type}' }),
      'foo.example.com',
      'A',
      'foo-a.example.com',
    ],
    ['apex: the zone name itself is split at its first dot', opts(), 'example.com', 'A', 'a-example.com'],
    [
      'apex with a %{record_type}. prefix stays inside the zone',
      opts({ prefix: '%{record_type}.' }),
      'example.com',
      'A',
      'a.example.com',
    ],
    [
      'wildcard replaced',
      opts({ wildcardReplacement: 'wildcard' }),
      '*.example.com',
      'A',
      'a-wildcard.example.com',
    ],
    ['wildcard kept without a replacement', opts(), '*.example.com', 'A', 'a-*.example.com'],
    ['affixes are lower-cased', opts({ prefix: 'TXT.' }), 'foo.example.com', 'A', 'txt.a-foo.example.com'],
    ['a single-label name', opts({ suffix: '-txt' }), 'localhost', 'A', 'a-localhost-txt'],
  ] as const)('%s', (_title, o, name, type, expected) => {
    const m = txtNameMapper(o);
    expect(m.txtName(name, type)).toBe(expected);
    expect(m.recordFor(expected)).toEqual({ dnsName: m.lookupName(name), recordType: type });
  });

  it.each([
    ['old format without affix: no type', opts(), 'foo.example.com', { dnsName: 'foo.example.com' }],
    [
      'old format with a prefix',
      opts({ prefix: 'txt.' }),
      'txt.foo.example.com',
      { dnsName: 'foo.example.com' },
    ],
    [
      'old format with a suffix',
      opts({ suffix: '-txt' }),
      'foo-txt.example.com',
      { dnsName: 'foo.example.com' },
    ],
    [
      'old format under a template prefix',
      opts({ prefix: 'txt-%{record_type}.' }),
      'txt-.foo.example.com',
      { dnsName: 'foo.example.com' },
    ],
    ['a name without the prefix is not ours', opts({ prefix: 'txt.' }), 'other.foo.example.com', undefined],
    ['a name without the suffix is not ours', opts({ suffix: '-txt' }), 'foo.example.com', undefined],
    [
      'upper case read as lower case',
      opts(),
      'CNAME-Foo.Example.com',
      { dnsName: 'foo.example.com', recordType: 'CNAME' },
    ],
    [
      'an unknown marker is part of the name (old format)',
      opts(),
      'web-foo.example.com',
      { dnsName: 'web-foo.example.com' },
    ],
  ] as const)('reads %s', (_title, o, txt, expected) => {
    expect(txtNameMapper(o).recordFor(txt)).toEqual(expected);
  });

  it('rejects a prefix and a suffix together, naming both fields', () => {
    expect(() => txtNameMapper(opts({ prefix: 'a.', suffix: '-b' }))).toThrow(/txtPrefix and txtSuffix/);
  });

  it('isInZone: the apex and names below it only', () => {
    expect(isInZone('example.com', 'example.com.')).toBe(true);
    expect(isInZone('a.example.com', 'example.com')).toBe(true);
    expect(isInZone('a-example.com', 'example.com')).toBe(false);
  });

  it('property: every new-format name maps back to its record and type', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
    const affix = fc.constantFrom(
      {},
      { prefix: 'txt.' },
      { prefix: 'txt-' },
      { prefix: '%{record_type}.' },
      { prefix: 'x-%{record_type}-' },
      { suffix: '-txt' },
      { suffix: '.txt' },
      { suffix: '-%{record_type}' },
      { suffix: '.%{record_type}.reg' },
    );
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.constantFrom<RecordType>('A', 'AAAA', 'CNAME', 'MX', 'NS', 'SRV'),
        affix,
        fc.constantFrom('', 'wild'),
        (labels, wildcard, type, a, wildcardReplacement) => {
          const name = (wildcard ? ['*', ...labels] : labels).join('.');
          const m = txtNameMapper(opts({ ...a, wildcardReplacement }));
          expect(m.recordFor(m.txtName(name, type))).toEqual({
            dnsName: m.lookupName(name),
            recordType: type,
          });
        },
      ),
    );
  });
});

describe('ownershipNames', () => {
  it('lists the new-format name of each type and the old-format name, as the registry writes them', () => {
    const names = txtNameMapper({ prefix: 'txt-', suffix: '', wildcardReplacement: '' });
    expect(names.ownershipNames('kargo.example.com', ['A', 'CNAME'])).toEqual([
      'txt-a-kargo.example.com',
      'txt-cname-kargo.example.com',
      'txt-kargo.example.com',
    ]);
    const typed = txtNameMapper({ prefix: '', suffix: '-%{record_type}', wildcardReplacement: 'any' });
    expect(typed.ownershipNames('*.example.com', ['AAAA'])).toEqual([
      'any-aaaa.example.com',
      'any-.example.com',
    ]);
  });

  it('agrees with txtName and recordFor', () => {
    const names = txtNameMapper({ prefix: '', suffix: '.own', wildcardReplacement: '' });
    const [typed, old] = names.ownershipNames('shop.example.com', ['A']);
    expect(typed).toBe(names.txtName('shop.example.com', 'A'));
    expect(names.recordFor(old as string)).toEqual({ dnsName: 'shop.example.com' });
  });
});
