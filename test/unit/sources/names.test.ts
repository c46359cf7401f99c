import { describe, expect, it } from 'vitest';
import {
  checkHostname,
  normalizeTargets,
  recordTypeForTarget,
  targetProblem,
} from '../../../shared/sources/names.js';

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
    ['a b.example.com', 'invalid label'],
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
    ['01.2.3.4', 'CNAME'],
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

  it('normalizes, de-duplicates and sorts', () => {
    expect(normalizeTargets(['B.example.net.', 'a.example.net', 'b.example.net', '2001:DB8::1'])).toEqual([
      '2001:db8::1',
      'a.example.net',
      'b.example.net',
    ]);
  });
});
