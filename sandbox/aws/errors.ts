import { randomUUID } from 'node:crypto';
import type { AwsResponse } from './protocol.js';
import { XmlNode } from './xml.js';

/**
 * Error bodies in the exact shapes the AWS SDK v3 protocol deserializers turn into typed exceptions
 * (`err.name === code`, `err.message === message`, `err.$metadata.httpStatusCode === status`).
 *
 * - REST-XML (Route 53) and query (STS, ELBv2): `<ErrorResponse><Error><Type/><Code/><Message/></Error>
 *   <RequestId/></ErrorResponse>`; the SDK reads `Error.Code`.
 * - JSON 1.1 (ACM, EventBridge) and REST-JSON (EKS): the `x-amzn-ErrorType` header plus `__type` and
 *   `message` in the body; the SDK reads the header first, then `code`, then `__type`.
 */

export type ErrorFault = 'Sender' | 'Receiver';

export interface XmlErrorOptions {
  /** `Sender` (the caller's fault, the default) or `Receiver` (the service's). */
  type?: ErrorFault;
  /** The service's XML namespace on `<ErrorResponse>`. */
  namespace?: string;
  /** Extra elements placed beside `<Error>` (e.g. Route 53's `<Messages>` list). */
  extra?: XmlNode[];
  /** Extra response headers. */
  headers?: Record<string, string>;
}

export interface JsonErrorOptions {
  /** Extra body fields beside `message` (modelled error members such as `resourceName`). */
  fields?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export const ROUTE53_XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';

export function newRequestId(): string {
  return randomUUID();
}

/** The REST-XML and query protocols share one error body. */
function xmlErrorResponse(status: number, code: string, message: string, opts: XmlErrorOptions): AwsResponse {
  const requestId = newRequestId();
  const error = new XmlNode('Error')
    .c(XmlNode.of('Type', opts.type ?? 'Sender'))
    .c(XmlNode.of('Code', code))
    .c(XmlNode.of('Message', message));
  const root = new XmlNode('ErrorResponse').a('xmlns', opts.namespace).c(error);
  for (const node of opts.extra ?? []) root.c(node);
  root.c(XmlNode.of('RequestId', requestId));
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...opts.headers },
    body: `<?xml version="1.0"?>\n${root.toString()}`,
  };
}

/** A REST-XML error (Route 53). The namespace defaults to Route 53's. */
export function xmlError(
  status: number,
  code: string,
  message: string,
  opts: XmlErrorOptions = {},
): AwsResponse {
  return xmlErrorResponse(status, code, message, { namespace: ROUTE53_XMLNS, ...opts });
}

/**
 * A query-protocol error (STS, ELBv2). Pass the service's namespace, e.g.
 * `https://sts.amazonaws.com/doc/2011-06-15/` or
 * `http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/`.
 */
export function queryError(
  status: number,
  code: string,
  message: string,
  opts: XmlErrorOptions = {},
): AwsResponse {
  return xmlErrorResponse(status, code, message, opts);
}

/**
 * A JSON 1.1 (ACM, EventBridge) or REST-JSON (EKS) error: the code goes in `x-amzn-ErrorType` and in
 * `__type`, so both protocols' deserializers find it; the content type follows the protocol.
 */
export function jsonError(
  status: number,
  code: string,
  message: string,
  opts: JsonErrorOptions & { protocol?: 'json1.1' | 'rest-json' } = {},
): AwsResponse {
  const requestId = newRequestId();
  const contentType = opts.protocol === 'rest-json' ? 'application/json' : 'application/x-amz-json-1.1';
  return {
    status,
    headers: {
      'content-type': contentType,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': code,
      ...opts.headers,
    },
    body: JSON.stringify({ __type: code, message, ...opts.fields }),
  };
}
