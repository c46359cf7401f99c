import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, route53RolesOf } from '../../shared/config.js';

/** `route53Roles` and ExternalDNS's `awsAssumeRole` / `awsAssumeRoleExternalId`: bad ones named by field. */
describe('config: Route 53 in other accounts', () => {
  const role = (account: string, name = 'edge-reconciler-dns') => `arn:aws:iam::${account}:role/${name}`;

  it('takes a role per account, with an optional external id', () => {
    const config = parseConfig({
      route53Roles: [
        { roleArn: role('222222222222'), externalId: 'fleet-7f3a' },
        { roleArn: role('333333333333') },
      ],
    });
    expect(route53RolesOf(config)).toEqual([
      { roleArn: role('222222222222'), externalId: 'fleet-7f3a' },
      { roleArn: role('333333333333') },
    ]);
  });

  it('reads awsAssumeRole as the one role, with its external id', () => {
    const config = parseConfig({ awsAssumeRole: role('222222222222'), awsAssumeRoleExternalId: 'x-1' });
    expect(route53RolesOf(config)).toEqual([{ roleArn: role('222222222222'), externalId: 'x-1' }]);
    expect(route53RolesOf(parseConfig({}))).toEqual([]);
  });

  it.each([
    [
      { route53Roles: [{ roleArn: 'arn:aws:iam::2222:role/x' }] },
      /config\.route53Roles\[0\]\.roleArn: an IAM role ARN/,
    ],
    [
      { route53Roles: [{ roleArn: role('222222222222'), externalId: 'has space' }] },
      /config\.route53Roles\[0\]\.externalId: 2 to 1224/,
    ],
    [
      { route53Roles: [{ roleArn: role('222222222222'), extra: 1 }] },
      /config\.route53Roles\[0\]\.extra: unknown field/,
    ],
    [
      { route53Roles: [{ roleArn: role('222222222222') }, { roleArn: role('222222222222', 'other') }] },
      /config\.route53Roles\[1\]\.roleArn: a second role in account 222222222222 \(route53Roles\[0\]\)/,
    ],
    [{ awsAssumeRoleExternalId: 'lonely' }, /config\.awsAssumeRoleExternalId: needs awsAssumeRole/],
    [
      { awsAssumeRole: role('222222222222'), route53Roles: [{ roleArn: role('333333333333') }] },
      /config\.awsAssumeRole: use route53Roles alone/,
    ],
  ])('refuses %j naming the field', (input, message) => {
    expect(() => parseConfig(input)).toThrow(ConfigError);
    expect(() => parseConfig(input)).toThrow(message);
  });
});
