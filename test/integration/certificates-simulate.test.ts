import { describe, expect, it } from 'vitest';
import { simulateFile } from '../../functions/cli/simulate.js';

/**
 * Issue 6's promise through `simulate`: over a few passes a TLS host gets its certificate requested, its
 * validation CNAME written (public zone only, though a private zone of the same name exists) and the
 * certificate ISSUED; an existing wildcard is reused; the apex and a deeper name are not taken as covered.
 */
describe('simulate examples/certificates.yaml', () => {
  it('requests, validates and issues what the wildcard does not cover', async () => {
    const outcome = await simulateFile('examples/certificates.yaml', { rounds: 3, advance: '1m' });
    const [first, second, third] = outcome.passes;
    expect(first?.errors).toEqual([]);
    expect(first?.apiCalls.acm?.RequestCertificate).toBe(2);

    const byDomain = Object.fromEntries(outcome.certificates.map((c) => [c.domain, c]));
    expect(Object.keys(byDomain).sort()).toEqual(['*.example.com', 'docs.eu.example.com', 'example.com']);
    expect(byDomain['*.example.com']?.tags).toEqual({});
    for (const name of ['example.com', 'docs.eu.example.com']) {
      expect(byDomain[name]).toMatchObject({
        status: 'ISSUED',
        tags: { 'edge-reconciler:owner': 'edge-reconciler-certificates' },
      });
    }

    const validation = second?.changes.filter((c) => c.type === 'CNAME') ?? [];
    expect(validation).toHaveLength(2);
    expect(validation.every((c) => c.name.startsWith('_'))).toBe(true);
    const privateZone = outcome.zones.find((z) => z.private);
    expect(privateZone?.records.some((r) => r.type === 'CNAME')).toBe(false);
    const publicZone = outcome.zones.find((z) => !z.private);
    expect(publicZone?.records.filter((r) => r.type === 'CNAME' && r.name.startsWith('_'))).toHaveLength(2);

    expect(third?.changes).toEqual([]);
    expect(third?.apiCalls.acm?.RequestCertificate).toBeUndefined();
  });
});
