/**
 * An account-level token bucket, the way Route 53 throttles a whole account: a burst of requests is
 * allowed, then tokens come back at a steady rate. It refills by real elapsed time, not the sandbox
 * clock, because the sandbox clock stands still during a pass while requests keep arriving.
 */
export interface TokenBucketOptions {
  /** Tokens the bucket holds when full (the burst). Route 53's is 50. */
  burst: number;
  /** Tokens added per second. Route 53 answers about 5 (older accounts) to 10 per second. */
  ratePerSecond: number;
  /** Milliseconds from a monotonic source; injectable for tests. Defaults to `performance.now()`. */
  nowMs?: () => number;
}

export const ROUTE53_DEFAULT_BUCKET: Readonly<Pick<TokenBucketOptions, 'burst' | 'ratePerSecond'>> = {
  burst: 50,
  ratePerSecond: 5,
};

export class TokenBucket {
  readonly burst: number;
  readonly ratePerSecond: number;
  private readonly nowMs: () => number;
  private tokens: number;
  private refilledAt: number;

  constructor(opts: TokenBucketOptions) {
    if (!(Number.isFinite(opts.burst) && opts.burst >= 1)) {
      throw new RangeError(`TokenBucket: burst must be a number >= 1, got ${opts.burst}`);
    }
    if (!(Number.isFinite(opts.ratePerSecond) && opts.ratePerSecond >= 0)) {
      throw new RangeError(`TokenBucket: ratePerSecond must be a number >= 0, got ${opts.ratePerSecond}`);
    }
    this.burst = opts.burst;
    this.ratePerSecond = opts.ratePerSecond;
    this.nowMs = opts.nowMs ?? (() => performance.now());
    this.tokens = opts.burst;
    this.refilledAt = this.nowMs();
  }

  /** Takes one token if there is one; false means the request is throttled. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens available now (fractional while refilling). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.nowMs();
    const elapsedSeconds = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsedSeconds * this.ratePerSecond);
    this.refilledAt = now;
  }
}

/**
 * Route 53's buckets, one per account as Route 53 throttles them: each account gets its own burst and
 * rate, made with the same options the first time a request acts in it.
 */
export class AccountBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly options: TokenBucketOptions) {
    new TokenBucket(options); // the options checked once, up front
  }

  of(account: string): TokenBucket {
    let bucket = this.buckets.get(account);
    if (!bucket) {
      bucket = new TokenBucket(this.options);
      this.buckets.set(account, bucket);
    }
    return bucket;
  }

  /** The accounts a request has acted in so far. */
  accounts(): string[] {
    return [...this.buckets.keys()];
  }
}
