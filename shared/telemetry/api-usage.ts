import type { DeserializeMiddleware, MiddlewareStack } from '@smithy/types';

/** Requests an AWS client sent (every attempt, retries included) and how many were throttled. */
export interface ApiUsage {
  calls: number;
  throttles: number;
}

/**
 * Route 53 answers a throttled request with `Throttling` (the account's token bucket) or
 * `PriorRequestNotComplete` (a change to the same zone still in flight); other services use the rest.
 */
const THROTTLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'PriorRequestNotComplete',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

export function isThrottle(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number } };
  return (
    THROTTLE_CODES.has(String(e.name)) ||
    THROTTLE_CODES.has(String(e.Code)) ||
    e.$metadata?.httpStatusCode === 429
  );
}

const totals = new WeakMap<object, ApiUsage>();

/**
 * Counts a client's requests from now on. The counter sits inside the SDK's retry loop, so each attempt
 * counts once; metering a client twice installs it once. Cheap enough to stay on for the container's life.
 */
export function meterClient<I extends object, O extends object>(client: {
  middlewareStack: MiddlewareStack<I, O>;
}): () => ApiUsage {
  let total = totals.get(client);
  if (!total) {
    const counted: ApiUsage = { calls: 0, throttles: 0 };
    total = counted;
    totals.set(client, counted);
    const count: DeserializeMiddleware<I, O> = (next) => async (args) => {
      counted.calls++;
      try {
        return await next(args);
      } catch (err) {
        if (isThrottle(err)) counted.throttles++;
        throw err;
      }
    };
    client.middlewareStack.add(count, {
      step: 'deserialize',
      priority: 'high',
      name: 'edgeReconcilerApiUsage',
    });
  }
  const usage = total;
  const start = { ...usage };
  // The usage since this call: one pass's share of a client that warm invocations reuse.
  return () => ({ calls: usage.calls - start.calls, throttles: usage.throttles - start.throttles });
}

/** Route 53 usage of a pass: the total, and per account when the pass reached zones in several. */
export interface Route53Usage extends ApiUsage {
  /** By account: `home` for the reconciler's own, the account id for a role's (`route53Roles`). */
  accounts?: Record<string, ApiUsage>;
}

/** Meters each account's Route 53 client as the pass meets it; `usage()` sums them. */
export class Route53Meters {
  private readonly meters = new Map<string, () => ApiUsage>();

  meter<I extends object, O extends object>(
    account: string,
    client: { middlewareStack: MiddlewareStack<I, O> },
  ): void {
    if (!this.meters.has(account)) this.meters.set(account, meterClient(client));
  }

  /** The pass's usage so far; the breakdown only when more than the home account was metered. */
  usage(includeHome: boolean): Route53Usage {
    const accounts: Record<string, ApiUsage> = {};
    for (const [account, meter] of this.meters) {
      if (account === 'home' && !includeHome) continue;
      accounts[account] = meter();
    }
    const all = Object.values(accounts);
    const total = {
      calls: all.reduce((n, u) => n + u.calls, 0),
      throttles: all.reduce((n, u) => n + u.throttles, 0),
    };
    return Object.keys(accounts).some((a) => a !== 'home') ? { ...total, accounts } : total;
  }
}
