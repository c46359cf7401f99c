/**
 * An error a sandbox service answers with, independent of the wire protocol: the protocol helpers
 * (json-protocol.ts, query-protocol.ts) turn it into the body the SDK deserializes into the typed
 * exception whose `name` is `code`.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Modelled members beside the message (EKS's `clusterName`, ...); JSON protocols only. */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** Renders a value the way AWS's request validation quotes it in its messages. */
function quoted(value: unknown): string {
  if (value === undefined) return 'null';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * AWS's model-validation failure, in the service's own words: "1 validation error detected: Value 'x'
 * at 'domainName' failed to satisfy constraint: Member must ...". `field` is the member path as the
 * service names it (lowerCamelCase for JSON services, as sent for query services).
 */
export function constraintViolation(
  field: string,
  value: unknown,
  constraint: string,
  code = 'ValidationException',
): ServiceError {
  return new ServiceError(
    code,
    `1 validation error detected: Value '${quoted(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}
