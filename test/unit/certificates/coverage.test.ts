import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { covers, unrequestableReason, validationBase } from '../../../shared/certificates/coverage.js';

describe('covers', () => {
  it.each([
    ['a.example.com', 'a.example.com', true],
    ['A.Example.com.', 'a.example.com', true],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', '*.example.com', true],
    ['*.example.com', '*.a.example.com', false],
    ['*.a.example.com', 'b.example.com', false],
    ['a.example.com', 'b.example.com', false],
    ['example.com', 'a.example.com', false],
    ['*.example.com', 'a.example.com.evil.org', false],
    ['*.example.com', 'aexample.com', false],
  ])('%s serves %s: %s', (certificateName, host, expected) => {
    expect(covers(certificateName, host)).toBe(expected);
  });

  it('a wildcard serves exactly the names one label below it', () => {
    const label = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 1, maxLength: 4 }),
        fc.array(label, { maxLength: 3 }),
        (base, extra) => {
          const zone = base.join('.');
          const host = [...extra, zone].join('.');
          expect(covers(`*.${zone}`, host)).toBe(extra.length === 1);
        },
      ),
    );
  });
});

describe('validationBase', () => {
  it.each([
    ['*.example.com', 'example.com'],
    ['example.com.', 'example.com'],
    ['a.Example.com', 'a.example.com'],
  ])('%s → %s', (name, base) => expect(validationBase(name)).toBe(base));
});

describe('unrequestableReason', () => {
  it.each([
    ['shop.example.com', false],
    ['*.example.com', false],
    ['a.*.example.com', true],
    ['under_score.example.com', true],
    ['-bad.example.com', true],
    ['localhost', true],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`, true],
  ])('%s refused: %s', (host, refused) => {
    expect(unrequestableReason(host) !== undefined).toBe(refused);
  });
});
