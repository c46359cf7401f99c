import { describe, expect, it } from 'vitest';
import { floorSeconds, ROUTE53_RATE } from '../../../bench/rate-limited.js';

describe("the rate-limited pass's floor", () => {
  it('is the requests beyond the burst at the refill rate', () => {
    expect(floorSeconds(341, ROUTE53_RATE)).toBeCloseTo(58.2);
    expect(floorSeconds(201, { burst: 50, ratePerSecond: 10 })).toBeCloseTo(15.1);
  });

  it('is nothing while the burst covers the pass', () => {
    expect(floorSeconds(50, ROUTE53_RATE)).toBe(0);
    expect(floorSeconds(7, ROUTE53_RATE)).toBe(0);
  });
});
