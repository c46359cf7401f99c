import { type KubernetesResource, SERVICES } from '../api-resources.js';
import { type Dependency, type SourceDefinition, writesTo } from '../definition.js';
import {
  TRAEFIK_GROUP,
  TRAEFIK_KINDS,
  TRAEFIK_LEGACY_GROUP,
  traefikGroups,
  traefikProxyReader,
} from '../traefik-proxy.js';
import { traefikServiceRef } from '../traefik-service.js';
import { RECORD_SETTING_ANNOTATIONS } from './common.js';

/**
 * ExternalDNS's `traefik-proxy` source (`source/traefik_proxy.go`): each of Traefik's kinds in
 * `traefik.io` and, for Traefik before v3, in `traefik.containo.us`; the config picks the groups read.
 */

const RESOURCES: readonly KubernetesResource[] = [TRAEFIK_GROUP, TRAEFIK_LEGACY_GROUP].flatMap((group) =>
  TRAEFIK_KINDS.map((kind) => ({
    plural: `${kind.toLowerCase()}s`,
    group,
    version: 'v1alpha1',
    kind,
    namespaced: true,
  })),
);

/**
 * The Service in front of Traefik (`traefikService`), listed alone: its load balancer is where an
 * IngressRoute without a `target` annotation points. Its writes (its load balancer arriving or changing)
 * move every such route, none of which the write names.
 */
export const TRAEFIK_SERVICE: Dependency = {
  resource: SERVICES,
  when: (config) => config.traefikService !== undefined,
  namespaces: (config) => [traefikServiceRef(config)?.namespace ?? ''],
  fieldSelector: (config) => `metadata.name=${traefikServiceRef(config)?.name ?? ''}`,
  notServed: () => 'services are not served (404): the traefikService cannot be read',
  wholeClusterOn: (object, config) => {
    const ref = config && traefikServiceRef(config);
    if (!ref || object.namespace !== ref.namespace || object.name !== ref.name) return undefined;
    return 'the IngressRoutes pointing at the traefikService are not named in the event';
  },
};

export const traefikProxySource: SourceDefinition<'traefik-proxy'> = {
  name: 'traefik-proxy',
  resources: RESOURCES,
  listedWith: (config) => {
    const groups = traefikGroups(config);
    return RESOURCES.filter((r) => groups.includes(r.group));
  },
  dependencies: [TRAEFIK_SERVICE],
  // Traefik v3 serves only `traefik.io` and Traefik before v2.10 only `traefik.containo.us`, so one
  // group answering 404 is normal and goes unreported; a kind no group serves is reported.
  notServed: ({ kinds, listed }) => {
    const where = [...new Set(listed.map((r) => `${r.group}/${r.version}`))];
    const what = kinds.length === TRAEFIK_KINDS.length ? 'nothing' : `no ${kinds.join(', ')}`;
    return `${kinds.join(', ')} ${kinds.length === 1 ? 'is' : 'are'} not served (404) in ${where.join(' or ')}: the Traefik CRDs are not installed, so the traefik-proxy source finds ${what} in this cluster`;
  },
  audit: writesTo(RESOURCES),
  reader: traefikProxyReader,
  docs: {
    publishes: `names in \`Host\`/\`HostSNI\` rules and the \`hostname\` annotation, pointing at the \`target\` annotation, else at the load balancer of the \`traefikService\`; \`${TRAEFIK_LEGACY_GROUP}\` only with \`traefikEnableLegacy\``,
    annotations: ['hostname', 'target', ...RECORD_SETTING_ANNOTATIONS, 'controller'],
  },
};
