import { isIP } from 'node:net';
import { newEndpoint, RECORD_TYPES, type RecordType } from '../endpoint/endpoint.js';
import { targetProblem } from '../endpoint/names.js';
import { AnnotationReader, type EndpointSettings, readEndpointSettings } from './annotations.js';
import { passesCommonFilters } from './filters.js';
import type { KubernetesObject } from './objects.js';
import { type ObjectOutput, openObject, type SourceEnv } from './output.js';
import { isRecord } from './shape.js';

/**
 * ExternalDNS's `crd` source (`source/crd.go`) for one DNSEndpoint (`externaldns.k8s.io/v1alpha1`): each
 * `spec.endpoints[]` entry is one record set as written — `dnsName`, `recordType`, `targets`,
 * `recordTTL`, `setIdentifier`, and the AWS `providerSpecific` properties (`alias`, `aws/weight`,
 * `aws/region`, `aws/failover`, `aws/geolocation-*`, `aws/evaluate-target-health`, ...), read by the same
 * rules as the annotations of the other sources. This is how records no workload owns are published:
 * MX, a CNAME to a SaaS, a TXT (SPF, site verification). Only record types in `managedRecordTypes` are
 * written (the planner's rule; an entry of another type is reported here, not silently dropped). A TXT
 * is a record like the others, owned through its own ownership TXT (`txt-<name>`), and never mistaken for
 * one: the registry knows its own by their `heritage=external-dns` value. Records are labelled
 * `crd/<namespace>/<name>`, as ExternalDNS labels them.
 *
 * A bad entry is reported naming its field and its name held (its records stay as they are); the
 * object's other entries go on. `status.observedGeneration`: ExternalDNS reads every DNSEndpoint whatever
 * it says, then writes it; so does this source read them, but it writes nothing to a cluster (its
 * ClusterRole may only list), so the field stays as ExternalDNS, or nobody, left it.
 */

/** The kind as the `resource` label names it (`crd/<namespace>/<name>`). */
export const CRD_LABEL = 'crd';

/** Route 53 takes one TXT string up to this many characters. */
const TXT_STRING_MAX = 255;
/** Route 53 takes one value up to this many characters (API reference, ResourceRecord). */
const VALUE_MAX = 4000;

export function readDnsEndpoint(o: KubernetesObject, env: SourceEnv): ObjectOutput | undefined {
  if (!passesCommonFilters(o, env.filters)) return undefined;
  const opened = openObject(CRD_LABEL, o, env);
  if (!opened) return undefined;
  const { out } = opened;
  const spec = isRecord(o.spec) ? o.spec : {};
  const entries = spec.endpoints ?? [];
  if (!Array.isArray(entries)) {
    out.report({ code: 'bad-object', field: 'spec.endpoints', message: 'spec.endpoints is not a list' });
    return out;
  }
  for (const [i, entry] of entries.entries()) readEntry(entry, `spec.endpoints[${i}]`, out, env);
  return out;
}

/** One `spec.endpoints[]` entry: published, held, or (an unmanaged type) left to the planner's rule. */
function readEntry(entry: unknown, field: string, out: ObjectOutput, env: SourceEnv): void {
  if (entry === null || entry === undefined) return; // ExternalDNS skips a null entry too
  if (!isRecord(entry)) {
    out.report({ code: 'bad-object', field, message: `${field} is not an endpoint` });
    return;
  }
  const raw = typeof entry.dnsName === 'string' ? entry.dnsName : '';
  const [name] = out.validNames([{ raw, field: `${field}.dnsName` }], 'invalid-hostname');
  if (!name) return;
  const type = recordTypeOf(entry.recordType, `${field}.recordType`, out);
  const settings = entrySettings(entry, field, out);
  const targets = type && targetsOf(entry.targets, type, `${field}.targets`, out);
  if (!type || !targets || !settings.ok) {
    out.hold([name]);
    return;
  }
  if (!env.config.managedRecordTypes.includes(type)) {
    out.report({
      code: 'unmanaged-record-type',
      field: `${field}.recordType`,
      dnsName: name,
      message: `${field}: ${type} is not in managedRecordTypes (${env.config.managedRecordTypes.join(', ')}), so ${name} ${type} is not written`,
    });
    return;
  }
  if (type === 'A' || type === 'AAAA' || type === 'CNAME') {
    out.publish([name], targets, settings);
    return;
  }
  out.endpoints.push(
    newEndpoint(name, type, targets, {
      ...(settings.ttl !== undefined ? { ttl: settings.ttl } : {}),
      ...(settings.setIdentifier !== undefined ? { setIdentifier: settings.setIdentifier } : {}),
      labels: { ...settings.labels, owner: out.ownerId, resource: out.resource },
      properties: structuredClone(settings.properties),
    }),
  );
}

function recordTypeOf(value: unknown, field: string, out: ObjectOutput): RecordType | undefined {
  const type = typeof value === 'string' ? value.toUpperCase() : '';
  if ((RECORD_TYPES as readonly string[]).includes(type) && type !== 'SOA') return type as RecordType;
  out.report({
    code: 'bad-object',
    field,
    message: `${field}: ${JSON.stringify(value ?? null)} is not a record type Route 53 takes from a source`,
  });
  return undefined;
}

/**
 * `recordTTL`, `setIdentifier` and `providerSpecific`, read as the annotations `ttl`, `set-identifier`,
 * `alias` and `aws-*` are (ExternalDNS's `aws/weight` is the annotation `aws-weight`), so each value
 * has one set of rules; warnings name the entry's field.
 */
function entrySettings(entry: Record<string, unknown>, field: string, out: ObjectOutput): EndpointSettings {
  const prefix = `${field}.`;
  const values: Record<string, unknown> = {};
  if (entry.recordTTL !== undefined && entry.recordTTL !== null) values[`${prefix}ttl`] = entry.recordTTL;
  if (entry.setIdentifier !== undefined && entry.setIdentifier !== null) {
    values[`${prefix}set-identifier`] = entry.setIdentifier;
  }
  const specific = entry.providerSpecific ?? [];
  for (const [i, p] of (Array.isArray(specific) ? specific : []).entries()) {
    const name = isRecord(p) && typeof p.name === 'string' ? p.name : undefined;
    if (!name || !isRecord(p)) {
      out.report({ code: 'bad-object', field: `${field}.providerSpecific[${i}]`, message: 'has no name' });
      continue;
    }
    // Another provider's property (`cloudflare/proxied`) is that provider's business.
    if (name === 'alias') values[`${prefix}alias`] = p.value;
    else if (name.startsWith('aws/')) values[`${prefix}aws-${name.slice(4)}`] = p.value;
  }
  return readEndpointSettings(new AnnotationReader(values, prefix, out.report), out.report);
}

/** The entry's targets as records hold them, or undefined (each bad one reported). */
function targetsOf(value: unknown, type: RecordType, field: string, out: ObjectOutput): string[] | undefined {
  const list = Array.isArray(value) ? value : [];
  if (list.length === 0) {
    out.report({ code: 'missing-target', field, message: `${field}: no targets, so no ${type} record` });
    return undefined;
  }
  const targets: string[] = [];
  for (const [i, t] of list.entries()) {
    const problem = typeof t === 'string' && t !== '' ? valueProblem(t, type) : 'is not a string';
    if (problem) {
      out.report({
        code: 'invalid-target',
        field: `${field}[${i}]`,
        message: `${field}[${i}]: ${JSON.stringify(t)} ${problem}`,
      });
      return undefined;
    }
    targets.push(recordValue(t as string, type));
  }
  return targets;
}

function valueProblem(value: string, type: RecordType): string | undefined {
  switch (type) {
    case 'A':
      return isIP(value) === 4 ? undefined : 'is not an IPv4 address';
    case 'AAAA':
      return isIP(value) === 6 ? undefined : 'is not an IPv6 address';
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return isIP(value) !== 0 ? `is an address, not the host name a ${type} holds` : targetProblem(value);
    case 'MX': {
      const [priority, host, ...rest] = value.trim().split(/\s+/);
      if (rest.length > 0 || !/^\d+$/.test(priority ?? '') || !host) return 'is not "<priority> <host>"';
      return targetProblem(host);
    }
    case 'SRV': {
      const parts = value.trim().split(/\s+/);
      if (parts.length !== 4 || !parts.slice(0, 3).every((p) => /^\d+$/.test(p))) {
        return 'is not "<priority> <weight> <port> <host>"';
      }
      return targetProblem(parts[3] as string);
    }
    case 'TXT':
    case 'SPF':
      return textProblem(value.trim());
    default:
      return undefined;
  }
}

/**
 * The value as Route 53 holds it: TXT and SPF strings quoted (Route 53 answers them quoted, so a value
 * written bare would differ from what the zone says every pass); host names without a trailing dot.
 */
function recordValue(value: string, type: RecordType): string {
  const v = value.trim();
  if (type === 'TXT' || type === 'SPF') return v.startsWith('"') ? v : `"${v.replace(/(["\\])/g, '\\$1')}"`;
  if (type === 'CNAME' || type === 'NS' || type === 'PTR') return v.replace(/\.$/, '').toLowerCase();
  return v;
}

/**
 * What Route 53 would refuse in a TXT/SPF value. A bare value is quoted for it (`recordValue`), so only its
 * length counts; a value starting with `"` is taken as written and must be quoted strings only, each closed
 * (Route 53: InvalidCharacterString, "Value should be enclosed in quotation marks").
 */
function textProblem(value: string): string | undefined {
  if (!value.startsWith('"')) {
    return value.length > TXT_STRING_MAX
      ? `is longer than ${TXT_STRING_MAX} characters: split it into quoted strings`
      : undefined;
  }
  if (value.length > VALUE_MAX) return `is longer than ${VALUE_MAX} characters`;
  const strings = /^(?:"((?:[^"\\]|\\.)*)"\s*)+$/.test(value)
    ? [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'))
    : undefined;
  if (!strings) return 'is not one or more closed quoted strings ("..." "...")';
  return strings.some((t) => t.length > TXT_STRING_MAX)
    ? `holds a quoted string longer than ${TXT_STRING_MAX} characters`
    : undefined;
}
