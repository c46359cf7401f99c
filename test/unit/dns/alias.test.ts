import {
  DescribeLoadBalancersCommand,
  type DescribeLoadBalancersCommandOutput,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import {
  type AdjustOptions,
  adjustEndpoints,
  canonicalHostedZoneId,
  parseLoadBalancerHostname,
} from '../../../shared/dns/alias.js';
import { resolveLoadBalancerZones } from '../../../shared/dns/elb-zones.js';
import { type Endpoint, newEndpoint } from '../../../shared/endpoint/endpoint.js';

describe('canonicalHostedZoneId', () => {
  it.each<[string, string | undefined]>([
    // ALB / Classic: <name>.<region>.elb.amazonaws.com
    ['k8s-shop-web-0123456789.eu-central-1.elb.amazonaws.com', 'Z215JYRZR1TBD5'],
    ['internal-k8s-shop-1234.us-east-1.elb.amazonaws.com', 'Z35SXDOTRQ7X7K'],
    ['dualstack.my-alb-1.eu-west-1.elb.amazonaws.com', 'Z32O12XQLNTSW2'],
    ['My-ALB-1.EU-WEST-1.ELB.AMAZONAWS.COM.', 'Z32O12XQLNTSW2'],
    ['a.cn-north-1.elb.amazonaws.com.cn', 'Z1GDH35T77C1KE'],
    // NLB: <name>.elb.<region>.amazonaws.com — same region, different zone
    ['k8s-shop-web-0123456789.elb.eu-central-1.amazonaws.com', 'Z3F0SRJ5LGBH90'],
    ['net-1-abc.elb.us-east-1.amazonaws.com', 'Z26RNL4JYFTOTI'],
    ['dualstack.net-1-abc.elb.eu-west-1.amazonaws.com', 'Z2IFOLAFXWLO4F'],
    ['n.elb.cn-northwest-1.amazonaws.com.cn', 'ZQEIKTCZ8352D'],
    // Others ExternalDNS knows
    ['d111111abcdef8.cloudfront.net', 'Z2FDTNDATAQYW2'],
    ['a1234567890abcdef.awsglobalaccelerator.com', 'Z2BJ6XQ5FK7U4H'],
    ['abc123.execute-api.eu-central-1.amazonaws.com', 'Z1U9ULNL0V5AJ3'],
    ['vpce-0123-abcd.vpce-svc-0123.eu-west-2.vpce.amazonaws.com', 'Z7K1066E3PUKB'],
    // The two ExternalDNS has that the table lacked (Asia Pacific (Taipei))
    ['vpce-0123-abcd.vpce-svc-0123.ap-east-2.vpce.amazonaws.com', 'Z09379811HWP0POAUWVN3'],
    ['abc123.execute-api.ap-east-2.amazonaws.com', 'Z02909591O7FG9Q56HWB1'],
    // Not canonical zones
    ['shop.example.com', undefined],
    ['elb.amazonaws.com', undefined],
    ['amazonaws.com', undefined],
    ['x.eu-central-9.elb.amazonaws.com', undefined],
    ['cloudfront.net.example.com', undefined],
    ['notcloudfront.net', undefined],
    ['', undefined],
  ])('%s → %s', (host, expected) => {
    expect(canonicalHostedZoneId(host)).toBe(expected);
  });

  it('tells ALB and NLB of every region apart', () => {
    const regions = ['us-east-1', 'us-west-2', 'eu-central-1', 'ap-southeast-2', 'sa-east-1', 'il-central-1'];
    for (const region of regions) {
      const alb = canonicalHostedZoneId(`a.${region}.elb.amazonaws.com`);
      const nlb = canonicalHostedZoneId(`n.elb.${region}.amazonaws.com`);
      expect(alb, region).toMatch(/^Z[0-9A-Z]+$/);
      expect(nlb, region).toMatch(/^Z[0-9A-Z]+$/);
      expect(alb, region).not.toBe(nlb);
    }
  });
});

describe('parseLoadBalancerHostname', () => {
  it.each([
    ['a-1.eu-central-1.elb.amazonaws.com', { region: 'eu-central-1', kind: 'application-or-classic' }],
    ['n-1.elb.ap-southeast-9.amazonaws.com', { region: 'ap-southeast-9', kind: 'network' }],
    [
      'dualstack.a.us-gov-west-1.elb.amazonaws.com.',
      { region: 'us-gov-west-1', kind: 'application-or-classic' },
    ],
    ['shop.example.com', undefined],
    ['x.cloudfront.net', undefined],
  ])('%s', (host, expected) => {
    expect(parseLoadBalancerHostname(host)).toEqual(expected);
  });
});

const OUR_ZONES: Record<string, string> = { 'example.com': 'ZOURS' };
const zoneOf = (host: string) =>
  host === 'example.com' || host.endsWith('.example.com') ? OUR_ZONES['example.com'] : undefined;
const DEFAULTS: AdjustOptions = { preferCname: false, evaluateTargetHealth: true, zoneOf };

const ALB = 'k8s-shop-web-0123456789.eu-central-1.elb.amazonaws.com';
const NLB = 'k8s-shop-web-0123456789.elb.eu-central-1.amazonaws.com';

function cname(target: string | string[], extra: Partial<Endpoint> = {}): Endpoint {
  return newEndpoint('shop.example.com', 'CNAME', Array.isArray(target) ? target : [target], {
    ttl: 60,
    labels: { owner: 'prod-eu' },
    ...extra,
  });
}

describe('adjustEndpoints', () => {
  it('turns a CNAME to an ELB into ALIAS A + AAAA without TTL', () => {
    const out = adjustEndpoints([cname(ALB)], DEFAULTS);
    expect(out.map((e) => e.recordType)).toEqual(['A', 'AAAA']);
    for (const e of out) {
      expect(e.dnsName).toBe('shop.example.com');
      expect(e.targets).toEqual([ALB]);
      expect(e.ttl).toBeUndefined();
      expect(e.labels).toEqual({ owner: 'prod-eu' });
      expect(e.properties).toEqual({
        alias: true,
        aliasHostedZoneId: 'Z215JYRZR1TBD5',
        evaluateTargetHealth: true,
      });
    }
  });

  it('uses the NLB zone for an NLB target', () => {
    const [a] = adjustEndpoints([cname(NLB)], DEFAULTS);
    expect(a?.properties.aliasHostedZoneId).toBe('Z3F0SRJ5LGBH90');
  });

  it.each<[string, Endpoint, Partial<AdjustOptions>]>([
    ['preferCname', cname(ALB), { preferCname: true }],
    ['alias annotation false', cname(ALB, { properties: { alias: false } }), {}],
    ['a non-AWS target', cname('shop.example.net'), {}],
    ['more than one target', cname([ALB, NLB]), {}],
  ])('keeps a plain CNAME with %s', (_title, input, opts) => {
    const out = adjustEndpoints([input], { ...DEFAULTS, ...opts });
    expect(out).toHaveLength(1);
    expect(out[0]?.recordType).toBe('CNAME');
    expect(out[0]?.ttl).toBe(60);
    expect(out[0]?.properties).toEqual({});
  });

  it('takes evaluateTargetHealth from the endpoint before the config', () => {
    const out = adjustEndpoints([cname(ALB, { properties: { evaluateTargetHealth: false } })], DEFAULTS);
    expect(out.map((e) => e.properties.evaluateTargetHealth)).toEqual([false, false]);
    const fromConfig = adjustEndpoints([cname(ALB)], { ...DEFAULTS, evaluateTargetHealth: false });
    expect(fromConfig.map((e) => e.properties.evaluateTargetHealth)).toEqual([false, false]);
  });

  it('alias=true to one of our names aliases within our zone', () => {
    const out = adjustEndpoints([cname('www.example.com', { properties: { alias: true } })], DEFAULTS);
    expect(out.map((e) => [e.recordType, e.properties.aliasHostedZoneId])).toEqual([
      ['A', 'ZOURS'],
      ['AAAA', 'ZOURS'],
    ]);
  });

  it('alias=true to an unknown name leaves the zone to the zone written to (same-zone)', () => {
    const [a] = adjustEndpoints([cname('other.example.net', { properties: { alias: true } })], DEFAULTS);
    expect(a?.properties.alias).toBe(true);
    expect(a?.properties.aliasHostedZoneId).toBeUndefined();
  });

  it('alias=true on an A record stays a single A', () => {
    const a = newEndpoint('apex.example.com', 'A', [`${ALB}.`], { ttl: 30, properties: { alias: true } });
    const out = adjustEndpoints([a], DEFAULTS);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ recordType: 'A', targets: [ALB], properties: { alias: true } });
    expect(out[0]?.ttl).toBeUndefined();
  });

  it('drops alias properties from types that cannot be ALIAS', () => {
    const txt = newEndpoint('t.example.com', 'TXT', ['"x"'], {
      properties: { alias: true, evaluateTargetHealth: true },
    });
    expect(adjustEndpoints([txt], DEFAULTS)[0]?.properties).toEqual({});
  });

  it('keeps routing properties and set identifier on both twins', () => {
    const weighted = cname(ALB, { setIdentifier: 'blue', properties: { weight: 10 } });
    const out = adjustEndpoints([weighted], DEFAULTS);
    expect(out.map((e) => [e.recordType, e.setIdentifier, e.properties.weight])).toEqual([
      ['A', 'blue', 10],
      ['AAAA', 'blue', 10],
    ]);
  });

  it('uses zones learned from ELBv2 for hostnames the table cannot place', () => {
    const host = 'k8s-new-1.elb.xx-newregion-1.amazonaws.com';
    const learned = new Map([[host, 'ZLEARNED']]);
    const out = adjustEndpoints([cname(host)], { ...DEFAULTS, loadBalancerZones: learned });
    expect(out.map((e) => [e.recordType, e.properties.aliasHostedZoneId])).toEqual([
      ['A', 'ZLEARNED'],
      ['AAAA', 'ZLEARNED'],
    ]);
    expect(adjustEndpoints([cname(host)], DEFAULTS).map((e) => e.recordType)).toEqual(['CNAME']);
  });

  it('does not change its input and keeps other endpoints in order, twins last', () => {
    const input = [
      cname(ALB),
      newEndpoint('a.example.com', 'A', ['192.0.2.1']),
      cname(NLB, { dnsName: 'n.example.com' }),
    ];
    const before = structuredClone(input);
    const out = adjustEndpoints(input, DEFAULTS);
    expect(input).toEqual(before);
    expect(out.map((e) => `${e.dnsName} ${e.recordType}`)).toEqual([
      'shop.example.com A',
      'a.example.com A',
      'n.example.com A',
      'shop.example.com AAAA',
      'n.example.com AAAA',
    ]);
  });
});

function fakeElbv2(
  pages: DescribeLoadBalancersCommandOutput[],
  calls: string[],
): ElasticLoadBalancingV2Client {
  const client = new ElasticLoadBalancingV2Client({
    region: 'xx-newregion-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  let i = 0;
  client.send = (async (command: unknown) => {
    if (!(command instanceof DescribeLoadBalancersCommand)) throw new Error('unexpected command');
    calls.push(command.input.Marker ?? '(first)');
    return pages[i++];
  }) as typeof client.send;
  return client;
}

describe('resolveLoadBalancerZones', () => {
  it('pages DescribeLoadBalancers once per region and matches DNS names', async () => {
    const calls: string[] = [];
    const meta = { $metadata: {} };
    const client = fakeElbv2(
      [
        {
          ...meta,
          LoadBalancers: [
            { DNSName: 'other.elb.xx-newregion-1.amazonaws.com', CanonicalHostedZoneId: 'ZOTHER' },
          ],
          NextMarker: 'm1',
        },
        {
          ...meta,
          LoadBalancers: [
            { DNSName: 'K8S-New-1.elb.xx-newregion-1.amazonaws.com', CanonicalHostedZoneId: 'ZNEW' },
          ],
        },
      ],
      calls,
    );
    const regions: string[] = [];
    const found = await resolveLoadBalancerZones(
      [
        'dualstack.k8s-new-1.elb.xx-newregion-1.amazonaws.com.',
        ALB, // the table knows it: no call for eu-central-1
        'shop.example.com',
      ],
      (region) => {
        regions.push(region);
        return client;
      },
    );
    expect(regions).toEqual(['xx-newregion-1']);
    expect(calls).toEqual(['(first)', 'm1']);
    expect(found.get('k8s-new-1.elb.xx-newregion-1.amazonaws.com')).toBe('ZNEW');
    expect(found.get('dualstack.k8s-new-1.elb.xx-newregion-1.amazonaws.com')).toBe('ZNEW');
    expect(found.has('other.elb.xx-newregion-1.amazonaws.com')).toBe(false);
  });

  it('makes no call when every hostname is known or not an ELB', async () => {
    const found = await resolveLoadBalancerZones([ALB, NLB, 'x.cloudfront.net'], () => {
      throw new Error('no client expected');
    });
    expect(found.size).toBe(0);
  });
});
