import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../sandbox/aws/throttle.js';

function fakeClock() {
  let now = 0;
  return { nowMs: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenBucket', () => {
  it('serves the burst, then refuses until time refills a token', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ burst: 3, ratePerSecond: 2, nowMs: clock.nowMs });
    expect([1, 2, 3, 4].map(() => bucket.tryTake())).toEqual([true, true, true, false]);
    clock.advance(499);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(1);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('never holds more than the burst however long it idles', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ burst: 2, ratePerSecond: 10, nowMs: clock.nowMs });
    clock.advance(3_600_000);
    expect([1, 2, 3].map(() => bucket.tryTake())).toEqual([true, true, false]);
  });

  it.each([
    { burst: 0, ratePerSecond: 1 },
    { burst: Number.NaN, ratePerSecond: 1 },
    { burst: 5, ratePerSecond: -1 },
  ])('rejects $burst/$ratePerSecond with a message naming the field', (opts) => {
    expect(() => new TokenBucket(opts)).toThrow(/burst|ratePerSecond/);
  });

  it('grants at most burst + rate × elapsed tokens over any schedule', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 200 }),
        (burst, rate, gaps) => {
          const clock = fakeClock();
          const bucket = new TokenBucket({ burst, ratePerSecond: rate, nowMs: clock.nowMs });
          let granted = 0;
          let elapsed = 0;
          for (const gap of gaps) {
            clock.advance(gap);
            elapsed += gap;
            if (bucket.tryTake()) granted += 1;
          }
          expect(granted).toBeLessThanOrEqual(burst + Math.floor((rate * elapsed) / 1000));
        },
      ),
    );
  });
});
