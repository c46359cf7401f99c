import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeName, normalizeName, reversedLabels } from '../../../sandbox/aws/route53-names.js';

describe('Route 53 names', () => {
  it.each([
    ['WWW.Example.com', 'www.example.com.'],
    ['www.example.com.', 'www.example.com.'],
    ['\\052.example.com', '*.example.com.'],
    ['*.example.com', '*.example.com.'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it('escapes characters other than a-z, 0-9, - and _ as three octal digits', () => {
    expect(escapeName('*.example.com.')).toBe('\\052.example.com.');
    expect(escapeName('a_b-c.example.com.')).toBe('a_b-c.example.com.');
    expect(escapeName('a b.example.com.')).toBe('a\\040b.example.com.');
  });

  it('round-trips any stored name through its wire form', () => {
    const label = fc.stringMatching(/^[a-z0-9*_\- !@#]{1,20}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 5 }), (labels) => {
        const stored = normalizeName(labels.join('.'));
        expect(normalizeName(escapeName(stored))).toBe(stored);
      }),
    );
  });

  it('orders names with the labels reversed and the trailing dot kept, as ListResourceRecordSets does', () => {
    const names = [
      'www.example.com.',
      'example.com.',
      '*.example.com.',
      'a.example.com.',
      'a-b.example.com.',
    ];
    const sorted = [...names].sort((x, y) => (reversedLabels(x) < reversedLabels(y) ? -1 : 1));
    expect(sorted).toEqual([
      'example.com.',
      '*.example.com.',
      'a-b.example.com.',
      'a.example.com.',
      'www.example.com.',
    ]);
  });
});
