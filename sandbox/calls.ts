/** Counts every API call the sandbox answers, by service and operation, so tests can assert the cost of a pass. */
export type ApiCallCounts = Record<string, Record<string, number>>;

export class ApiCallCounter {
  private counts: ApiCallCounts = {};

  record(service: string, operation: string): void {
    const s = this.counts[service] ?? {};
    s[operation] = (s[operation] ?? 0) + 1;
    this.counts[service] = s;
  }

  snapshot(): ApiCallCounts {
    return structuredClone(this.counts);
  }

  /** Calls made since an earlier snapshot. */
  since(before: ApiCallCounts): ApiCallCounts {
    const out: ApiCallCounts = {};
    for (const [service, ops] of Object.entries(this.counts)) {
      for (const [op, n] of Object.entries(ops)) {
        const d = n - (before[service]?.[op] ?? 0);
        if (d > 0) out[service] = { ...out[service], [op]: d };
      }
    }
    return out;
  }

  reset(): void {
    this.counts = {};
  }
}
