import { type AwsClientOptions, AwsClients } from '../shared/aws-clients.js';
import { canonicalHostedZoneId } from '../shared/dns/alias.js';
import { AcmState, acmHandler, type CertificateExport } from './aws/acm.js';
import { EksState, eksHandler } from './aws/eks.js';
import { Elbv2State, elbv2Handler } from './aws/elbv2.js';
import { EventBridgeState, eventBridgeHandler } from './aws/eventbridge.js';
import type { AwsRequest } from './aws/protocol.js';
import { Route53Accounts, Route53State, route53Handler, type ZoneExport } from './aws/route53.js';
import { Route53ChangeRefusals } from './aws/route53-refusals.js';
import { S3State, s3Handler } from './aws/s3.js';
import { type AwsServer, startAwsServer } from './aws/server.js';
import { StsState, stsHandler } from './aws/sts.js';
import { AccountBuckets, ROUTE53_DEFAULT_BUCKET, type TokenBucketOptions } from './aws/throttle.js';
import { ApiCallCounter, type ApiCallCounts } from './calls.js';
import { SandboxClock } from './clock.js';
import { SANDBOX_ACCOUNT, SANDBOX_IDENTITIES } from './credentials.js';
import { FaultInjector, type FaultRule } from './faults.js';
import {
  type KubernetesApiServer,
  type KubernetesApiServerOptions,
  startKubernetesApiServer,
} from './kubernetes/api-server.js';
import { SERVED_RESOURCES } from './kubernetes/discovery.js';
import { type Scenario, type ScenarioCluster, ScenarioError, type ScenarioZone } from './scenario.js';

export type ZoneSnapshot = ZoneExport;

/** The world after a pass, in docs/scenarios.md's output shape. */
export interface SandboxSnapshot {
  zones: ZoneExport[];
  certificates: CertificateExport[];
  events: { detailType: string; source: string; detail: Record<string, unknown> }[];
}

export interface SandboxOptions {
  /** Start the clock here instead of at the real time. */
  start?: Date;
  /**
   * Throttle Route 53 with a token bucket per account, as Route 53 does (burst 50, 5/s unless given): a
   * request takes from the bucket of the account its credentials act in (an AssumeRole session: its
   * role's account).
   */
  throttle?: boolean | TokenBucketOptions;
  /** Told why a cluster's API server refused a token (the client only sees 401, as from EKS). */
  onTokenRefused?: (cluster: string, reason: string) => void;
  /** Faults to inject from the start (more can be added with `sandbox.faults.add`). */
  faults?: readonly FaultRule[];
}

/** The bucket a sharded pass in the sandbox keeps its stage outputs in (the stack creates its own). */
export const SANDBOX_SHARD_BUCKET = 'edge-reconciler-shards';

/** Services every `apiCalls` lists, even when a pass made no call to them. */
const REPORTED_SERVICES = ['route53', 'acm', 'eks', 'kubernetes'];

/**
 * The local AWS account and clusters: one AWS endpoint for every service, one HTTPS Kubernetes API server
 * per cluster, a movable clock and a count of every call. In-process; `close()` stops the servers.
 */
export class Sandbox {
  /** The sandbox's own account's Route 53 (`route53Accounts.home`). */
  readonly route53: Route53State;
  /** Route 53 in every account: a request acts in its credentials' account (AssumeRole sessions). */
  readonly route53Accounts: Route53Accounts;
  readonly acm: AcmState;
  readonly eks: EksState;
  readonly elbv2: Elbv2State;
  readonly events: EventBridgeState;
  readonly sts: StsState;
  /** S3: the sharded pass's stage outputs (`SHARD_BUCKET`, created at start). */
  readonly s3: S3State;
  /**
   * Route 53 changes to refuse (`refuse({name})`: AccessDenied for any batch that touches `name`): the
   * `refuse` rules of `faults`.
   */
  readonly route53Refusals: Route53ChangeRefusals;
  readonly clusters = new Map<string, KubernetesApiServer>();
  /** Route 53's token buckets, one per account, when the sandbox throttles (`throttle`). */
  route53Buckets: AccountBuckets | undefined;
  private server!: AwsServer;
  private onTokenRefused: SandboxOptions['onTokenRefused'];

  private constructor(
    readonly clock: SandboxClock,
    readonly calls: ApiCallCounter,
    /** The faults the AWS endpoint and every cluster's API server inject, and how many they did. */
    readonly faults: FaultInjector,
  ) {
    this.route53Refusals = new Route53ChangeRefusals(faults);
    this.route53Accounts = new Route53Accounts(SANDBOX_ACCOUNT, {
      clock: clock.clock,
      loadBalancer: (dnsName) => this.loadBalancer(dnsName),
    });
    this.route53 = this.route53Accounts.home;
    this.acm = new AcmState({
      clock,
      lookupPublicRecord: (name, type) => this.route53Accounts.findPublicRecordValues(name, type),
    });
    this.eks = new EksState({ clock });
    this.elbv2 = new Elbv2State({ clock });
    this.events = new EventBridgeState({ clock });
    this.sts = new StsState({ clock });
    this.s3 = new S3State({ clock });
    this.s3.createBucket(SANDBOX_SHARD_BUCKET);
  }

  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    const sandbox = new Sandbox(
      new SandboxClock(options.start),
      new ApiCallCounter(),
      new FaultInjector(options.faults),
    );
    sandbox.onTokenRefused = options.onTokenRefused;
    const buckets = options.throttle
      ? new AccountBuckets(options.throttle === true ? { ...ROUTE53_DEFAULT_BUCKET } : options.throttle)
      : undefined;
    sandbox.route53Buckets = buckets;
    sandbox.server = await startAwsServer({
      handlers: {
        route53: route53Handler(sandbox.route53Accounts, {
          refusals: sandbox.route53Refusals,
          identities: sandbox.sts,
        }),
        acm: acmHandler(sandbox.acm),
        eks: eksHandler(sandbox.eks, { identities: sandbox.sts }),
        elasticloadbalancing: elbv2Handler(sandbox.elbv2),
        events: eventBridgeHandler(sandbox.events),
        sts: stsHandler(sandbox.sts),
        s3: s3Handler(sandbox.s3),
      },
      calls: sandbox.calls,
      faults: sandbox.faults,
      accountOf: (req) => sandbox.accountOf(req),
      ...(buckets ? { throttle: buckets } : {}),
    });
    return sandbox;
  }

  /** The account a request acts in: its session's role's, or (no session, or one STS does not honour) the sandbox's own. */
  private accountOf(req: AwsRequest): string {
    const header = req.headers['x-amz-security-token'];
    const token = Array.isArray(header) ? header[0] : header;
    if (!token) return SANDBOX_ACCOUNT;
    const found = this.sts.identityOf(req.accessKeyId, token);
    return found.ok ? found.identity.account : SANDBOX_ACCOUNT;
  }

  /** The AWS endpoint every service answers on. */
  get url(): string {
    return this.server.url;
  }

  /** Clients for the reconciler, signed with the sandbox's credentials and pointed at its endpoint. */
  awsClients(region = 'us-east-1', timeouts?: AwsClientOptions['timeouts']): AwsClients {
    const id = SANDBOX_IDENTITIES[0]!;
    return new AwsClients({
      region,
      endpoint: this.url,
      credentials: { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey },
      maxAttempts: 3,
      ...(timeouts ? { timeouts } : {}),
    });
  }

  /** Starts the cluster's API server and registers it with EKS, as DescribeCluster will report it. */
  async addCluster(
    c: Pick<ScenarioCluster, 'name' | 'region' | 'objects'> & Partial<ScenarioCluster>,
    serverOptions: Pick<KubernetesApiServerOptions, 'maxPageSize'> = {},
  ): Promise<KubernetesApiServer> {
    const server = await startKubernetesApiServer({
      clusterName: c.name,
      clock: this.clock,
      calls: this.calls,
      objects: c.objects,
      mode: c.unreachable === 'hang' ? 'hang' : c.unreachable ? 'unreachable' : 'ok',
      identities: this.sts,
      ...(this.onTokenRefused
        ? { onTokenRefused: (reason: string) => this.onTokenRefused?.(c.name, reason) }
        : {}),
      faults: this.faults,
      ...serverOptions,
    });
    // Alias checks cache the names in statuses: any write to the cluster drops the cache.
    const { apply, remove } = server;
    server.apply = (o) => {
      this.namesInStatus = undefined;
      return apply(o);
    };
    server.remove = (kind, namespace, name) => {
      this.namesInStatus = undefined;
      return remove(kind, namespace, name);
    };
    this.clusters.set(c.name, server);
    this.eks.addCluster({
      name: c.name,
      region: c.region,
      endpoint: server.url,
      certificateAuthorityData: server.caData,
      tags: c.tags ?? {},
      ...(c.account ? { account: c.account } : {}),
    });
    return server;
  }

  /**
   * The account's load balancer behind an ELB DNS name: one ELBv2 lists, or one a cluster's object names
   * in its status (the controller that wrote the status made it; a scenario need not list it again), with
   * the canonical zone of its hostname.
   */
  private loadBalancer(dnsName: string): { canonicalHostedZoneId: string } | undefined {
    const listed = this.elbv2.loadBalancers().find((lb) => lb.dnsName === dnsName);
    if (listed) return { canonicalHostedZoneId: listed.canonicalHostedZoneId };
    const zone = canonicalHostedZoneId(dnsName);
    if (!zone) return undefined;
    this.namesInStatus ??= this.collectNamesInStatus();
    return this.namesInStatus.has(dnsName) ? { canonicalHostedZoneId: zone } : undefined;
  }

  /** Every string in any cluster object's status, lower case without a trailing dot; dropped on a write. */
  private namesInStatus: Set<string> | undefined;

  private collectNamesInStatus(): Set<string> {
    const names = new Set<string>();
    for (const server of this.clusters.values()) {
      for (const kind of new Set(SERVED_RESOURCES.map((r) => r.kind))) {
        for (const o of server.list(kind)) collectStrings(o.status, names);
      }
    }
    return names;
  }

  cluster(name: string): KubernetesApiServer {
    const c = this.clusters.get(name);
    if (!c) throw new Error(`sandbox: no cluster ${name}`);
    return c;
  }

  /**
   * Puts a scenario's world in place: zones and records, clusters and their objects, certificates, load
   * balancers. What the sandbox refuses is a ScenarioError naming the scenario field (`simulate` exits 2).
   */
  async load(scenario: Scenario): Promise<void> {
    for (const [i, z] of scenario.route53.zones.entries()) {
      try {
        const account = z.account ?? SANDBOX_ACCOUNT;
        this.route53Accounts.account(account).createZone(zoneInput(z, z.records));
      } catch (err) {
        throw new ScenarioError(`route53.zones[${i}]${this.refusedRecord(z)} (${z.name}): ${messageOf(err)}`);
      }
    }
    for (const role of scenario.roles) {
      this.sts.trustRole(role.roleArn, {
        ...(role.externalId !== undefined ? { externalId: role.externalId } : {}),
        ...(role.principals !== undefined ? { principals: role.principals } : {}),
      });
    }
    for (const [i, lb] of scenario.loadBalancers.entries()) {
      loadOrRefuse(`loadBalancers[${i}]`, () => this.elbv2.addLoadBalancer(lb));
    }
    for (const [i, c] of scenario.acm.certificates.entries()) {
      loadOrRefuse(`acm.certificates[${i}]`, () =>
        this.acm.importExisting({
          domain: c.domain,
          sans: c.sans,
          status: c.status,
          type: c.type,
          inUseBy: c.inUseBy,
          tags: c.tags,
          // As documented: a certificate that names no region is in the first cluster's.
          region: c.region ?? scenario.clusters[0]?.region ?? this.acm.defaultRegion,
          ...(c.notAfter ? { notAfter: c.notAfter } : {}),
        }),
      );
    }
    for (const [i, c] of scenario.clusters.entries()) {
      const server = await this.addCluster({ ...c, objects: [] });
      for (const [j, o] of c.objects.entries()) {
        const path = c.objectPaths?.[j] ?? `clusters[${i}].objects[${j}]`;
        try {
          server.apply(o);
        } catch (err) {
          const field = /apiVersion/.test(messageOf(err)) ? '.apiVersion' : '.kind';
          throw new ScenarioError(`${path}${field}: ${messageOf(err)}`);
        }
      }
    }
    for (const rule of scenario.faults) this.faults.add(rule);
  }

  /** `.records[j]` for the first record a zone cannot hold (a bad zone name itself: `.name`). */
  private refusedRecord(z: ScenarioZone): string {
    const refuses = (count: number) => {
      try {
        new Route53State({ clock: this.clock.clock }).createZone(zoneInput(z, z.records.slice(0, count)));
        return false;
      } catch {
        return true;
      }
    };
    if (refuses(0)) return '.name';
    // The shortest prefix the zone refuses ends with the culprit: a duplicate, or a record Route 53 refuses.
    let [low, high] = [1, z.records.length];
    if (!refuses(high)) return '';
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (refuses(mid)) high = mid;
      else low = mid + 1;
    }
    return `.records[${high - 1}]`;
  }

  snapshot(): SandboxSnapshot {
    return {
      zones: this.route53Accounts.exportZones(),
      certificates: this.acm.exportCertificates(),
      events: this.events
        .entries()
        .map((e) => ({ detailType: e.detailType, source: e.source, detail: e.detail })),
    };
  }

  /**
   * Route 53 calls by account since `since` (an earlier `calls.accountsSnapshot()`), when another account
   * than the sandbox's own was called; undefined otherwise, so a one-account world's output stays as it was.
   */
  route53CallsByAccount(since?: ReturnType<ApiCallCounter['accountsSnapshot']>) {
    const byAccount = this.calls.accountsSince(since);
    const out: Record<string, Record<string, number>> = {};
    for (const [account, counts] of Object.entries(byAccount))
      if (counts.route53) out[account] = counts.route53;
    return Object.keys(out).some((a) => a !== SANDBOX_ACCOUNT) ? out : undefined;
  }

  /**
   * Call counts with every reported service present, in one order whichever service a pass called first
   * (it lists the zones while it reads the clusters): the reported services, then the others by name.
   */
  apiCalls(since?: ReturnType<ApiCallCounter['snapshot']>): ApiCallCounts {
    const counts = since ? this.calls.since(since) : this.calls.snapshot();
    const others = Object.keys(counts)
      .filter((s) => !REPORTED_SERVICES.includes(s))
      .sort();
    return Object.fromEntries([...REPORTED_SERVICES, ...others].map((s) => [s, counts[s] ?? {}]));
  }

  async close(): Promise<void> {
    await Promise.all([this.server?.close(), ...[...this.clusters.values()].map((c) => c.close())]);
  }
}

/** The strings in an object's status (a load balancer ingress, a Gateway address), as names. */
function collectStrings(status: unknown, into: Set<string>): void {
  if (typeof status === 'string') into.add(status.toLowerCase().replace(/\.$/, ''));
  else if (Array.isArray(status)) for (const s of status) collectStrings(s, into);
  else if (status && typeof status === 'object')
    for (const s of Object.values(status)) collectStrings(s, into);
}

function zoneInput(z: ScenarioZone, records: ScenarioZone['records']) {
  return { name: z.name, private: z.private, vpcs: z.vpcs, tags: z.tags, records };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function loadOrRefuse(path: string, load: () => unknown): void {
  try {
    load();
  } catch (err) {
    throw new ScenarioError(`${path}: ${messageOf(err)}`);
  }
}
