import type { KubernetesResource } from '../api-resources.js';
import { type SourceDefinition, writesTo } from '../definition.js';
import { CRD_LABEL, readDnsEndpoint } from '../dns-endpoint.js';

/** ExternalDNS's `crd` source (`source/crd.go`): its DNSEndpoint CRD, as `--crd-source-apiversion` defaults. */

export const DNS_ENDPOINTS: KubernetesResource = {
  plural: 'dnsendpoints',
  group: 'externaldns.k8s.io',
  version: 'v1alpha1',
  kind: 'DNSEndpoint',
  namespaced: true,
  label: CRD_LABEL,
};

export const crdSource: SourceDefinition<'crd'> = {
  name: 'crd',
  resources: [DNS_ENDPOINTS],
  dependencies: [],
  notServed: () =>
    "dnsendpoints.externaldns.k8s.io/v1alpha1 is not served (404): ExternalDNS's DNSEndpoint CRD is not installed, so the crd source finds nothing in this cluster",
  audit: writesTo([DNS_ENDPOINTS]),
  reader: () => readDnsEndpoint,
  docs: {
    publishes:
      'each `spec.endpoints[]` entry as written (`dnsName`, `recordType`, `targets`, `recordTTL`, `setIdentifier`), of the types in `managedRecordTypes`; records labelled `crd/<namespace>/<name>`; `status.observedGeneration` is read past, never written',
    annotations: ['controller', 'providerSpecific: alias', 'providerSpecific: aws/*'],
  },
};
