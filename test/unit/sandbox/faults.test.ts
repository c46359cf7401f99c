import { describe, expect, it } from 'vitest';
import { changeBatchNames, FaultInjector, faultRuleSchema } from '../../../sandbox/faults.js';

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
    [{ fault: 'second-page', service: 'route53' }, 'service'],
    [{ fault: 'hang', service: 'route53', cluster: 'prod' }, 'cluster'],
    [{ fault: 'explode', service: 'route53' }, 'fault'],
    [{ fault: 'hang', service: 's3' }, 'service'],
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
    const seen = [1, 2, 3, 4].map(() => faults.take(change));
    expect(seen).toEqual([undefined, '5xx', '5xx', undefined]);
    expect(faults.take({ service: 'route53', operation: 'ListHostedZones' })).toBeUndefined();
    expect(faults.injected['5xx']).toBe(2);
    expect(faults.total()).toBe(2);
  });

  it('refuse matches a batch by record name; second-page only a continued list; cluster by name', () => {
    const faults = new FaultInjector([
      { service: 'route53', fault: 'refuse', name: '*.Example.com.' },
      { service: 'kubernetes', cluster: 'prod', fault: 'second-page' },
    ]);
    const batch = (names: string[]) => ({
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      recordNames: names,
    });
    expect(faults.take(batch(['a.example.com']))).toBeUndefined();
    expect(faults.take(batch(['a.example.com', '*.example.com']))).toBe('refuse');
    const list = { service: 'kubernetes', operation: 'list services', cluster: 'prod' };
    expect(faults.take({ ...list, page: 1 })).toBeUndefined();
    expect(faults.take({ ...list, page: 2 })).toBe('second-page');
    expect(faults.take({ ...list, cluster: 'dev', page: 2 })).toBeUndefined();
    faults.clear();
    expect(faults.take({ ...list, page: 2 })).toBeUndefined();
    expect(faults.injected).toMatchObject({ refuse: 1, 'second-page': 1 });
  });

  it('reads the record names of a change batch, octal escapes decoded', () => {
    const body =
      '<ChangeBatch><Changes><Change><ResourceRecordSet><Name>\\052.Example.com.</Name></ResourceRecordSet></Change>' +
      '<Change><ResourceRecordSet><Name>a.example.com</Name></ResourceRecordSet></Change></Changes></ChangeBatch>';
    expect(changeBatchNames(body)).toEqual(['*.example.com', 'a.example.com']);
  });
});
