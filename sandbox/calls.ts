/** Counts every API call the sandbox answers, by service and operation, so tests can assert the cost of a pass. */
export type ApiCallCounts = Record<string, Record<string, number>>;

/** Calls by account, then service and operation: what each account's Route 53 answered. */
export type AccountCallCounts = Record<string, ApiCallCounts>;

export class ApiCallCounter {
  private counts: ApiCallCounts = {};
  private byAccount: AccountCallCounts = {};

  /** One call; with `account`, counted under that account too (Route 53 calls: the account they acted in). */
  record(service: string, operation: string, account?: string): void {
    add(this.counts, service, operation);
    if (account !== undefined) {
      this.byAccount[account] ??= {};
      add(this.byAccount[account], service, operation);
    }
  }

  snapshot(): ApiCallCounts {
    return structuredClone(this.counts);
  }

  /** Calls made since an earlier snapshot. */
  since(before: ApiCallCounts): ApiCallCounts {
    return difference(this.counts, before);
  }

  accountsSnapshot(): AccountCallCounts {
    return structuredClone(this.byAccount);
  }

  /** Calls by account since an earlier `accountsSnapshot`; an account with none is left out. */
  accountsSince(before: AccountCallCounts = {}): AccountCallCounts {
    const out: AccountCallCounts = {};
    for (const [account, counts] of Object.entries(this.byAccount)) {
      const d = difference(counts, before[account] ?? {});
      if (Object.keys(d).length > 0) out[account] = d;
    }
    return out;
  }

  reset(): void {
    this.counts = {};
    this.byAccount = {};
  }
}

function add(counts: ApiCallCounts, service: string, operation: string): void {
  const s = counts[service] ?? {};
  s[operation] = (s[operation] ?? 0) + 1;
  counts[service] = s;
}

function difference(now: ApiCallCounts, before: ApiCallCounts): ApiCallCounts {
  const out: ApiCallCounts = {};
  for (const [service, ops] of Object.entries(now)) {
    for (const [op, n] of Object.entries(ops)) {
      const d = n - (before[service]?.[op] ?? 0);
      if (d > 0) out[service] = { ...out[service], [op]: d };
    }
  }
  return out;
}
