import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiCallCounter } from '../calls.js';
import type { FaultCall, FaultInjector, FaultKind } from '../faults.js';
import { jsonError, newRequestId, queryError, xmlError } from './errors.js';
import type { AwsRequest, AwsResponse, ServiceHandler } from './protocol.js';
import { AccountBuckets, type TokenBucket } from './throttle.js';

/**
 * The sandbox's AWS endpoint: one local HTTP server that routes each request to a service by the SigV4
 * credential scope it was signed for, the way AWS-compatible endpoints do. Signatures are not verified.
 */

export interface AwsServerOptions {
  handlers: Record<string, ServiceHandler>;
  calls: ApiCallCounter;
  /**
   * Route 53's token bucket: one per account (AccountBuckets, with `accountOf`), or one bucket for every
   * request; without it Route 53 never throttles.
   */
  throttle?: TokenBucket | AccountBuckets;
  /** The account a Route 53 request acts in (its credentials'): its bucket, and its calls counted by account. */
  accountOf?: (req: AwsRequest) => string;
  /** Faults to inject (hang, throttle, 5xx, reset, ...); none when absent. */
  faults?: FaultInjector;
}

export interface AwsServer {
  url: string;
  close(): Promise<void>;
}

/** Throttled calls are counted apart from served ones, as `<Operation>.Throttled` under the service. */
export const THROTTLED_SUFFIX = '.Throttled';

export function throttledOperation(operation: string): string {
  return operation + THROTTLED_SUFFIX;
}

/** Calls that got an injected fault are counted apart too, as `<Operation>.Fault`. */
export const FAULTED_SUFFIX = '.Fault';

/** What the server does with a request: answer it, or (an injected fault) never answer or drop it. */
type Outcome = AwsResponse | 'hang' | 'reset';

/** Services whose wire protocol is XML (REST-XML or query); the others speak JSON. */
const XML_SERVICES = new Set(['route53', 'sts', 'elasticloadbalancing', 'iam', 's3']);

/** Route 53's own answer when the account's bucket is empty (Developer Guide, Route 53 quotas). */
const THROTTLED_SERVICES = new Set(['route53']);

const MAX_BODY_BYTES = 16 * 1024 * 1024;
/**
 * S3 takes objects up to 5 GB in one PutObject; the sandbox keeps them in memory, so it stops at 1 GiB —
 * far above what a pass writes (a 100,000-change pass result is ~20 MB), never below what S3 accepts here.
 */
const S3_MAX_BODY_BYTES = 1024 * 1024 * 1024;

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/**
 * Reads `Credential=AKID/date/region/service/aws4_request` from a SigV4 Authorization header, or
 * `X-Amz-Credential` from a presigned URL's query.
 */
export function credentialScope(
  authorization: string | undefined,
  query: URLSearchParams,
): CredentialScope | undefined {
  const fromHeader = authorization?.match(/Credential=([^,\s]+)/)?.[1];
  const credential = fromHeader ?? query.get('X-Amz-Credential') ?? undefined;
  if (!credential) return undefined;
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  if (!accessKeyId || !region || !service) return undefined;
  return { accessKeyId, date, region, service };
}

function errorFor(service: string | undefined, status: number, code: string, message: string): AwsResponse {
  if (service && XML_SERVICES.has(service)) {
    return service === 'route53' ? xmlError(status, code, message) : queryError(status, code, message);
  }
  return jsonError(status, code, message);
}

async function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) return undefined;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, response: AwsResponse): void {
  const body = Buffer.from(response.body, 'utf8');
  const headers: Record<string, string> = { ...response.headers };
  headers['content-length'] = String(body.length);
  headers.date ??= new Date().toUTCString();
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'x-amzn-requestid')) {
    headers['x-amzn-requestid'] = newRequestId();
  }
  res.writeHead(response.status, headers);
  res.end(body);
}

async function serve(opts: AwsServerOptions, req: IncomingMessage): Promise<Outcome> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const scope = credentialScope(req.headers.authorization, url.searchParams);
  if (!scope) {
    return errorFor(
      undefined,
      403,
      'MissingAuthenticationTokenException',
      'Request is missing a SigV4 Authorization header or X-Amz-Credential query parameter',
    );
  }
  const handler = opts.handlers[scope.service];
  if (!handler) {
    return errorFor(
      scope.service,
      400,
      'UnknownServiceException',
      `The sandbox does not serve the service '${scope.service}' (credential scope ${scope.region}/${scope.service})`,
    );
  }
  const maxBody = scope.service === 's3' ? S3_MAX_BODY_BYTES : MAX_BODY_BYTES;
  const body = await readBody(req, maxBody);
  if (body === undefined) {
    return errorFor(scope.service, 413, 'RequestEntityTooLarge', `Request body exceeds ${maxBody} bytes`);
  }
  const awsRequest: AwsRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body,
    service: scope.service,
    region: scope.region,
    accessKeyId: scope.accessKeyId,
  };

  const fault = opts.faults?.take(faultCall(handler, awsRequest));
  if (fault) {
    opts.calls.record(scope.service, (handler.operationOf?.(awsRequest) ?? 'Unknown') + FAULTED_SUFFIX);
    return faultOutcome(fault.fault, awsRequest);
  }

  // Route 53 calls are counted by account too: the one the request acts in (its credentials').
  const account = THROTTLED_SERVICES.has(scope.service) ? opts.accountOf?.(awsRequest) : undefined;
  if (opts.throttle && THROTTLED_SERVICES.has(scope.service) && !bucketFor(opts, account).tryTake()) {
    const operation = handler.operationOf?.(awsRequest) ?? 'Unknown';
    opts.calls.record(scope.service, throttledOperation(operation), account);
    return xmlError(400, 'Throttling', 'Rate exceeded');
  }

  try {
    const { operation, ...response } = await handler(awsRequest);
    opts.calls.record(scope.service, operation, account);
    return response;
  } catch (err) {
    // A service bug must not take the endpoint down; the caller sees a 500 it can retry or report.
    const message = err instanceof Error ? err.message : String(err);
    opts.calls.record(scope.service, handler.operationOf?.(awsRequest) ?? 'Unknown', account);
    return errorFor(scope.service, 500, 'InternalFailure', `Sandbox ${scope.service} failed: ${message}`);
  }
}

function bucketFor(opts: AwsServerOptions, account: string | undefined): TokenBucket {
  const { throttle } = opts;
  if (!(throttle instanceof AccountBuckets)) return throttle as TokenBucket;
  return throttle.of(account ?? '');
}

/**
 * Which call this is, for the fault rules: the operation, and the cluster an EKS call names. Refusals
 * of a change are the Route 53 handler's to take: they need the batch parsed.
 */
function faultCall(handler: ServiceHandler, req: AwsRequest): FaultCall {
  const cluster = req.service === 'eks' ? /^\/clusters\/([^/]+)/.exec(req.path)?.[1] : undefined;
  return {
    service: req.service,
    operation: handler.operationOf?.(req) ?? 'Unknown',
    ...(cluster ? { cluster: decodeURIComponent(cluster) } : {}),
  };
}

/** The answer each fault gets, in the service's own error shape. */
function faultOutcome(fault: FaultKind, req: AwsRequest): Outcome {
  const { service } = req;
  switch (fault) {
    case 'hang':
    case 'reset':
      return fault;
    case 'throttle':
      return service === 'route53' || XML_SERVICES.has(service)
        ? errorFor(service, 400, 'Throttling', 'Rate exceeded')
        : errorFor(service, 429, 'ThrottlingException', 'Rate exceeded');
    case '5xx':
      return errorFor(service, 503, 'ServiceUnavailable', 'Service Unavailable');
    case 'prior-request-not-complete':
      return xmlError(
        400,
        'PriorRequestNotComplete',
        'The request was rejected because Route 53 was still processing a prior request.',
      );
    case 'refuse':
    case 'second-page':
      // Never taken here: refusals are the Route 53 handler's, second pages the Kubernetes servers'.
      return errorFor(service, 500, 'InternalFailure', `${fault} is not injected by the AWS endpoint`);
  }
}

export async function startAwsServer(opts: AwsServerOptions): Promise<AwsServer> {
  const server = createServer((req, res) => {
    serve(opts, req).then(
      (outcome) => {
        // A hung request stays open until the client gives up or the server closes.
        if (outcome === 'reset') req.socket.destroy();
        else if (outcome !== 'hang') send(res, outcome);
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        send(res, jsonError(500, 'InternalFailure', message));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // SDK clients keep connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
