import * as z from 'zod';
import { normalizeName } from './aws/route53-names.js';

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
  /**
   * Route 53 refuses every change batch touching the record `name` (of `type`, when given), as a whole:
   * 403 AccessDenied as an IAM record-name condition answers, or `code`/`status`/`message` when given.
   */
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
  's3',
] as const;

export const faultRuleSchema = z
  .strictObject({
    fault: z.enum(FAULT_KINDS),
    service: z.enum(FAULT_SERVICES),
    /** The AWS operation (`DescribeCluster`), or the Kubernetes call as counted (`list services`). */
    operation: z.string().min(1).optional(),
    /** Kubernetes: the cluster whose API server misbehaves. EKS: the cluster a call names. */
    cluster: z.string().min(1).optional(),
    /** `refuse`: the record name whose change batches are refused (any case, trailing dot optional). */
    name: z.string().min(1).optional(),
    /** `refuse`: only changes of this record type; every type when absent. */
    type: z.string().min(1).optional(),
    /** `refuse`: Route 53's error code instead of AccessDenied (`NoSuchHealthCheck`, ...). */
    code: z.string().min(1).optional(),
    /** `refuse`: the HTTP status; 403 for AccessDenied, else 400, unless given. */
    status: z.number().int().min(400).max(599).optional(),
    /** `refuse`: the error message; IAM's explicit-deny wording by default. */
    message: z.string().min(1).optional(),
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
/** A rule as validated, `after` defaulted: what `take` answers with. */
export type ActiveFault = z.output<typeof faultRuleSchema>;
type ParsedRule = ActiveFault;

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
  } else {
    for (const field of ['name', 'type', 'code', 'status', 'message'] as const) {
      if (r[field] !== undefined) return { field, message: `only a refuse fault takes ${field}` };
    }
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
  /**
   * The records a Route 53 change batch touches, as the Route 53 handler parsed them: only a call that
   * carries them can be refused (the AWS endpoint, before parsing, never can).
   */
  changes?: readonly { name: string; type: string }[];
  /** A Kubernetes list's page: 1 for the first, 2 for any page with a continue token. */
  page?: number;
}

interface ActiveRule {
  rule: ParsedRule;
  matched: number;
  fired: number;
}

export class FaultInjector {
  private active: ActiveRule[] = [];
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
    this.active.push({ rule: parsed.data, matched: 0, fired: 0 });
  }

  /** The rules in force, in the order they are tried. */
  rules(): ActiveFault[] {
    return this.active.map((a) => a.rule);
  }

  /** Removes every rule, or every rule of one kind (the counts of injected faults stay). */
  clear(kind?: FaultKind): void {
    this.active = kind ? this.active.filter((r) => r.rule.fault !== kind) : [];
  }

  /** The fault this call gets, if any: the first rule that matches and is due. */
  take(call: FaultCall): ActiveFault | undefined {
    for (const active of this.active) {
      if (!matches(active.rule, call)) continue;
      active.matched++;
      if (active.matched <= active.rule.after) continue;
      if (active.rule.count !== undefined && active.fired >= active.rule.count) continue;
      active.fired++;
      this.injected[active.rule.fault]++;
      return active.rule;
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
    const name = normalizeName((rule.name ?? '').trim());
    const type = rule.type?.toUpperCase();
    return (call.changes ?? []).some(
      (c) => normalizeName(c.name.trim()) === name && (type === undefined || c.type === type),
    );
  }
  if (rule.fault === 'second-page') return (call.page ?? 1) >= 2;
  return true;
}
