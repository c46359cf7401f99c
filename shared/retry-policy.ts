import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { RetryStrategyV2 } from '@smithy/types';

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
  if (!backoffMs) return new AdaptiveRetryStrategy(maxAttempts);
  return new AdaptiveRetryStrategy(maxAttempts, {
    maxAttempts,
    backoff: { computeNextBackoffDelay: backoffMs, setDelayBase: () => {} },
  });
}
