import { KUBERNETES_RESOURCES } from '../shared/sources/api-resources.js';
import { SOURCE_READS, type SourceReads } from '../shared/sources/reads.js';

/**
 * The CloudWatch Logs subscription filter on a cluster's audit log: only completed, successful writes to
 * the kinds the configured sources read reach the audit function. Reads (including the reconciler's own
 * list calls), other kinds and other control-plane log streams (authenticator, scheduler …) never invoke it.
 * The kinds come from the table of what each source reads (shared/sources/reads.ts).
 */

const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;

/** CloudWatch Logs rejects filter patterns longer than this. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

export function auditResources(sources: readonly string[]): string[] {
  const resources = new Set<string>();
  for (const source of sources) {
    const reads = (SOURCE_READS as Readonly<Record<string, SourceReads | undefined>>)[source];
    if (!reads) {
      throw new Error(
        `sources: ${source}: no audit-log mapping for this source; add what it reads to shared/sources/reads.ts`,
      );
    }
    // The audit log names a resource by its plural alone, whatever its API group.
    for (const r of reads.resources) resources.add(KUBERNETES_RESOURCES[r].plural ?? r);
    if (reads.gateways) resources.add('gateways');
  }
  return [...resources].sort();
}

/**
 * The JSON filter pattern. Status writes stay in on purpose: a Service's load balancer hostname arrives as
 * an update of `services/status`, and that is the change that makes a record publishable.
 */
export function auditFilterPattern(sources: readonly string[]): string {
  const resources = auditResources(sources);
  if (resources.length === 0) throw new Error('sources: empty; the audit subscription would match nothing');
  const anyOf = (field: string, values: readonly string[]) =>
    `(${values.map((v) => `${field} = "${v}"`).join(' || ')})`;
  const pattern = `{ $.stage = "ResponseComplete" && ${anyOf('$.verb', WRITE_VERBS)} && ${anyOf(
    '$.objectRef.resource',
    resources,
  )} && $.responseStatus.code < 400 }`;
  if (pattern.length > MAX_FILTER_PATTERN_LENGTH) {
    throw new Error(
      `sources: the audit filter pattern for ${resources.length} resources is ${pattern.length} characters; CloudWatch Logs allows ${MAX_FILTER_PATTERN_LENGTH}`,
    );
  }
  return pattern;
}
