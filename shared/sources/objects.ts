/** The slices of Kubernetes objects the sources read, as the API lists them. */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
}

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
}

export interface LoadBalancerStatus {
  ingress?: LoadBalancerIngress[];
}

export interface Service extends KubernetesObject {
  kind: 'Service';
  spec: {
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    externalName?: string;
    loadBalancerClass?: string;
    ports?: { name?: string; port: number; protocol?: string; nodePort?: number }[];
  };
  status?: { loadBalancer?: LoadBalancerStatus };
}

export interface IngressRule {
  host?: string;
  http?: unknown;
}

export interface Ingress extends KubernetesObject {
  kind: 'Ingress';
  spec: {
    ingressClassName?: string;
    rules?: IngressRule[];
    tls?: { hosts?: string[]; secretName?: string }[];
  };
  status?: { loadBalancer?: LoadBalancerStatus };
}

/** `kind/namespace/name`, the way warnings and the TXT `resource` label name an object. */
export function objectRef(o: KubernetesObject): string {
  const ns = o.metadata.namespace;
  return ns
    ? `${o.kind.toLowerCase()}/${ns}/${o.metadata.name}`
    : `${o.kind.toLowerCase()}/${o.metadata.name}`;
}
