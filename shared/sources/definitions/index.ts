import type { SourceDefinition, SourceName } from '../definition.js';
import { crdSource } from './crd.js';
import {
  grpcRouteSource,
  httpRouteSource,
  tcpRouteSource,
  tlsRouteSource,
  udpRouteSource,
} from './gateway-routes.js';
import { ingressSource } from './ingress.js';
import { istioGatewaySource, istioVirtualServiceSource } from './istio.js';
import { serviceSource } from './service.js';
import { traefikProxySource } from './traefik-proxy.js';

/** Every source, by its ExternalDNS name: a name in config's `SOURCE_NAMES` without one does not compile. */
export const SOURCES: Readonly<{ [N in SourceName]: SourceDefinition<N> }> = {
  service: serviceSource,
  ingress: ingressSource,
  'gateway-httproute': httpRouteSource,
  'gateway-grpcroute': grpcRouteSource,
  'gateway-tlsroute': tlsRouteSource,
  'gateway-tcproute': tcpRouteSource,
  'gateway-udproute': udpRouteSource,
  'traefik-proxy': traefikProxySource,
  crd: crdSource,
  'istio-gateway': istioGatewaySource,
  'istio-virtualservice': istioVirtualServiceSource,
};
