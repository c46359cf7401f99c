import type { Endpoint } from '../endpoint/endpoint.js';

/**
 * Route 53 ALIAS targets: which AWS hostnames live in a canonical hosted zone, and how desired CNAMEs to
 * them become ALIAS records the way ExternalDNS's AWS provider does it.
 */

const ALB_CLB = 'elb.amazonaws.com';

/**
 * The canonical hosted zones by hostname suffix. Sources: the AWS General Reference "Elastic Load
 * Balancing endpoints and quotas" (ALB/CLB and NLB columns), "Amazon API Gateway endpoints and quotas",
 * and ExternalDNS's `provider/aws` table (VPC endpoints, Global Accelerator, CloudFront). Diffed entry by
 * entry against ExternalDNS's table (kubernetes-sigs/external-dns provider/aws/aws.go, August 2026): the
 * same 133 suffixes and zones.
 *
 * ALB and Classic DNS names end in `<region>.elb.amazonaws.com`; NLB DNS names end in
 * `elb.<region>.amazonaws.com` — the same words in another order, and a different zone.
 */
const CANONICAL_ZONES: Readonly<Record<string, string>> = {
  // Application and Classic Load Balancers
  [`us-east-1.${ALB_CLB}`]: 'Z35SXDOTRQ7X7K',
  [`us-east-2.${ALB_CLB}`]: 'Z3AADJGX6KTTL2',
  [`us-west-1.${ALB_CLB}`]: 'Z368ELLRRE2KJ0',
  [`us-west-2.${ALB_CLB}`]: 'Z1H1FL5HABSF5',
  [`af-south-1.${ALB_CLB}`]: 'Z268VQBMOI5EKX',
  [`ap-east-1.${ALB_CLB}`]: 'Z3DQVH9N71FHZ0',
  [`ap-east-2.${ALB_CLB}`]: 'Z02789141MW7T1WBU19PO',
  [`ap-south-1.${ALB_CLB}`]: 'ZP97RAFLXTNZK',
  [`ap-south-2.${ALB_CLB}`]: 'Z0173938T07WNTVAEPZN',
  [`ap-northeast-1.${ALB_CLB}`]: 'Z14GRHDCWA56QT',
  [`ap-northeast-2.${ALB_CLB}`]: 'ZWKZPGTI48KDX',
  [`ap-northeast-3.${ALB_CLB}`]: 'Z5LXEXXYW11ES',
  [`ap-southeast-1.${ALB_CLB}`]: 'Z1LMS91P8CMLE5',
  [`ap-southeast-2.${ALB_CLB}`]: 'Z1GM3OXH4ZPM65',
  [`ap-southeast-3.${ALB_CLB}`]: 'Z08888821HLRG5A9ZRTER',
  [`ap-southeast-4.${ALB_CLB}`]: 'Z09517862IB2WZLPXG76F',
  [`ap-southeast-5.${ALB_CLB}`]: 'Z06010284QMVVW7WO5J',
  [`ap-southeast-6.${ALB_CLB}`]: 'Z023301818UFJ50CIO0MV',
  [`ap-southeast-7.${ALB_CLB}`]: 'Z0390008CMBRTHFGWBCB',
  [`ca-central-1.${ALB_CLB}`]: 'ZQSVJUPU6J1EY',
  [`ca-west-1.${ALB_CLB}`]: 'Z06473681N0SF6OS049SD',
  [`eu-central-1.${ALB_CLB}`]: 'Z215JYRZR1TBD5',
  [`eu-central-2.${ALB_CLB}`]: 'Z06391101F2ZOEP8P5EB3',
  [`eu-west-1.${ALB_CLB}`]: 'Z32O12XQLNTSW2',
  [`eu-west-2.${ALB_CLB}`]: 'ZHURV8PSTC4K8',
  [`eu-west-3.${ALB_CLB}`]: 'Z3Q77PNBQS71R4',
  [`eu-north-1.${ALB_CLB}`]: 'Z23TAZ6LKFMNIO',
  [`eu-south-1.${ALB_CLB}`]: 'Z3ULH7SSC9OV64',
  [`eu-south-2.${ALB_CLB}`]: 'Z0956581394HF5D5LXGAP',
  [`il-central-1.${ALB_CLB}`]: 'Z09170902867EHPV2DABU',
  [`me-central-1.${ALB_CLB}`]: 'Z08230872XQRWHG2XF6I',
  [`me-south-1.${ALB_CLB}`]: 'ZS929ML54UICD',
  [`mx-central-1.${ALB_CLB}`]: 'Z023552324OKD1BB28BH5',
  [`sa-east-1.${ALB_CLB}`]: 'Z2P70J7HTTTPLU',
  [`us-gov-east-1.${ALB_CLB}`]: 'Z166TLBEWOO7G0',
  [`us-gov-west-1.${ALB_CLB}`]: 'Z33AYJ8TM3BH4J',
  'cn-north-1.elb.amazonaws.com.cn': 'Z1GDH35T77C1KE',
  'cn-northwest-1.elb.amazonaws.com.cn': 'ZM7IZAIOVVDZF',

  // Network Load Balancers
  'elb.us-east-1.amazonaws.com': 'Z26RNL4JYFTOTI',
  'elb.us-east-2.amazonaws.com': 'ZLMOA37VPKANP',
  'elb.us-west-1.amazonaws.com': 'Z24FKFUX50B4VW',
  'elb.us-west-2.amazonaws.com': 'Z18D5FSROUN65G',
  'elb.af-south-1.amazonaws.com': 'Z203XCE67M25HM',
  'elb.ap-east-1.amazonaws.com': 'Z12Y7K3UBGUAD1',
  'elb.ap-east-2.amazonaws.com': 'Z09176273OC2HWIAUNYW',
  'elb.ap-south-1.amazonaws.com': 'ZVDDRBQ08TROA',
  'elb.ap-south-2.amazonaws.com': 'Z0711778386UTO08407HT',
  'elb.ap-northeast-1.amazonaws.com': 'Z31USIVHYNEOWT',
  'elb.ap-northeast-2.amazonaws.com': 'ZIBE1TIR4HY56',
  'elb.ap-northeast-3.amazonaws.com': 'Z1GWIQ4HH19I5X',
  'elb.ap-southeast-1.amazonaws.com': 'ZKVM4W9LS7TM',
  'elb.ap-southeast-2.amazonaws.com': 'ZCT6FZBF4DROD',
  'elb.ap-southeast-3.amazonaws.com': 'Z01971771FYVNCOVWJU1G',
  'elb.ap-southeast-4.amazonaws.com': 'Z01156963G8MIIL7X90IV',
  'elb.ap-southeast-5.amazonaws.com': 'Z026317210H9ACVTRO6FB',
  'elb.ap-southeast-6.amazonaws.com': 'Z01392953RKV2Q3RBP0KU',
  'elb.ap-southeast-7.amazonaws.com': 'Z054363131YWATEMWRG5L',
  'elb.ca-central-1.amazonaws.com': 'Z2EPGBW3API2WT',
  'elb.ca-west-1.amazonaws.com': 'Z02754302KBB00W2LKWZ9',
  'elb.eu-central-1.amazonaws.com': 'Z3F0SRJ5LGBH90',
  'elb.eu-central-2.amazonaws.com': 'Z02239872DOALSIDCX66S',
  'elb.eu-west-1.amazonaws.com': 'Z2IFOLAFXWLO4F',
  'elb.eu-west-2.amazonaws.com': 'ZD4D7Y8KGAS4G',
  'elb.eu-west-3.amazonaws.com': 'Z1CMS0P5QUZ6D5',
  'elb.eu-north-1.amazonaws.com': 'Z1UDT6IFJ4EJM',
  'elb.eu-south-1.amazonaws.com': 'Z23146JA1KNAFP',
  'elb.eu-south-2.amazonaws.com': 'Z1011216NVTVYADP1SSV',
  'elb.il-central-1.amazonaws.com': 'Z0313266YDI6ZRHTGQY4',
  'elb.me-central-1.amazonaws.com': 'Z00282643NTTLPANJJG2P',
  'elb.me-south-1.amazonaws.com': 'Z3QSRYVP46NYYV',
  'elb.mx-central-1.amazonaws.com': 'Z02031231H3ID6HYJ9A7U',
  'elb.sa-east-1.amazonaws.com': 'ZTK26PT1VY4CU',
  'elb.us-gov-east-1.amazonaws.com': 'Z1ZSMQQ6Q24QQ8',
  'elb.us-gov-west-1.amazonaws.com': 'ZMG1MZ2THAWF1',
  'elb.cn-north-1.amazonaws.com.cn': 'Z3QFB96KMJ7ED6',
  'elb.cn-northwest-1.amazonaws.com.cn': 'ZQEIKTCZ8352D',

  // Global Accelerator, CloudFront (and edge-optimized API Gateway, which is CloudFront)
  'awsglobalaccelerator.com': 'Z2BJ6XQ5FK7U4H',
  'cloudfront.net': 'Z2FDTNDATAQYW2',

  // Interface VPC endpoints (PrivateLink)
  'us-east-1.vpce.amazonaws.com': 'Z7HUB22UULQXV',
  'us-east-2.vpce.amazonaws.com': 'ZC8PG0KIFKBRI',
  'us-west-1.vpce.amazonaws.com': 'Z12I86A8N7VCZO',
  'us-west-2.vpce.amazonaws.com': 'Z1YSA3EXCYUU9Z',
  'af-south-1.vpce.amazonaws.com': 'Z09302161J80N9A7UTP7U',
  'ap-east-1.vpce.amazonaws.com': 'Z2LIHJ7PKBEMWN',
  'ap-east-2.vpce.amazonaws.com': 'Z09379811HWP0POAUWVN3',
  'ap-northeast-1.vpce.amazonaws.com': 'Z2E726K9Y6RL4W',
  'ap-northeast-2.vpce.amazonaws.com': 'Z27UANNT0PRK1T',
  'ap-northeast-3.vpce.amazonaws.com': 'Z376B5OMM2JZL2',
  'ap-south-1.vpce.amazonaws.com': 'Z2KVTB3ZLFM7JR',
  'ap-south-2.vpce.amazonaws.com': 'Z0952991RWSF5AHIQDIY',
  'ap-southeast-1.vpce.amazonaws.com': 'Z18LLCSTV4NVNL',
  'ap-southeast-2.vpce.amazonaws.com': 'ZDK2GCRPAFKGO',
  'ap-southeast-3.vpce.amazonaws.com': 'Z03881013RZ9BYYZO8N5W',
  'ap-southeast-4.vpce.amazonaws.com': 'Z07508191CO1RNBX3X3AU',
  'ca-central-1.vpce.amazonaws.com': 'ZRCXCF510Y6P9',
  'eu-central-1.vpce.amazonaws.com': 'Z273ZU8SZ5RJPC',
  'eu-central-2.vpce.amazonaws.com': 'Z045369019J4FUQ4S272E',
  'eu-north-1.vpce.amazonaws.com': 'Z3OWWK6JFDEDGC',
  'eu-south-1.vpce.amazonaws.com': 'Z2A5FDNRLY7KZG',
  'eu-south-2.vpce.amazonaws.com': 'Z014396544HENR57XQCJ',
  'eu-west-1.vpce.amazonaws.com': 'Z38GZ743OKFT7T',
  'eu-west-2.vpce.amazonaws.com': 'Z7K1066E3PUKB',
  'eu-west-3.vpce.amazonaws.com': 'Z1DWHTMFP0WECP',
  'me-central-1.vpce.amazonaws.com': 'Z07122992YCEUCB9A9570',
  'me-south-1.vpce.amazonaws.com': 'Z3B95P3VBGEQGY',
  'sa-east-1.vpce.amazonaws.com': 'Z2LXUWEVLCVZIB',
  'us-gov-east-1.vpce.amazonaws.com': 'Z2MU5TEIGO9WXB',
  'us-gov-west-1.vpce.amazonaws.com': 'Z12529ZODG2B6H',

  // API Gateway regional endpoints
  'execute-api.us-east-1.amazonaws.com': 'Z1UJRXOUMOOFQ8',
  'execute-api.us-east-2.amazonaws.com': 'ZOJJZC49E0EPZ',
  'execute-api.us-west-1.amazonaws.com': 'Z2MUQ32089INYE',
  'execute-api.us-west-2.amazonaws.com': 'Z2OJLYMUO9EFXC',
  'execute-api.af-south-1.amazonaws.com': 'Z2DHW2332DAMTN',
  'execute-api.ap-east-1.amazonaws.com': 'Z3FD1VL90ND7K5',
  'execute-api.ap-east-2.amazonaws.com': 'Z02909591O7FG9Q56HWB1',
  'execute-api.ap-south-1.amazonaws.com': 'Z3VO1THU9YC4UR',
  'execute-api.ap-northeast-1.amazonaws.com': 'Z1YSHQZHG15GKL',
  'execute-api.ap-northeast-2.amazonaws.com': 'Z20JF4UZKIW1U8',
  'execute-api.ap-southeast-1.amazonaws.com': 'ZL327KTPIQFUL',
  'execute-api.ap-southeast-2.amazonaws.com': 'Z2RPCDW04V8134',
  'execute-api.ca-central-1.amazonaws.com': 'Z19DQILCV0OWEC',
  'execute-api.eu-central-1.amazonaws.com': 'Z1U9ULNL0V5AJ3',
  'execute-api.eu-north-1.amazonaws.com': 'Z3UWIKFBOOGXPP',
  'execute-api.eu-south-1.amazonaws.com': 'Z3BT4WSQ9TDYZV',
  'execute-api.eu-south-2.amazonaws.com': 'Z02499852UI5HEQ5JVWX3',
  'execute-api.eu-west-1.amazonaws.com': 'ZLY8HYME6SFDD',
  'execute-api.eu-west-2.amazonaws.com': 'ZJ5UAJN8Y3Z2Q',
  'execute-api.eu-west-3.amazonaws.com': 'Z3KY65QIEKYHQQ',
  'execute-api.me-central-1.amazonaws.com': 'Z08780021BKYYY8U0YHTV',
  'execute-api.me-south-1.amazonaws.com': 'Z20ZBPC0SS8806',
  'execute-api.sa-east-1.amazonaws.com': 'ZCMLWB8V5SYIT',
  'execute-api.us-gov-east-1.amazonaws.com': 'Z3SE9ATJYCRCZJ',
  'execute-api.us-gov-west-1.amazonaws.com': 'Z1K6XKP9SAGWDV',
};

export function bareHostname(hostname: string): string {
  let h = hostname.trim().toLowerCase();
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/**
 * The canonical hosted zone of an AWS hostname, by its longest known suffix on a label boundary
 * (`dualstack.` and any other prefix fall away naturally), or undefined when it is not an AWS target.
 */
export function canonicalHostedZoneId(hostname: string): string | undefined {
  const labels = bareHostname(hostname).split('.');
  // Suffixes of at least two labels: no single label is a key.
  for (let i = 0; i <= labels.length - 2; i++) {
    const zone = CANONICAL_ZONES[labels.slice(i).join('.')];
    if (zone) return zone;
  }
  return undefined;
}

export interface LoadBalancerHostname {
  region: string;
  kind: 'application-or-classic' | 'network';
}

/** Recognizes an ELB DNS name by its shape, whether or not the table knows its region. */
export function parseLoadBalancerHostname(hostname: string): LoadBalancerHostname | undefined {
  const h = bareHostname(hostname);
  const albClb = h.match(/\.([a-z]{2}(?:-[a-z]+)+-\d+)\.elb\.amazonaws\.com(?:\.cn)?$/);
  if (albClb?.[1]) return { region: albClb[1], kind: 'application-or-classic' };
  const nlb = h.match(/\.elb\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/);
  if (nlb?.[1]) return { region: nlb[1], kind: 'network' };
  return undefined;
}

export interface AdjustOptions {
  preferCname: boolean;
  /** Config default for `evaluateTargetHealth` when the source did not set it. */
  evaluateTargetHealth: boolean;
  /** The hosted zone id holding a hostname, for ALIAS records to names in our own zones. */
  zoneOf: (hostname: string) => string | undefined;
  /** Canonical zones learned from ELBv2 for load balancers the table cannot place (by bare hostname). */
  loadBalancerZones?: ReadonlyMap<string, string>;
}

const ALIAS_CAPABLE = new Set(['A', 'AAAA', 'CNAME']);

function knownCanonicalZone(hostname: string, learned?: ReadonlyMap<string, string>): string | undefined {
  return canonicalHostedZoneId(hostname) ?? learned?.get(bareHostname(hostname));
}

function withoutAliasProperties(e: Endpoint): Endpoint {
  const { alias: _a, aliasHostedZoneId: _z, evaluateTargetHealth: _h, ...rest } = e.properties;
  return { ...e, properties: rest };
}

/**
 * ExternalDNS's AWS `AdjustEndpoints`: makes desired endpoints look the way Route 53 will hold them, so
 * the planner sees no change where there is none.
 *
 * - A CNAME whose one target is in a canonical hosted zone becomes an ALIAS `A` plus an ALIAS `AAAA`,
 *   unless `preferCname` or the source set `alias: false`.
 * - `alias: true` on an A/AAAA/CNAME makes an ALIAS to any target: a canonical zone, one of our zones
 *   (`zoneOf`), or — left unset — the zone the record is written to (ExternalDNS's "same-zone").
 * - ALIAS records carry no TTL; non-ALIAS records carry no alias properties.
 *
 * Pure: the inputs are not changed.
 */
export function adjustEndpoints(desired: readonly Endpoint[], opts: AdjustOptions): Endpoint[] {
  const out: Endpoint[] = [];
  const twins: Endpoint[] = [];
  for (const original of desired) {
    const e: Endpoint = {
      ...original,
      targets: [...original.targets],
      labels: { ...original.labels },
      properties: { ...original.properties },
    };
    const requested = e.properties.alias;
    let alias: boolean;
    if (!ALIAS_CAPABLE.has(e.recordType)) alias = false;
    else if (requested !== undefined) alias = requested;
    else
      alias =
        e.recordType === 'CNAME' &&
        !opts.preferCname &&
        e.targets.length === 1 &&
        knownCanonicalZone(e.targets[0]!, opts.loadBalancerZones) !== undefined;

    if (!alias || e.targets.length === 0) {
      out.push(withoutAliasProperties(e));
      continue;
    }

    const target = bareHostname(e.targets[0]!);
    const { ttl: _ttl, ...withoutTtl } = e;
    const zoneId =
      e.properties.aliasHostedZoneId ??
      knownCanonicalZone(target, opts.loadBalancerZones) ??
      opts.zoneOf(target);
    const aliased: Endpoint = {
      ...withoutTtl,
      // Route 53 holds one DNS name per ALIAS record.
      targets: [target],
      properties: {
        ...e.properties,
        alias: true,
        evaluateTargetHealth: e.properties.evaluateTargetHealth ?? opts.evaluateTargetHealth,
        ...(zoneId ? { aliasHostedZoneId: zoneId } : {}),
      },
    };
    if (e.recordType === 'CNAME') {
      out.push({ ...aliased, recordType: 'A' });
      twins.push({
        ...aliased,
        recordType: 'AAAA',
        labels: { ...aliased.labels },
        properties: { ...aliased.properties },
      });
    } else {
      out.push(aliased);
    }
  }
  return [...out, ...twins];
}
