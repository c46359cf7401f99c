import { readEndpointSettings } from './annotations.js';
import type { ReaderFactory } from './definition.js';
import { passesCommonFilters } from './filters.js';
import { groupOf, servicesAmong } from './istio-gateway.js';
import { ISTIO_GROUP, type IstioTargets, istioGatewayTargets, splitServerHost } from './istio-targets.js';
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
 * ExternalDNS's `istio-virtualservice` source (`source/istio_virtualservice.go`) for one VirtualService:
 * names from `spec.hosts` (`namespace/host` read as `host`; `*` is no name) and the `hostname`
 * annotation; each name points at the VirtualService's `target` annotation, else at the targets of every
 * Gateway in `spec.gateways` (`namespace/name`, or `name` in the VirtualService's namespace; `mesh` is
 * the sidecars, no Gateway) that the name binds to: the VirtualService is exported to the Gateway's
 * namespace (`exportTo`) and a server host of the Gateway takes the name (`*`, the name itself, or a
 * `*.suffix` of it) for the VirtualService's namespace (namespace part `*`, `.` or its own). A name bound to no
 * Gateway gets no record; one bound to a Gateway without an address yet is held. Records are labelled
 * `virtualservice/<namespace>/<name>`.
 */

const MESH = 'mesh';

export const istioVirtualServiceReader: ReaderFactory = (objects) => {
  const services = servicesAmong(objects);
  const gateways = new Map<string, KubernetesObject>();
  for (const o of objects) {
    if (isRecord(o) && o.kind === 'Gateway' && groupOf(o) === ISTIO_GROUP && isRecord(o.metadata)) {
      gateways.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
    }
  }
  return (vs, env) =>
    groupOf(vs) === ISTIO_GROUP ? readVirtualService(vs, { gateways, services }, env) : undefined;
};

interface IstioWorld {
  gateways: ReadonlyMap<string, KubernetesObject>;
  services: readonly KubernetesObject[];
}

function readVirtualService(
  vs: KubernetesObject,
  world: IstioWorld,
  env: SourceEnv,
): ObjectOutput | undefined {
  if (!passesCommonFilters(vs, env.filters)) return undefined;
  const opened = openObject('virtualservice', vs, env);
  if (!opened) return undefined;
  const { out, reader } = opened;
  const spec = isRecord(vs.spec) ? vs.spec : {};
  const names = specAndAnnotatedNames(out, reader, env, specHosts(spec.hosts));
  if (names.length === 0) return out;
  const settings = readEndpointSettings(reader, out.report);
  if (settings.targets) {
    out.publish(names, settings.targets, settings);
    return out;
  }
  const bound = boundGateways(vs, spec.gateways, world, out);
  for (const name of names) {
    const found = bound.filter((g) => bindsTo(vs, g.gateway, name)).map((g) => g.targets(env));
    if (found.some((t) => t.kind === 'held')) out.hold([name]);
    else {
      const targets = [...new Set(found.flatMap((t) => (t.kind === 'targets' ? t.targets : [])))];
      if (targets.length > 0) out.publish([name], targets, settings);
    }
  }
  return out;
}

function specHosts(value: unknown): NamedHost[] {
  const hosts = Array.isArray(value) ? value : [];
  return hosts.flatMap((h, i) => {
    const split = typeof h === 'string' && h !== '' ? splitServerHost(h) : undefined;
    if (!split || split.host === '*' || split.host === '') return [];
    return [{ raw: split.host, field: `spec.hosts[${i}]` }];
  });
}

interface BoundGateway {
  gateway: KubernetesObject;
  /** The Gateway's targets, found (and reported) once per VirtualService, when a name needs them. */
  targets: (env: SourceEnv) => IstioTargets;
}

/** The Gateways `spec.gateways` names that exist; a missing one is reported, as ExternalDNS warns. */
function boundGateways(
  vs: KubernetesObject,
  value: unknown,
  world: IstioWorld,
  out: ObjectOutput,
): BoundGateway[] {
  const refs = Array.isArray(value) ? value : [];
  const bound: BoundGateway[] = [];
  for (const [i, ref] of refs.entries()) {
    if (typeof ref !== 'string' || ref === '' || ref === MESH) continue;
    const parts = ref.split('/');
    const [namespace, name] = parts.length === 2 ? parts : [vs.metadata.namespace ?? '', ref];
    const gateway = world.gateways.get(
      `${namespace === '' ? (vs.metadata.namespace ?? '') : namespace}/${name}`,
    );
    if (!gateway) {
      out.report({
        code: 'missing-target',
        field: `spec.gateways[${i}]`,
        message: `spec.gateways[${i}]: Gateway ${ref} does not exist (or is not listed); no record points through it`,
      });
      continue;
    }
    let cached: IstioTargets | undefined;
    bound.push({
      gateway,
      targets: (env) => {
        cached ??= istioGatewayTargets(gateway, world.services, env, out);
        return cached;
      },
    });
  }
  return bound;
}

/** ExternalDNS's `virtualServiceBindsToGateway`: exported to the Gateway, and a server host takes the name. */
function bindsTo(vs: KubernetesObject, gateway: KubernetesObject, host: string): boolean {
  const vsNamespace = vs.metadata.namespace ?? '';
  const gwNamespace = gateway.metadata.namespace ?? '';
  const spec = isRecord(vs.spec) ? vs.spec : {};
  const exportTo = Array.isArray(spec.exportTo) ? spec.exportTo : [];
  const exported =
    exportTo.length === 0 ||
    exportTo.some((ns) => ns === '*' || ns === gwNamespace || (ns === '.' && gwNamespace === vsNamespace));
  if (!exported) return false;
  const gwSpec = isRecord(gateway.spec) ? gateway.spec : {};
  const servers = Array.isArray(gwSpec.servers) ? gwSpec.servers : [];
  for (const server of servers) {
    const hosts = isRecord(server) && Array.isArray(server.hosts) ? server.hosts : [];
    for (const raw of hosts) {
      const split = typeof raw === 'string' ? splitServerHost(raw) : undefined;
      if (!split) continue;
      const { namespace } = split;
      if (
        !(
          namespace === '*' ||
          namespace === vsNamespace ||
          (namespace === '.' && vsNamespace === gwNamespace)
        )
      ) {
        continue;
      }
      const h = split.host.toLowerCase();
      if (h === '*' || h === host || (h.startsWith('*.') && host.endsWith(h.slice(1)))) return true;
    }
  }
  return false;
}
