import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';

/**
 * The one retry policy of every AWS call the reconciler makes. The SDK client retries, and nothing
 * above it does: an adapter that retried a call the SDK had already retried multiplied the attempts
 * (5 SDK attempts × 4 rounds = 20 requests for one throttled change).
 *
 * - What is retried: what the SDK classifies as throttling (`Throttling`, `ThrottlingException`,
 *   Route 53's `PriorRequestNotComplete`, ...), 5xx and transient network errors. Anything else — a 4xx
 *   about the request's content or permissions — is the caller's to handle (the Route 53 adapter splits
 *   the batch), never retried as it is.
 * - How often: `maxAttempts` requests per call, the first included.
 * - How long between: the SDK's full-jitter exponential backoff, from 1 s for throttling (so five
 *   attempts span up to 15 s, enough for a zone's previous change to finish) and 50 ms otherwise,
 *   capped at 20 s; adaptive mode also slows the client's own sending rate once it is throttled,
 *   which keeps a fleet pass inside Route 53's account-wide bucket.
 *
 * - What is not: an attempt that timed out (`TimeoutError`: no connection or no answer within the
 *   configured timeout). A hung endpoint then costs one timeout, not `maxAttempts` of them plus the
 *   backoff (50 s with the defaults, measured by bench/hung-endpoints.ts); the pass fails and freezes
 *   what depended on the call, and the next pass asks again.
 *
 * Request timeouts (how long one attempt may take) are the client's request handler's business.
 */
export interface RetryPolicy {
  /** Requests per call, the first included. */
  maxAttempts: number;
  /**
   * Milliseconds to wait before retry `retry` (0 for the first retry); the SDK's backoff when absent.
   * Tests inject their own to keep the wait out of the run time.
   */
  backoffMs?: (retry: number) => number;
}

export const RETRY_POLICY: Readonly<RetryPolicy> = { maxAttempts: 5 };

/** A fresh strategy for one client (it keeps the client's retry budget and sending rate). */
export function retryStrategy(policy: RetryPolicy = RETRY_POLICY): RetryStrategyV2 {
  const { maxAttempts, backoffMs } = policy;
  const adaptive = backoffMs
    ? new AdaptiveRetryStrategy(maxAttempts, {
        maxAttempts,
        backoff: { computeNextBackoffDelay: backoffMs, setDelayBase: () => {} },
      })
    : new AdaptiveRetryStrategy(maxAttempts);
  return new NoRetryAfterTimeout(adaptive);
}

/** The SDK ends the call with the attempt's own error when the strategy refuses a retry token. */
class NoRetryAfterTimeout implements RetryStrategyV2 {
  constructor(private readonly inner: RetryStrategyV2) {}

  acquireInitialRetryToken(retryTokenScope: string): Promise<RetryToken> {
    return this.inner.acquireInitialRetryToken(retryTokenScope);
  }

  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    if (errorInfo.error?.name === 'TimeoutError') return Promise.reject(errorInfo.error);
    return this.inner.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.inner.recordSuccess(token);
  }
}
