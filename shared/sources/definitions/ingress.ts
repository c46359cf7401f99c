import { INGRESSES } from '../api-resources.js';
import { type SourceDefinition, writesTo } from '../definition.js';
import { readIngress } from '../ingress.js';
import { RECORD_SETTING_ANNOTATIONS } from './common.js';

/** ExternalDNS's `ingress` source (`source/ingress.go`). */
export const ingressSource: SourceDefinition<'ingress'> = {
  name: 'ingress',
  resources: [INGRESSES],
  dependencies: [],
  audit: writesTo([INGRESSES]),
  reader: () => readIngress,
  docs: {
    publishes:
      '`spec.rules[].host`, `spec.tls[].hosts` (also TLS hosts for certificates) and the `hostname` annotation, pointing at `status.loadBalancer`',
    annotations: [
      'hostname',
      'ingress-hostname-source',
      'target',
      ...RECORD_SETTING_ANNOTATIONS,
      'controller',
    ],
  },
};
