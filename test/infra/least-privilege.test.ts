import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditFilterPattern, auditResources, MAX_FILTER_PATTERN_LENGTH } from '../../infra/audit-filter.js';
import {
  changeableRecordTypes,
  hostedZoneIds,
  normalizeDomain,
  recordNamePatterns,
} from '../../infra/least-privilege.js';

/** IAM's StringLike: `*` any run of characters, `?` one character. */
function stringLike(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}
/** Route 53's normalised record name: lower case, no trailing dot, `*` as `\052`. */
function normalized(name: string): string {
  return name.toLowerCase().replace(/\.$/, '').replaceAll('*', '\\052');
}
const allowed = (patterns: string[], name: string) => patterns.some((p) => stringLike(p, normalized(name)));

describe('recordNamePatterns', () => {
  it.each([
    [['example.com'], ['*.example.com', 'example.com']],
    [['Example.COM.'], ['*.example.com', 'example.com']],
    [['.example.com'], ['*.example.com']],
    [
      ['a.example.com', 'example.com', 'a.example.com'],
      ['*.a.example.com', '*.example.com', 'a.example.com', 'example.com'],
    ],
  ])('%j → %j', (filters, patterns) => {
    expect(recordNamePatterns(filters)).toEqual(patterns);
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
    expect(allowed(recordNamePatterns(['example.com']), name)).toBe(expected);
  });

  it('allows every name under a managed domain and none outside it', () => {
    const label = fc.stringMatching(/^[a-z0-9_-]{1,20}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 0, maxLength: 4 }), label, (sub, other) => {
        const patterns = recordNamePatterns(['example.com']);
        expect(allowed(patterns, [...sub, 'example.com'].join('.'))).toBe(true);
        expect(allowed(patterns, [...sub, `${other}example`, 'com'].join('.'))).toBe(false);
      }),
    );
  });

  it('normalizes domains as Route 53 compares them', () => {
    expect(normalizeDomain('  .Apps.Example.org.. ')).toBe('apps.example.org');
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

  it('refuses a source it cannot map, naming it', () => {
    expect(() => auditFilterPattern(['service', 'crd'])).toThrow('sources: crd: no audit-log mapping');
  });

  it('stays within the CloudWatch Logs limit for every source at once', () => {
    const all = [
      'service',
      'ingress',
      'gateway-httproute',
      'gateway-grpcroute',
      'gateway-tlsroute',
      'gateway-tcproute',
    ];
    expect(auditFilterPattern([...all, 'gateway-udproute', 'traefik-proxy']).length).toBeLessThanOrEqual(
      MAX_FILTER_PATTERN_LENGTH,
    );
  });
});
