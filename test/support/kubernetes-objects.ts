import type { KubernetesObject } from '../../shared/sources/objects.js';

/** An Ingress with nothing but its name: for tests of listing and discovery, not of endpoints. */
export function bareIngress(name: string, namespace: string): KubernetesObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace }, spec: {} };
}

/** What a load balancer controller writes into a Service's status: a DNS name (ELB) or an address. */
export type LoadBalancerIngress = { hostname: string } | { ip: string };

/** A LoadBalancer Service asking ExternalDNS for `hostname`; no load balancer yet when `lb` is undefined. */
export function loadBalancerService(
  name: string,
  hostname: string,
  lb: LoadBalancerIngress | undefined,
  namespace = 'shop',
): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace,
      annotations: { 'external-dns.alpha.kubernetes.io/hostname': hostname },
    },
    spec: { type: 'LoadBalancer' },
    status: { loadBalancer: { ingress: lb ? [lb] : [] } },
  };
}
