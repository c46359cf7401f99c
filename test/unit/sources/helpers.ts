import { type Config, parseConfig } from '../../../shared/config.js';
import { endpointsFromObjects, type SourceResult } from '../../../shared/sources/index.js';
import type { KubernetesObject } from '../../../shared/sources/objects.js';

export const ALPHA = 'external-dns.alpha.kubernetes.io/';
export const GA = 'external-dns.kubernetes.io/';
export const ELB = 'k8s-traefik-traefik-0a1b2c3d4e.elb.eu-central-1.amazonaws.com';

export function config(overrides: Record<string, unknown> = {}): Config {
  return parseConfig(overrides);
}

export function run(objects: unknown[], overrides: Record<string, unknown> = {}): SourceResult {
  return endpointsFromObjects(objects as KubernetesObject[], {
    config: config(overrides),
    clusterName: 'prod-eu',
    ownerId: 'prod-eu-owner',
  });
}

interface ServiceOptions {
  name?: string;
  namespace?: string;
  annotations?: Record<string, unknown>;
  labels?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: unknown;
  deletionTimestamp?: string;
}

export function service(o: ServiceOptions = {}): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: o.name ?? 'web',
      namespace: o.namespace ?? 'shop',
      ...(o.annotations ? { annotations: o.annotations as Record<string, string> } : {}),
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.deletionTimestamp ? { deletionTimestamp: o.deletionTimestamp } : {}),
    },
    spec: { type: 'LoadBalancer', clusterIP: '10.100.0.7', ...o.spec },
    status: o.status ?? { loadBalancer: { ingress: [{ hostname: ELB }] } },
  };
}

/** A LoadBalancer Service annotated with one hostname plus `extra` annotations under the alpha prefix. */
export function annotatedService(extra: Record<string, string>, o: ServiceOptions = {}): KubernetesObject {
  const annotations: Record<string, string> = { [`${ALPHA}hostname`]: 'shop.example.com' };
  for (const [k, v] of Object.entries(extra)) annotations[k.includes('/') ? k : ALPHA + k] = v;
  return service({ ...o, annotations: { ...annotations, ...o.annotations } });
}

interface IngressOptions {
  name?: string;
  namespace?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: unknown;
}

export function ingress(o: IngressOptions = {}): KubernetesObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: o.name ?? 'shop',
      namespace: o.namespace ?? 'shop',
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(o.labels ? { labels: o.labels } : {}),
    },
    spec: o.spec ?? { ingressClassName: 'traefik', rules: [{ host: 'shop.example.com' }] },
    status: o.status ?? { loadBalancer: { ingress: [{ hostname: ELB }] } },
  };
}

/** `name type targets` lines: a compact, order-stable view of endpoints for assertions. */
export function summary(result: SourceResult): string[] {
  return result.endpoints.map(
    (e) =>
      `${e.dnsName} ${e.recordType} ${e.targets.join(',')}${e.setIdentifier ? ` [${e.setIdentifier}]` : ''}`,
  );
}

export function heldNames(result: SourceResult): string[] {
  return result.held.map((h) => `${h.dnsName} ${h.resource}`);
}

export function codes(result: SourceResult): string[] {
  return result.warnings.map((w) => `${w.code} ${w.field ?? ''}`.trim());
}
