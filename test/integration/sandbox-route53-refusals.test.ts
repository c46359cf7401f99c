import {
  type Change,
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../../sandbox/sandbox.js';
import { type Route53Sandbox, startRoute53Sandbox, stopRoute53Sandbox } from '../support/route53-sandbox.js';

/**
 * What Route 53 refuses inside a record set, through the real SDK: each refusal with the code and the
 * bracketed message list the SDK parses (InvalidChangeBatch) or the one message (InvalidInput). The
 * sandbox accepted every one of these before; real Route 53 never did.
 */

const NLB = 'k8s-shop-web-0123456789.elb.eu-central-1.amazonaws.com';
const NLB_ZONE = 'Z3F0SRJ5LGBH90';
const ALB_ZONE_EU_CENTRAL_1 = 'Z215JYRZR1TBD5';

async function refusal(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected Route 53 to refuse the batch');
}

function rrset(
  name: string,
  type: ResourceRecordSet['Type'],
  values: string[],
  extra: Partial<ResourceRecordSet> = {},
) {
  return { Name: name, Type: type, TTL: 300, ResourceRecords: values.map((Value) => ({ Value })), ...extra };
}

describe('sandbox Route 53 refuses what Route 53 refuses', () => {
  let s: Route53Sandbox;
  let zoneId: string;

  beforeEach(async () => {
    s = await startRoute53Sandbox({ loadBalancers: [NLB] });
    const zone = await s.client.send(
      new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'z' }),
    );
    zoneId = zone.HostedZone!.Id!;
  });
  afterEach(async () => {
    await stopRoute53Sandbox(s);
  });

  const apply = (...changes: Change[]) =>
    s.client.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }),
    );
  const create = (set: ResourceRecordSet): Change => ({ Action: 'CREATE', ResourceRecordSet: set });
  const upsert = (set: ResourceRecordSet): Change => ({ Action: 'UPSERT', ResourceRecordSet: set });

  const longString = `"${'x'.repeat(256)}"`;

  it.each([
    {
      title: 'a TXT character-string over 255 characters',
      set: rrset('t.example.com', 'TXT', [longString]),
      message: `[Invalid Resource Record: 'FATAL problem: CharacterStringTooLong (Value is too long) encountered with '${longString}'']`,
    },
    {
      title: 'a TXT value without quotation marks',
      set: rrset('t.example.com', 'TXT', ['google-site-verification=abc123']),
      message:
        "[Invalid Resource Record: 'FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with 'google-site-verification=abc123'']",
    },
    {
      title: 'a TXT value whose second string is left open',
      set: rrset('t.example.com', 'TXT', ['"v=spf1" "-all']),
      message:
        "[Invalid Resource Record: 'FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with '\"v=spf1\" \"-all'']",
    },
    {
      title: 'a CNAME with two values',
      set: rrset('c.example.com', 'CNAME', ['a.example.net', 'b.example.net']),
      message: '[RRSet of type CNAME may hold only one value: 2 given (a.example.net, b.example.net)]',
    },
    {
      title: 'an A value that is not an IPv4 address',
      set: rrset('a.example.com', 'A', ['lb.example.net']),
      message:
        "[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with 'lb.example.net'']",
    },
    {
      title: 'an empty A value',
      set: rrset('a.example.com', 'A', ['']),
      message:
        "[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with ''']",
    },
    {
      title: 'an AAAA value that is not an IPv6 address',
      set: rrset('a.example.com', 'AAAA', ['192.0.2.1']),
      message:
        "[Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '192.0.2.1'']",
    },
    {
      title: 'an MX value without its priority',
      set: rrset('m.example.com', 'MX', ['mail.example.net']),
      message:
        "[Invalid Resource Record: 'FATAL problem: MXRRDATATooFewFields (Value contains too few fields) encountered with 'mail.example.net'']",
    },
    {
      title: 'an MX priority over 65535',
      set: rrset('m.example.com', 'MX', ['70000 mail.example.net']),
      message:
        "[Invalid Resource Record: 'FATAL problem: MXRRDATAIllegalNumber (Value contains an illegal number) encountered with '70000 mail.example.net'']",
    },
    {
      title: 'an SRV value with three fields',
      set: rrset('_sip._tcp.example.com', 'SRV', ['10 5 sip.example.net']),
      message:
        "[Invalid Resource Record: 'FATAL problem: SRVRRDATATooFewFields (Value contains too few fields) encountered with '10 5 sip.example.net'']",
    },
    {
      title: 'an SRV port that is not a number',
      set: rrset('_sip._tcp.example.com', 'SRV', ['10 5 sip sip.example.net']),
      message:
        "[Invalid Resource Record: 'FATAL problem: SRVRRDATAIllegalNumber (Value contains an illegal number) encountered with '10 5 sip sip.example.net'']",
    },
    {
      title: 'a record name with a label over 63 characters',
      set: rrset(`${'l'.repeat(64)}.example.com`, 'A', ['192.0.2.1']),
      message: `[FATAL problem: DomainLabelTooLong (Domain label is too long) encountered with '${'l'.repeat(64)}']`,
    },
    {
      title: 'a CNAME value with a label over 63 characters',
      set: rrset('c.example.com', 'CNAME', [`${'v'.repeat(64)}.example.net`]),
      message: `[Invalid Resource Record: 'FATAL problem: DomainLabelTooLong (Domain label is too long) encountered with '${'v'.repeat(64)}'']`,
    },
    {
      title: 'an alias to a load balancer the account does not have',
      set: {
        Name: 'shop.example.com',
        Type: 'A' as const,
        AliasTarget: {
          DNSName: 'gone-1.elb.eu-central-1.amazonaws.com',
          HostedZoneId: NLB_ZONE,
          EvaluateTargetHealth: true,
        },
      },
      message: `[Tried to create an alias that targets gone-1.elb.eu-central-1.amazonaws.com., type A in zone ${NLB_ZONE}, but that target was not found]`,
    },
    {
      title: "an alias to a load balancer in another service's canonical zone",
      set: {
        Name: 'shop.example.com',
        Type: 'A' as const,
        AliasTarget: { DNSName: NLB, HostedZoneId: ALB_ZONE_EU_CENTRAL_1, EvaluateTargetHealth: true },
      },
      message: `[Tried to create an alias that targets ${NLB}., type A in zone ${ALB_ZONE_EU_CENTRAL_1}, but the alias target name does not lie within the target zone]`,
    },
    {
      title: 'an alias to CloudFront in a load balancer zone',
      set: {
        Name: 'cdn.example.com',
        Type: 'A' as const,
        AliasTarget: {
          DNSName: 'd111111abcdef8.cloudfront.net',
          HostedZoneId: NLB_ZONE,
          EvaluateTargetHealth: false,
        },
      },
      message: `[Tried to create an alias that targets d111111abcdef8.cloudfront.net., type A in zone ${NLB_ZONE}, but the alias target name does not lie within the target zone]`,
    },
  ])('refuses $title with InvalidChangeBatch', async ({ set, message }) => {
    const err = await refusal(apply(create(set)));
    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.message).toBe(message);
    expect(s.state.records(zoneId)).toHaveLength(2); // SOA and NS only: nothing of the batch applied
  });

  it('refuses a value over 4,000 characters with InvalidInput', async () => {
    const err = await refusal(apply(create(rrset('t.example.com', 'TXT', [`"${'y'.repeat(4001)}"`]))));
    expect(err.name).toBe('InvalidInput');
    expect(err.message).toContain('Member must have length less than or equal to 4000');
  });

  it('lists every bad value of a batch, and applies none of it', async () => {
    const err = await refusal(
      apply(
        create(rrset('ok.example.com', 'A', ['192.0.2.1'])),
        create(rrset('a.example.com', 'A', ['x', 'y'])),
      ),
    );
    expect(err.message).toBe(
      "[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with 'x'', " +
        "Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with 'y'']",
    );
    expect(s.state.records(zoneId)).toHaveLength(2);
  });

  it('accepts what Route 53 accepts: a long TXT value split into 255-character strings, one-value CNAMEs, MX and SRV values, aliases to what exists', async () => {
    await apply(
      create(rrset('m.example.com', 'MX', ['10 mail.example.net', '20 backup.example.net.'])),
      create(rrset('_sip._tcp.example.com', 'SRV', ['10 5 5060 sip.example.net'])),
      create(rrset('t.example.com', 'TXT', [`"${'x'.repeat(255)}" "${'x'.repeat(100)}"`])),
      create(rrset('c.example.com', 'CNAME', ['a.example.net'])),
      create(rrset('a.example.com', 'AAAA', ['2001:db8::1'])),
      create({
        Name: 'shop.example.com',
        Type: 'A',
        AliasTarget: { DNSName: `dualstack.${NLB}`, HostedZoneId: NLB_ZONE, EvaluateTargetHealth: true },
      }),
      create({
        Name: 'cdn.example.com',
        Type: 'A',
        AliasTarget: {
          DNSName: 'd111111abcdef8.cloudfront.net',
          HostedZoneId: 'Z2FDTNDATAQYW2',
          EvaluateTargetHealth: false,
        },
      }),
    );
    expect(s.state.records(zoneId)).toHaveLength(9);
  });

  describe('routing policies', () => {
    const weighted = (id: string, weight: number, value = '192.0.2.1') =>
      rrset('w.example.com', 'A', [value], { SetIdentifier: id, Weight: weight });
    const latency = (id: string, region: string, value = '192.0.2.1') =>
      rrset('w.example.com', 'A', [value], {
        SetIdentifier: id,
        Region: region as ResourceRecordSet['Region'],
      });

    it('refuses an UPSERT that turns a weighted set into a latency set', async () => {
      await apply(create(weighted('blue', 10)));
      const err = await refusal(apply(upsert(latency('blue', 'eu-west-1'))));
      expect(err.name).toBe('InvalidChangeBatch');
      expect(err.message).toBe(
        '[RRSet with DNS name w.example.com., type A, SetIdentifier blue cannot be created as a non-latency set exists with the same name and type.]',
      );
      expect(s.state.records(zoneId).find((r) => r.setIdentifier === 'blue')?.weight).toBe(10);
    });

    it('refuses a latency set beside weighted sets of the same name and type', async () => {
      await apply(create(weighted('blue', 10)));
      const err = await refusal(apply(create(latency('green', 'eu-west-1', '192.0.2.2'))));
      expect(err.message).toContain('SetIdentifier green cannot be created as a non-latency set exists');
    });

    it('accepts the change of policy as DELETE + CREATE in one batch, and a weight change as an UPSERT', async () => {
      await apply(create(weighted('blue', 10)));
      await apply(upsert(weighted('blue', 20)));
      await apply(
        { Action: 'DELETE', ResourceRecordSet: weighted('blue', 20) },
        create(latency('blue', 'eu-west-1')),
      );
      expect(s.state.records(zoneId).find((r) => r.setIdentifier === 'blue')).toMatchObject({
        region: 'eu-west-1',
      });
    });
  });
});

describe('the sandbox account has the load balancers its clusters name in a status', () => {
  it('refuses an alias to a load balancer until a Service status names it, and again once it is gone', async () => {
    const sandbox = await Sandbox.start();
    try {
      const zone = sandbox.route53.createZone({ name: 'example.com' });
      const cluster = await sandbox.addCluster({ name: 'prod-eu', region: 'eu-central-1', objects: [] });
      const alias = () =>
        sandbox.route53.changeRecords(zone.id, [
          {
            action: 'UPSERT',
            record: {
              name: 'shop.example.com.',
              type: 'A',
              alias: { dnsName: `${NLB}.`, hostedZoneId: NLB_ZONE, evaluateTargetHealth: true },
            },
          },
        ]);
      expect(alias).toThrow('but that target was not found');
      const service = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { type: 'LoadBalancer' },
        status: { loadBalancer: { ingress: [{ hostname: NLB }] } },
      };
      cluster.apply(service);
      expect(alias).not.toThrow();
      cluster.remove('Service', 'shop', 'web');
      expect(alias).toThrow('but that target was not found');
    } finally {
      await sandbox.close();
    }
  });
});
