import { type Config, parseConfig } from '../shared/config.js';
import { WRITE_VERBS } from '../shared/sources/definition.js';
import { definitionsNamed, watchedResources } from '../shared/sources/reads.js';

/**
 * The CloudWatch Logs subscription filter on a cluster's audit log: only completed, successful writes to
 * the kinds the configured sources read reach the audit function. Reads (including the reconciler's own
 * list calls), other kinds and other control-plane log streams (authenticator, scheduler …) never invoke it.
 * The resources and verbs come from the sources' definitions (shared/sources/definitions/), as the
 * function's own filter does (shared/audit/filter.ts).
 */

/** CloudWatch Logs rejects filter patterns longer than this. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

/**
 * The audit-log resources (plurals, sorted) and verbs (in WRITE_VERBS order) these sources concern, and
 * what they depend on only where the config asks for it (Traefik's Service with `traefikService`); without
 * a config, the defaults'.
 */
export function auditInterest(
  sources: readonly string[],
  config?: Config,
): { resources: string[]; verbs: string[] } {
  const definitions = definitionsNamed(sources);
  const watched = watchedResources(
    definitions,
    config ?? parseConfig({ sources: definitions.map((d) => d.name) }),
  );
  // The audit log names a resource by its plural alone, whatever its API group.
  const resources = [...new Set(watched.map((w) => w.resource))].sort();
  const verbs = WRITE_VERBS.filter((v) => watched.some((w) => w.verbs.includes(v)));
  return { resources, verbs };
}

export function auditResources(sources: readonly string[], config?: Config): string[] {
  return auditInterest(sources, config).resources;
}

/**
 * The JSON filter pattern. Status writes stay in on purpose: a Service's load balancer hostname arrives as
 * an update of `services/status`, and that is the change that makes a record publishable.
 */
export function auditFilterPattern(sources: readonly string[], config?: Config): string {
  const { resources, verbs } = auditInterest(sources, config);
  if (resources.length === 0) throw new Error('sources: empty; the audit subscription would match nothing');
  const anyOf = (field: string, values: readonly string[]) =>
    `(${values.map((v) => `${field} = "${v}"`).join(' || ')})`;
  const pattern = `{ $.stage = "ResponseComplete" && ${anyOf('$.verb', verbs)} && ${anyOf(
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
