import { type KubernetesResource, listedVersions, SERVICES } from '../api-resources.js';
import { type Dependency, type SourceDefinition, type SourceName, writesTo } from '../definition.js';
import { istioGatewayReader } from '../istio-gateway.js';
import { ISTIO_GROUP } from '../istio-targets.js';
import { istioVirtualServiceReader } from '../istio-virtualservice.js';
import { RECORD_SETTING_ANNOTATIONS } from './common.js';

/**
 * ExternalDNS's `istio-gateway` and `istio-virtualservice` sources (`source/istio_*.go`): Istio's
 * networking kinds at `v1`, or `v1beta1` on a cluster whose Istio predates 1.22.
 */

const VERSIONS = { version: 'v1', fallbackVersions: ['v1beta1'] } as const;

export const ISTIO_GATEWAYS: KubernetesResource = {
  plural: 'gateways',
  group: ISTIO_GROUP,
  ...VERSIONS,
  kind: 'Gateway',
  namespaced: true,
};

export const VIRTUAL_SERVICES: KubernetesResource = {
  plural: 'virtualservices',
  group: ISTIO_GROUP,
  ...VERSIONS,
  kind: 'VirtualService',
  namespaced: true,
};

function notServed(resource: KubernetesResource, source: SourceName): string {
  const tried = listedVersions(resource).map((v) => `${resource.plural}.${resource.group}/${v}`);
  return `none of ${tried.join(', ')} is served (404): Istio's CRDs are not installed, so the ${source} source finds nothing in this cluster`;
}

/**
 * The Services an Istio Gateway's selector may pick, in `namespace` (every one when empty), as
 * ExternalDNS lists them. Any of them may be a Gateway's load balancer, and a write to one names none of
 * the hosts behind it: with an Istio source on, a Service write needs the whole cluster.
 */
export const ISTIO_INGRESS_SERVICES: Dependency = {
  resource: SERVICES,
  namespaces: (config) => config.namespace,
  notServed: () => 'services are not served (404): no Istio Gateway has a load balancer to point at',
  wholeClusterOn: (_, config) =>
    config ? 'the Istio Gateways whose selector may pick this Service are not named in the event' : undefined,
};

/** The Istio Gateways a VirtualService binds to, in `namespace` (every one when empty). */
export const ISTIO_GATEWAY_LIST: Dependency = {
  resource: ISTIO_GATEWAYS,
  namespaces: (config) => config.namespace,
  notServed: (source) => notServed(ISTIO_GATEWAYS, source),
  wholeClusterOn: (_, config) =>
    config ? 'the VirtualServices bound to an Istio Gateway are not named in the event' : undefined,
};

export const istioGatewaySource: SourceDefinition<'istio-gateway'> = {
  name: 'istio-gateway',
  resources: [ISTIO_GATEWAYS],
  dependencies: [ISTIO_INGRESS_SERVICES],
  notServed: () => notServed(ISTIO_GATEWAYS, 'istio-gateway'),
  audit: writesTo([ISTIO_GATEWAYS]),
  reader: istioGatewayReader,
  docs: {
    publishes:
      "`spec.servers[].hosts` (`namespace/host` read as `host`) and the `hostname` annotation, pointing at the `target` annotation, else at the load balancers of the Services the Gateway's `spec.selector` picks; held while those have no address; records labelled `gateway/<namespace>/<name>`",
    annotations: ['hostname', 'target', ...RECORD_SETTING_ANNOTATIONS, 'controller'],
  },
};

export const istioVirtualServiceSource: SourceDefinition<'istio-virtualservice'> = {
  name: 'istio-virtualservice',
  resources: [VIRTUAL_SERVICES],
  dependencies: [ISTIO_GATEWAY_LIST, ISTIO_INGRESS_SERVICES],
  notServed: () => notServed(VIRTUAL_SERVICES, 'istio-virtualservice'),
  audit: writesTo([VIRTUAL_SERVICES]),
  reader: istioVirtualServiceReader,
  docs: {
    publishes:
      '`spec.hosts` and the `hostname` annotation, each pointing at the `target` annotation, else at the targets of the `spec.gateways` it binds to (`exportTo`, the server hosts of each Gateway)',
    annotations: [
      'hostname',
      'target',
      ...RECORD_SETTING_ANNOTATIONS,
      'controller',
      'on the Gateway: target',
    ],
  },
};
