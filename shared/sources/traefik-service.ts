import type { Config } from '../config.js';
import { targetProblem } from '../endpoint/names.js';
import type { PassWarning } from '../warnings.js';
import type { KubernetesObject } from './objects.js';
import type { NamedHost } from './output.js';
import { isRecord, statusTargets, stringList } from './shape.js';

/**
 * Where an IngressRoute without a `target` annotation points: the load balancer of the Service in front
 * of Traefik (config `traefikService`, beyond ExternalDNS), read as the service source reads a
 * LoadBalancer Service: `spec.externalIPs`, else `status.loadBalancer`. Found once per cluster and pass,
 * so its problems are reported once, not once per route.
 */

export interface ServiceRef {
  namespace: string;
  name: string;
}

export type FrontTargets =
  /** No `traefikService` configured: a route without the annotation gets no record, as in ExternalDNS. */
  | { kind: 'none' }
  | { kind: 'targets'; targets: string[]; service: string }
  /**
   * The Service is missing, has no load balancer yet, or a bad address: the routes' records are held
   * (a Service being recreated must not delete every route's records).
   */
  | { kind: 'held'; service: string };

export function traefikServiceRef(config: Pick<Config, 'traefikService'>): ServiceRef | undefined {
  const value = config.traefikService;
  const slash = value?.indexOf('/') ?? -1;
  if (!value || slash < 0) return undefined;
  return { namespace: value.slice(0, slash), name: value.slice(slash + 1) };
}

export function frontTargets(
  objects: readonly KubernetesObject[],
  config: Pick<Config, 'traefikService'>,
  report: (w: PassWarning) => void,
): FrontTargets {
  const ref = traefikServiceRef(config);
  if (!ref) return { kind: 'none' };
  const service = `service/${ref.namespace}/${ref.name}`;
  const svc = objects.find(
    (o) =>
      isRecord(o) &&
      o.kind === 'Service' &&
      isRecord(o.metadata) &&
      o.metadata.namespace === ref.namespace &&
      o.metadata.name === ref.name,
  );
  if (!svc) {
    report({
      code: 'missing-target',
      field: 'traefikService',
      object: service,
      message: `traefikService ${ref.namespace}/${ref.name} does not exist in this cluster: the IngressRoutes without a target annotation keep their records as they are`,
    });
    return { kind: 'held', service };
  }
  const spec = isRecord(svc.spec) ? svc.spec : {};
  const externalIPs = stringList(spec.externalIPs, 'spec.externalIPs');
  const found: NamedHost[] = externalIPs.length > 0 ? externalIPs : statusTargets(svc.status);
  // No address yet: the load balancer is being made, or cleared in a rollout; wait, as for a Service.
  if (found.length === 0) return { kind: 'held', service };
  const bad = found.filter((t) => targetProblem(t.raw) !== undefined);
  for (const t of bad) {
    report({
      code: 'invalid-target',
      field: t.field,
      object: service,
      message: `${t.field}: target "${t.raw}" ${targetProblem(t.raw)}; the IngressRoutes pointing at the traefikService keep their records as they are`,
    });
  }
  if (bad.length > 0) return { kind: 'held', service };
  return { kind: 'targets', targets: found.map((t) => t.raw.replace(/\.$/, '')), service };
}
