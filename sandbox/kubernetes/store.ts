import { randomUUID } from 'node:crypto';
import type { KubernetesObject } from '../../shared/sources/objects.js';
import type { SandboxClock } from '../clock.js';
import { groupVersion, resourceByKind, SERVED_RESOURCES, type ServedResource } from './discovery.js';
import type { Matcher } from './selectors.js';

/**
 * One cluster's objects, the way etcd behind an API server keeps them: one resourceVersion counter for
 * the whole cluster, bumped by every write; lists in key order (namespace, then name); `limit`/`continue`
 * pages served from the snapshot the first page saw, until it is compacted (5 minutes, as the API
 * server's default etcd compaction interval), after which a continue answers 410 Expired. A kind served at
 * several versions is kept once, at the version it was applied at, and read at any: the sandbox serves
 * several versions only of kinds whose versions have one shape, so converting is rewriting apiVersion.
 */

const COMPACTION_MS = 5 * 60_000;
const CONTINUE_VERSION = 'meta.k8s.io/v1';
/** Where resourceVersions start: any positive number; the real ones are etcd revisions. */
const FIRST_RESOURCE_VERSION = 1000;

interface Entry {
  key: string;
  object: KubernetesObject;
}

export interface ListQuery {
  namespace?: string;
  labelSelector: Matcher;
  fieldSelector: Matcher;
  /** True when either selector was given: the real server then omits remainingItemCount. */
  selective: boolean;
  limit?: number;
  continueToken?: string;
}

export type ListOutcome =
  | {
      ok: true;
      resourceVersion: string;
      continueToken?: string;
      remainingItemCount?: number;
      items: KubernetesObject[];
    }
  | { ok: false; code: 400 | 410; message: string; continueToken?: string };

interface ContinueKey {
  rv: number;
  start: string;
}

export class ObjectStore {
  private revision = FIRST_RESOURCE_VERSION;
  private readonly objects = new Map<string, Map<string, KubernetesObject>>();
  private readonly sorted = new Map<string, readonly Entry[]>();
  private readonly snapshots = new Map<string, { takenAtMs: number; entries: readonly Entry[] }>();

  constructor(private readonly clock: SandboxClock) {}

  get resourceVersion(): string {
    return String(this.revision);
  }

  /** Creates or replaces an object; returns it as stored (resourceVersion, uid, namespace defaulted). */
  apply(input: KubernetesObject): KubernetesObject {
    const name = input?.metadata?.name;
    const kind = input?.kind;
    if (typeof kind !== 'string' || typeof name !== 'string' || !name) {
      throw new TypeError('cannot apply an object without kind and metadata.name');
    }
    const [group, version] = typeof input.apiVersion === 'string' ? splitApiVersion(input.apiVersion) : [];
    // A version the sandbox does not serve is stored at the preferred one, not refused: scenarios written
    // against another release of a CRD still load.
    const resource = resourceByKind(kind, group, version);
    const label = `${kind} ${input.metadata.namespace ? `${input.metadata.namespace}/` : ''}${name}`;
    if (!resource) {
      const kinds = [...new Set(SERVED_RESOURCES.map((r) => r.kind))].join(', ');
      throw new TypeError(`cannot apply ${label}: the sandbox API server serves only ${kinds}`);
    }
    if (group !== resource.group) {
      throw new TypeError(
        `cannot apply ${label}: apiVersion ${JSON.stringify(input.apiVersion)} is not served; use ${groupVersion(resource)}`,
      );
    }
    const object = structuredClone(input);
    object.apiVersion = groupVersion(resource);
    if (resource.namespaced) object.metadata.namespace = object.metadata.namespace || 'default';
    else delete object.metadata.namespace;
    this.revision++;
    object.metadata.resourceVersion = String(this.revision);
    object.metadata.uid ??= randomUUID();
    const meta = object.metadata as KubernetesObject['metadata'] & { creationTimestamp?: string };
    meta.creationTimestamp ??= this.clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    this.bucket(resource).set(keyOf(object), object);
    this.sorted.delete(bucketKey(resource));
    return structuredClone(object);
  }

  remove(kind: string, namespace: string | undefined, name: string): boolean {
    const resource = resourceByKind(kind);
    if (!resource) return false;
    const key = `${resource.namespaced ? namespace || 'default' : ''}/${name}`;
    const removed = this.bucket(resource).delete(key);
    if (removed) {
      this.revision++;
      this.sorted.delete(bucketKey(resource));
    }
    return removed;
  }

  /** Every object of a kind, with kind and apiVersion, in key order. */
  list(kind: string): KubernetesObject[] {
    const resource = resourceByKind(kind);
    return resource ? this.entries(resource).map((e) => structuredClone(e.object)) : [];
  }

  /** One object, at the version `resource` names. */
  get(resource: ServedResource, namespace: string | undefined, name: string): KubernetesObject | undefined {
    const o = this.bucket(resource).get(`${namespace ?? ''}/${name}`);
    return o && { ...structuredClone(o), apiVersion: groupVersion(resource) };
  }

  /** One page of a list call, at any version of the kind; items keep kind/apiVersion (the server strips them). */
  listPage(resource: ServedResource, q: ListQuery): ListOutcome {
    this.compact();
    let entries = this.entries(resource);
    let rv = this.revision;
    let start = '';
    if (q.continueToken !== undefined) {
      const key = decodeContinue(q.continueToken);
      if (!key) return { ok: false, code: 400, message: 'continue key is not valid: malformed token' };
      start = key.start;
      if (key.rv !== -1) {
        const snapshot = this.snapshots.get(`${bucketKey(resource)}@${key.rv}`);
        if (!snapshot) {
          return {
            ok: false,
            code: 410,
            message:
              'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
            continueToken: encodeContinue({ rv: -1, start }),
          };
        }
        entries = snapshot.entries;
        rv = key.rv;
      }
    }
    const matches = entries.filter(
      (e) =>
        e.key >= start &&
        (q.namespace === undefined || e.object.metadata.namespace === q.namespace) &&
        q.labelSelector(e.object) &&
        q.fieldSelector(e.object),
    );
    const limit = q.limit && q.limit > 0 ? q.limit : matches.length;
    const page = matches.slice(0, limit);
    const rest = matches.length - page.length;
    const last = page.at(-1);
    if (rest === 0 || !last)
      return { ok: true, resourceVersion: String(rv), items: page.map((e) => e.object) };
    const snapshotKey = `${bucketKey(resource)}@${rv}`;
    if (!this.snapshots.has(snapshotKey)) {
      this.snapshots.set(snapshotKey, { takenAtMs: this.clock.now().getTime(), entries });
    }
    return {
      ok: true,
      resourceVersion: String(rv),
      continueToken: encodeContinue({ rv, start: `${last.key}\u0000` }),
      ...(q.selective ? {} : { remainingItemCount: rest }),
      items: page.map((e) => e.object),
    };
  }

  private bucket(resource: ServedResource): Map<string, KubernetesObject> {
    let bucket = this.objects.get(bucketKey(resource));
    if (!bucket) {
      bucket = new Map();
      this.objects.set(bucketKey(resource), bucket);
    }
    return bucket;
  }

  /** Sorted and cached until the next write; writes replace objects, so a cached array stays a snapshot. */
  private entries(resource: ServedResource): readonly Entry[] {
    let list = this.sorted.get(bucketKey(resource));
    if (!list) {
      list = [...this.bucket(resource)]
        .map(([key, object]) => ({ key, object }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.sorted.set(bucketKey(resource), list);
    }
    return list;
  }

  private compact(): void {
    const horizon = this.clock.now().getTime() - COMPACTION_MS;
    for (const [k, s] of this.snapshots) if (s.takenAtMs < horizon) this.snapshots.delete(k);
  }
}

/**
 * Where a resource's objects are kept: by group too, as two groups can serve one plural (Traefik's), but
 * not by version, as every version of a kind reads the same objects.
 */
function bucketKey(r: ServedResource): string {
  return `${r.group}/${r.name}`;
}

function keyOf(o: KubernetesObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** `[group, version]`; the core group is ''. */
function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** The real token's shape: base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}`. */
function encodeContinue(k: ContinueKey): string {
  return Buffer.from(JSON.stringify({ v: CONTINUE_VERSION, rv: k.rv, start: k.start })).toString('base64');
}

function decodeContinue(token: string): ContinueKey | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(token)) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Record<string, unknown>;
    if (parsed.v !== CONTINUE_VERSION || !Number.isInteger(parsed.rv) || typeof parsed.start !== 'string') {
      return undefined;
    }
    if ((parsed.rv as number) < -1 || (parsed.rv as number) === 0) return undefined;
    return { rv: parsed.rv as number, start: parsed.start };
  } catch {
    return undefined;
  }
}
