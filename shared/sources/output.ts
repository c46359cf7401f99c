import type { Config } from '../config.js';
import {
  type Endpoint,
  LABEL_OWNER,
  LABEL_RESOURCE,
  newEndpoint,
  type RecordType,
} from '../endpoint/endpoint.js';
import {
  checkHostname,
  normalizeTargets,
  recordTypeForTarget,
  splitNameList,
  targetProblem,
} from '../endpoint/names.js';
import type { FilteredOut } from '../filtered.js';
import { ownershipNameProblem, txtNameMapper } from '../registry/txt-names.js';
import type { PassWarning } from '../warnings.js';
import { AnnotationReader, type EndpointSettings, type Issue, isForeignController } from './annotations.js';
import type { SourceFilters } from './filters.js';
import type { KubernetesObject } from './objects.js';

/** A hostname an Ingress or an opted-in Service terminates TLS for: what the certificate planner needs. */
export interface TlsHost {
  host: string;
  /** `ingress/<namespace>/<name>` or `service/<namespace>/<name>` */
  resource: string;
  cluster: string;
  secretName?: string;
  /**
   * The certificate ARNs the object names for its load balancer right now (a Service's ssl-cert
   * annotation), possibly none. Set only where the controller takes certificates by ARN and does not
   * find them by host, so the report can tell the operator which ARN to add; undefined for an Ingress.
   */
  attachedCertificateArns?: string[];
}

/**
 * A name whose records must stay as they are: its object still exists and still names it, but cannot
 * say where it points right now (a load balancer without status during a rollout, a bad annotation,
 * a Service type we cannot read yet). The planner neither creates nor deletes records for it.
 */
export interface HeldName {
  dnsName: string;
  /** `service/<namespace>/<name>` or `ingress/<namespace>/<name>` */
  resource: string;
  owner: string;
  /**
   * Every record the owner holds for `resource` is kept, not only `dnsName`'s: the object's names are
   * unknown this pass (a headless Service's per-pod names while its EndpointSlices cannot be read).
   */
  allOfResource?: true;
}

export interface SourceResult {
  endpoints: Endpoint[];
  tlsHosts: TlsHost[];
  held: HeldName[];
  warnings: PassWarning[];
  /** Objects a filter left out on purpose (an Ingress of another class), for the outcome to explain. */
  filtered: FilteredOut[];
}

/** A hostname together with where it was read from, so a warning about it can name the field. */
export interface NamedHost {
  raw: string;
  field: string;
}

/** What every kind's reader needs to know about the pass. */
export interface SourceEnv {
  config: Config;
  cluster: string;
  ownerId: string;
  filters: SourceFilters;
  /**
   * Lists the cluster refused that the sources may go without (`Dependency.mayBeRefused`), by qualified
   * name (`nodes`, `endpointslices.discovery.k8s.io`): what needed them is held. None when absent.
   */
  unreadable?: ReadonlySet<string>;
}

/** ExternalDNS's `resource` label: `kind/namespace/name`, lower-case kind. */
export function resourceLabel(kind: string, namespace: string | undefined, name: string): string {
  return `${kind.toLowerCase()}/${namespace ?? ''}/${name}`;
}

/**
 * Starts reading one object: its output, and its annotations reporting into that output. Undefined when
 * the object's `controller` annotation hands it to another controller.
 */
export function openObject(
  kind: string,
  obj: KubernetesObject,
  env: SourceEnv,
): { out: ObjectOutput; reader: AnnotationReader } | undefined {
  const out = new ObjectOutput(
    resourceLabel(kind, obj.metadata.namespace, obj.metadata.name),
    env.cluster,
    env.ownerId,
    registryCheckFor(env.config),
  );
  const reader = new AnnotationReader(obj.metadata.annotations, env.config.annotationPrefix, out.report);
  if (isForeignController(reader)) return undefined;
  return { out, reader };
}

type NameCheck = (dnsName: string) => string | undefined;

// The same config serves every object of a pass: build its TXT naming once.
const registryChecks = new WeakMap<Config, NameCheck>();

/** Whether the registry can write a name's ownership TXTs within DNS's limits, for this config. */
function registryCheckFor(config: Config): NameCheck {
  let check = registryChecks.get(config);
  if (!check) {
    const mapper = txtNameMapper({
      prefix: config.txtPrefix,
      suffix: config.txtSuffix,
      wildcardReplacement: config.txtWildcardReplacement,
    });
    check = (dnsName) => ownershipNameProblem(mapper, dnsName);
    registryChecks.set(config, check);
  }
  return check;
}

/** What one object contributes to the pass, collected as its kind's reader walks it. */
export class ObjectOutput {
  readonly endpoints: Endpoint[] = [];
  readonly held: HeldName[] = [];
  readonly tlsHosts: TlsHost[] = [];
  readonly warnings: PassWarning[] = [];

  constructor(
    readonly resource: string,
    readonly cluster: string,
    readonly ownerId: string,
    private readonly registryProblem: NameCheck = () => undefined,
  ) {}

  private readonly reported = new Set<string>();

  /** Adds a warning about this object; the same warning twice (a host in rules and in tls) is kept once. */
  readonly report = (issue: Issue): void => {
    const key = `${issue.code}|${issue.field ?? ''}|${issue.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.warnings.push({ ...issue, object: this.resource, cluster: this.cluster });
  };

  /**
   * The valid, normalized, de-duplicated names among `hosts`; each invalid one is reported. A valid name
   * whose ownership TXT would break DNS's limits is reported and held: what it has stays, nothing is new.
   */
  validNames(hosts: readonly NamedHost[], code: 'bad-annotation' | 'invalid-hostname'): string[] {
    const out = new Set<string>();
    for (const h of hosts) {
      const checked = checkHostname(h.raw);
      const problem = checked.ok ? undefined : checked.problem;
      const registryProblem = checked.ok ? this.registryProblem(checked.name) : undefined;
      if (!problem && !registryProblem) {
        out.add(checked.name);
        continue;
      }
      this.report({
        code: problem ? code : 'txt-name-too-long',
        field: h.field,
        dnsName: checked.name,
        message: problem
          ? `${h.field}: hostname "${h.raw}" ${problem}`
          : `${h.field}: hostname "${h.raw}": ${registryProblem}; its records are held, nothing new is published`,
      });
      if (registryProblem) this.hold([checked.name]);
    }
    return [...out];
  }

  /** The targets when every one is valid; otherwise each bad one is reported and there are none. */
  validTargets(candidates: readonly NamedHost[]): string[] | undefined {
    let ok = true;
    for (const c of candidates) {
      const problem = targetProblem(c.raw);
      if (problem) {
        ok = false;
        this.report({
          code: 'invalid-target',
          field: c.field,
          message: `${c.field}: target "${c.raw}" ${problem}`,
        });
      }
    }
    return ok ? candidates.map((c) => c.raw.replace(/\.$/, '')) : undefined;
  }

  hold(names: readonly string[]): void {
    for (const dnsName of names) this.held.push({ dnsName, resource: this.resource, owner: this.ownerId });
  }

  /** Holds every record this object owns, whatever its name (`HeldName.allOfResource`). */
  holdAll(names: readonly string[]): void {
    for (const dnsName of names) {
      this.held.push({ dnsName, resource: this.resource, owner: this.ownerId, allOfResource: true });
    }
  }

  /**
   * One endpoint per name and record type (A, AAAA, CNAME), as ExternalDNS's `EndpointsForHostname`
   * builds them. Held instead when the settings are bad; nothing when there are no targets.
   */
  publish(names: readonly string[], targets: readonly string[], settings: EndpointSettings): void {
    if (!settings.ok) {
      this.hold(names);
      return;
    }
    const byType = new Map<RecordType, string[]>();
    for (const t of targets) {
      const type = recordTypeForTarget(t);
      byType.set(type, [...(byType.get(type) ?? []), t]);
    }
    for (const dnsName of names) {
      for (const type of ['A', 'AAAA', 'CNAME'] as const) {
        const typed = byType.get(type);
        if (!typed) continue;
        let values = normalizeTargets(typed);
        if (type === 'CNAME' && values.length > 1) {
          // A CNAME holds one name and Route 53 refuses a second. ExternalDNS sorts the targets
          // (`MergeEndpoints`) and its AWS provider aliases `Targets[0]` alone when it is in a canonical
          // zone; the first name in sorted order is the same one, chosen the same way every pass whatever
          // order the status lists them in. Unlike ExternalDNS, a non-AWS pair becomes a CNAME to that
          // first name too instead of a batch Route 53 refuses.
          this.report({
            code: 'cname-multiple-targets',
            dnsName,
            message: `${dnsName} would be a CNAME to ${values.length} names (${values.join(', ')}); a CNAME holds one, so it points to ${values[0]} only`,
          });
          values = values.slice(0, 1);
        }
        const { alias, ...rest } = settings.properties;
        // The alias annotation only turns CNAMEs into aliases; A and AAAA records keep their addresses.
        const properties = structuredClone(type === 'CNAME' && alias ? { ...rest, alias } : rest);
        this.endpoints.push(
          newEndpoint(dnsName, type, values, {
            ...(settings.ttl !== undefined ? { ttl: settings.ttl } : {}),
            ...(settings.setIdentifier !== undefined ? { setIdentifier: settings.setIdentifier } : {}),
            labels: { ...settings.labels, [LABEL_OWNER]: this.ownerId, [LABEL_RESOURCE]: this.resource },
            properties,
          }),
        );
      }
    }
  }
}

/**
 * An object's names: the hosts its spec lists, and (unless `ignoreHostnameAnnotation`) those of its
 * `hostname` annotation; each bad one reported, each name once.
 */
export function specAndAnnotatedNames(
  out: ObjectOutput,
  reader: AnnotationReader,
  env: SourceEnv,
  specHosts: readonly NamedHost[],
): string[] {
  const annotationHosts: NamedHost[] = [];
  const hostname = reader.get('hostname');
  if (hostname && !env.config.ignoreHostnameAnnotation) {
    for (const raw of splitNameList(hostname.value)) annotationHosts.push({ raw, field: hostname.key });
  }
  return [
    ...new Set([
      ...out.validNames(specHosts, 'invalid-hostname'),
      ...out.validNames(annotationHosts, 'bad-annotation'),
    ]),
  ];
}
