import { describe, expect, it } from 'vitest';
import {
  checkHostname,
  domainFilterProblem,
  normalizeTargets,
  recordTypeForTarget,
  splitNameList,
  targetProblem,
} from '../../../shared/endpoint/names.js';

describe('checkHostname', () => {
  it.each([
    ['Shop.Example.com.', 'shop.example.com'],
    ['*.apps.example.com', '*.apps.example.com'],
    ['_acme-challenge.example.com', '_acme-challenge.example.com'],
    ['\\052.example.com', '*.example.com'],
    [`${'a'.repeat(63)}.example.com`, `${'a'.repeat(63)}.example.com`],
  ])('%j is valid as %j', (raw, name) => {
    expect(checkHostname(raw)).toEqual({ ok: true, name });
  });

  it.each([
    ['', 'is empty'],
    ['a..example.com', 'empty label'],
    [`${'a'.repeat(64)}.example.com`, '64 characters'],
    [`${'abcdefghi.'.repeat(26)}com`, 'at most 253'],
    ['a.*.example.com', 'wildcard'],
    ['*', 'bare wildcard'],
    ['-a.example.com', 'invalid label'],
    ['a b.example.com', 'whitespace'],
    ['a. example.com', 'whitespace'],
    ['999.1.1.1', 'all-numeric'],
    ['a*b.example.com', 'invalid label'],
    ['héllo.example.com', 'invalid label'],
  ])('%j is rejected (%s)', (raw, problem) => {
    const r = checkHostname(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toContain(problem);
  });
});

describe('targets', () => {
  it.each([
    ['192.0.2.1', 'A'],
    ['2001:db8::1', 'AAAA'],
    ['::ffff:192.0.2.1', 'AAAA'],
    ['lb.example.net', 'CNAME'],
  ])('%s → %s', (target, type) => {
    expect(recordTypeForTarget(target)).toBe(type);
  });

  it('rejects wildcards and malformed names, accepts IPs and trailing dots', () => {
    expect(targetProblem('*.example.com')).toBeDefined();
    expect(targetProblem('a..b')).toBeDefined();
    expect(targetProblem('lb.example.net.')).toBeUndefined();
    expect(targetProblem('2001:db8::1')).toBeUndefined();
  });

  it.each([
    ['999.1.1.1', 'not a valid IPv4 address'],
    ['01.2.3.4', 'not a valid IPv4 address'],
    ['192.0.2', 'not a valid IPv4 address'],
    ['2001:db8::zz', 'not a valid IPv6 address'],
    ['2001:db8:::1', 'not a valid IPv6 address'],
    ['lb .example.net', 'whitespace'],
    [`${'a'.repeat(64)}.example.net`, '64 characters'],
  ])('target %j is refused: %s', (target, problem) => {
    expect(targetProblem(target)).toContain(problem);
  });

  it('normalizes, de-duplicates and sorts', () => {
    expect(normalizeTargets(['B.example.net.', 'a.example.net', 'b.example.net', '2001:DB8::1'])).toEqual([
      '2001:db8::1',
      'a.example.net',
      'b.example.net',
    ]);
  });
});

describe('splitNameList', () => {
  it.each([
    ['a.example.com', ['a.example.com']],
    [' a.example.com , b.example.com ', ['a.example.com', 'b.example.com']],
    ['a.example.com,,b.example.com,', ['a.example.com', 'b.example.com']],
    // whitespace inside an entry is kept for the name check to refuse: never joined into another name
    ['a. example.com', ['a. example.com']],
    ['a.example.com b.example.com', ['a.example.com b.example.com']],
    ['', []],
  ])('%j → %j', (text, list) => {
    expect(splitNameList(text)).toEqual(list);
  });

  it('a list with whitespace inside a name yields no name at all for it', () => {
    const checked = splitNameList('shop.example.com, pay .example.com').map(checkHostname);
    expect(checked.map((c) => c.ok)).toEqual([true, false]);
  });
});

describe('domainFilterProblem', () => {
  it.each(['example.com', '.example.com', 'example.com.', 'Sub.Example.COM', '_svc.example.com'])(
    '%j is a domain',
    (entry) => {
      expect(domainFilterProblem(entry)).toBeUndefined();
    },
  );
  it.each([
    ['*', 'wildcard'],
    ['*.example.com', 'wildcard'],
    ['', 'empty'],
    ['.', 'empty'],
    ['example .com', 'whitespace'],
    [' example.com', 'whitespace'],
    ['exa$mple.com', 'invalid label'],
  ])('%j is not: %s', (entry, problem) => {
    expect(domainFilterProblem(entry)).toContain(problem);
  });
});
