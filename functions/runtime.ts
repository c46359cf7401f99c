import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AwsClients } from '../shared/aws-clients.js';
import { systemClock } from '../shared/clock.js';
import type { Config } from '../shared/config.js';
import { configFromEnvironment } from '../shared/config-source.js';
import type { DnsProvider } from '../shared/dns/provider.js';
import { Route53Provider, route53ProviderOptions } from '../shared/dns/route53.js';
import { ZoneCache } from '../shared/dns/zone-cache.js';
import type { Log } from '../shared/log.js';
import type { ReconcileDeps } from '../shared/reconcile.js';
import { METRICS_NAMESPACE, type MetricsSink, SERVICE_NAME } from '../shared/telemetry/metrics.js';

/**
 * The deployed functions' runtime: their dependencies, built on the first invocation and kept for the
 * container's life (clients and their connections are reused by warm invocations), and the middy chain
 * every handler runs in. Lazy so that importing a handler module — as `simulate` and the tests do — reads
 * no environment.
 */

/** What a handler hands the pass; `metrics` is where the pass's report adds its EMF metrics. */
export type FunctionDeps = ReconcileDeps & { metrics?: MetricsSink };

let deps: FunctionDeps | undefined;
/** The invocation running now: a container runs one at a time, so the pass's deadline is read from it. */
let invocation: Pick<Context, 'getRemainingTimeInMillis'> | undefined;

export const logger = new Logger({ serviceName: SERVICE_NAME });
/** Flushed by `logMetrics` after every invocation, success or error. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

/**
 * Attribute names Powertools keeps for itself and drops from a log line's extra attributes (with a
 * warning). A pass warning or a refused change carries its text as `message`: renamed, it is kept.
 */
const POWERTOOLS_RESERVED: Readonly<Record<string, string>> = {
  level: 'levelAttribute',
  message: 'detail',
  sampling_rate: 'samplingRateAttribute',
  service: 'serviceAttribute',
  timestamp: 'timestampAttribute',
};

/** The attributes with Powertools' reserved names renamed, so none is dropped. */
export function unreservedAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(attributes).some((k) => Object.hasOwn(POWERTOOLS_RESERVED, k))) return attributes;
  return Object.fromEntries(
    Object.entries(attributes).map(([k, v]) => [
      Object.hasOwn(POWERTOOLS_RESERVED, k) ? POWERTOOLS_RESERVED[k]! : k,
      v,
    ]),
  );
}

/** Powertools' Logger behind the domain's `Log` surface. */
export function powertoolsLog(l: Logger): Log {
  const at =
    (emit: (message: string, ...extra: [Record<string, unknown>] | []) => void) =>
    (message: string, attributes?: Record<string, unknown>) =>
      attributes ? emit(message, unreservedAttributes(attributes)) : emit(message);
  return {
    debug: at((m, ...a) => l.debug(m, ...a)),
    info: at((m, ...a) => l.info(m, ...a)),
    warn: at((m, ...a) => l.warn(m, ...a)),
    error: at((m, ...a) => l.error(m, ...a)),
  };
}

export function lambdaDeps(): FunctionDeps {
  if (deps) return deps;
  const config = configFromEnvironment();
  const aws = new AwsClients({ region: process.env.AWS_REGION ?? config.region, timeouts: config.timeouts });
  const built: FunctionDeps = {
    config,
    aws,
    dns: dnsProvider(config, aws),
    clock: systemClock,
    log: powertoolsLog(logger),
    metrics,
    remainingTimeMs: () => invocation?.getRemainingTimeInMillis() ?? config.timeouts.passMs,
  };
  deps = built;
  return built;
}

/** Route 53, behind the zone cache when `zoneCacheSeconds` is set (the container keeps it warm). */
function dnsProvider(config: Config, aws: AwsClients): DnsProvider {
  const route53 = new Route53Provider(aws.route53(), route53ProviderOptions(config));
  if (config.zoneCacheSeconds === 0) return route53;
  return new ZoneCache(route53, {
    maxAgeMs: config.zoneCacheSeconds * 1000,
    now: () => Date.now(),
    asRead: (zone, endpoint) => route53.asRead(zone, endpoint),
  });
}

export interface LambdaWiring {
  logger: Logger;
  metrics: Metrics;
}

/**
 * A handler core as a Lambda handler: the invocation's context (request id, function name, cold start)
 * on every log line, keys of a previous invocation cleared, and the metrics flushed after every
 * invocation. The event itself is never logged: it can carry names an operator did not mean to publish.
 */
export function lambdaHandler<E, R>(
  core: (event: E) => Promise<R>,
  wiring: LambdaWiring = { logger, metrics },
): middy.MiddyfiedHandler<E, R, Error, Context> {
  return middy<E, R, Error, Context>()
    .use(injectLambdaContext(wiring.logger, { resetKeys: true }))
    .use(logMetrics(wiring.metrics))
    .handler((event: E, context: Context) => {
      invocation = context;
      return core(event);
    });
}
