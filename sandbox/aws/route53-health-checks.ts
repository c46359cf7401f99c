import { createHash } from 'node:crypto';
import { invalidInput, Route53Error } from './route53-records.js';

/**
 * Route 53 health checks as the sandbox keeps them: created idempotently by caller reference, tagged,
 * deleted only when no record set refers to them. The answers follow the API reference's errors:
 * HealthCheckAlreadyExists (409) for a caller reference reused with another config (terraform#8679 quotes
 * the message), NoSuchHealthCheck (404), HealthCheckInUse (400) while a record set's HealthCheckId names it.
 */

export const HEALTH_CHECK_TYPES = ['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP'] as const;

export interface HealthCheckConfig {
  type: string;
  ipAddress?: string;
  port?: number;
  resourcePath?: string;
  fullyQualifiedDomainName?: string;
  requestInterval: number;
  failureThreshold: number;
}

export interface HealthCheck {
  id: string;
  callerReference: string;
  config: HealthCheckConfig;
  version: number;
}

function noSuchHealthCheck(id: string): Route53Error {
  return new Route53Error('NoSuchHealthCheck', 404, [`A health check with id ${id} does not exist.`]);
}

/** What Route 53 checks of a config before it creates anything (InvalidInput). */
export function checkHealthCheckConfig(config: HealthCheckConfig): void {
  if (!(HEALTH_CHECK_TYPES as readonly string[]).includes(config.type)) {
    throw invalidInput(`Invalid request: health check Type must be one of ${HEALTH_CHECK_TYPES.join(', ')}`);
  }
  if (!config.ipAddress && !config.fullyQualifiedDomainName) {
    throw invalidInput('Invalid request: a health check needs an IPAddress or a FullyQualifiedDomainName');
  }
  if (config.port !== undefined && (config.port < 1 || config.port > 65535)) {
    throw invalidInput(`Invalid request: Port must be from 1 to 65535, got ${config.port}`);
  }
  if (config.type === 'TCP' && config.resourcePath !== undefined) {
    throw invalidInput('Invalid request: a TCP health check takes no ResourcePath');
  }
  if (![10, 30].includes(config.requestInterval)) {
    throw invalidInput('Invalid request: RequestInterval must be 10 or 30');
  }
  if (config.failureThreshold < 1 || config.failureThreshold > 10) {
    throw invalidInput('Invalid request: FailureThreshold must be from 1 to 10');
  }
}

export class Route53HealthChecks {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly tagsById = new Map<string, Record<string, string>>();

  constructor(
    /** Whether some record set of the account names this health check (its HealthCheckId). */
    private readonly inUse: (id: string) => boolean,
  ) {}

  create(callerReference: string, config: HealthCheckConfig): { healthCheck: HealthCheck; created: boolean } {
    if (!callerReference) throw invalidInput('Invalid request: CallerReference is required');
    checkHealthCheckConfig(config);
    const existing = [...this.checks.values()].find((c) => c.callerReference === callerReference);
    if (existing) {
      if (JSON.stringify(existing.config) !== JSON.stringify(config)) {
        throw new Route53Error('HealthCheckAlreadyExists', 409, [
          'A different health check has already been created with the specified caller reference.',
        ]);
      }
      return { healthCheck: { ...existing }, created: false };
    }
    const hex = createHash('sha256').update(`healthcheck:${callerReference}`).digest('hex');
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    const healthCheck: HealthCheck = { id, callerReference, config: { ...config }, version: 1 };
    this.checks.set(id, healthCheck);
    this.tagsById.set(id, {});
    return { healthCheck: { ...healthCheck }, created: true };
  }

  has(id: string): boolean {
    return this.checks.has(id);
  }

  get(id: string): HealthCheck {
    const check = this.checks.get(id);
    if (!check) throw noSuchHealthCheck(id);
    return { ...check };
  }

  /** Every health check, in id order (ListHealthChecks pages them). */
  list(): HealthCheck[] {
    return [...this.checks.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((c) => ({ ...c }));
  }

  delete(id: string): void {
    if (!this.checks.has(id)) throw noSuchHealthCheck(id);
    if (this.inUse(id)) {
      throw new Route53Error('HealthCheckInUse', 400, [
        'The health check ID for this health check is referenced in the HealthCheckId element in one of the resource record sets in one of the hosted zones that are owned by the current AWS account.',
      ]);
    }
    this.checks.delete(id);
    this.tagsById.delete(id);
  }

  tags(id: string): Record<string, string> {
    if (!this.checks.has(id)) throw noSuchHealthCheck(id);
    return { ...this.tagsById.get(id) };
  }

  changeTags(id: string, add: Record<string, string>, remove: readonly string[]): void {
    const next = { ...this.tags(id), ...add };
    for (const key of remove) delete next[key];
    if (Object.keys(next).length > 50) {
      throw invalidInput(`Invalid request: health check ${id} would have more than 50 tags`);
    }
    this.tagsById.set(id, next);
  }

  /** The refusal of a change batch that names a health check that does not exist. */
  missing(ids: readonly string[]): Route53Error | undefined {
    const gone = ids.find((id) => !this.checks.has(id));
    return gone === undefined ? undefined : noSuchHealthCheck(gone);
  }
}
