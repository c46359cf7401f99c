import { CERTIFICATE_ANNOTATION, SSL_CERT_ANNOTATION } from '../annotations.js';
import { ENDPOINT_SLICES, NODES, SERVICES } from '../api-resources.js';
import { type Dependency, type SourceDefinition, writesTo } from '../definition.js';
import { serviceReader } from '../service.js';
import { addressNeeds, SERVICE_NAME_LABEL } from '../service-addresses.js';
import { RECORD_SETTING_ANNOTATIONS } from './common.js';

/**
 * Node and EndpointSlice writes start no pass: kubelets rewrite Node status every few minutes and
 * EndpointSlices change with every pod that starts, stops or turns ready, in every Service of the
 * cluster. Matching them in the audit filter would wake the reconciler for writes that almost never
 * move a record; the scheduled pass reads both afresh.
 */
const ADDRESS_WRITES_NOT_AUDITED =
  'constant writes (node status, pod churn) that rarely move a record; the scheduled pass reads them';

/** Every Node, when some annotated NodePort Service (or headless one with endpoints-type) needs them. */
export const SERVICE_NODES: Dependency = {
  resource: NODES,
  namespaces: () => [],
  neededFor: (objects, config) => (objects.some((o) => addressNeeds(o, config).nodes) ? '' : undefined),
  mayBeRefused: true,
  notAudited: ADDRESS_WRITES_NOT_AUDITED,
  notServed: () => 'nodes are not served (404): NodePort Services cannot be read',
  wholeClusterOn: () => undefined,
};

/** The EndpointSlices of the annotated headless (and externalTrafficPolicy Local NodePort) Services only. */
export const SERVICE_ENDPOINT_SLICES: Dependency = {
  resource: ENDPOINT_SLICES,
  namespaces: (config) => config.namespace,
  neededFor: (objects, config) => {
    const names = [
      ...new Set(objects.filter((o) => addressNeeds(o, config).endpointSlices).map((o) => o.metadata.name)),
    ].sort();
    return names.length > 0 ? `${SERVICE_NAME_LABEL} in (${names.join(',')})` : undefined;
  },
  mayBeRefused: true,
  notAudited: ADDRESS_WRITES_NOT_AUDITED,
  notServed: () => 'endpointslices.discovery.k8s.io are not served (404): headless Services cannot be read',
  wholeClusterOn: () => undefined,
};

/** ExternalDNS's `service` source (`source/service.go`). */
export const serviceSource: SourceDefinition<'service'> = {
  name: 'service',
  resources: [SERVICES],
  dependencies: [SERVICE_NODES, SERVICE_ENDPOINT_SLICES],
  audit: writesTo([SERVICES]),
  reader: serviceReader,
  docs: {
    publishes:
      'annotated names of LoadBalancer (pointing at `status.loadBalancer`), ExternalName, ClusterIP (with `publishInternalServices`), NodePort (node addresses, and SRV `_<service>._<protocol>.<name>` per node port) and headless Services (ready pod addresses from EndpointSlices, and `<pod hostname>.<name>` per pod with a hostname)',
    annotations: [
      'hostname',
      'internal-hostname',
      'target',
      'access',
      'endpoints-type',
      ...RECORD_SETTING_ANNOTATIONS,
      'controller',
      CERTIFICATE_ANNOTATION,
      SSL_CERT_ANNOTATION,
    ],
  },
};
