import { checkHostname, splitNameList } from '../endpoint/names.js';
import { readEndpointSettings } from './annotations.js';
import { ingressClassMatches, passesCommonFilters } from './filters.js';
import type { KubernetesObject } from './objects.js';
import { type NamedHost, type ObjectOutput, openObject, type SourceEnv } from './output.js';
import { isRecord, statusTargets } from './shape.js';

/**
 * ExternalDNS's `ingress` source for one Ingress: names from `spec.rules[].host`, `spec.tls[].hosts`
 * and the `hostname` annotation (each can be switched off, and the `ingress-hostname-source`
 * annotation picks spec or annotation only); targets from the `target` annotation or else
 * `status.loadBalancer.ingress`. The TLS hosts are also handed to the certificate planner, whatever
 * `ignoreIngressTlsSpec` says: that flag is about records, not certificates.
 */

const DEFINED_HOSTS_ONLY = 'defined-hosts-only';
const ANNOTATION_ONLY = 'annotation-only';

interface TlsEntry {
  hosts: NamedHost[];
  secretName?: string;
}

/** What one Ingress contributes, or undefined when the filters leave it out. */
export function readIngress(ing: KubernetesObject, env: SourceEnv): ObjectOutput | undefined {
  if (!passesCommonFilters(ing, env.filters)) return undefined;
  if (!ingressClassMatches(ing, env.filters.ingressClasses)) return undefined;
  const opened = openObject('ingress', ing, env);
  if (!opened) return undefined;
  const { out, reader } = opened;

  const spec = isRecord(ing.spec) ? ing.spec : {};
  const tls = tlsEntries(spec.tls);
  collectTlsHosts(out, tls, env.cluster);

  const specHosts: NamedHost[] = [];
  if (!env.config.ignoreIngressRulesSpec) specHosts.push(...ruleHosts(spec.rules));
  if (!env.config.ignoreIngressTlsSpec) specHosts.push(...tls.flatMap((t) => t.hosts));
  const annotationHosts: NamedHost[] = [];
  const hostnameAnnotation = reader.get('hostname');
  if (hostnameAnnotation && !env.config.ignoreHostnameAnnotation) {
    for (const raw of splitNameList(hostnameAnnotation.value))
      annotationHosts.push({ raw, field: hostnameAnnotation.key });
  }

  const fromSpec = out.validNames(specHosts, 'invalid-hostname');
  const fromAnnotation = out.validNames(annotationHosts, 'bad-annotation');
  let names = [...new Set([...fromSpec, ...fromAnnotation])];
  const hostnameSource = reader.get('ingress-hostname-source');
  if (hostnameSource) {
    const choice = hostnameSource.value.toLowerCase();
    if (choice === DEFINED_HOSTS_ONLY) names = fromSpec;
    else if (choice === ANNOTATION_ONLY) names = fromAnnotation;
    else {
      out.report({
        code: 'bad-annotation',
        field: hostnameSource.key,
        message: `${hostnameSource.key}: "${hostnameSource.value}" is not ${DEFINED_HOSTS_ONLY} or ${ANNOTATION_ONLY}`,
      });
      out.hold(names);
      return out;
    }
  }
  if (names.length === 0) return out;

  const settings = readEndpointSettings(reader, out.report);
  if (settings.targets) {
    out.publish(names, settings.targets, settings);
    return out;
  }
  const fromStatus = statusTargets(ing.status);
  if (fromStatus.length === 0) {
    // No address yet, or the controller cleared it while rolling out: keep what the names have.
    out.hold(names);
    return out;
  }
  const targets = out.validTargets(fromStatus);
  if (targets) out.publish(names, targets, settings);
  else out.hold(names);
  return out;
}

function ruleHosts(rules: unknown): NamedHost[] {
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((rule, i) =>
    isRecord(rule) && typeof rule.host === 'string' && rule.host !== ''
      ? [{ raw: rule.host, field: `spec.rules[${i}].host` }]
      : [],
  );
}

function tlsEntries(tls: unknown): TlsEntry[] {
  if (!Array.isArray(tls)) return [];
  return tls.flatMap((entry, i) => {
    if (!isRecord(entry)) return [];
    const hosts = Array.isArray(entry.hosts)
      ? entry.hosts.flatMap((h, j) =>
          typeof h === 'string' && h !== '' ? [{ raw: h, field: `spec.tls[${i}].hosts[${j}]` }] : [],
        )
      : [];
    const secretName =
      typeof entry.secretName === 'string' && entry.secretName !== '' ? entry.secretName : undefined;
    return [{ hosts, ...(secretName ? { secretName } : {}) }];
  });
}

function collectTlsHosts(out: ObjectOutput, tls: readonly TlsEntry[], cluster: string): void {
  const seen = new Set<string>();
  for (const entry of tls) {
    for (const h of entry.hosts) {
      const checked = checkHostname(h.raw);
      if (!checked.ok) {
        out.report({
          code: 'invalid-hostname',
          field: h.field,
          dnsName: checked.name,
          message: `${h.field}: hostname "${h.raw}" ${checked.problem}`,
        });
        continue;
      }
      if (seen.has(checked.name)) continue;
      seen.add(checked.name);
      out.tlsHosts.push({
        host: checked.name,
        resource: out.resource,
        cluster,
        ...(entry.secretName ? { secretName: entry.secretName } : {}),
      });
    }
  }
}
