/**
 * A Kubernetes API resource as the reconciler lists it: group, versions, kind and plural. Each source's
 * definition (./definitions/) names the resources it lists; the few that several sources need (a
 * Gateway, a Service) are here. The client builds its requests from these (shared/clusters/kubernetes-client.ts).
 */

export interface KubernetesResource {
  /** The plural in URLs, RBAC rules and audit events (`objectRef.resource`). */
  plural: string;
  /** '' for the core group. */
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
  /**
   * The kind as its records' `resource` label names it, when not the lower-case kind: ExternalDNS labels
   * a DNSEndpoint's records `crd/<namespace>/<name>`.
   */
  label?: string;
}

export const SERVICES: KubernetesResource = {
  plural: 'services',
  group: '',
  version: 'v1',
  kind: 'Service',
  namespaced: true,
};
export const NODES: KubernetesResource = {
  plural: 'nodes',
  group: '',
  version: 'v1',
  kind: 'Node',
  namespaced: false,
};
export const ENDPOINT_SLICES: KubernetesResource = {
  plural: 'endpointslices',
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  namespaced: true,
};
export const INGRESSES: KubernetesResource = {
  plural: 'ingresses',
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  namespaced: true,
};
export const GATEWAYS: KubernetesResource = {
  plural: 'gateways',
  group: 'gateway.networking.k8s.io',
  version: 'v1',
  kind: 'Gateway',
  namespaced: true,
};

/** The kind as the `resource` label of its objects' records names it. */
export function labelKind(resource: Pick<KubernetesResource, 'kind' | 'label'>): string {
  return resource.label ?? resource.kind.toLowerCase();
}

/** The versions `listAll` tries for a resource, in order. */
export function listedVersions(resource: KubernetesResource): readonly string[] {
  return [resource.version, ...(resource.fallbackVersions ?? [])];
}

export function groupVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** `ingressroutes.traefik.io`, `services`: how RBAC and errors name a resource. */
export function qualifiedName(resource: KubernetesResource): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

/** One resource, once: two definitions naming the same plural in the same group name one resource. */
export function sameResource(a: KubernetesResource, b: KubernetesResource): boolean {
  return a.plural === b.plural && a.group === b.group;
}
