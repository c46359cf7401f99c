import { Route53Client } from '@aws-sdk/client-route-53';
import { Route53State, route53Handler } from '../../sandbox/aws/route53.js';
import { Route53ChangeRefusals } from '../../sandbox/aws/route53-refusals.js';
import { type AwsServer, startAwsServer } from '../../sandbox/aws/server.js';
import type { TokenBucket } from '../../sandbox/aws/throttle.js';
import { ApiCallCounter } from '../../sandbox/calls.js';
import { SANDBOX_IDENTITIES } from '../../sandbox/credentials.js';
import { canonicalHostedZoneId } from '../../shared/dns/alias.js';
import { RETRY_POLICY, type RetryPolicy, retryStrategy } from '../../shared/retry-policy.js';

export interface Route53Sandbox {
  server: AwsServer;
  state: Route53State;
  calls: ApiCallCounter;
  /** Changes the server refuses (AccessDenied by default), as an IAM record-name condition would. */
  refusals: Route53ChangeRefusals;
  /** An SDK client signed by the first sandbox identity; `stopRoute53Sandbox` destroys it. */
  client: Route53Client;
}

export interface Route53SandboxOptions {
  throttle?: TokenBucket;
  /** Attempts per call; RETRY_POLICY's when absent. */
  maxAttempts?: number;
  /** The backoff between attempts; the SDK's when absent. */
  retryBackoffMs?: RetryPolicy['backoffMs'];
  maxRecordSetsPerZone?: number;
  /** ELB DNS names the account has (their canonical zone from the table); aliases to others are refused. */
  loadBalancers?: string[];
}

/** A sandbox Route 53 server on its own port, with a real SDK client pointed at it. */
export async function startRoute53Sandbox(opts: Route53SandboxOptions = {}): Promise<Route53Sandbox> {
  const loadBalancers = new Set(opts.loadBalancers ?? []);
  const state = new Route53State({
    ...(opts.maxRecordSetsPerZone ? { maxRecordSetsPerZone: opts.maxRecordSetsPerZone } : {}),
    loadBalancer: (dnsName) => {
      const zone = loadBalancers.has(dnsName) ? canonicalHostedZoneId(dnsName) : undefined;
      return zone ? { canonicalHostedZoneId: zone } : undefined;
    },
  });
  const calls = new ApiCallCounter();
  const refusals = new Route53ChangeRefusals();
  const server = await startAwsServer({
    handlers: { route53: route53Handler(state, { refusals }) },
    calls,
    ...(opts.throttle ? { throttle: opts.throttle } : {}),
  });
  const identity = SANDBOX_IDENTITIES[0]!;
  const client = new Route53Client({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
    retryStrategy: retryStrategy({
      maxAttempts: opts.maxAttempts ?? RETRY_POLICY.maxAttempts,
      ...(opts.retryBackoffMs ? { backoffMs: opts.retryBackoffMs } : {}),
    }),
  });
  return { server, state, calls, refusals, client };
}

export async function stopRoute53Sandbox(s: Route53Sandbox): Promise<void> {
  s.client.destroy();
  await s.server.close();
}
