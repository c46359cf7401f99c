import { WRITE_VERBS, type WriteVerb } from '../sources/definition.js';
import { type WatchedResource, watchedResources } from '../sources/reads.js';
import type { AuditEvent } from './decode.js';

/**
 * Which audit events can change what the edge should look like: a completed, successful, real (not
 * dry-run) write to an object kind some source reads, on the object itself or on its status — the
 * status write is when a load balancer's hostname appears. Reads, watches, proxied requests and every
 * other subresource change no record.
 */

export { WRITE_VERBS, type WriteVerb } from '../sources/definition.js';
export type { WatchedResource } from '../sources/reads.js';

/**
 * Every resource any source's definition says concerns it, in every API group it may be read from, with
 * its verbs (shared/sources/definitions/): the function hears every cluster, whatever it runs.
 */
export const WATCHED_RESOURCES: readonly WatchedResource[] = watchedResources();

export type IgnoredBecause = 'stage' | 'verb' | 'resource' | 'subresource' | 'failed' | 'dry-run';

/** A write worth a pass, with what the event names. */
export interface RelevantWrite {
  kind: string;
  verb: WriteVerb;
  namespace?: string;
  /** Absent for deletecollection (and a create whose name the event does not carry). */
  name?: string;
  status: boolean;
  event: AuditEvent;
}

export type Classified =
  | { relevant: true; write: RelevantWrite }
  | { relevant: false; because: IgnoredBecause };

export function classify(event: AuditEvent): Classified {
  // Only the final stage knows whether the write happened; the others are the same request again.
  if (event.stage !== 'ResponseComplete') return { relevant: false, because: 'stage' };
  const verb = WRITE_VERBS.find((v) => v === event.verb);
  if (!verb) return { relevant: false, because: 'verb' };
  const ref = event.objectRef;
  const watched =
    ref && WATCHED_RESOURCES.find((r) => r.resource === ref.resource && r.group === (ref.apiGroup ?? ''));
  if (!ref || !watched) return { relevant: false, because: 'resource' };
  if (!watched.verbs.includes(verb)) return { relevant: false, because: 'verb' };
  if (ref.subresource !== undefined && ref.subresource !== '' && ref.subresource !== 'status') {
    return { relevant: false, because: 'subresource' };
  }
  const code = event.responseStatus?.code;
  if (code !== undefined && code >= 400) return { relevant: false, because: 'failed' };
  if (isDryRun(event.requestURI)) return { relevant: false, because: 'dry-run' };
  return {
    relevant: true,
    write: {
      kind: watched.kind,
      verb,
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
      ...(ref.name ? { name: ref.name } : {}),
      status: ref.subresource === 'status',
      event,
    },
  };
}

/** Server-side dry-run (`?dryRun=All`) is audited like a write but persists nothing. */
function isDryRun(requestURI: string): boolean {
  const query = requestURI.indexOf('?');
  if (query < 0) return false;
  return new URLSearchParams(requestURI.slice(query + 1)).getAll('dryRun').some((v) => v !== '');
}
