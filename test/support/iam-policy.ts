import { App, Stack } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { ReconcilerRole } from '../../infra/constructs/reconciler-role.js';
import type { Config } from '../../shared/config.js';

/**
 * IAM as it judges a ChangeResourceRecordSets request, written from the documentation and nothing of
 * ours, so a test can hold the synthesized policy against the names the planner really writes.
 */

/** IAM's StringLike: case-sensitive, `*` any run of characters (none included), `?` exactly one. */
export function stringLike(pattern: string, value: string): boolean {
  const re = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`, 's').test(value);
}

/**
 * The name Route 53 puts in `route53:ChangeResourceRecordSetsNormalizedRecordNames` (Developer Guide,
 * "Normalizing the condition key values"): lower case, no trailing dot, any character other than a–z,
 * 0–9, `-`, `_` and `.` as a three-digit octal escape (`*` → `\052`).
 */
export function normalizedRecordName(name: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(name.toLowerCase().replace(/\.$/, ''))) {
    const c = String.fromCharCode(byte);
    out += /^[a-z0-9\-_.]$/.test(c) ? c : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}

export interface RecordNameCondition {
  /** The set operator the statement uses on the multi-valued key. */
  operator: string;
  patterns: string[];
  /** True when Route 53 would let a batch holding exactly these names through. */
  allows(names: readonly string[]): boolean;
  /** The names of `names` no pattern matches. */
  refused(names: readonly string[]): string[];
}

const KEY = 'route53:ChangeResourceRecordSetsNormalizedRecordNames';

interface Statement {
  Action: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * Builds the reconciler's role for `config` and reads the record-name condition of its Route 53 write from
 * the policy document as the stack renders it into the template (resolved, tokens and all).
 */
export function recordNameCondition(config: Config): RecordNameCondition {
  const stack = new Stack(new App(), 'Policy', { env: { account: '111111111111', region: config.region } });
  new ReconcilerRole(stack, 'Access', { config, account: '111111111111', inVpc: false });
  const documents = stack.node
    .findAll()
    .filter((c): c is CfnPolicy => c instanceof CfnPolicy)
    .map((p) => stack.resolve(p.policyDocument) as { Statement: Statement[] });
  const writes = documents
    .flatMap((d) => d.Statement)
    .filter((s) => [s.Action].flat().includes('route53:ChangeResourceRecordSets'));
  if (writes.length !== 1) throw new Error(`expected one Route 53 write statement, found ${writes.length}`);
  const condition = writes[0]?.Condition ?? {};
  const [operator, values] =
    Object.entries(condition).find(([, keys]) => KEY in keys) ??
    (() => {
      throw new Error(`the Route 53 write has no ${KEY} condition`);
    })();
  const patterns = [values[KEY] ?? []].flat();
  const matches = (name: string) => patterns.some((p) => stringLike(p, normalizedRecordName(name)));
  const refused = (names: readonly string[]) => names.filter((n) => !matches(n));
  return {
    operator,
    patterns,
    refused,
    // ForAllValues: every name in the request must match one pattern.
    allows: (names) => operator === 'ForAllValues:StringLike' && refused(names).length === 0,
  };
}
