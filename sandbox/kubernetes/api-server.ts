import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KubernetesObject } from '../../shared/sources/objects.js';
import type { CallerIdentities } from '../aws/sts.js';
import type { ApiCallCounter } from '../calls.js';
import type { SandboxClock } from '../clock.js';
import type { FaultInjector, FaultKind } from '../faults.js';
import { createClusterCertificates } from './certificate-authority.js';
import {
  coreVersions,
  crdVersionName,
  group,
  groupList,
  resourceByPath,
  resourceList,
  SERVED_RESOURCES,
  SERVER_VERSION,
  type ServedResource,
  type Unserved,
} from './discovery.js';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';
import { ObjectStore } from './store.js';
import { reviewEksToken } from './token-review.js';

/**
 * One EKS cluster's Kubernetes API server: HTTPS with the cluster's own CA, EKS bearer tokens checked
 * as EKS checks them, read-only list/get of the resources the reconciler reads, and the discovery kubectl
 * needs. Every request that reaches it is counted as `calls.record('kubernetes', operation)`, where the
 * operation is `<verb> <resource>` for resource requests (`list services`, `get ingresses`) and
 * `get <path>` for the rest (`get /api/v1`, `get /version`), refused ones (401/403/...) included. In
 * `unreachable` mode nothing is counted: the server is not there.
 */

/**
 * `unreachable`: the connection is dropped without an answer; `hang`: the request is accepted and never
 * answered (a hung API server: only the client's own deadline ends it).
 */
export type KubernetesApiMode = 'ok' | 'unreachable' | 'hang' | 'forbidden' | 'error';

export interface KubernetesApiServerOptions {
  clusterName: string;
  clock: SandboxClock;
  calls: ApiCallCounter;
  objects?: KubernetesObject[];
  mode?: KubernetesApiMode;
  /**
   * Who signed an EKS token: the sandbox's STS, so tokens presigned with AssumeRole credentials are
   * accepted while their session lasts. Without it only the sandbox's own key pairs are.
   */
  identities?: CallerIdentities;
  /** How long an `unreachable` server holds a request before dropping the connection (default 200 ms). */
  unreachableDelayMs?: number;
  /** Told why a request's token was refused; clients only ever see 401 Unauthorized, as from EKS. */
  onTokenRefused?: (reason: string) => void;
  /** Faults to inject, as rules for service `kubernetes` with this cluster's name. */
  faults?: FaultInjector;
  /**
   * Answer at most this many items a page, whatever `limit` asks (a server may return fewer): lets a
   * small cluster's lists have second pages, for the `second-page` fault. No cap when absent.
   */
  maxPageSize?: number;
}

export interface KubernetesApiServer {
  readonly clusterName: string;
  /** `https://127.0.0.1:<port>`, as DescribeCluster's `endpoint`. */
  readonly url: string;
  readonly caPem: string;
  /** Base64 of the CA PEM, as DescribeCluster's `certificateAuthority.data`. */
  readonly caData: string;
  readonly mode: KubernetesApiMode;
  /** Creates or replaces an object; throws a TypeError naming it when the kind is not served. */
  apply(obj: KubernetesObject): KubernetesObject;
  remove(kind: string, namespace: string | undefined, name: string): boolean;
  list(kind: string): KubernetesObject[];
  setMode(mode: KubernetesApiMode): void;
  /**
   * RBAC for every authenticated caller, as the rules of the ClusterRoles bound to its groups
   * (`{apiGroups, resources, verbs}`, `*` matching anything): a resource request no rule allows is refused
   * with Kubernetes' 403. Undefined (the default): everything is allowed, as for a cluster admin.
   */
  setRbacRules(rules: readonly RbacRule[] | undefined): void;
  /**
   * The CRDs this cluster lacks, by name (`httproutes.gateway.networking.k8s.io`), replacing the last
   * call's: their lists and objects answer 404 and discovery leaves them out, as in a cluster where they
   * were never installed. Objects already applied stay in the store. Every CRD is installed by default.
   */
  setMissingCrds(names: readonly string[]): void;
  /**
   * The versions of installed CRDs this cluster does not serve, by CRD name and version
   * (`tlsroutes.gateway.networking.k8s.io/v1alpha2`), replacing the last call's: as a CRD version with
   * `served: false`, its lists and objects answer 404 and discovery leaves it out, while the kind's other
   * versions serve every object. TLSRoute is served at v1 and v1alpha2 by default (Gateway API 1.5's
   * experimental channel); unserve v1alpha2 for its standard channel, v1 for a release before 1.5.
   * Throws a TypeError for a name the sandbox does not serve.
   */
  setUnservedVersions(names: readonly string[]): void;
  close(): Promise<void>;
}

export interface RbacRule {
  apiGroups: readonly string[];
  resources: readonly string[];
  verbs: readonly string[];
}

function rbacAllows(rules: readonly RbacRule[], group: string, resource: string, verb: string): boolean {
  const has = (list: readonly string[], value: string) => list.includes('*') || list.includes(value);
  return rules.some((r) => has(r.apiGroups, group) && has(r.resources, resource) && has(r.verbs, verb));
}

type Route =
  | { type: 'document'; body: object }
  | { type: 'resource'; resource: ServedResource; namespace?: string; name?: string }
  | { type: 'missing' };

export async function startKubernetesApiServer(
  opts: KubernetesApiServerOptions,
): Promise<KubernetesApiServer> {
  const store = new ObjectStore(opts.clock);
  for (const o of opts.objects ?? []) store.apply(o);
  const certs = await createClusterCertificates(opts.clusterName);
  let mode: KubernetesApiMode = opts.mode ?? 'ok';
  let rbacRules: readonly RbacRule[] | undefined;
  let missingCrds: readonly string[] = [];
  let unservedVersions: readonly string[] = [];
  let unserved: Unserved = new Set();
  const unreachableDelayMs = opts.unreachableDelayMs ?? 200;
  const dropTimers = new Set<NodeJS.Timeout>();
  let serverAddress = '';

  const handle = async (req: IncomingMessage): Promise<Reply | 'hang' | 'reset' | undefined> => {
    req.resume();
    if (mode === 'unreachable') {
      const timer = setTimeout(() => {
        dropTimers.delete(timer);
        req.socket.destroy();
      }, unreachableDelayMs);
      dropTimers.add(timer);
      return undefined;
    }
    const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
    const route = routeOf(url.pathname, serverAddress, unserved);
    const verb = verbOf(req.method ?? 'GET', route);
    const operation = route.type === 'resource' ? `${verb} ${route.resource.name}` : `get ${url.pathname}`;
    if (mode === 'hang') {
      opts.calls.record('kubernetes', operation);
      return 'hang';
    }
    const fault = opts.faults?.take({
      service: 'kubernetes',
      operation,
      cluster: opts.clusterName,
      page: url.searchParams.get('continue') ? 2 : 1,
    });
    if (fault) {
      opts.calls.record('kubernetes', `${operation}.Fault`);
      return faultReply(fault.fault);
    }
    opts.calls.record('kubernetes', operation);

    const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const review = auth
      ? await reviewEksToken(auth[1]!, opts.clusterName, opts.clock.now(), opts.identities)
      : undefined;
    if (!review?.ok) {
      opts.onTokenRefused?.(review ? review.reason : 'no bearer token in the Authorization header');
      return reply(401, status(401, 'Unauthorized', 'Unauthorized'));
    }

    if (
      req.method !== 'GET' ||
      url.searchParams.get('watch') === 'true' ||
      url.searchParams.get('watch') === '1'
    ) {
      return reply(
        405,
        status(405, 'MethodNotAllowed', `the sandbox API server does not support ${verb} requests`),
      );
    }
    if (route.type === 'missing') {
      return reply(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    if (route.type === 'document') return reply(200, route.body);

    const { resource, namespace, name } = route;
    const details = {
      ...(name ? { name } : {}),
      ...(resource.group ? { group: resource.group } : {}),
      kind: resource.name,
    };
    if (mode === 'forbidden' || (rbacRules && !rbacAllows(rbacRules, resource.group, resource.name, verb))) {
      const subject = name ? `${resource.name} "${name}"` : resource.name;
      const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
      const message = `${subject} is forbidden: User "${review.identity.arn}" cannot ${verb} resource "${resource.name}" in API group "${resource.group}" ${scope}`;
      return reply(403, status(403, 'Forbidden', message, details));
    }
    if (mode === 'error') {
      return reply(
        500,
        status(500, 'InternalError', 'Internal error occurred: etcdserver: request timed out', {
          causes: [{ message: 'etcdserver: request timed out' }],
        }),
      );
    }

    if (name) {
      const found = store.get(resource, namespace, name);
      if (!found) return reply(404, status(404, 'NotFound', `${details.kind} "${name}" not found`, details));
      return reply(200, found);
    }
    const params = new URLSearchParams(url.searchParams);
    const asked = Number(params.get('limit') ?? '0');
    if (
      opts.maxPageSize &&
      /^\d+$/.test(params.get('limit') ?? '0') &&
      (asked === 0 || asked > opts.maxPageSize)
    ) {
      params.set('limit', String(opts.maxPageSize));
    }
    return listReply(store, resource, namespace, params);
  };

  const server: Server = createServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => {
    handle(req).then(
      (r) => {
        if (r === 'reset') req.socket.destroy();
        // A hung request stays open until the client gives up or the server closes.
        else if (r && r !== 'hang') send(res, r);
      },
      () => send(res, reply(500, status(500, 'InternalError', 'Internal error occurred'))),
    );
  });
  // A client that rejects our certificate (the wrong CA) just goes away; nothing to report.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  serverAddress = `127.0.0.1:${port}`;

  return {
    clusterName: opts.clusterName,
    url: `https://${serverAddress}`,
    caPem: certs.caPem,
    caData: Buffer.from(certs.caPem, 'utf8').toString('base64'),
    get mode() {
      return mode;
    },
    apply: (o) => store.apply(o),
    remove: (kind, namespace, name) => store.remove(kind, namespace, name),
    list: (kind) => store.list(kind),
    setMode(m) {
      mode = m;
    },
    setRbacRules(rules) {
      rbacRules = rules && [...rules];
    },
    setMissingCrds(names) {
      missingCrds = [...names];
      unserved = new Set([...missingCrds, ...unservedVersions]);
    },
    setUnservedVersions(names) {
      const known = new Set(SERVED_RESOURCES.filter((r) => r.group).map(crdVersionName));
      const unknown = names.filter((n) => !known.has(n));
      if (unknown.length > 0) {
        throw new TypeError(
          `setUnservedVersions: the sandbox serves no ${unknown.join(', ')}; it serves ${[...known].join(', ')}`,
        );
      }
      unservedVersions = [...names];
      unserved = new Set([...missingCrds, ...unservedVersions]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of dropTimers) clearTimeout(t);
        dropTimers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listReply(
  store: ObjectStore,
  resource: ServedResource,
  namespace: string | undefined,
  params: URLSearchParams,
): Reply {
  const limitText = params.get('limit');
  if (limitText !== null && !/^\d+$/.test(limitText)) {
    return reply(400, status(400, 'BadRequest', `invalid limit: ${JSON.stringify(limitText)}`));
  }
  let labelSelector: ReturnType<typeof parseLabelSelector>;
  let fieldSelector: ReturnType<typeof parseFieldSelector>;
  try {
    labelSelector = parseLabelSelector(params.get('labelSelector'));
    fieldSelector = parseFieldSelector(params.get('fieldSelector'));
  } catch (err) {
    if (err instanceof SelectorError) return reply(400, status(400, 'BadRequest', err.message));
    throw err;
  }
  const continueToken = params.get('continue') || undefined;
  const outcome = store.listPage(resource, {
    ...(namespace !== undefined ? { namespace } : {}),
    labelSelector,
    fieldSelector,
    selective: Boolean(params.get('labelSelector') || params.get('fieldSelector')),
    ...(limitText !== null ? { limit: Number(limitText) } : {}),
    ...(continueToken !== undefined ? { continueToken } : {}),
  });
  if (!outcome.ok) {
    const body =
      outcome.code === 410
        ? status(410, 'Expired', outcome.message)
        : status(400, 'BadRequest', outcome.message);
    if (outcome.continueToken) body.metadata = { continue: outcome.continueToken };
    return reply(outcome.code, body);
  }
  return reply(200, {
    kind: `${resource.kind}List`,
    apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version,
    metadata: {
      resourceVersion: outcome.resourceVersion,
      ...(outcome.continueToken ? { continue: outcome.continueToken } : {}),
      ...(outcome.remainingItemCount !== undefined ? { remainingItemCount: outcome.remainingItemCount } : {}),
    },
    // List items carry neither kind nor apiVersion, like the real API.
    items: outcome.items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
  });
}

/** Maps a URL path to what it serves; paths are /api/v1/... for the core group, /apis/<g>/<v>/... else. */
function routeOf(pathname: string, serverAddress: string, unserved: Unserved): Route {
  let parts: string[];
  try {
    parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { type: 'missing' };
  }
  if (parts.length === 1 && parts[0] === 'version') return { type: 'document', body: SERVER_VERSION };
  if (parts.length === 1 && parts[0] === 'api')
    return { type: 'document', body: coreVersions(serverAddress) };
  if (parts.length === 1 && parts[0] === 'apis') return { type: 'document', body: groupList(unserved) };
  let groupName: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    groupName = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis' && parts.length >= 2) {
    groupName = parts[1]!;
    if (parts.length === 2) {
      const body = group(groupName, unserved);
      return body ? { type: 'document', body } : { type: 'missing' };
    }
    rest = parts.slice(2);
  } else {
    return { type: 'missing' };
  }
  const [version, ...tail] = rest as [string, ...string[]];
  if (tail.length === 0) {
    const body = resourceList(groupName, version, unserved);
    return body ? { type: 'document', body } : { type: 'missing' };
  }
  let namespace: string | undefined;
  let path = tail;
  if (tail[0] === 'namespaces' && tail.length >= 3) {
    namespace = tail[1];
    path = tail.slice(2);
  }
  if (path.length > 2) return { type: 'missing' };
  const resource = resourceByPath(groupName, version, path[0]!, unserved);
  if (!resource) return { type: 'missing' };
  // A namespaced object is only addressable through its namespace; a cluster-scoped one never is.
  if (namespace !== undefined && !resource.namespaced) return { type: 'missing' };
  if (namespace === undefined && resource.namespaced && path.length === 2) return { type: 'missing' };
  return {
    type: 'resource',
    resource,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(path[1] !== undefined ? { name: path[1] } : {}),
  };
}

function verbOf(method: string, route: Route): string {
  switch (method) {
    case 'GET':
      return route.type === 'resource' && route.name === undefined ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return method.toLowerCase();
  }
}

interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure';
  message: string;
  reason: string;
  details?: object;
  code: number;
}

function status(code: number, reason: string, message: string, details?: object): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** What each injected fault answers, as a real API server under that trouble would. */
function faultReply(fault: FaultKind): Reply | 'hang' | 'reset' {
  switch (fault) {
    case 'hang':
    case 'reset':
      return fault;
    case 'throttle':
      return reply(429, status(429, 'TooManyRequests', 'Too many requests, please try again later.'));
    case 'second-page':
      return reply(
        500,
        status(500, 'InternalError', 'Internal error occurred: etcdserver: leader changed', {
          causes: [{ message: 'etcdserver: leader changed' }],
        }),
      );
    default:
      return reply(
        503,
        status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
      );
  }
}

interface Reply {
  code: number;
  body: object;
}

function reply(code: number, body: object): Reply {
  return { code, body };
}

function send(res: ServerResponse, { code, body }: Reply): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'cache-control': 'no-cache, private',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
