/**
 * The Kubernetes API resources the sources list: group, versions, kind and plural. Plain data, shared by
 * the client that builds list requests from it (shared/clusters/kubernetes-client.ts), the table of what
 * each source reads (./reads.ts), and the RBAC the reconciler's group is given (shared/clusters/rbac.ts).
 */

export type KubernetesResource =
  | 'services'
  | 'nodes'
  | 'ingresses'
  | 'gateways'
  | 'httproutes'
  | 'grpcroutes'
  | 'tlsroutes'
  | 'tcproutes'
  | 'udproutes'
  | 'ingressroutes'
  | 'ingressroutetcps'
  | 'ingressrouteudps'
  | 'ingressroutes.traefik.containo.us'
  | 'ingressroutetcps.traefik.containo.us'
  | 'ingressrouteudps.traefik.containo.us';

export interface ResourceInfo {
  group: string;
  /** The version listed first. */
  version: string;
  /**
   * Where to list next, in order, when the server does not serve `version` (404): a kind that graduated
   * is served only at its new version by current clusters and only at the old ones by older clusters.
   */
  fallbackVersions?: readonly string[];
  kind: string;
  namespaced: boolean;
  /** The plural in URLs, when the key is not it: a kind served by two groups needs two keys. */
  plural?: string;
}

export const KUBERNETES_RESOURCES: Readonly<Record<KubernetesResource, ResourceInfo>> = {
  services: { group: '', version: 'v1', kind: 'Service', namespaced: true },
  nodes: { group: '', version: 'v1', kind: 'Node', namespaced: false },
  ingresses: { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', namespaced: true },
  gateways: { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'Gateway', namespaced: true },
  httproutes: { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'HTTPRoute', namespaced: true },
  grpcroutes: { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'GRPCRoute', namespaced: true },
  // Gateway API 1.5's standard channel serves TLSRoute at v1 only; every older experimental channel
  // serves v1alpha2 (those serving v1alpha3 too still serve v1alpha2), so v1alpha3 would add only a 404.
  tlsroutes: {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    fallbackVersions: ['v1alpha2'],
    kind: 'TLSRoute',
    namespaced: true,
  },
  // Still only in the experimental channel, at the version ExternalDNS lists them.
  tcproutes: { group: 'gateway.networking.k8s.io', version: 'v1alpha2', kind: 'TCPRoute', namespaced: true },
  udproutes: { group: 'gateway.networking.k8s.io', version: 'v1alpha2', kind: 'UDPRoute', namespaced: true },
  ingressroutes: { group: 'traefik.io', version: 'v1alpha1', kind: 'IngressRoute', namespaced: true },
  ingressroutetcps: { group: 'traefik.io', version: 'v1alpha1', kind: 'IngressRouteTCP', namespaced: true },
  ingressrouteudps: { group: 'traefik.io', version: 'v1alpha1', kind: 'IngressRouteUDP', namespaced: true },
  // Traefik before v3 serves the same kinds under its old group too; keyed by the full resource name.
  'ingressroutes.traefik.containo.us': {
    group: 'traefik.containo.us',
    version: 'v1alpha1',
    kind: 'IngressRoute',
    namespaced: true,
    plural: 'ingressroutes',
  },
  'ingressroutetcps.traefik.containo.us': {
    group: 'traefik.containo.us',
    version: 'v1alpha1',
    kind: 'IngressRouteTCP',
    namespaced: true,
    plural: 'ingressroutetcps',
  },
  'ingressrouteudps.traefik.containo.us': {
    group: 'traefik.containo.us',
    version: 'v1alpha1',
    kind: 'IngressRouteUDP',
    namespaced: true,
    plural: 'ingressrouteudps',
  },
};

/** The versions `listAll` tries for a resource, in order. */
export function listedVersions(resource: KubernetesResource): readonly string[] {
  const info = KUBERNETES_RESOURCES[resource];
  return [info.version, ...(info.fallbackVersions ?? [])];
}
