import { splitNameList } from '../endpoint/names.js';
import {
  type AnnotationReader,
  CERTIFICATE_ANNOTATION,
  readAnnotation,
  readEndpointSettings,
  SSL_CERT_ANNOTATION,
} from './annotations.js';
import { passesCommonFilters } from './filters.js';
import type { KubernetesObject } from './objects.js';
import { type NamedHost, type ObjectOutput, openObject, type SourceEnv } from './output.js';
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
 * | NodePort      | node addresses — not read yet: held        | (same)            |
 * | headless      | pod addresses — not read yet: held         | (same)            |
 *
 * A LoadBalancer without status (yet, or cleared in a rollout) holds its names rather than losing them.
 * One opted in with `edge-reconciler.io/certificate: "true"` also hands its `hostname` names to the
 * certificate planner, with the ARNs its ssl-cert annotation names; its records are the same either way.
 */

interface ServiceSpec {
  type?: unknown;
  clusterIP?: unknown;
  externalIPs?: unknown;
  externalName?: unknown;
}

const KNOWN_TYPES = new Set(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);

/** What one Service contributes, or undefined when the filters leave it out. */
export function readService(svc: KubernetesObject, env: SourceEnv): ObjectOutput | undefined {
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
      if (headless) {
        return {
          kind: 'unsupported',
          reason:
            'headless Service: its records come from pod addresses, which are not read yet; existing records are kept',
        };
      }
      return useClusterIP || publishInternal ? clusterIPTargets() : { kind: 'none' };
    case 'ExternalName': {
      const externalIPs = stringList(spec.externalIPs, 'spec.externalIPs');
      if (externalIPs.length > 0) return { kind: 'targets', targets: externalIPs };
      const name = typeof spec.externalName === 'string' ? spec.externalName : '';
      return name === ''
        ? { kind: 'none' }
        : { kind: 'targets', targets: [{ raw: name, field: 'spec.externalName' }] };
    }
    case 'NodePort':
      return {
        kind: 'unsupported',
        reason:
          'NodePort Service: its records come from node addresses, which are not read yet; existing records are kept',
      };
    default:
      return KNOWN_TYPES.has(type)
        ? { kind: 'none' }
        : { kind: 'unsupported', reason: `unknown Service type "${type}"; existing records are kept` };
  }
}
