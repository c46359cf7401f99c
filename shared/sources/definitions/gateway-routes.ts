import { GATEWAYS, type KubernetesResource, listedVersions } from '../api-resources.js';
import { type Dependency, type SourceDefinition, type SourceName, writesTo } from '../definition.js';
import { GATEWAY_GROUP } from '../gateway.js';
import { type GatewayRouteKind, gatewayRouteReader } from '../gateway-routes.js';
import { RECORD_SETTING_ANNOTATIONS } from './common.js';

/**
 * ExternalDNS's Gateway API route sources (`source/gateway*.go`): one definition per route kind, each
 * needing the cluster's Gateways, which are listed once however many route sources are on.
 */

/** The cluster's Gateways in `gatewayNamespace` (all when unset), as ExternalDNS lists them. */
export const GATEWAY_LIST: Dependency = {
  resource: GATEWAYS,
  namespaces: (config) => (config.gatewayNamespace ? [config.gatewayNamespace] : []),
  notServed: (source) => notServedMessage(GATEWAYS, source, 'CRDs (v1.0 or later)'),
  // A Gateway's address and listeners decide where every route behind it points.
  wholeClusterOn: () => 'the routes behind a Gateway are not named in the event',
};

function notServedMessage(resource: KubernetesResource, source: SourceName, crds: string): string {
  const tried = listedVersions(resource).map((v) => `${resource.plural}.${resource.group}/${v}`);
  const what = tried.length === 1 ? `${tried[0]} is not served` : `none of ${tried.join(', ')} is served`;
  return `${what} (404): the Gateway API ${crds} are not installed, so the ${source} source finds nothing in this cluster`;
}

function routeSource<N extends SourceName>(
  name: N,
  kind: GatewayRouteKind,
  versions: Pick<KubernetesResource, 'version' | 'fallbackVersions'>,
  /** Which Gateway API CRDs serve the kind at these versions. */
  crds: string,
  reads: string,
): SourceDefinition<N> {
  const resource: KubernetesResource = {
    plural: `${kind.toLowerCase()}s`,
    group: GATEWAY_GROUP,
    kind,
    namespaced: true,
    ...versions,
  };
  return {
    name,
    resources: [resource],
    dependencies: [GATEWAY_LIST],
    notServed: () => notServedMessage(resource, name, crds),
    audit: writesTo([resource]),
    reader: gatewayRouteReader(kind),
    docs: {
      publishes: `${reads}, narrowed by the listeners of the parent Gateways that accepted the route, pointing at the Gateway's \`status.addresses\``,
      annotations: ['hostname', ...RECORD_SETTING_ANNOTATIONS, 'controller', 'on the Gateway: target'],
    },
  };
}

export const httpRouteSource = routeSource(
  'gateway-httproute',
  'HTTPRoute',
  { version: 'v1' },
  'CRDs (v1.0 or later)',
  '`spec.hostnames` and the `hostname` annotation',
);
export const grpcRouteSource = routeSource(
  'gateway-grpcroute',
  'GRPCRoute',
  { version: 'v1' },
  'CRDs (v1.1 or later)',
  '`spec.hostnames` and the `hostname` annotation',
);
// Gateway API 1.5's standard channel serves TLSRoute at v1 only; every older experimental channel
// serves v1alpha2 (those serving v1alpha3 too still serve v1alpha2), so v1alpha3 would add only a 404.
export const tlsRouteSource = routeSource(
  'gateway-tlsroute',
  'TLSRoute',
  { version: 'v1', fallbackVersions: ['v1alpha2'] },
  'CRDs (v1.5 or later, or an older experimental channel)',
  '`spec.hostnames` and the `hostname` annotation',
);
// Still only in the experimental channel, at the version ExternalDNS lists them.
export const tcpRouteSource = routeSource(
  'gateway-tcproute',
  'TCPRoute',
  { version: 'v1alpha2' },
  'experimental-channel CRDs',
  'the `hostname` annotation (no `spec.hostnames`)',
);
export const udpRouteSource = routeSource(
  'gateway-udproute',
  'UDPRoute',
  { version: 'v1alpha2' },
  'experimental-channel CRDs',
  'the `hostname` annotation (no `spec.hostnames`)',
);
