import { ResourceRecordSetRegion } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { ROUTE53_LATENCY_REGIONS } from '../../../shared/dns/latency-regions.js';

describe('latency regions', () => {
  it("are the Route 53 API's ResourceRecordSetRegion enum, as the SDK models it", () => {
    expect([...ROUTE53_LATENCY_REGIONS].sort()).toEqual(Object.values(ResourceRecordSetRegion).sort());
  });
});
