import { formatPath } from '../shared/config.js';
import type * as z from '../shared/zod.js';

/**
 * Event validation shared by the handlers: zod schemas, and one error whose message names every bad
 * field from the event's root (`payload.dryRun: expected boolean`). A bad event is refused before the pass
 * starts, so it changes nothing.
 */

export interface EventIssue {
  path: string;
  message: string;
}

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
  constructor(
    message: string,
    readonly issues: EventIssue[],
  ) {
    super(message);
  }
}

export function parseEvent<S extends z.ZodMiniType>(schema: S, input: unknown, root: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.flatMap(describeIssue);
  throw new InvalidEventError(
    issues.map((i) => `${i.path ? `${root}.${i.path}` : root}: ${i.message}`).join('; '),
    issues,
  );
}

function describeIssue(issue: z.core.$ZodIssue): EventIssue[] {
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({ path: formatPath([...issue.path, k]), message: 'unknown field' }));
    case 'invalid_type':
      return [{ path: formatPath(issue.path), message: `expected ${issue.expected}` }];
    default:
      return [{ path: formatPath(issue.path), message: issue.message }];
  }
}
