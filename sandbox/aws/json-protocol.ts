import { jsonError } from './errors.js';
import type { AwsRequest, ServiceHandler, ServiceResponse } from './protocol.js';
import { constraintViolation, ServiceError } from './service-error.js';

/**
 * The JSON 1.1 RPC protocol (ACM, EventBridge): every call is `POST /` with the operation in
 * `X-Amz-Target: <prefix>.<Operation>` and its input as a JSON object; timestamps travel as epoch seconds.
 */

/** JSON for an AWS JSON protocol: `Date`s become epoch seconds, `undefined` members disappear. */
export function toAwsJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
}

/** AWS names members in validation messages in lowerCamelCase (`DomainName` → `domainName`). */
function memberPath(prefix: string, name: string): string {
  const member = name.charAt(0).toLowerCase() + name.slice(1);
  return prefix ? `${prefix}.${member}` : member;
}

function serializationError(path: string, expected: string): ServiceError {
  return new ServiceError('SerializationException', `${path}: expected ${expected}`);
}

export interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  oneOf?: readonly string[];
}

/** Reads one JSON object of a request, checking members the way the service's model does. */
export class JsonInput {
  constructor(
    readonly raw: Record<string, unknown>,
    private readonly path = '',
  ) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  string(name: string, rule: StringRule & { required: true }): string;
  string(name: string, rule?: StringRule): string | undefined;
  string(name: string, rule: StringRule = {}): string | undefined {
    const path = memberPath(this.path, name);
    const value = this.raw[name];
    if (value === undefined || value === null) {
      if (rule.required) throw constraintViolation(path, undefined, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'string') throw serializationError(path, 'a string');
    checkString(path, value, rule);
    return value;
  }

  integer(name: string, rule: { min?: number; max?: number } = {}): number | undefined {
    const path = memberPath(this.path, name);
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw serializationError(path, 'an integer');
    if (rule.min !== undefined && value < rule.min) {
      throw constraintViolation(path, value, `Member must have value greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && value > rule.max) {
      throw constraintViolation(path, value, `Member must have value less than or equal to ${rule.max}`);
    }
    return value;
  }

  /** Epoch seconds, as the JSON protocols send timestamps. */
  timestamp(name: string): Date | undefined {
    const path = memberPath(this.path, name);
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw serializationError(path, 'epoch seconds');
    return new Date(value * 1000);
  }

  stringList(
    name: string,
    rule: { min?: number; max?: number; each?: StringRule } = {},
  ): string[] | undefined {
    const path = memberPath(this.path, name);
    const items = this.array(name, rule);
    return items?.map((item, i) => {
      if (typeof item !== 'string') throw serializationError(`${path}.${i + 1}.member`, 'a string');
      checkString(`${path}.${i + 1}.member`, item, rule.each ?? {});
      return item;
    });
  }

  object(name: string): JsonInput | undefined {
    const path = memberPath(this.path, name);
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (!isPlainObject(value)) throw serializationError(path, 'an object');
    return new JsonInput(value, path);
  }

  objectList(name: string, rule: { min?: number; max?: number } = {}): JsonInput[] | undefined {
    const path = memberPath(this.path, name);
    return this.array(name, rule)?.map((item, i) => {
      if (!isPlainObject(item)) throw serializationError(`${path}.${i + 1}.member`, 'an object');
      return new JsonInput(item, `${path}.${i + 1}.member`);
    });
  }

  private array(name: string, rule: { min?: number; max?: number }): unknown[] | undefined {
    const path = memberPath(this.path, name);
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw serializationError(path, 'a list');
    if (rule.min !== undefined && value.length < rule.min) {
      throw constraintViolation(path, value, `Member must have length greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && value.length > rule.max) {
      throw constraintViolation(path, value, `Member must have length less than or equal to ${rule.max}`);
    }
    return value;
  }
}

function checkString(path: string, value: string, rule: StringRule): void {
  if (rule.min !== undefined && value.length < rule.min) {
    throw constraintViolation(path, value, `Member must have length greater than or equal to ${rule.min}`);
  }
  if (rule.max !== undefined && value.length > rule.max) {
    throw constraintViolation(path, value, `Member must have length less than or equal to ${rule.max}`);
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    throw constraintViolation(
      path,
      value,
      `Member must satisfy regular expression pattern: ${rule.pattern.source}`,
    );
  }
  if (rule.oneOf && !rule.oneOf.includes(value)) {
    throw constraintViolation(path, value, `Member must satisfy enum value set: [${rule.oneOf.join(', ')}]`);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type JsonOperation = (input: JsonInput, req: AwsRequest) => unknown;

function header(req: AwsRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A JSON 1.1 service: dispatches on `X-Amz-Target` to `operations`, answers their result as JSON and a
 * thrown ServiceError as the protocol's error body.
 */
export function jsonRpcService(
  targetPrefix: string,
  operations: Record<string, JsonOperation>,
): ServiceHandler {
  const operationOf = (req: AwsRequest): string => {
    const target = header(req, 'x-amz-target') ?? '';
    const name = target.startsWith(`${targetPrefix}.`) ? target.slice(targetPrefix.length + 1) : '';
    return Object.hasOwn(operations, name) ? name : 'Unknown';
  };
  const handler = (req: AwsRequest): ServiceResponse => {
    const operation = operationOf(req);
    try {
      const run = operations[operation];
      if (req.method !== 'POST' || !run) {
        throw new ServiceError(
          'UnknownOperationException',
          `The sandbox's ${targetPrefix} does not serve '${header(req, 'x-amz-target') ?? `${req.method} ${req.path}`}'`,
        );
      }
      let body: unknown;
      try {
        body = req.body.trim() === '' ? {} : JSON.parse(req.body);
      } catch {
        throw new ServiceError('SerializationException', 'The request body is not valid JSON');
      }
      if (!isPlainObject(body))
        throw new ServiceError('SerializationException', 'The request body is not a JSON object');
      const result = run(new JsonInput(body), req) ?? {};
      return {
        operation,
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: toAwsJson(result),
      };
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      return { operation, ...jsonError(err.status, err.code, err.message, { fields: err.fields }) };
    }
  };
  return Object.assign(handler, { operationOf });
}
