import { describe, expect, it } from 'vitest';
import { simulateFile } from '../../functions/cli/simulate.js';

/**
 * examples/routes.yaml through `simulate`: an accepted HTTPRoute behind an NLB Gateway, a Traefik
 * IngressRoute with a target annotation and one without (pointing at the `traefikService`'s NLB) get
 * ALIAS records owned by their routes; a route its Gateway has not accepted gets nothing; the second
 * round changes nothing.
 */
describe('simulate examples/routes.yaml', () => {
  it('publishes the Gateway API and Traefik routes, once', async () => {
    const outcome = await simulateFile('examples/routes.yaml', { rounds: 2 });
    const [first, second] = outcome.passes;
    expect(first?.errors).toEqual([]);
    expect(first?.warnings).toEqual([]);

    const zone = outcome.zones.find((z) => z.name === 'apps.example.org.');
    const aliases = (zone?.records ?? [])
      .filter((r) => r.type === 'A')
      .map((r) => `${r.name} ${r.alias?.dnsName}`)
      .sort();
    expect(aliases).toEqual([
      'grafana.apps.example.org. k8s-traefik-traefik-9e8d7c6b5a-4f3e2d1c0b9a8776.elb.eu-west-1.amazonaws.com.',
      'prometheus.apps.example.org. k8s-traefik-traefik-9e8d7c6b5a-4f3e2d1c0b9a8776.elb.eu-west-1.amazonaws.com.',
      'shop.apps.example.org. k8s-gateways-edge-1a2b3c4d5e-0f1e2d3c4b5a6978.elb.eu-west-1.amazonaws.com.',
      'www.apps.example.org. k8s-gateways-edge-1a2b3c4d5e-0f1e2d3c4b5a6978.elb.eu-west-1.amazonaws.com.',
    ]);
    const owners = (zone?.records ?? []).filter((r) => r.type === 'TXT').flatMap((r) => r.values ?? []);
    expect(owners).toEqual(
      expect.arrayContaining([
        expect.stringContaining('external-dns/resource=httproute/shop/storefront'),
        expect.stringContaining('external-dns/resource=ingressroute/observability/grafana'),
        expect.stringContaining('external-dns/resource=ingressroute/observability/prometheus'),
      ]),
    );
    expect(owners.some((v) => v.includes('httproute/shop/beta'))).toBe(false);
    expect(second?.changes).toEqual([]);
  });
});
