import { describe, expect, it } from 'vitest';
import { externalDnsCalls, formulaBatches } from '../../../bench/route53-calls.js';

describe('the Route 53 cost models the benchmark prints', () => {
  it('counts the 32,000-character limit as well as 1,000 changes and ResourceRecords', () => {
    expect(formulaBatches(1000, 1000, 31_999)).toBe(1);
    expect(formulaBatches(1001, 1001, 100)).toBe(2);
    // 500 TXT values of 100 characters: far under 1,000 changes, two requests by characters.
    expect(formulaBatches(500, 500, 50_000)).toBe(2);
    // UPSERTs count their records twice (changeCost), so 600 of them need two requests.
    expect(formulaBatches(600, 1200, 6000)).toBe(2);
  });

  it('models one ExternalDNS per cluster: zone listing plus every page of every zone, each minute', () => {
    expect(externalDnsCalls(1, [{ records: 1000 }])).toEqual({ callsPerInterval: 5, callsPerHour: 300 });
    expect(externalDnsCalls(100, [{ records: 10_000 }, { records: 300 }])).toEqual({
      callsPerInterval: 100 * (1 + 34 + 1),
      callsPerHour: 100 * 36 * 60,
    });
  });
});
