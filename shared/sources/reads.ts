import type { Config } from '../config.js';
import { KUBERNETES_RESOURCES, type KubernetesResource } from './api-resources.js';
import { traefikGroups } from './traefik-proxy.js';

/**
 * What each source reads from a cluster: the one table the cluster lists (shared/clusters/collect.ts),
 * the readers' choice of objects (./index.ts), the audit-log filter (infra/audit-filter.ts) and the
 * ClusterRole the reconciler's Kubernetes group is bound to (shared/clusters/rbac.ts) are all derived
 * from, so no source can read a kind that RBAC or the audit filter does not know about.
 */

export type SourceName = Config['sources'][number];

export interface SourceReads {
  /** The resources whose objects become this source's endpoints, in every API group it may read. */
  resources: readonly KubernetesResource[];
  /** A Gateway API route source needs the cluster's Gateways too (one list, shared by the route sources). */
  gateways: boolean;
}

export const SOURCE_READS: Readonly<Record<SourceName, SourceReads>> = {
  service: { resources: ['services'], gateways: false },
  ingress: { resources: ['ingresses'], gateways: false },
  'gateway-httproute': { resources: ['httproutes'], gateways: true },
  'gateway-grpcroute': { resources: ['grpcroutes'], gateways: true },
  'gateway-tlsroute': { resources: ['tlsroutes'], gateways: true },
  'gateway-tcproute': { resources: ['tcproutes'], gateways: true },
  'gateway-udproute': { resources: ['udproutes'], gateways: true },
  'traefik-proxy': {
    resources: [
      'ingressroutes',
      'ingressroutetcps',
      'ingressrouteudps',
      'ingressroutes.traefik.containo.us',
      'ingressroutetcps.traefik.containo.us',
      'ingressrouteudps.traefik.containo.us',
    ],
    gateways: false,
  },
};

/** The resources one source lists with this config: Traefik's only in the API groups the config reads. */
export function resourcesListedBy(
  source: SourceName,
  config: Pick<Config, 'traefikDisableNew' | 'traefikEnableLegacy' | 'traefikDisableLegacy'>,
): KubernetesResource[] {
  const { resources } = SOURCE_READS[source];
  if (source !== 'traefik-proxy') return [...resources];
  const groups = traefikGroups(config);
  return resources.filter((r) => groups.includes(KUBERNETES_RESOURCES[r].group));
}

/** Every resource the enabled sources list, Gateways included when a route source is on; sorted. */
export function resourcesRead(
  config: Pick<Config, 'sources' | 'traefikDisableNew' | 'traefikEnableLegacy' | 'traefikDisableLegacy'>,
): KubernetesResource[] {
  const read = new Set<KubernetesResource>();
  for (const source of config.sources) {
    for (const r of resourcesListedBy(source, config)) read.add(r);
    if (SOURCE_READS[source].gateways) read.add('gateways');
  }
  return [...read].sort();
}

/** The kinds whose objects a source turns into endpoints. */
export function kindsReadBy(source: SourceName): string[] {
  return [...new Set(SOURCE_READS[source].resources.map((r) => KUBERNETES_RESOURCES[r].kind))];
}
