import { describe, expect, it } from 'vitest';
import { DomainFilter, type DomainFilterOptions } from '../../../shared/endpoint/domain-filter.js';

describe('DomainFilter (ExternalDNS endpoint.DomainFilter)', () => {
  it.each<[string, DomainFilterOptions, string, boolean]>([
    ['no filter takes every name', {}, 'anything.example.org', true],
    ['a filter takes its apex', { domainFilters: ['example.com'] }, 'example.com', true],
    ['a filter takes names below it', { domainFilters: ['example.com'] }, 'a.b.example.com', true],
    [
      'a filter is a whole label, not a string suffix',
      { domainFilters: ['example.com'] },
      'badexample.com',
      false,
    ],
    [
      'a filter with a trailing dot and upper case',
      { domainFilters: ['Example.COM.'] },
      'web.example.com',
      true,
    ],
    [
      'a leading-dot filter takes only names below',
      { domainFilters: ['.example.com'] },
      'example.com',
      false,
    ],
    ['a leading-dot filter takes a subdomain', { domainFilters: ['.example.com'] }, 'a.example.com', true],
    ['one of several filters', { domainFilters: ['example.org', 'example.com'] }, 'a.example.com', true],
    [
      'exclusion wins over a filter',
      { domainFilters: ['example.com'], excludeDomains: ['int.example.com'] },
      'a.int.example.com',
      false,
    ],
    [
      'exclusion leaves the rest',
      { domainFilters: ['example.com'], excludeDomains: ['int.example.com'] },
      'a.example.com',
      true,
    ],
    ['exclusion alone', { excludeDomains: ['example.org'] }, 'example.org', false],
    ['a trailing dot on the name', { domainFilters: ['example.com'] }, 'a.example.com.', true],
    ['regex filter', { regexDomainFilter: '^[a-z]+\\.example\\.com$' }, 'web.example.com', true],
    ['regex filter miss', { regexDomainFilter: '^[a-z]+\\.example\\.com$' }, 'a.b.example.com', false],
    [
      'regex replaces the lists',
      { regexDomainFilter: 'example\\.org$', domainFilters: ['example.com'] },
      'x.example.org',
      true,
    ],
    [
      'regex exclusion',
      { regexDomainFilter: 'example\\.com$', regexDomainExclusion: '^int\\.' },
      'int.example.com',
      false,
    ],
    ['regex exclusion alone', { regexDomainExclusion: '^int\\.' }, 'web.example.com', true],
  ])('%s', (_t, options, name, expected) => {
    expect(new DomainFilter(options).matches(name)).toBe(expected);
  });

  it('a bad regex is rejected with the field name', () => {
    expect(() => new DomainFilter({ regexDomainExclusion: '(' })).toThrow(/regexDomainExclusion/);
  });

  it('isConfigured reflects any rule', () => {
    expect(new DomainFilter({}).isConfigured).toBe(false);
    expect(new DomainFilter({ excludeDomains: ['x.com'] }).isConfigured).toBe(true);
  });
});
