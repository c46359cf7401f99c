import * as z from 'zod';

/**
 * Faults the sandbox injects on request: the bad days a reconciler must survive. A rule names a fault,
 * the calls it hits (service, operation, cluster, record name) and how often; the AWS endpoint and every
 * Kubernetes API server ask `FaultInjector.take` before serving a call. Scenario files carry rules in
 * `faults:` (docs/scenarios.md), tests pass them to `Sandbox.start({faults})` or `sandbox.faults.add`.
 */

export const FAULT_KINDS = [
  /** Accept the request and never answer. */
  'hang',
  /** The service's throttling error (Route 53 `Throttling`, `ThrottlingException`, Kubernetes 429). */
  'throttle',
  /** 503 Service Unavailable. */
  '5xx',
  /** Drop the connection without an answer (ECONNRESET). */
  'reset',
  /** Route 53's `PriorRequestNotComplete` (a change to the zone still in progress). */
  'prior-request-not-complete',
  /** Route 53 refuses a change batch holding the record `name` with AccessDenied (an IAM condition key). */
  'refuse',
  /** A Kubernetes list fails (500) on its second page, after the first was served. */
  'second-page',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_SERVICES = [
  'route53',
  'eks',
  'acm',
  'sts',
  'events',
  'elasticloadbalancing',
  'kubernetes',
] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

export const faultRuleSchema = z
  .strictObject({
    fault: z.enum(FAULT_KINDS),
    service: z.enum(FAULT_SERVICES),
    /** The AWS operation (`DescribeCluster`), or the Kubernetes call as counted (`list services`). */
    operation: z.string().min(1).optional(),
    /** Kubernetes: the cluster whose API server misbehaves. EKS: the cluster a call names. */
    cluster: z.string().min(1).optional(),
    /** `refuse`: the record name whose change batches are refused. */
    name: z.string().min(1).optional(),
    /** Let this many matching calls through before the fault starts. */
    after: z.number().int().min(0).default(0),
    /** Fire this many times, then stop; every matching call when absent. */
    count: z.number().int().min(1).optional(),
  })
  .superRefine((r, ctx) => {
    const problem = ruleProblem(r);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  });

export type FaultRule = z.input<typeof faultRuleSchema>;
type ParsedRule = z.output<typeof faultRuleSchema>;

function ruleProblem(r: ParsedRule): { field: keyof ParsedRule; message: string } | undefined {
  if (r.fault === 'prior-request-not-complete' && r.service !== 'route53') {
    return { field: 'service', message: 'prior-request-not-complete is a Route 53 error: service route53' };
  }
  if (r.fault === 'refuse') {
    if (r.service !== 'route53') return { field: 'service', message: 'refuse is for service route53' };
    if (!r.name) return { field: 'name', message: 'refuse needs the record name whose changes are refused' };
    if (r.operation && r.operation !== 'ChangeResourceRecordSets') {
      return { field: 'operation', message: 'refuse applies to ChangeResourceRecordSets only' };
    }
  } else if (r.name) {
    return { field: 'name', message: 'only a refuse fault names a record' };
  }
  if (r.fault === 'second-page' && r.service !== 'kubernetes') {
    return { field: 'service', message: 'second-page is for service kubernetes' };
  }
  if (r.cluster && r.service !== 'kubernetes' && r.service !== 'eks') {
    return { field: 'cluster', message: 'a cluster is named for service kubernetes or eks only' };
  }
  return undefined;
}

/** One call as the injector sees it. */
export interface FaultCall {
  service: string;
  operation: string;
  /** The cluster: a Kubernetes API server's own, or the one an EKS call names. */
  cluster?: string;
  /** Record names a Route 53 change batch holds (normalized: lower case, no trailing dot). */
  recordNames?: readonly string[];
  /** A Kubernetes list's page: 1 for the first, 2 for any page with a continue token. */
  page?: number;
}

interface ActiveRule {
  rule: ParsedRule;
  matched: number;
  fired: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  /** Faults injected so far, by kind. */
  readonly injected: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<
    FaultKind,
    number
  >;

  constructor(rules: readonly FaultRule[] = []) {
    for (const r of rules) this.add(r);
  }

  /** Adds a rule; throws naming the field when it is not one the sandbox can inject. */
  add(rule: FaultRule): void {
    const parsed = faultRuleSchema.safeParse(rule);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TypeError(`fault ${issue?.path.join('.') || '(rule)'}: ${issue?.message}`);
    }
    this.rules.push({ rule: parsed.data, matched: 0, fired: 0 });
  }

  /** Removes every rule (the counts of injected faults stay). */
  clear(): void {
    this.rules = [];
  }

  /** The fault this call gets, if any: the first rule that matches and is due. */
  take(call: FaultCall): FaultKind | undefined {
    for (const active of this.rules) {
      if (!matches(active.rule, call)) continue;
      active.matched++;
      if (active.matched <= active.rule.after) continue;
      if (active.rule.count !== undefined && active.fired >= active.rule.count) continue;
      active.fired++;
      this.injected[active.rule.fault]++;
      return active.rule.fault;
    }
    return undefined;
  }

  /** Faults injected so far, summed. */
  total(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }
}

function matches(rule: ParsedRule, call: FaultCall): boolean {
  if (rule.service !== call.service) return false;
  if (rule.operation && rule.operation !== call.operation) return false;
  if (rule.cluster && rule.cluster !== call.cluster) return false;
  if (rule.fault === 'refuse') {
    if (call.operation !== 'ChangeResourceRecordSets') return false;
    return (call.recordNames ?? []).includes(normalizeName(rule.name ?? ''));
  }
  if (rule.fault === 'second-page') return (call.page ?? 1) >= 2;
  return true;
}

function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * The record names in a ChangeResourceRecordSets body, normalized, with Route 53's octal escapes
 * (`\052` for `*`) decoded.
 */
export function changeBatchNames(body: string): string[] {
  const names: string[] = [];
  for (const m of body.matchAll(/<Name>([^<]*)<\/Name>/g)) {
    const decoded = (m[1] ?? '').replace(/\\([0-7]{3})/g, (_, oct: string) =>
      String.fromCharCode(Number.parseInt(oct, 8)),
    );
    names.push(normalizeName(decoded));
  }
  return names;
}
