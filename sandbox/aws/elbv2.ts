import { createHash } from 'node:crypto';
import type { SandboxClock } from '../clock.js';
import { SANDBOX_ACCOUNT } from '../credentials.js';
import type { ServiceHandler } from './protocol.js';
import { leaf, memberList, node, queryService } from './query-protocol.js';
import { ServiceError } from './service-error.js';

/**
 * Elastic Load Balancing v2 (query protocol): DescribeLoadBalancers, enough for a reconciler to turn a
 * load balancer's DNS name into its canonical hosted zone for an alias record. Load balancers are
 * regional: a request sees those of the region it was signed for.
 */

export const ELBV2_XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

export type LoadBalancerType = 'application' | 'network' | 'gateway';
export type LoadBalancerScheme = 'internet-facing' | 'internal';
export type LoadBalancerStateCode = 'active' | 'provisioning' | 'active_impaired' | 'failed';

export interface LoadBalancerInput {
  dnsName: string;
  canonicalHostedZoneId: string;
  type?: LoadBalancerType;
  /** Derived from the DNS name when omitted (`<name>-<id>.<region>.elb.amazonaws.com` and the NLB form). */
  name?: string;
  region?: string;
  scheme?: LoadBalancerScheme;
  state?: LoadBalancerStateCode;
  createdTime?: Date;
  vpcId?: string;
}

export interface LoadBalancer extends Required<LoadBalancerInput> {
  arn: string;
}

export interface Elbv2StateOptions {
  clock: SandboxClock;
  account?: string;
  /** The region of a load balancer whose DNS name does not tell. */
  defaultRegion?: string;
}

const TYPE_IN_ARN: Record<LoadBalancerType, string> = { application: 'app', network: 'net', gateway: 'gwy' };
/** ALB: `name-123.eu-west-1.elb.amazonaws.com`; NLB: `name-abc.elb.eu-west-1.amazonaws.com` (also `.cn`). */
const ALB_DNS = /^([^.]+)\.([a-z]{2}(?:-[a-z]+)+-\d+)\.elb\.amazonaws\.com(?:\.cn)?\.?$/i;
const NLB_DNS = /^([^.]+)\.elb\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?\.?$/i;

/** What an ELB DNS name says about its load balancer: the name (before the id suffix), region, scheme. */
export function parseLoadBalancerDnsName(
  dnsName: string,
): { name: string; region?: string; scheme: LoadBalancerScheme } | undefined {
  const m = ALB_DNS.exec(dnsName) ?? NLB_DNS.exec(dnsName);
  const label = m?.[1] ?? dnsName.split('.')[0];
  if (!label) return undefined;
  const internal = label.startsWith('internal-');
  const withoutPrefix = internal ? label.slice('internal-'.length) : label;
  const cut = withoutPrefix.lastIndexOf('-');
  const name = cut > 0 ? withoutPrefix.slice(0, cut) : withoutPrefix;
  return { name, region: m?.[2]?.toLowerCase(), scheme: internal ? 'internal' : 'internet-facing' };
}

export class Elbv2State {
  readonly clock: SandboxClock;
  readonly account: string;
  readonly defaultRegion: string;
  private readonly all: LoadBalancer[] = [];

  constructor(opts: Elbv2StateOptions) {
    this.clock = opts.clock;
    this.account = opts.account ?? SANDBOX_ACCOUNT;
    this.defaultRegion = opts.defaultRegion ?? 'us-east-1';
  }

  addLoadBalancer(input: LoadBalancerInput): LoadBalancer {
    const dnsName = input.dnsName.replace(/\.$/, '').toLowerCase();
    if (!dnsName) throw new Error('load balancer: dnsName is required');
    if (!input.canonicalHostedZoneId)
      throw new Error(`load balancer ${dnsName}: canonicalHostedZoneId is required`);
    if (this.all.some((lb) => lb.dnsName === dnsName))
      throw new Error(`load balancer ${dnsName} already exists`);
    const parsed = parseLoadBalancerDnsName(dnsName);
    const type = input.type ?? 'network';
    const name = input.name ?? parsed?.name ?? dnsName;
    const region = input.region ?? parsed?.region ?? this.defaultRegion;
    if (this.all.some((lb) => lb.region === region && lb.name === name)) {
      throw new Error(
        `load balancer ${dnsName}: another load balancer in ${region} is already named '${name}'`,
      );
    }
    const id = createHash('sha256').update(dnsName).digest('hex').slice(0, 16);
    const lb: LoadBalancer = {
      dnsName,
      canonicalHostedZoneId: input.canonicalHostedZoneId,
      type,
      name,
      region,
      scheme: input.scheme ?? parsed?.scheme ?? 'internet-facing',
      state: input.state ?? 'active',
      createdTime: input.createdTime ?? this.clock.now(),
      vpcId: input.vpcId ?? 'vpc-0sandbox00000000',
      arn: `arn:aws:elasticloadbalancing:${region}:${this.account}:loadbalancer/${TYPE_IN_ARN[type]}/${name}/${id}`,
    };
    this.all.push(lb);
    return structuredClone(lb);
  }

  removeLoadBalancer(arn: string): boolean {
    const i = this.all.findIndex((lb) => lb.arn === arn);
    if (i < 0) return false;
    this.all.splice(i, 1);
    return true;
  }

  /** Load balancers in `region` (every region when omitted), in creation order. */
  loadBalancers(region?: string): LoadBalancer[] {
    return this.all
      .filter((lb) => region === undefined || lb.region === region)
      .map((lb) => structuredClone(lb));
  }
}

function loadBalancerXml(lb: LoadBalancer) {
  return [
    leaf('LoadBalancerArn', lb.arn),
    leaf('DNSName', lb.dnsName),
    leaf('CanonicalHostedZoneId', lb.canonicalHostedZoneId),
    leaf('CreatedTime', lb.createdTime),
    leaf('LoadBalancerName', lb.name),
    leaf('Scheme', lb.scheme),
    leaf('VpcId', lb.vpcId),
    node('State', leaf('Code', lb.state)),
    leaf('Type', lb.type),
    memberList('AvailabilityZones', []),
    lb.type === 'gateway' ? undefined : memberList('SecurityGroups', []),
    leaf('IpAddressType', 'ipv4'),
  ];
}

function notFound(message: string): ServiceError {
  return new ServiceError('LoadBalancerNotFound', message);
}

function encodeMarker(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

function decodeMarker(marker: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(marker, 'base64').toString('utf8')) as { offset: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the error below
  }
  throw new ServiceError('ValidationError', `Invalid value for Marker: '${marker}'`);
}

export function elbv2Handler(state: Elbv2State): ServiceHandler {
  return queryService(ELBV2_XMLNS, {
    DescribeLoadBalancers: (input, req) => {
      const arns = input.list('LoadBalancerArns');
      const names = input.list('Names');
      const pageSize = input.integer('PageSize', { min: 1, max: 400 }) ?? 400;
      const marker = input.string('Marker');
      if (arns?.length && names?.length) {
        throw new ServiceError(
          'ValidationError',
          'Load balancer names and load balancer ARNs cannot be specified at the same time',
        );
      }
      if ((arns?.length ?? 0) > 20 || (names?.length ?? 0) > 20) {
        throw new ServiceError('ValidationError', 'A maximum of 20 load balancers can be described at once');
      }
      const inRegion = state.loadBalancers(req.region);
      let selected = inRegion;
      if (arns?.length) {
        const missing = arns.filter((a) => !inRegion.some((lb) => lb.arn === a));
        if (missing.length > 0) throw notFound(`One or more load balancers not found`);
        selected = inRegion.filter((lb) => arns.includes(lb.arn));
      } else if (names?.length) {
        const missing = names.filter((n) => !inRegion.some((lb) => lb.name === n));
        if (missing.length > 0) throw notFound(`Load balancers '[${missing.join(', ')}]' not found`);
        selected = inRegion.filter((lb) => names.includes(lb.name));
      }
      const offset = marker ? decodeMarker(marker) : 0;
      const page = selected.slice(offset, offset + pageSize);
      const next = offset + pageSize < selected.length ? encodeMarker(offset + pageSize) : undefined;
      return [memberList('LoadBalancers', page.map(loadBalancerXml)), leaf('NextMarker', next)];
    },
  });
}
