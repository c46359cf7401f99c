import { STATUS_CODES } from 'node:http';
import { Agent, request } from 'node:https';
import { groupVersionOf, type KubernetesResource, listedVersions } from '../sources/api-resources.js';
import type { KubernetesObject } from '../sources/objects.js';
import { DEFAULT_TIMEOUTS } from '../timeouts.js';

/**
 * A thin typed client for the few Kubernetes list calls the reconciler makes (why not
 * @kubernetes/client-node: docs/decisions/kubernetes-client.md). It trusts the cluster's own CA and
 * nothing else, sends the EKS bearer token, follows `continue` pages, and turns every failure into a
 * typed error an operator can read. Tokens never appear in errors.
 */

export { type KubernetesResource, listedVersions } from '../sources/api-resources.js';

export interface KubernetesClientOptions {
  /** The API server URL, as DescribeCluster's `endpoint`. */
  endpoint: string;
  /** Base64 of the PEM CA bundle, as DescribeCluster's `certificateAuthority.data`. */
  caData: string;
  /** A fresh-enough bearer token for each request (an EksTokenCache provider). */
  token: () => Promise<string>;
  /** Deadline of one HTTP request, connect to last byte (config `timeouts.kubernetesRequestMs`). */
  timeoutMs?: number;
  /** Deadline of connecting, TCP and TLS (config `timeouts.connectMs`). */
  connectTimeoutMs?: number;
  /** Aborts every request in flight and refuses new ones (the pass's deadline for reading). */
  signal?: AbortSignal;
  /** Names the cluster in error messages. */
  clusterName?: string;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** `limit` of each page (default 500, as kubectl's chunk size). */
  pageSize?: number;
}

/** The API server answered with an error (a Status body, usually): 401, 403, 404, 410, 429, 5xx. */
export class KubernetesApiError extends Error {
  override readonly name = 'KubernetesApiError';
  constructor(
    message: string,
    readonly status: number,
    /** The Status `reason` (`Unauthorized`, `Forbidden`, `Expired`, ...), else the HTTP reason phrase. */
    readonly reason: string,
    readonly resource: string,
    /** The server's own message, when it sent one. */
    readonly serverMessage: string | undefined,
    readonly cluster: string | undefined,
  ) {
    super(message);
  }
}

/** The cluster's endpoint or CA cannot be used: nothing was sent. A TypeError, naming the field. */
export class KubernetesEndpointError extends TypeError {
  constructor(
    message: string,
    readonly cluster: string | undefined,
  ) {
    super(message);
  }
}

/** No answer: connection refused or dropped, TLS failure (a CA that does not match), or timeout. */
export class KubernetesNetworkError extends Error {
  override readonly name = 'KubernetesNetworkError';
  constructor(
    message: string,
    /** Node's error code (`ECONNRESET`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, ...) or `ETIMEDOUT` for a deadline. */
    readonly code: string,
    readonly timedOut: boolean,
    readonly resource: string,
    readonly cluster: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DEFAULT_PAGE_SIZE = 500;
/** A list restarted this many times after 410 Expired is given up. */
const MAX_LIST_RESTARTS = 2;
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Why we cut a request short: its own deadline, connecting's, or the caller's signal (the pass deadline). */
type Stop = 'request' | 'connect' | 'aborted';

interface RequestContext {
  resource: string;
  /** `listing services in namespace shop` */
  action: string;
  /** The group versions asked so far, named by a 404: `gateway.networking.k8s.io/v1 and .../v1alpha2`. */
  tried: string;
}

/** One listing at one version: its objects, or the 404 its first page got (that version is not served). */
type Listing = { ok: true; items: KubernetesObject[] } | { ok: false; notServed: KubernetesApiError };

export class KubernetesClient {
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly prefix: string;
  /**
   * The version each resource (`plural.group`) answered at: a client lives one pass, in which a
   * cluster's CRDs stay put.
   */
  private readonly servedVersions = new Map<string, string>();

  /** Throws a TypeError naming the field when the endpoint or CA cannot be used. */
  constructor(private readonly options: KubernetesClientOptions) {
    this.prefix = options.clusterName ? `cluster ${options.clusterName}: ` : '';
    let base: URL;
    try {
      base = new URL(options.endpoint);
    } catch {
      throw new KubernetesEndpointError(
        `${this.prefix}endpoint ${JSON.stringify(options.endpoint)} is not a URL`,
        options.clusterName,
      );
    }
    if (base.protocol !== 'https:') {
      throw new KubernetesEndpointError(
        `${this.prefix}endpoint ${JSON.stringify(options.endpoint)} is not https`,
        options.clusterName,
      );
    }
    this.base = base;
    const ca = Buffer.from(options.caData ?? '', 'base64').toString('utf8');
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw new KubernetesEndpointError(
        `${this.prefix}certificate authority data is not a base64-encoded PEM certificate`,
        options.clusterName,
      );
    }
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUTS.kubernetesRequestMs;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs;
    // `ca` replaces Node's public roots: only this cluster's CA is trusted.
    this.agent = new Agent({ keepAlive: true, ca, maxSockets: 8 });
  }

  /**
   * Every object of a resource, across all pages, each with its kind and apiVersion restored. A resource
   * with fallback versions is listed at the first one the server serves (answers the first page with
   * anything but 404), remembered for this client's later lists; when none is, the last 404 is thrown.
   */
  async listAll(info: KubernetesResource, options: ListOptions = {}): Promise<KubernetesObject[]> {
    const resource = info.plural;
    if (options.namespace !== undefined && !info.namespaced) {
      throw new TypeError(`${this.prefix}${resource} are not namespaced; list them without a namespace`);
    }
    const key = `${info.plural}.${info.group}`;
    const known = this.servedVersions.get(key);
    const versions = known ? [known] : listedVersions(info);
    const action = `listing ${resource}${options.namespace ? ` in namespace ${options.namespace}` : ''}`;
    let notServed: KubernetesApiError | undefined;
    for (const [i, version] of versions.entries()) {
      const tried = versions
        .slice(0, i + 1)
        .map((v) => groupVersionOf(info.group, v))
        .join(' and ');
      const listing = await this.listAt(info, version, options, { resource, action, tried });
      if (listing.ok) {
        this.servedVersions.set(key, version);
        return listing.items;
      }
      notServed = listing.notServed;
    }
    throw notServed;
  }

  private async listAt(
    info: KubernetesResource,
    version: string,
    options: ListOptions,
    ctx: RequestContext,
  ): Promise<Listing> {
    const apiVersion = groupVersionOf(info.group, version);
    const collectionPath = [
      info.group ? `/apis/${info.group}/${version}` : `/api/${version}`,
      options.namespace !== undefined ? `/namespaces/${encodeURIComponent(options.namespace)}` : '',
      `/${info.plural}`,
    ].join('');

    let items: KubernetesObject[] = [];
    let continueToken: string | undefined;
    let restarts = 0;
    let firstPage = true;
    for (;;) {
      const query = new URLSearchParams({ limit: String(options.pageSize ?? DEFAULT_PAGE_SIZE) });
      if (options.labelSelector) query.set('labelSelector', options.labelSelector);
      if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
      if (continueToken) query.set('continue', continueToken);
      let page: unknown;
      try {
        page = await this.getJson(`${collectionPath}?${query}`, ctx);
      } catch (err) {
        // Only the first answer says whether this version is served; a 404 after it is an error.
        if (err instanceof KubernetesApiError && err.status === 404 && firstPage) {
          return { ok: false, notServed: err };
        }
        // The snapshot behind a continue token was compacted: the only consistent answer is a new list.
        if (
          err instanceof KubernetesApiError &&
          err.status === 410 &&
          continueToken &&
          restarts < MAX_LIST_RESTARTS
        ) {
          restarts++;
          items = [];
          continueToken = undefined;
          continue;
        }
        throw err;
      }
      firstPage = false;
      const list = page as { items?: unknown; metadata?: { continue?: unknown } };
      if (!Array.isArray(list?.items)) {
        throw this.apiError(200, { reason: 'InvalidResponse' }, ctx, 'the answer is not a list');
      }
      for (const item of list.items as Record<string, unknown>[]) {
        items.push({ apiVersion, kind: info.kind, ...item } as KubernetesObject);
      }
      const next = list.metadata?.continue;
      if (typeof next !== 'string' || next === '') return { ok: true, items };
      if (next === continueToken) {
        throw this.apiError(200, { reason: 'InvalidResponse' }, ctx, 'the server repeated a continue token');
      }
      continueToken = next;
    }
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private async getJson(pathAndQuery: string, ctx: RequestContext): Promise<unknown> {
    let token: string;
    try {
      token = await this.options.token();
    } catch (err) {
      throw new Error(`${this.prefix}could not make a token for ${ctx.action}: ${describe(err)}`, {
        cause: err,
      });
    }
    const url = new URL(this.base.pathname.replace(/\/+$/, '') + pathAndQuery, this.base);
    const { status, body } = await this.send(url, token, ctx);
    const text = body.toString('utf8');
    if (status >= 200 && status < 300) {
      try {
        return JSON.parse(text);
      } catch {
        throw this.apiError(status, undefined, ctx, 'the answer is not JSON');
      }
    }
    throw this.apiError(status, parseStatus(text), ctx);
  }

  private send(url: URL, token: string, ctx: RequestContext): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const { signal } = this.options;
      if (signal?.aborted) {
        reject(this.networkError(signal.reason, 'aborted', ctx));
        return;
      }
      let stopped: Stop | undefined;
      const stop = (why: Stop) => {
        stopped ??= why;
        req.destroy();
      };
      const req = request(
        url,
        {
          method: 'GET',
          agent: this.agent,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            'user-agent': 'edge-reconciler',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', (err) => reject(this.networkError(err, stopped, ctx)));
        },
      );
      const timer = setTimeout(() => stop('request'), this.timeoutMs);
      // A kept-alive socket is already connected; a new one gets `connectTimeoutMs` to connect and shake hands.
      let connectTimer: NodeJS.Timeout | undefined;
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        connectTimer = setTimeout(() => stop('connect'), this.connectTimeoutMs);
        socket.once('secureConnect', () => clearTimeout(connectTimer));
      });
      const onAbort = () => stop('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => reject(this.networkError(err, stopped, ctx)));
      req.on('close', () => {
        clearTimeout(timer);
        clearTimeout(connectTimer);
        signal?.removeEventListener('abort', onAbort);
      });
      req.end();
    });
  }

  private apiError(
    status: number,
    body: { reason?: string; message?: string } | undefined,
    ctx: RequestContext,
    detail?: string,
  ): KubernetesApiError {
    const reason = body?.reason || STATUS_CODES[status] || 'Unknown';
    const explanation = detail ?? explain(status, body?.message, ctx.tried);
    return new KubernetesApiError(
      `${this.prefix}${status} ${reason} ${ctx.action}: ${explanation}`,
      status,
      reason,
      ctx.resource,
      body?.message,
      this.options.clusterName,
    );
  }

  private networkError(err: unknown, stopped: Stop | undefined, ctx: RequestContext): KubernetesNetworkError {
    const timedOut = stopped !== undefined;
    const code = timedOut ? 'ETIMEDOUT' : ((err as { code?: string })?.code ?? 'UNKNOWN');
    let what: string;
    if (stopped === 'request') what = `no answer within ${this.timeoutMs} ms`;
    else if (stopped === 'connect') what = `no connection within ${this.connectTimeoutMs} ms`;
    else if (stopped === 'aborted') what = describe(this.options.signal?.reason ?? 'aborted');
    else if (TLS_CODES.has(code))
      what = `TLS: the server's certificate does not verify against the cluster CA (${code})`;
    else what = `${describe(err)}${code !== 'UNKNOWN' && !describe(err).includes(code) ? ` (${code})` : ''}`;
    return new KubernetesNetworkError(
      `${this.prefix}${ctx.action} failed: ${what} [${this.base.host}]`,
      code,
      timedOut,
      ctx.resource,
      this.options.clusterName,
      { cause: err },
    );
  }
}

function explain(status: number, serverMessage: string | undefined, tried: string): string {
  switch (status) {
    case 401:
      return 'token rejected: the EKS token is invalid for this cluster (wrong cluster name, unknown or wrong credentials, or a clock more than 15 minutes off)';
    case 403:
      return `${serverMessage ?? 'forbidden'} (give the reconciler's IAM principal read access: an EKS access entry or RBAC)`;
    case 404:
      return `${serverMessage ?? 'not found'} (tried ${tried}: is the resource's API, or its CRD, installed in this cluster?)`;
    default:
      return serverMessage ?? 'no message from the server';
  }
}

function parseStatus(text: string): { reason?: string; message?: string } | undefined {
  try {
    const parsed = JSON.parse(text) as { kind?: unknown; reason?: unknown; message?: unknown };
    if (parsed?.kind !== 'Status') return undefined;
    return {
      ...(typeof parsed.reason === 'string' ? { reason: parsed.reason } : {}),
      ...(typeof parsed.message === 'string' ? { message: parsed.message } : {}),
    };
  } catch {
    return undefined;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
