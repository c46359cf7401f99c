import type { Config } from '../config.js';
import { ENDPOINT_SLICES, NODES, qualifiedName } from './api-resources.js';
import type { KubernetesObject } from './objects.js';
import { isRecord } from './shape.js';

/**
 * Where NodePort and headless Services point, as ExternalDNS's `service` source finds it
 * (`extractNodePortTargets`, `extractHeadlessEndpoints` in source/service.go), from the two lists the
 * source reads for them: Nodes (their addresses) and the Services' EndpointSlices (`discovery.k8s.io/v1`,
 * label `kubernetes.io/service-name`). Unlike ExternalDNS, Pods are not listed: an EndpointSlice names
 * each endpoint's pod (`targetRef`), hostname (`hostname`, which the EndpointSlice controller sets from
 * the pod's `spec.hostname` for the Service its `spec.subdomain` names) and node (`nodeName`), which is
 * what the records need. So a pod's own `target` annotation is not read, and `endpoints-type: HostIP`
 * takes the node's InternalIP (a pod's `status.hostIP` is its node's InternalIP).
 */

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const NODES_LIST = qualifiedName(NODES);
export const ENDPOINT_SLICES_LIST = qualifiedName(ENDPOINT_SLICES);

export interface NodeAddresses {
  name: string;
  externalIPs: string[];
  internalIPs: string[];
  unschedulable: boolean;
}

export interface SliceEndpoint {
  addresses: string[];
  /** The pod's hostname, when the EndpointSlice controller set one. */
  hostname?: string;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** `targetRef` is a Pod (ExternalDNS publishes nothing else of a headless Service). */
  isPod: boolean;
}

/** The Nodes and EndpointSlices listed in one cluster, indexed for the Services that need them. */
export class ClusterAddresses {
  private readonly nodes = new Map<string, NodeAddresses>();
  private readonly slices = new Map<string, { addressType: string; endpoints: SliceEndpoint[] }[]>();

  constructor(objects: readonly KubernetesObject[]) {
    for (const o of objects) {
      if (o.kind === 'Node' && o.apiVersion === 'v1') this.addNode(o);
      else if (o.kind === 'EndpointSlice' && o.apiVersion === 'discovery.k8s.io/v1') this.addSlice(o);
    }
  }

  /** Every Node, by name order. */
  allNodes(): NodeAddresses[] {
    return [...this.nodes.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  node(name: string | undefined): NodeAddresses | undefined {
    return name === undefined ? undefined : this.nodes.get(name);
  }

  /** The endpoints of one Service's EndpointSlices of these address types (every type when none given). */
  endpointsOf(namespace: string, service: string, addressTypes?: readonly string[]): SliceEndpoint[] {
    return (this.slices.get(`${namespace}/${service}`) ?? [])
      .filter((s) => !addressTypes || addressTypes.includes(s.addressType))
      .flatMap((s) => s.endpoints);
  }

  private addNode(o: KubernetesObject): void {
    const status = isRecord(o.status) ? o.status : {};
    const spec = isRecord(o.spec) ? o.spec : {};
    const node: NodeAddresses = {
      name: o.metadata.name,
      externalIPs: [],
      internalIPs: [],
      unschedulable: spec.unschedulable === true,
    };
    for (const a of Array.isArray(status.addresses) ? status.addresses : []) {
      if (!isRecord(a) || typeof a.address !== 'string' || a.address === '') continue;
      if (a.type === 'ExternalIP') node.externalIPs.push(a.address);
      else if (a.type === 'InternalIP') node.internalIPs.push(a.address);
    }
    this.nodes.set(node.name, node);
  }

  private addSlice(o: KubernetesObject): void {
    const service = o.metadata.labels?.[SERVICE_NAME_LABEL];
    if (typeof service !== 'string' || service === '') return;
    const raw = o as KubernetesObject & { addressType?: unknown; endpoints?: unknown };
    const endpoints: SliceEndpoint[] = [];
    for (const e of Array.isArray(raw.endpoints) ? raw.endpoints : []) {
      if (!isRecord(e)) continue;
      const conditions = isRecord(e.conditions) ? e.conditions : {};
      const ref = isRecord(e.targetRef) ? e.targetRef : {};
      // Kubernetes: a nil `ready` means ready; `serving` defaults to `ready`; `terminating` to false.
      const ready = conditions.ready !== false;
      endpoints.push({
        addresses: (Array.isArray(e.addresses) ? e.addresses : []).filter(
          (a): a is string => typeof a === 'string' && a !== '',
        ),
        ...(typeof e.hostname === 'string' && e.hostname !== '' ? { hostname: e.hostname } : {}),
        ...(typeof e.nodeName === 'string' && e.nodeName !== '' ? { nodeName: e.nodeName } : {}),
        ready,
        serving: typeof conditions.serving === 'boolean' ? conditions.serving : ready,
        terminating: conditions.terminating === true,
        isPod: ref.kind === 'Pod' && (ref.apiVersion === undefined || ref.apiVersion === ''),
      });
    }
    const key = `${o.metadata.namespace ?? ''}/${service}`;
    const list = this.slices.get(key) ?? [];
    list.push({ addressType: typeof raw.addressType === 'string' ? raw.addressType : '', endpoints });
    this.slices.set(key, list);
  }
}

/** What a Service needs listed for its records: nothing, Nodes, its EndpointSlices, or both. */
export interface AddressNeeds {
  nodes: boolean;
  endpointSlices: boolean;
}

const NONE: AddressNeeds = { nodes: false, endpointSlices: false };

/**
 * Whether a listed Service publishes from node or pod addresses, judged from its spec and annotations
 * alone (cheaply, before the reader runs): a NodePort one (with externalTrafficPolicy Local, also where
 * its pods are), a headless one (its pods; with `endpoints-type` NodeExternalIP or HostIP, also their
 * nodes). Only with a `hostname` or `internal-hostname` annotation and no `target` one.
 */
export function addressNeeds(svc: KubernetesObject, config: Config): AddressNeeds {
  if (svc.kind !== 'Service' || config.ignoreHostnameAnnotation) return NONE;
  const annotations = svc.metadata.annotations ?? {};
  const prefix = config.annotationPrefix;
  const named = `${prefix}hostname` in annotations || `${prefix}internal-hostname` in annotations;
  if (!named || `${prefix}target` in annotations) return NONE;
  const spec = isRecord(svc.spec) ? svc.spec : {};
  const type = typeof spec.type === 'string' && spec.type !== '' ? spec.type : 'ClusterIP';
  const filter: readonly string[] = config.serviceTypeFilter;
  if (filter.length > 0 && !filter.includes(type)) return NONE;
  if (type === 'NodePort') {
    return { nodes: true, endpointSlices: spec.externalTrafficPolicy === 'Local' };
  }
  if (type === 'ClusterIP' && spec.clusterIP === 'None') {
    const endpointsType = annotations[`${prefix}endpoints-type`];
    return { nodes: endpointsType === 'NodeExternalIP' || endpointsType === 'HostIP', endpointSlices: true };
  }
  return NONE;
}
