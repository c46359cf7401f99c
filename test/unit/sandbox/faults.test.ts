import { describe, expect, it } from 'vitest';
import { FaultInjector, faultRuleSchema } from '../../../sandbox/faults.js';

describe('fault rules', () => {
  it.each([
    [{ fault: 'prior-request-not-complete', service: 'eks' }, 'service'],
    [{ fault: 'refuse', service: 'route53' }, 'name'],
    [{ fault: 'refuse', service: 'acm', name: 'a.example.com' }, 'service'],
    [
      { fault: 'refuse', service: 'route53', name: 'a.example.com', operation: 'ListHostedZones' },
      'operation',
    ],
    [{ fault: 'hang', service: 'route53', name: 'a.example.com' }, 'name'],
    [{ fault: '5xx', service: 'route53', code: 'AccessDenied' }, 'code'],
    [{ fault: 'second-page', service: 'route53' }, 'service'],
    [{ fault: 'hang', service: 'route53', cluster: 'prod' }, 'cluster'],
    [{ fault: 'explode', service: 'route53' }, 'fault'],
    [{ fault: 'hang', service: 'dynamodb' }, 'service'],
    [{ fault: 'hang', service: 'route53', count: 0 }, 'count'],
  ])('refuses %j, naming %s', (rule, field) => {
    const parsed = faultRuleSchema.safeParse(rule);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual([field]);
    expect(() => new FaultInjector([rule as never])).toThrow(new RegExp(`^fault ${field}: `));
  });

  it('fires after `after` matching calls, `count` times, and only for matching calls', () => {
    const faults = new FaultInjector([
      { service: 'route53', operation: 'ChangeResourceRecordSets', fault: '5xx', after: 1, count: 2 },
    ]);
    const change = { service: 'route53', operation: 'ChangeResourceRecordSets' };
    const seen = [1, 2, 3, 4].map(() => faults.take(change)?.fault);
    expect(seen).toEqual([undefined, '5xx', '5xx', undefined]);
    expect(faults.take({ service: 'route53', operation: 'ListHostedZones' })).toBeUndefined();
    expect(faults.injected['5xx']).toBe(2);
    expect(faults.total()).toBe(2);
  });

  it('refuse matches a parsed batch by record name and type; second-page only a continued list', () => {
    const faults = new FaultInjector([
      { service: 'route53', fault: 'refuse', name: '\\052.Example.com.', type: 'txt' },
      { service: 'kubernetes', cluster: 'prod', fault: 'second-page' },
    ]);
    const batch = (changes: { name: string; type: string }[]) => ({
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      changes,
    });
    expect(faults.take(batch([{ name: 'a.example.com.', type: 'TXT' }]))).toBeUndefined();
    expect(faults.take(batch([{ name: '*.example.com.', type: 'A' }]))).toBeUndefined();
    expect(faults.take(batch([{ name: '*.example.com.', type: 'TXT' }]))?.fault).toBe('refuse');
    // Without the parsed batch (the AWS endpoint's view) nothing is refused.
    expect(faults.take({ service: 'route53', operation: 'ChangeResourceRecordSets' })).toBeUndefined();
    const list = { service: 'kubernetes', operation: 'list services', cluster: 'prod' };
    expect(faults.take({ ...list, page: 1 })).toBeUndefined();
    expect(faults.take({ ...list, page: 2 })?.fault).toBe('second-page');
    expect(faults.take({ ...list, cluster: 'dev', page: 2 })).toBeUndefined();
    faults.clear('refuse');
    expect(faults.take(batch([{ name: '*.example.com.', type: 'TXT' }]))).toBeUndefined();
    expect(faults.take({ ...list, page: 2 })?.fault).toBe('second-page');
    faults.clear();
    expect(faults.take({ ...list, page: 2 })).toBeUndefined();
    expect(faults.injected).toMatchObject({ refuse: 1, 'second-page': 2 });
  });
});
