import { newRequestId, queryError } from './errors.js';
import type { AwsRequest, ServiceHandler, ServiceResponse } from './protocol.js';
import { constraintViolation, ServiceError } from './service-error.js';
import { XmlNode } from './xml.js';

/**
 * The AWS query protocol (STS, ELBv2): form-encoded `Action=...&Version=...` parameters in, lists as
 * `Name.member.N`; XML out, wrapped in `<ActionResponse><ActionResult>` with the service's namespace.
 */

/** One request's parameters, read with the constraints of the service's model. */
export class QueryInput {
  constructor(readonly params: URLSearchParams) {}

  string(name: string, rule: { required: true; min?: number; max?: number; pattern?: RegExp }): string;
  string(
    name: string,
    rule?: { required?: boolean; min?: number; max?: number; pattern?: RegExp },
  ): string | undefined;
  string(
    name: string,
    rule: { required?: boolean; min?: number; max?: number; pattern?: RegExp } = {},
  ): string | undefined {
    const value = this.params.get(name);
    if (value === null) {
      if (rule.required)
        throw constraintViolation(name, undefined, 'Member must not be null', 'ValidationError');
      return undefined;
    }
    if (rule.min !== undefined && value.length < rule.min) {
      throw constraintViolation(
        name,
        value,
        `Member must have length greater than or equal to ${rule.min}`,
        'ValidationError',
      );
    }
    if (rule.max !== undefined && value.length > rule.max) {
      throw constraintViolation(
        name,
        value,
        `Member must have length less than or equal to ${rule.max}`,
        'ValidationError',
      );
    }
    if (rule.pattern && !rule.pattern.test(value)) {
      throw constraintViolation(
        name,
        value,
        `Member must satisfy regular expression pattern: ${rule.pattern.source}`,
        'ValidationError',
      );
    }
    return value;
  }

  integer(name: string, rule: { min?: number; max?: number } = {}): number | undefined {
    const raw = this.params.get(name);
    if (raw === null) return undefined;
    if (!/^-?\d+$/.test(raw)) {
      throw constraintViolation(name, raw, 'Member must be an integer', 'ValidationError');
    }
    const value = Number(raw);
    if (rule.min !== undefined && value < rule.min) {
      throw constraintViolation(
        name,
        value,
        `Member must have value greater than or equal to ${rule.min}`,
        'ValidationError',
      );
    }
    if (rule.max !== undefined && value > rule.max) {
      throw constraintViolation(
        name,
        value,
        `Member must have value less than or equal to ${rule.max}`,
        'ValidationError',
      );
    }
    return value;
  }

  /** `Name.member.1`, `Name.member.2`, ... in index order; undefined when none is sent. */
  list(name: string): string[] | undefined {
    const prefix = `${name}.member.`;
    const items: [number, string][] = [];
    for (const [key, value] of this.params) {
      if (!key.startsWith(prefix)) continue;
      const index = Number(key.slice(prefix.length));
      if (Number.isInteger(index) && index >= 1) items.push([index, value]);
    }
    if (items.length === 0) return this.params.has(name) ? [] : undefined;
    return items.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }
}

export type XmlLeaf = string | number | boolean | Date | undefined;

/** `<name>value</name>`, or nothing for an absent value; dates as ISO 8601 as the query protocol sends them. */
export function leaf(name: string, value: XmlLeaf): XmlNode | undefined {
  if (value === undefined) return undefined;
  return XmlNode.of(name, value instanceof Date ? value.toISOString() : String(value));
}

export function node(name: string, ...children: (XmlNode | undefined)[]): XmlNode {
  const out = new XmlNode(name);
  for (const child of children) if (child) out.c(child);
  return out;
}

/** `<name><member>...</member>...</name>`, the query protocol's list shape. */
export function memberList(name: string, items: readonly (XmlNode | undefined)[][]): XmlNode {
  return node(name, ...items.map((children) => node('member', ...children)));
}

export type QueryOperation = (input: QueryInput, req: AwsRequest) => (XmlNode | undefined)[];

function queryParams(req: AwsRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  if (req.method === 'POST' && req.body) {
    for (const [key, value] of new URLSearchParams(req.body)) params.append(key, value);
  }
  return params;
}

/** A query-protocol service answering `operations` under the XML namespace `namespace`. */
export function queryService(namespace: string, operations: Record<string, QueryOperation>): ServiceHandler {
  const operationOf = (req: AwsRequest): string => {
    const action = queryParams(req).get('Action') ?? '';
    return Object.hasOwn(operations, action) ? action : 'Unknown';
  };
  const handler = (req: AwsRequest): ServiceResponse => {
    const params = queryParams(req);
    const operation = operationOf(req);
    try {
      const run = operations[operation];
      if (!run) {
        throw new ServiceError(
          'InvalidAction',
          `Could not find operation ${params.get('Action') ?? '(no Action parameter)'} for version ${params.get('Version') ?? '(none)'}`,
        );
      }
      const requestId = newRequestId();
      const root = node(
        `${operation}Response`,
        node(`${operation}Result`, ...run(new QueryInput(params), req)),
        node('ResponseMetadata', leaf('RequestId', requestId)),
      ).a('xmlns', namespace);
      return {
        operation,
        status: 200,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n${root.toString()}`,
      };
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      return { operation, ...queryError(err.status, err.code, err.message, { namespace }) };
    }
  };
  return Object.assign(handler, { operationOf });
}
