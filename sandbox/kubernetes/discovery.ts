/**
 * What the sandbox API server serves: the resources the reconciler lists, and the plain (not aggregated)
 * discovery documents kubectl reads to find them. kubectl asks for aggregated discovery first and falls
 * back to these when the answer is plain JSON.
 */

export interface ServedResource {
  /** The plural in URLs: `services`. */
  name: string;
  singularName: string;
  kind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
}

export const SERVED_RESOURCES: readonly ServedResource[] = [
  {
    name: 'services',
    singularName: 'service',
    kind: 'Service',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
  },
  {
    name: 'nodes',
    singularName: 'node',
    kind: 'Node',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['no'],
  },
  {
    name: 'endpointslices',
    singularName: 'endpointslice',
    kind: 'EndpointSlice',
    group: 'discovery.k8s.io',
    version: 'v1',
    namespaced: true,
  },
  {
    name: 'ingresses',
    singularName: 'ingress',
    kind: 'Ingress',
    group: 'networking.k8s.io',
    version: 'v1',
    namespaced: true,
    shortNames: ['ing'],
  },
  {
    name: 'gateways',
    singularName: 'gateway',
    kind: 'Gateway',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    namespaced: true,
    shortNames: ['gtw'],
    categories: ['gateway-api'],
  },
  {
    name: 'httproutes',
    singularName: 'httproute',
    kind: 'HTTPRoute',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    namespaced: true,
    categories: ['gateway-api'],
  },
  {
    name: 'grpcroutes',
    singularName: 'grpcroute',
    kind: 'GRPCRoute',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    namespaced: true,
    categories: ['gateway-api'],
  },
  // Both, as Gateway API 1.5's experimental channel: its standard channel serves only v1 (setUnservedVersions
  // makes either cluster), older experimental ones only the alphas. The first listed is the preferred.
  ...['v1', 'v1alpha2'].map((version) => ({
    name: 'tlsroutes',
    singularName: 'tlsroute',
    kind: 'TLSRoute',
    group: 'gateway.networking.k8s.io',
    version,
    namespaced: true,
    categories: ['gateway-api'],
  })),
  {
    name: 'tcproutes',
    singularName: 'tcproute',
    kind: 'TCPRoute',
    group: 'gateway.networking.k8s.io',
    version: 'v1alpha2',
    namespaced: true,
    categories: ['gateway-api'],
  },
  {
    name: 'udproutes',
    singularName: 'udproute',
    kind: 'UDPRoute',
    group: 'gateway.networking.k8s.io',
    version: 'v1alpha2',
    namespaced: true,
    categories: ['gateway-api'],
  },
  // ExternalDNS's own CRD (the crd source).
  {
    name: 'dnsendpoints',
    singularName: 'dnsendpoint',
    kind: 'DNSEndpoint',
    group: 'externaldns.k8s.io',
    version: 'v1alpha1',
    namespaced: true,
  },
  // Istio's networking kinds, at v1 (Istio ≥ 1.22) and v1beta1.
  ...['v1', 'v1beta1'].flatMap((version) =>
    (['Gateway', 'VirtualService'] as const).map((kind) => ({
      name: `${kind.toLowerCase()}s`,
      singularName: kind.toLowerCase(),
      kind,
      group: 'networking.istio.io',
      version,
      namespaced: true,
    })),
  ),
  // RBAC, so kubectl can map the reconciler's generated ClusterRole (`cli rbac`) in a client dry run.
  ...(['ClusterRole', 'ClusterRoleBinding'] as const).map((kind) => ({
    name: `${kind.toLowerCase()}s`,
    singularName: kind.toLowerCase(),
    kind,
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: false,
  })),
  ...['traefik.io', 'traefik.containo.us'].flatMap((group) =>
    // Traefik v2.10 serves its kinds under both groups; v3 only under traefik.io.
    ['IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP'].map((kind) => ({
      name: `${kind.toLowerCase()}s`,
      singularName: kind.toLowerCase(),
      kind,
      group,
      version: 'v1alpha1',
      namespaced: true,
    })),
  ),
];

export function groupVersion(r: Pick<ServedResource, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/**
 * The resource serving a kind; `group` picks one where two groups serve it (Traefik's), else the first;
 * `version` picks one where a group serves the kind at several, else the preferred (first).
 */
export function resourceByKind(kind: string, group?: string, version?: string): ServedResource | undefined {
  const ofKind = SERVED_RESOURCES.filter((r) => r.kind === kind);
  const inGroup = ofKind.filter((r) => r.group === (group ?? ofKind[0]?.group));
  return inGroup.find((r) => r.version === version) ?? inGroup[0] ?? ofKind[0];
}

export function resourceByPath(
  group: string,
  version: string,
  name: string,
  unserved: Unserved = NONE,
): ServedResource | undefined {
  return SERVED_RESOURCES.find(
    (r) => r.group === group && r.version === version && r.name === name && isServed(r, unserved),
  );
}

const READ_VERBS = ['get', 'list'];

/** `/api`: the core group's versions. */
export function coreVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/**
 * What a cluster does not serve: CustomResourceDefinitions it does not have, by CRD name
 * (`httproutes.gateway.networking.k8s.io`), and versions of one it has but does not serve, by CRD name and
 * version (`tlsroutes.gateway.networking.k8s.io/v1alpha2`, a CRD version with `served: false`). Nothing
 * by default.
 */
export type Unserved = ReadonlySet<string>;

const NONE: Unserved = new Set();

export function crdName(r: Pick<ServedResource, 'name' | 'group'>): string {
  return `${r.name}.${r.group}`;
}

/** How `Unserved` names one version of a CRD. */
export function crdVersionName(r: Pick<ServedResource, 'name' | 'group' | 'version'>): string {
  return `${crdName(r)}/${r.version}`;
}

function isServed(r: ServedResource, unserved: Unserved): boolean {
  return !r.group || !(unserved.has(crdName(r)) || unserved.has(crdVersionName(r)));
}

function namedGroups(unserved: Unserved): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const r of SERVED_RESOURCES) {
    if (!r.group || !isServed(r, unserved)) continue;
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return groups;
}

function apiGroup(name: string, versions: string[]): object {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

/** `/apis`: every named group. */
export function groupList(unserved: Unserved = NONE): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...namedGroups(unserved)].map(([name, versions]) => apiGroup(name, versions)),
  };
}

/** `/apis/<group>`, or undefined for a group not served. */
export function group(name: string, unserved: Unserved = NONE): object | undefined {
  const versions = namedGroups(unserved).get(name);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(name, versions) } : undefined;
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined for a group version not served. */
export function resourceList(group: string, version: string, unserved: Unserved = NONE): object | undefined {
  const served = SERVED_RESOURCES.filter(
    (r) => r.group === group && r.version === version && isServed(r, unserved),
  );
  if (served.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version }),
    resources: served.map((r) => ({
      name: r.name,
      singularName: r.singularName,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: READ_VERBS,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
    })),
  };
}

/** `/version`, as an EKS control plane answers it. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.3-eks-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-04-01T00:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};
