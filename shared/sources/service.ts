import type { Config } from '../config.js';
import { LABEL_OWNER, LABEL_RESOURCE, newEndpoint } from '../endpoint/endpoint.js';
import { splitNameList } from '../endpoint/names.js';
import {
  type AnnotationReader,
  CERTIFICATE_ANNOTATION,
  readAnnotation,
  readEndpointSettings,
  SSL_CERT_ANNOTATION,
} from './annotations.js';
import type { ReaderFactory } from './definition.js';
import { passesCommonFilters } from './filters.js';
import type { KubernetesObject } from './objects.js';
import { type NamedHost, type ObjectOutput, openObject, type SourceEnv } from './output.js';
import {
  ClusterAddresses,
  ENDPOINT_SLICES_LIST,
  NODES_LIST,
  type NodeAddresses,
  type SliceEndpoint,
} from './service-addresses.js';
import { isRecord, statusTargets, stringList } from './shape.js';

/**
 * ExternalDNS's `service` source for one Service: names from the `hostname` and `internal-hostname`
 * annotations, targets from the `target` annotation or else from the Service itself:
 *
 * | type          | hostname                                   | internal-hostname |
 * | ------------- | ------------------------------------------ | ----------------- |
 * | LoadBalancer  | spec.externalIPs, else status.loadBalancer | spec.clusterIP    |
 * | ClusterIP     | spec.clusterIP with publishInternalServices| spec.clusterIP    |
 * | ExternalName  | spec.externalIPs, else spec.externalName   | (same)            |
 * | NodePort      | node addresses (`access`), SRV per nodePort| (same)            |
 * | headless      | pod addresses (`endpoints-type`), per pod  | (same)            |
 *
 * NodePort and headless Services read the cluster's Nodes and their EndpointSlices (./service-addresses.ts).
 * Where the cluster refuses those lists (a ClusterRole from before they were needed), their names are held
 * with a warning naming the list: nothing says where they point, so what they have stays.
 * A LoadBalancer without status (yet, or cleared in a rollout) holds its names rather than losing them.
 * One opted in with `edge-reconciler.io/certificate: "true"` also hands its `hostname` names to the
 * certificate planner, with the ARNs its ssl-cert annotation names; its records are the same either way.
 */

interface ServiceSpec {
  type?: unknown;
  clusterIP?: unknown;
  externalIPs?: unknown;
  externalName?: unknown;
  externalTrafficPolicy?: unknown;
  publishNotReadyAddresses?: unknown;
  ports?: unknown;
}

/** The cluster's Nodes and EndpointSlices indexed once, for every Service of the cluster. */
export const serviceReader: ReaderFactory = (objects) => {
  const addresses = new ClusterAddresses(objects);
  return (svc, env) => readService(svc, env, addresses);
};

const KNOWN_TYPES = new Set(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);

/** What one Service contributes, or undefined when the filters leave it out. */
export function readService(
  svc: KubernetesObject,
  env: SourceEnv,
  addresses: ClusterAddresses = new ClusterAddresses([]),
): ObjectOutput | undefined {
  if (!passesCommonFilters(svc, env.filters)) return undefined;
  const spec = (isRecord(svc.spec) ? svc.spec : {}) as ServiceSpec;
  const type = typeof spec.type === 'string' && spec.type !== '' ? spec.type : 'ClusterIP';
  const typeFilter: readonly string[] = env.config.serviceTypeFilter;
  if (typeFilter.length > 0 && !typeFilter.includes(type)) return undefined;

  const opened = openObject('service', svc, env);
  if (!opened) return undefined;
  const { out, reader } = opened;
  const wantsCertificate = certificateOptIn(svc, type, out);
  // A Service has no hostnames of its own: with the annotation ignored there is nothing to publish.
  if (env.config.ignoreHostnameAnnotation) {
    if (wantsCertificate) reportNoCertificateNames(out, 'ignoreHostnameAnnotation is set');
    return out;
  }

  const external = annotatedNames(out, reader, 'hostname');
  const internal = annotatedNames(out, reader, 'internal-hostname');
  if (wantsCertificate) {
    if (reader.get('hostname')) addTlsHosts(out, svc, external);
    else reportNoCertificateNames(out, 'the Service has no hostname annotation');
  }
  if (external.length === 0 && internal.length === 0) return out;

  const settings = readEndpointSettings(reader, out.report);
  let reportedUnsupported = false;
  const groups: [string[], boolean][] = [
    [external, false],
    [internal, true],
  ];
  for (const [names, useClusterIP] of groups) {
    if (names.length === 0) continue;
    if (settings.targets) {
      out.publish(names, settings.targets, settings);
      continue;
    }
    if (type === 'NodePort') {
      publishNodePort({ out, reader, env, addresses, settings }, svc, spec, names);
      continue;
    }
    if (type === 'ClusterIP' && spec.clusterIP === 'None') {
      publishHeadless({ out, reader, env, addresses, settings }, svc, spec, names);
      continue;
    }
    const found = serviceTargets(type, spec, svc, useClusterIP, env.config.publishInternalServices);
    switch (found.kind) {
      case 'targets': {
        const targets = out.validTargets(found.targets);
        if (targets) out.publish(names, targets, settings);
        else out.hold(names);
        break;
      }
      case 'awaiting-status':
        out.hold(names);
        break;
      case 'unsupported':
        if (!reportedUnsupported) {
          reportedUnsupported = true;
          out.report({ code: 'unsupported-service', field: 'spec.type', message: found.reason });
        }
        out.hold(names);
        break;
      case 'none':
        break;
    }
  }
  return out;
}

/**
 * Whether the Service asks for certificates. A bad value asks for none (its records are unaffected),
 * and so does a type other than LoadBalancer: nothing else can put an ACM certificate in front of it.
 */
function certificateOptIn(svc: KubernetesObject, type: string, out: ObjectOutput): boolean {
  const a = readAnnotation(svc.metadata.annotations, CERTIFICATE_ANNOTATION, out.report);
  if (!a) return false;
  const value = a.value.toLowerCase();
  if (value !== 'true' && value !== 'false') {
    out.report({
      code: 'bad-annotation',
      field: a.key,
      message: `${a.key}: "${a.value}" is not true or false; no certificate is requested for this Service`,
    });
    return false;
  }
  if (value === 'false') return false;
  if (type !== 'LoadBalancer') {
    out.report({
      code: 'ignored-annotation',
      field: a.key,
      message: `${a.key} is ignored: a ${type} Service has no load balancer to serve an ACM certificate`,
    });
    return false;
  }
  return true;
}

function reportNoCertificateNames(out: ObjectOutput, why: string): void {
  out.report({
    code: 'ignored-annotation',
    field: CERTIFICATE_ANNOTATION,
    message: `${CERTIFICATE_ANNOTATION} is ignored: ${why}, so there is no name to request a certificate for`,
  });
}

function addTlsHosts(out: ObjectOutput, svc: KubernetesObject, names: readonly string[]): void {
  const sslCert = readAnnotation(svc.metadata.annotations, SSL_CERT_ANNOTATION, out.report);
  const attached = sslCert ? splitNameList(sslCert.value) : [];
  for (const host of names) {
    out.tlsHosts.push({
      host,
      resource: out.resource,
      cluster: out.cluster,
      attachedCertificateArns: [...attached],
    });
  }
}

function annotatedNames(out: ObjectOutput, reader: AnnotationReader, suffix: string): string[] {
  const a = reader.get(suffix);
  if (!a) return [];
  const hosts: NamedHost[] = splitNameList(a.value).map((raw) => ({ raw, field: a.key }));
  return out.validNames(hosts, 'bad-annotation');
}

type FoundTargets =
  | { kind: 'targets'; targets: NamedHost[] }
  /** A LoadBalancer whose controller has not (or no longer) published an address. */
  | { kind: 'awaiting-status' }
  | { kind: 'unsupported'; reason: string }
  /** Nothing to publish by design (a ClusterIP Service without publishInternalServices). */
  | { kind: 'none' };

function serviceTargets(
  type: string,
  spec: ServiceSpec,
  svc: KubernetesObject,
  useClusterIP: boolean,
  publishInternal: boolean,
): FoundTargets {
  const clusterIP = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
  const headless = clusterIP === 'None';
  const clusterIPTargets = (): FoundTargets =>
    clusterIP === '' || headless
      ? { kind: 'none' }
      : { kind: 'targets', targets: [{ raw: clusterIP, field: 'spec.clusterIP' }] };

  switch (type) {
    case 'LoadBalancer': {
      if (useClusterIP) return clusterIPTargets();
      const externalIPs = stringList(spec.externalIPs, 'spec.externalIPs');
      if (externalIPs.length > 0) return { kind: 'targets', targets: externalIPs };
      const fromStatus = statusTargets(svc.status);
      return fromStatus.length > 0 ? { kind: 'targets', targets: fromStatus } : { kind: 'awaiting-status' };
    }
    case 'ClusterIP':
      return useClusterIP || publishInternal ? clusterIPTargets() : { kind: 'none' };
    case 'ExternalName': {
      const externalIPs = stringList(spec.externalIPs, 'spec.externalIPs');
      if (externalIPs.length > 0) return { kind: 'targets', targets: externalIPs };
      const name = typeof spec.externalName === 'string' ? spec.externalName : '';
      return name === ''
        ? { kind: 'none' }
        : { kind: 'targets', targets: [{ raw: name, field: 'spec.externalName' }] };
    }
    default:
      return KNOWN_TYPES.has(type)
        ? { kind: 'none' }
        : { kind: 'unsupported', reason: `unknown Service type "${type}"; existing records are kept` };
  }
}

interface Reading {
  out: ObjectOutput;
  reader: AnnotationReader;
  env: SourceEnv;
  addresses: ClusterAddresses;
  settings: ReturnType<typeof readEndpointSettings>;
}

/** The lists a Service needs that the cluster refused, named for the warning; empty when all were read. */
function refusedLists(env: SourceEnv, lists: readonly string[]): string[] {
  return lists.filter((l) => env.unreadable?.has(l));
}

function reportRefused(out: ObjectOutput, what: string, refused: readonly string[]): void {
  out.report({
    code: 'unreadable-addresses',
    field: 'spec.type',
    message: `${what}: its records come from ${refused.join(' and ')}, which this cluster does not let the reconciler list (403/404); its records are kept as they are. Grant list on them (cli rbac)`,
  });
}

/**
 * A NodePort Service, as ExternalDNS's `extractNodePortTargets`: the addresses of every schedulable Node
 * (with externalTrafficPolicy Local, of the Nodes running its pods, the readiest ones), ExternalIPs unless
 * `access: private`, InternalIPs with it, or when no Node has an ExternalIP and `access` is unset. And, as
 * `extractNodePortEndpoints`, an SRV record `_<service>._<protocol>.<name>` per node port, `0 50 <nodePort>
 * <name>.`, when SRV is a managed type.
 */
function publishNodePort(
  r: Reading,
  svc: KubernetesObject,
  spec: ServiceSpec,
  names: readonly string[],
): void {
  const { out, env, addresses, settings } = r;
  // Held, a NodePort Service keeps its SRV records too (`_<service>._<protocol>.<name>`): every record it owns.
  const local = spec.externalTrafficPolicy === 'Local';
  const refused = refusedLists(env, local ? [NODES_LIST, ENDPOINT_SLICES_LIST] : [NODES_LIST]);
  if (refused.length > 0) {
    reportRefused(out, 'NodePort Service', refused);
    out.holdAll(names);
    return;
  }
  const nodes = (
    local
      ? nodesRunning(addresses.endpointsOf(svc.metadata.namespace ?? '', svc.metadata.name), addresses)
      : addresses.allNodes()
  ).filter((n) => !n.unschedulable);
  const external = nodes.flatMap((n) => n.externalIPs);
  const internal = nodes.flatMap((n) => n.internalIPs);
  const access = accessOf(r);
  const targets =
    access === 'private'
      ? internal
      : access === 'public'
        ? external
        : external.length > 0
          ? external
          : internal;
  if (targets.length === 0) {
    out.report({
      code: 'missing-target',
      field: 'spec.type',
      message: `NodePort Service: no${local ? ' Node running its pods' : ' schedulable Node'} has ${access === 'private' ? 'an InternalIP' : access === 'public' ? 'an ExternalIP' : 'an address'}; its names are held`,
    });
    out.holdAll(names);
    return;
  }
  const valid = out.validTargets(targets.map((t) => ({ raw: t, field: 'Node status.addresses' })));
  if (!valid) {
    out.holdAll(names);
    return;
  }
  out.publish(names, [...new Set(valid)].sort(), settings);
  if (managed(env.config, 'SRV')) publishNodePortSrv(r, svc, spec, names);
}

/** ExternalDNS `access`: `public` or `private`; anything else is reported and read as unset. */
function accessOf(r: Reading): 'public' | 'private' | undefined {
  const a = r.reader.get('access');
  if (!a) return undefined;
  if (a.value === 'public' || a.value === 'private') return a.value;
  r.out.report({
    code: 'bad-annotation',
    field: a.key,
    message: `${a.key}: "${a.value}" is neither public nor private; read as unset`,
  });
  return undefined;
}

/**
 * The Nodes running the Service's endpoints, at the best readiness any reaches (ExternalDNS's
 * `nodesExternalTrafficPolicyTypeLocal`, with EndpointSlice conditions for pod states): ready ones; else
 * serving while terminating; else any.
 */
function nodesRunning(endpoints: readonly SliceEndpoint[], addresses: ClusterAddresses): NodeAddresses[] {
  const rank = (e: SliceEndpoint) => (e.ready && !e.terminating ? 3 : e.serving ? 2 : 1);
  const best = new Map<string, number>();
  for (const e of endpoints) {
    if (!e.isPod || !e.nodeName || !addresses.node(e.nodeName)) continue;
    best.set(e.nodeName, Math.max(best.get(e.nodeName) ?? 0, rank(e)));
  }
  const top = Math.max(0, ...best.values());
  return [...best]
    .filter(([, p]) => p === top)
    .map(([name]) => addresses.node(name) as NodeAddresses)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

function publishNodePortSrv(
  r: Reading,
  svc: KubernetesObject,
  spec: ServiceSpec,
  names: readonly string[],
): void {
  const { out, settings } = r;
  if (!settings.ok) return;
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  for (const [i, port] of ports.entries()) {
    if (!isRecord(port) || typeof port.nodePort !== 'number' || port.nodePort <= 0) continue;
    const protocol = (
      typeof port.protocol === 'string' && port.protocol !== '' ? port.protocol : 'TCP'
    ).toLowerCase();
    for (const host of names) {
      const [srvName] = out.validNames(
        [{ raw: `_${svc.metadata.name}._${protocol}.${host}`, field: `spec.ports[${i}].nodePort` }],
        'invalid-hostname',
      );
      if (!srvName) continue;
      const { alias: _alias, ...properties } = settings.properties;
      out.endpoints.push(
        newEndpoint(srvName, 'SRV', [`0 50 ${port.nodePort} ${host}.`], {
          ...(settings.ttl !== undefined ? { ttl: settings.ttl } : {}),
          ...(settings.setIdentifier !== undefined ? { setIdentifier: settings.setIdentifier } : {}),
          labels: { ...settings.labels, [LABEL_OWNER]: out.ownerId, [LABEL_RESOURCE]: out.resource },
          properties: structuredClone(properties),
        }),
      );
    }
  }
}

function managed(config: Config, type: 'SRV'): boolean {
  return config.managedRecordTypes.includes(type) && !config.excludeRecordTypes.includes(type);
}

type EndpointsType = 'pod' | 'NodeExternalIP' | 'HostIP';

/** ExternalDNS `endpoints-type`: `NodeExternalIP` or `HostIP`; unset is the pods' own addresses. */
function endpointsTypeOf(r: Reading): EndpointsType {
  const a = r.reader.get('endpoints-type');
  if (!a) return 'pod';
  if (a.value === 'NodeExternalIP' || a.value === 'HostIP') return a.value;
  r.out.report({
    code: 'bad-annotation',
    field: a.key,
    message: `${a.key}: "${a.value}" is neither NodeExternalIP nor HostIP; the pods' own addresses are published`,
  });
  return 'pod';
}

/**
 * A headless Service (clusterIP None), as ExternalDNS's `extractHeadlessEndpoints`: each name points at
 * its ready pods (every pod with `spec.publishNotReadyAddresses`), and each pod with a hostname also gets
 * `<hostname>.<name>` pointing at itself. A pod's address is its EndpointSlice address (IPv4 and IPv6
 * slices only), or with `endpoints-type` its Node's ExternalIPs (NodeExternalIP) or InternalIP (HostIP).
 */
function publishHeadless(
  r: Reading,
  svc: KubernetesObject,
  spec: ServiceSpec,
  names: readonly string[],
): void {
  const { out, env, addresses, settings } = r;
  const endpointsType = endpointsTypeOf(r);
  const refused = refusedLists(
    env,
    endpointsType === 'pod' ? [ENDPOINT_SLICES_LIST] : [ENDPOINT_SLICES_LIST, NODES_LIST],
  );
  if (refused.length > 0) {
    reportRefused(out, 'headless Service', refused);
    // Its per-pod names are unknown too: every record it owns is kept.
    out.holdAll(names);
    return;
  }
  const publishNotReady = spec.publishNotReadyAddresses === true;
  const endpoints = addresses
    .endpointsOf(
      svc.metadata.namespace ?? '',
      svc.metadata.name,
      endpointsType === 'pod' ? ['IPv4', 'IPv6'] : undefined,
    )
    .filter((e) => e.isPod && (e.ready || publishNotReady));
  const targetsByName = new Map<string, Set<string>>();
  const add = (name: string, targets: readonly string[]) => {
    const set = targetsByName.get(name) ?? new Set<string>();
    for (const t of targets) set.add(t);
    targetsByName.set(name, set);
  };
  for (const e of endpoints) {
    const node = addresses.node(e.nodeName);
    const targets =
      endpointsType === 'NodeExternalIP'
        ? (node?.externalIPs ?? [])
        : endpointsType === 'HostIP'
          ? (node?.internalIPs.slice(0, 1) ?? [])
          : e.addresses.slice(0, 1);
    if (targets.length === 0) continue;
    for (const host of names) {
      add(host, targets);
      if (!e.hostname) continue;
      const [podName] = out.validNames(
        [{ raw: `${e.hostname}.${host}`, field: 'EndpointSlice endpoints[].hostname' }],
        'invalid-hostname',
      );
      if (podName) add(podName, targets);
    }
  }
  for (const host of names) {
    if (!targetsByName.has(host)) {
      out.report({
        code: 'missing-target',
        field: 'spec.clusterIP',
        message: `headless Service: no ${publishNotReady ? '' : 'ready '}pod address${endpointsType === 'pod' ? '' : ` (${endpointsType})`} in its EndpointSlices; ${host} is held`,
      });
      out.hold([host]);
    }
  }
  for (const [name, targets] of [...targetsByName].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const valid = out.validTargets(
      [...targets].map((t) => ({ raw: t, field: 'EndpointSlice endpoints[].addresses' })),
    );
    if (valid) out.publish([name], [...valid].sort(), settings);
    else out.hold([name]);
  }
}
