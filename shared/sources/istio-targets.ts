import type { KubernetesObject } from './objects.js';
import type { NamedHost, ObjectOutput, SourceEnv } from './output.js';
import { isRecord, statusTargets, stringList } from './shape.js';

/**
 * Where an Istio Gateway's names point (ExternalDNS's `targetsFromGateway`, source/istio_gateway.go):
 * its `target` annotation, else the load balancers of the Services its `spec.selector` picks — each
 * Service whose own `spec.selector` has every label of the Gateway's (an empty selector picks every
 * Service, as in ExternalDNS), in the namespaces `namespace` names: `spec.externalIPs`, else each
 * `status.loadBalancer.ingress[]` entry's `ip`, else its `hostname`.
 *
 * Unlike ExternalDNS, which publishes nothing and so deletes the records, a Gateway whose Services have
 * no address yet, or that picks no Service, holds its names: a rollout of the ingress gateway must not
 * take every host behind it off the air.
 */

export const ISTIO_GROUP = 'networking.istio.io';
/** ExternalDNS's `IstioGatewayIngressSource` annotation suffix: point at an Ingress's load balancer. */
export const INGRESS_ANNOTATION = 'ingress';

export type IstioTargets =
  | { kind: 'targets'; targets: string[] }
  /** No address yet, no Service picked, or a bad one: hold the names; the why is reported. */
  | { kind: 'held' };

/** `namespace/host` → its parts; a host without `/` is in every namespace (`*`). */
export function splitServerHost(raw: string): { namespace: string; host: string } | undefined {
  const parts = raw.split('/');
  if (parts.length === 1) return { namespace: '*', host: raw };
  if (parts.length === 2) return { namespace: parts[0] as string, host: parts[1] as string };
  return undefined;
}

/** The Services an Istio Gateway's selector picks, among the Services listed for it. */
function pickedServices(
  gateway: KubernetesObject,
  services: readonly KubernetesObject[],
): KubernetesObject[] {
  const spec = isRecord(gateway.spec) ? gateway.spec : {};
  const selector = isRecord(spec.selector) ? spec.selector : {};
  return services.filter((svc) => {
    const svcSpec = isRecord(svc.spec) ? svc.spec : {};
    const own = isRecord(svcSpec.selector) ? svcSpec.selector : {};
    return Object.entries(selector).every(([k, v]) => own[k] === v);
  });
}

function serviceAddresses(svc: KubernetesObject): NamedHost[] {
  const spec = isRecord(svc.spec) ? svc.spec : {};
  const external = stringList(spec.externalIPs, 'spec.externalIPs');
  if (external.length > 0) return external;
  // ExternalDNS takes an entry's ip, and its hostname only when it has no ip.
  const seen = new Set<number>();
  return statusTargets(svc.status).filter((t) => {
    const i = Number(/\[(\d+)\]/.exec(t.field)?.[1]);
    if (seen.has(i)) return false;
    seen.add(i);
    return true;
  });
}

/**
 * The targets of one Istio Gateway, reporting into `out` (the Gateway's own output, or the
 * VirtualService's that reaches it) what keeps it from having any.
 */
export function istioGatewayTargets(
  gateway: KubernetesObject,
  services: readonly KubernetesObject[],
  env: SourceEnv,
  out: ObjectOutput,
): IstioTargets {
  const gw = `gateway/${gateway.metadata.namespace ?? ''}/${gateway.metadata.name}`;
  const annotations = isRecord(gateway.metadata.annotations) ? gateway.metadata.annotations : {};
  const target = annotations[`${env.config.annotationPrefix}target`];
  if (typeof target === 'string' && target.trim() !== '') {
    const list = target
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    const valid = out.validTargets(
      list.map((raw) => ({ raw, field: `${gw}: ${env.config.annotationPrefix}target` })),
    );
    return valid ? { kind: 'targets', targets: valid } : { kind: 'held' };
  }
  if (typeof annotations[`${env.config.annotationPrefix}${INGRESS_ANNOTATION}`] === 'string') {
    out.report({
      code: 'ignored-annotation',
      field: `${env.config.annotationPrefix}${INGRESS_ANNOTATION}`,
      message: `${gw}: pointing at an Ingress's load balancer is not supported (the reconciler does not list Ingresses for Istio); its names are held: use the target annotation`,
    });
    return { kind: 'held' };
  }
  const picked = pickedServices(gateway, services);
  if (picked.length === 0) {
    out.report({
      code: 'missing-target',
      field: 'spec.selector',
      message: `${gw}: its selector picks no Service${env.config.namespace.length > 0 ? ` in ${env.config.namespace.join(', ')}` : ''}, so there is no load balancer to point at; its names are held`,
    });
    return { kind: 'held' };
  }
  const found = picked.flatMap(serviceAddresses);
  if (found.length === 0) return { kind: 'held' };
  const valid = out.validTargets(found);
  return valid ? { kind: 'targets', targets: [...new Set(valid)] } : { kind: 'held' };
}
