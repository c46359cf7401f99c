import { describe, expect, it } from 'vitest';
import { formatSimulation } from '../../functions/cli/format.js';
import { simulateFile } from '../../functions/cli/simulate.js';

/**
 * Names a filter leaves out are reported as such (test/fixtures/scenarios/filtered.yaml): the person
 * wondering why a name has no record reads which filter decided, not "no hosted zone" or nothing.
 */
describe('filtered names through simulate', () => {
  it('reports the Ingress of another class and each name outside domainFilters, and writes none of them', async () => {
    const outcome = await simulateFile('test/fixtures/scenarios/filtered.yaml', {
      rounds: 1,
      logLevel: 'error',
    });
    const pass = outcome.details?.[0]?.results[0];
    expect(pass?.filtered).toEqual([
      { filter: 'ingressClass', setting: 'public', object: 'ingress/web/admin', cluster: 'prod-eu' },
      {
        filter: 'domainFilters',
        setting: 'domainFilters shop.example.com, other.net',
        cluster: 'prod-eu',
        object: 'service/web/api',
        dnsName: 'api.example.com',
      },
      {
        filter: 'domainFilters',
        setting: 'domainFilters shop.example.com, other.net',
        cluster: 'prod-eu',
        object: 'service/web/api',
        dnsName: 'api.example.org',
      },
    ]);
    // A name outside the filters is not a zone missing: the one `zone-unreachable` warning is
    // api.other.net's, which the filters take (no zone in reach holds other.net), naming cluster and object.
    expect(outcome.passes[0]?.warnings).toEqual([
      expect.objectContaining({
        code: 'zone-unreachable',
        dnsName: 'api.other.net',
        object: 'service/web/api',
        cluster: 'prod-eu',
      }),
    ]);
    const names = outcome.zones.flatMap((z) => z.records.map((r) => r.name));
    expect(names).toContain('www.shop.example.com.');
    expect(names).not.toContain('admin.shop.example.com.');
    expect(names).not.toContain('api.example.com.');
    expect(formatSimulation(outcome)).toContain(
      'filtered by domainFilters shop.example.com, other.net: api.example.org (service/web/api in cluster prod-eu) — not published',
    );
  });
});
