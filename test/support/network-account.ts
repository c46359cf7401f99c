import { loadBalancerService } from './kubernetes-objects.js';

/** The network account of the multi-account tests, and the role the reconciler reaches its zones by. */
export const NETWORK = '222222222222';
export const NETWORK_ROLE = `arn:aws:iam::${NETWORK}:role/edge-reconciler-dns`;

/**
 * A scenario whose public zone `example.com` lives in the network account, beside a zone of the
 * reconciler's own (`home.example.org`); one cluster publishes a name in each.
 */
export function networkAccountWorld(config: Record<string, unknown> = {}) {
  return {
    config: { domainFilters: ['example.com', 'home.example.org'], ...config },
    clusters: [
      {
        name: 'prod-eu',
        region: 'eu-central-1',
        objects: [
          loadBalancerService('web', 'shop.example.com', { ip: '192.0.2.10' }),
          loadBalancerService('admin', 'admin.home.example.org', { ip: '192.0.2.11' }),
        ],
      },
    ],
    route53: {
      zones: [{ name: 'example.com', account: NETWORK as string }, { name: 'home.example.org' }],
    },
  };
}
