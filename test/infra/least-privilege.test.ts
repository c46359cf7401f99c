import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditFilterPattern, auditResources, MAX_FILTER_PATTERN_LENGTH } from '../../infra/audit-filter.js';
import {
  changeableRecordTypes,
  hostedZoneIds,
  inexpressibleNameFilters,
  normalizeDomain,
  type RecordNameScope,
  recordNamePatterns,
  regexFilterScope,
  route53NormalizedName,
} from '../../infra/least-privilege.js';
import { parseConfig, SOURCE_NAMES } from '../../shared/config.js';
import { normalizedRecordName, stringLike } from '../support/iam-policy.js';

const scope = (domainFilters: string[], registry: Partial<RecordNameScope> = {}): RecordNameScope => ({
  domainFilters,
  txtPrefix: '',
  txtSuffix: '',
  txtWildcardReplacement: '',
  managedRecordTypes: ['A', 'AAAA', 'CNAME'],
  excludeRecordTypes: [],
  ...registry,
});
const allowed = (patterns: string[], name: string) =>
  patterns.some((p) => stringLike(p, normalizedRecordName(name)));

describe('recordNamePatterns', () => {
  it.each([
    [
      ['example.com'],
      ['*.example.com', 'a-example.com', 'aaaa-example.com', 'cname-example.com', 'example.com'],
    ],
    [
      ['Example.COM.'],
      ['*.example.com', 'a-example.com', 'aaaa-example.com', 'cname-example.com', 'example.com'],
    ],
    [['.example.com'], ['*.example.com']],
    [
      ['a.example.com', 'example.com', 'a.example.com'],
      [
        '*.a.example.com',
        '*.example.com',
        'a-example.com',
        'aaaa-example.com',
        'cname-example.com',
        'example.com',
      ],
    ],
  ])('%j → %j', (filters, patterns) => {
    expect(recordNamePatterns(scope(filters))).toEqual(patterns);
  });

  it('lists the ownership TXTs of a filter below its zone by name, with the configured affix', () => {
    expect(recordNamePatterns(scope(['kargo.example.com']))).toEqual([
      '*.kargo.example.com',
      'a-kargo.example.com',
      'aaaa-kargo.example.com',
      'cname-kargo.example.com',
      'kargo.example.com',
    ]);
    expect(recordNamePatterns(scope(['kargo.example.com'], { txtSuffix: '-%{record_type}' }))).toEqual([
      '*.kargo.example.com',
      'kargo-.example.com',
      'kargo-a.example.com',
      'kargo-aaaa.example.com',
      'kargo-cname.example.com',
      'kargo.example.com',
    ]);
    // TXT managed (a DNSEndpoint's SPF at the filter's own name): its ownership TXT txt-<name> too.
    expect(recordNamePatterns(scope(['kargo.example.com'], { managedRecordTypes: ['A', 'TXT'] }))).toEqual([
      '*.kargo.example.com',
      'a-kargo.example.com',
      'cname-kargo.example.com',
      'kargo.example.com',
      'txt-kargo.example.com',
    ]);
    // A prefix ending in a dot keeps every TXT under the filter: nothing to list by name.
    expect(recordNamePatterns(scope(['kargo.example.com'], { txtPrefix: '%{record_type}.' }))).toEqual([
      '*.kargo.example.com',
      'kargo.example.com',
    ]);
  });

  it.each([
    ['shop.example.com.', true],
    ['example.com', true],
    ['*.shop.example.com', true],
    ['a-shop.example.com', true],
    ['_3f1c.shop.example.com', true],
    ['EXAMPLE.com', true],
    ['example.com.evil.net', false],
    ['notexample.com', false],
    ['example.org', false],
  ])('lets a change to %s through: %s', (name, expected) => {
    expect(allowed(recordNamePatterns(scope(['example.com'])), name)).toBe(expected);
  });

  it('allows every name under a managed domain and none outside it', () => {
    const label = fc.stringMatching(/^[a-z0-9_-]{1,20}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 0, maxLength: 4 }), label, (sub, other) => {
        const patterns = recordNamePatterns(scope(['example.com']));
        // Outside the domain, only the apex record's own ownership TXT names (`a-example.com`, ...: the
        // registry's type prefix) are allowed, each exactly.
        const apexOwnership = patterns.filter((p) => !p.startsWith('*.') && p !== 'example.com');
        expect(apexOwnership.length).toBeGreaterThan(0);
        expect(allowed(patterns, [...sub, 'example.com'].join('.'))).toBe(true);
        const outside = [...sub, `${other}example`, 'com'].join('.');
        expect(allowed(patterns, outside)).toBe(apexOwnership.includes(outside));
      }),
    );
  });

  it('normalizes domains as Route 53 compares them', () => {
    expect(normalizeDomain('  .Apps.Example.org.. ')).toBe('apps.example.org');
    expect(route53NormalizedName('*.Shop.example.com.')).toBe('\\052.shop.example.com');
    expect(route53NormalizedName('a b@x.example.com')).toBe('a\\040b\\100x.example.com');
  });
});

describe('regexFilterScope', () => {
  it.each([
    ['^(shop|pay)\\.example\\.com$', { under: 'example.com' }],
    ['\\.example\\.com$', { under: 'example.com' }],
    ['^shop\\.example\\.com$', { exact: 'shop.example.com' }],
    ['example\\.com$', { under: 'com' }],
    ['^[a-z]+-api\\.apps\\.example\\.com$', { under: 'apps.example.com' }],
    ['example\\.com', undefined],
    ['^a\\.example\\.com$|^b\\.example\\.org$', undefined],
    ['^(a|b)\\.example\\.com+$', undefined],
    ['^a\\.example\\.com\\$', undefined],
    ['(', undefined],
  ])('%s → %j', (regex, expected) => {
    expect(regexFilterScope(regex)).toEqual(expected);
  });
});

describe('inexpressibleNameFilters', () => {
  it('names the field, and says what the role would allow', () => {
    expect(
      inexpressibleNameFilters({ domainFilters: ['example.com'], regexDomainFilter: '\\.example\\.org$' }),
    ).toEqual([
      {
        path: 'regexDomainFilter',
        message:
          'selects names under example.org, outside domainFilters (example.com); record changes are allowed only under domainFilters',
      },
    ]);
    expect(
      inexpressibleNameFilters({ domainFilters: ['.example.com'], regexDomainFilter: '^example\\.com$' }),
    ).toHaveLength(1);
    expect(
      inexpressibleNameFilters({ domainFilters: ['.example.com'], regexDomainFilter: '\\.example\\.com$' }),
    ).toEqual([]);
  });
});

describe('changeableRecordTypes', () => {
  it('adds TXT (registry) and CNAME (ACM validation) to the managed types, minus exclusions', () => {
    expect(changeableRecordTypes({ managedRecordTypes: ['A', 'AAAA'], excludeRecordTypes: [] })).toEqual([
      'A',
      'AAAA',
      'CNAME',
      'TXT',
    ]);
    expect(
      changeableRecordTypes({ managedRecordTypes: ['A', 'NS', 'MX'], excludeRecordTypes: ['MX'] }),
    ).toEqual(['A', 'CNAME', 'NS', 'TXT']);
  });
});

describe('hostedZoneIds', () => {
  it('accepts the forms Route 53 returns ids in', () => {
    expect(hostedZoneIds(['/hostedzone/Z2', 'hostedzone/Z1', 'Z1', ' Z3 '])).toEqual(['Z1', 'Z2', 'Z3']);
  });
});

describe('auditFilterPattern', () => {
  it('passes completed, successful writes to the kinds the sources read', () => {
    expect(auditFilterPattern(['service', 'ingress'])).toBe(
      '{ $.stage = "ResponseComplete" && ($.verb = "create" || $.verb = "update" || $.verb = "patch" || $.verb = "delete" || $.verb = "deletecollection") && ($.objectRef.resource = "ingresses" || $.objectRef.resource = "services") && $.responseStatus.code < 400 }',
    );
  });

  it('never passes reads', () => {
    expect(auditFilterPattern(['service'])).not.toMatch(/"(get|list|watch)"/);
  });

  it('maps Gateway API and Traefik sources to their resources', () => {
    expect(auditResources(['gateway-httproute', 'traefik-proxy', 'gateway-grpcroute'])).toEqual([
      'gateways',
      'grpcroutes',
      'httproutes',
      'ingressroutes',
      'ingressroutetcps',
      'ingressrouteudps',
    ]);
  });

  it('adds Services for traefik-proxy only when the config names a traefikService', () => {
    const config = parseConfig({ sources: ['traefik-proxy'], traefikService: 'traefik/traefik' });
    expect(auditResources(['traefik-proxy'], config)).toContain('services');
    expect(auditResources(['traefik-proxy'])).not.toContain('services');
  });

  it('refuses a source it cannot map, naming it', () => {
    expect(() => auditFilterPattern(['service', 'pod'])).toThrow('sources: pod: no audit-log mapping');
  });

  it('stays within the CloudWatch Logs limit for every source at once', () => {
    expect(auditFilterPattern(SOURCE_NAMES).length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
  });
});
