import { CERTIFICATE_ANNOTATION, SSL_CERT_ANNOTATION } from '../annotations.js';
import { SERVICES } from '../api-resources.js';
import { type SourceDefinition, writesTo } from '../definition.js';
import { readService } from '../service.js';
import { RECORD_SETTING_ANNOTATIONS } from './common.js';

/** ExternalDNS's `service` source (`source/service.go`). */
export const serviceSource: SourceDefinition<'service'> = {
  name: 'service',
  resources: [SERVICES],
  dependencies: [],
  audit: writesTo([SERVICES]),
  reader: () => readService,
  docs: {
    publishes:
      'annotated names of LoadBalancer (pointing at `status.loadBalancer`), ExternalName, and ClusterIP (with `publishInternalServices`) Services; NodePort and headless ones are held',
    annotations: [
      'hostname',
      'internal-hostname',
      'target',
      ...RECORD_SETTING_ANNOTATIONS,
      'controller',
      CERTIFICATE_ANNOTATION,
      SSL_CERT_ANNOTATION,
    ],
  },
};
