import { type KubernetesResource, NODES } from '../../shared/sources/api-resources.js';
import { SOURCE_DEFINITIONS } from '../../shared/sources/reads.js';

/** A resource some source lists (or a Node), by plural and group (the first group serving it when unset). */
export function resourceNamed(plural: string, group?: string): KubernetesResource {
  const known = [
    ...SOURCE_DEFINITIONS.flatMap((s) => [...s.resources, ...s.dependencies.map((d) => d.resource)]),
    NODES,
  ];
  const found = known.find((r) => r.plural === plural && (group === undefined || r.group === group));
  if (!found) throw new Error(`no source lists ${plural}${group ? `.${group}` : ''}`);
  return found;
}
