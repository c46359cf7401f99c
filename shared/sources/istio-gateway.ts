import { readEndpointSettings } from './annotations.js';
import type { ReaderFactory } from './definition.js';
import { passesCommonFilters } from './filters.js';
import { ISTIO_GROUP, istioGatewayTargets, splitServerHost } from './istio-targets.js';
import type { KubernetesObject } from './objects.js';
import {
  type NamedHost,
  type ObjectOutput,
  openObject,
  type SourceEnv,
  specAndAnnotatedNames,
} from './output.js';
import { isRecord } from './shape.js';

/**
 * ExternalDNS's `istio-gateway` source (`source/istio_gateway.go`) for one Istio Gateway: names from
 * `spec.servers[].hosts` (`namespace/host` read as `host`; `*` is no name) and the `hostname`
 * annotation; targets from its `target` annotation, else the load balancers of the Services its selector
 * picks (./istio-targets.ts). `ttl`, `set-identifier` and the `aws-*` annotations go on the Gateway.
 * Records are labelled `gateway/<namespace>/<name>`, as ExternalDNS labels them.
 */

export function groupOf(o: KubernetesObject): string {
  const apiVersion: unknown = o.apiVersion;
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The Services listed for the Istio sources (a dependency): every Service among a cluster's objects. */
export function servicesAmong(objects: readonly KubernetesObject[]): KubernetesObject[] {
  return objects.filter(
    (o) => isRecord(o) && o.kind === 'Service' && groupOf(o) === '' && isRecord(o.metadata),
  );
}

/** `spec.servers[].hosts` as names, each with its field. */
export function serverHosts(spec: unknown): NamedHost[] {
  const servers = isRecord(spec) && Array.isArray(spec.servers) ? (spec.servers as unknown[]) : [];
  return servers.flatMap((server, i) => {
    const hosts = isRecord(server) && Array.isArray(server.hosts) ? (server.hosts as unknown[]) : [];
    return hosts.flatMap((h, j) => {
      const split = typeof h === 'string' && h !== '' ? splitServerHost(h) : undefined;
      if (!split || split.host === '*' || split.host === '') return [];
      return [{ raw: split.host, field: `spec.servers[${i}].hosts[${j}]` }];
    });
  });
}

export const istioGatewayReader: ReaderFactory = (objects) => {
  const services = servicesAmong(objects);
  return (gateway, env) =>
    groupOf(gateway) === ISTIO_GROUP ? readIstioGateway(gateway, services, env) : undefined;
};

function readIstioGateway(
  gateway: KubernetesObject,
  services: readonly KubernetesObject[],
  env: SourceEnv,
): ObjectOutput | undefined {
  if (!passesCommonFilters(gateway, env.filters)) return undefined;
  const opened = openObject('gateway', gateway, env);
  if (!opened) return undefined;
  const { out, reader } = opened;
  const names = specAndAnnotatedNames(out, reader, env, serverHosts(gateway.spec));
  if (names.length === 0) return out;
  const settings = readEndpointSettings(reader, out.report);
  if (settings.targets) {
    out.publish(names, settings.targets, settings);
    return out;
  }
  const found = istioGatewayTargets(gateway, services, env, out);
  if (found.kind === 'targets') out.publish(names, found.targets, settings);
  else out.hold(names);
  return out;
}
