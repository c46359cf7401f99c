import { ACMClient } from '@aws-sdk/client-acm';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Route53Client } from '@aws-sdk/client-route-53';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { RETRY_POLICY, type RetryPolicy, retryStrategy } from './retry-policy.js';
import { DEFAULT_TIMEOUTS } from './timeouts.js';

export interface AwsClientOptions {
  /** Home region: EventBridge and STS go here; Route 53 is global (us-east-1). */
  region: string;
  /**
   * One endpoint for every service (the sandbox). Without it the SDK's own resolution applies, which
   * already honours `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`.
   */
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Overrides `RETRY_POLICY.maxAttempts` (tests, the sandbox). */
  maxAttempts?: number;
  /** Overrides the policy's backoff (tests: no real waiting). */
  retryBackoffMs?: RetryPolicy['backoffMs'];
  /** Connect and per-attempt request deadlines (config `timeouts`); the defaults when absent. */
  timeouts?: { connectMs: number; awsRequestMs: number };
}

/**
 * The AWS clients a pass uses, created lazily and once per container (per region where the service is
 * regional), so warm Lambda invocations reuse connections.
 */
export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  constructor(readonly options: AwsClientOptions) {}

  /** The settings every client gets (timeouts, retries, endpoint, credentials), for `region`. */
  clientConfig(region: string) {
    const timeouts = this.options.timeouts ?? DEFAULT_TIMEOUTS;
    return {
      region,
      // Without these the SDK waits on a hung endpoint until Lambda kills the pass. `requestTimeout` only
      // logs a warning unless `throwOnRequestTimeout` is set; with it, the attempt fails with a
      // TimeoutError, which the SDK's retry policy treats as transient.
      requestHandler: {
        connectionTimeout: timeouts.connectMs,
        requestTimeout: timeouts.awsRequestMs,
        throwOnRequestTimeout: true,
      },
      // The retry policy is RETRY_POLICY's alone; each client gets its own strategy (budget, send rate).
      retryStrategy: retryStrategy({
        maxAttempts: this.options.maxAttempts ?? RETRY_POLICY.maxAttempts,
        ...(this.options.retryBackoffMs ? { backoffMs: this.options.retryBackoffMs } : {}),
      }),
      ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
      ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
    };
  }

  /**
   * A client kept with these (made once, destroyed with them): for clients only some invocations need,
   * which their own module makes so the bundle loads them only then (the shard store's S3, ELBv2).
   */
  kept<T extends { destroy(): void }>(key: string, make: () => T): T {
    return this.once(key, make);
  }

  private once<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }

  route53(): Route53Client {
    return this.once('route53', () => new Route53Client(this.clientConfig('us-east-1')));
  }

  eks(region: string): EKSClient {
    return this.once(`eks:${region}`, () => new EKSClient(this.clientConfig(region)));
  }

  acm(region: string): ACMClient {
    return this.once(`acm:${region}`, () => new ACMClient(this.clientConfig(region)));
  }

  sts(region = this.options.region): STSClient {
    return this.once(`sts:${region}`, () => new STSClient(this.clientConfig(region)));
  }

  eventBridge(): EventBridgeClient {
    return this.once('events', () => new EventBridgeClient(this.clientConfig(this.options.region)));
  }

  /** The credentials the clients sign with; EKS tokens are presigned with the same identity. */
  credentials(): AwsCredentialIdentityProvider {
    const client = this.sts();
    return () => client.config.credentials();
  }

  destroy(): void {
    for (const c of this.cache.values()) (c as { destroy(): void }).destroy();
    this.cache.clear();
  }
}
