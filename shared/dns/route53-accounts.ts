import { clientsForRole } from '../aws-accounts.js';
import type { AwsClients } from '../aws-clients.js';
import type { Clock } from '../clock.js';
import { type Config, roleAccount, route53RolesOf } from '../config.js';
import type { ChangeGroup } from '../endpoint/changes.js';
import type { Endpoint } from '../endpoint/endpoint.js';
import { errorMessage } from '../errors.js';
import type {
  ApplyResult,
  CallOptions,
  DnsProvider,
  RecordsOptions,
  UnreachableAccount,
} from './provider.js';
import { Route53Provider, route53ProviderOptions } from './route53.js';
import type { HealthCheckApi } from './route53-health-checks.js';
import { ZoneCache } from './zone-cache.js';
import type { HostedZone, ZoneFilterConfig } from './zones.js';

/**
 * Route 53 in several accounts as one DnsProvider: the home account's zones (unless ExternalDNS's
 * `awsAssumeRole` puts Route 53 in the role's account only) and those of each `route53Roles` account,
 * listed and filtered alike. Each zone is read and written through its own account's provider. A zone
 * of another account is reported as `<account>/<zone id>`, so an id is unique whichever account holds it.
 *
 * Made per pass (cheap: the role's clients and STS session are kept per container by clientsForRole,
 * until shortly before the session expires, and each role's provider — behind the zone cache when
 * `zoneCacheSeconds` is set — as long as its clients), so a session opened in a pass is named after it.
 */

export interface AccountProvider {
  /** The account of a role's zones; absent for the home account. */
  account?: string;
  roleArn?: string;
  provider: DnsProvider;
}

/** A zone as listed, and where it lives. */
interface ListedZone {
  zone: HostedZone;
  source: AccountProvider;
}

/**
 * Each account's zones as its provider last listed them (a warm container remembers them as long as the
 * role's clients): when the account cannot be reached, the pass still knows which names are its.
 */
const lastListed = new WeakMap<DnsProvider, HostedZone[]>();

export class MultiAccountProvider implements DnsProvider {
  private readonly listed = new Map<string, ListedZone>();
  private unreachable: UnreachableAccount[] = [];

  constructor(
    private readonly accounts: readonly AccountProvider[],
    /** An account whose zones could not be listed: its zones are out of this pass, the others go on. */
    private readonly onError: (message: string) => void,
  ) {}

  async listZones(filter: ZoneFilterConfig, call?: CallOptions): Promise<HostedZone[]> {
    const answers = await Promise.all(
      this.accounts.map((source) =>
        source.provider.listZones(filter, call).then(
          (zones) => ({ source, zones }),
          (error: unknown) => ({ source, error }),
        ),
      ),
    );
    this.listed.clear();
    this.unreachable = [];
    const failed = answers.filter((a) => 'error' in a);
    if (failed.length === answers.length) {
      // Nothing listed at all: the pass's listing failed, as with one account; the error names each account.
      throw new Error(
        failed.map((a) => `${describe(a.source)}: ${errorMessage(a.error)}`).join('; ') ||
          'no Route 53 account to list',
      );
    }
    const seen = new Set<string>();
    const out: HostedZone[] = [];
    for (const answer of answers) {
      if ('error' in answer) {
        this.reportUnreachable(answer.source, answer.error);
        continue;
      }
      lastListed.set(answer.source.provider, answer.zones);
      for (const zone of answer.zones) {
        // Route 53's zone ids are global: one seen twice is one account reached two ways; read it once.
        if (seen.has(zone.id)) continue;
        seen.add(zone.id);
        const qualified = qualifiedZone(answer.source, zone);
        this.listed.set(qualified.id, { zone, source: answer.source });
        out.push(qualified);
      }
    }
    return out;
  }

  unreachableAccounts(): UnreachableAccount[] {
    return [...this.unreachable];
  }

  /**
   * An account not reached: its zones are neither read nor written this pass (every record there stays,
   * whoever owns it), the other accounts go on, and the error names the account, the role and STS's or
   * Route 53's answer.
   */
  private reportUnreachable(source: AccountProvider, error: unknown): void {
    const why = errorMessage(error);
    const known = (lastListed.get(source.provider) ?? []).map((z) => qualifiedZone(source, z));
    const zones = known.length > 0 ? ` (zones ${known.map((z) => z.name).join(', ')})` : '';
    this.onError(
      `route53 ${describe(source)}: unreachable, its zones${zones} are neither read nor changed this pass, the other accounts proceed: ${why}`,
    );
    if (source.account !== undefined && source.roleArn !== undefined) {
      this.unreachable.push({
        account: source.account,
        roleArn: source.roleArn,
        error: why,
        reason: shortReason(error),
        lastKnownZones: known,
      });
    }
  }

  records(zone: HostedZone, options?: RecordsOptions & CallOptions): Promise<Endpoint[]> {
    const { zone: own, source } = this.find(zone);
    return source.provider.records(own, options);
  }

  async applyChanges(
    zone: HostedZone,
    groups: readonly ChangeGroup[],
    call?: CallOptions,
  ): Promise<ApplyResult> {
    const { zone: own, source } = this.find(zone);
    const result = await source.provider.applyChanges(own, groups, call);
    if (source.account === undefined) return result;
    const id = qualifiedId(source, own.id);
    const qualify = (text: string) => text.replaceAll(`(${own.id})`, `(${id})`);
    return {
      ...result,
      refused: result.refused.map((r) => ({ ...r, zoneId: id, message: qualify(r.message) })),
      warnings: result.warnings.map((w) => ({ ...w, message: qualify(w.message) })),
    };
  }

  healthChecks(zone: HostedZone): HealthCheckApi | undefined {
    const { zone: own, source } = this.find(zone);
    return source.provider.healthChecks?.(own);
  }

  private find(zone: HostedZone): ListedZone {
    const listed = this.listed.get(zone.id);
    if (!listed) throw new Error(`zone ${zone.name} (${zone.id}): not among the zones this pass listed`);
    return listed;
  }
}

function qualifiedId(source: AccountProvider, id: string): string {
  return source.account === undefined ? id : `${source.account}/${id}`;
}

/** A zone as the pass sees it: another account's with its id qualified and its account named. */
function qualifiedZone(source: AccountProvider, zone: HostedZone): HostedZone {
  if (source.account === undefined) return zone;
  return { ...zone, id: qualifiedId(source, zone.id), account: source.account };
}

/** STS's or Route 53's error code, and which of them said it. */
function shortReason(error: unknown): string {
  // By name: shared/clusters (where AssumeRoleError lives) already depends on shared/dns.
  if (error instanceof Error && error.name === 'AssumeRoleError') {
    return `AssumeRole ${/ failed: (\w+)/.exec(error.message)?.[1] ?? 'failed'}`;
  }
  const name = error instanceof Error ? error.name : '';
  return name !== '' && name !== 'Error' ? `Route 53 ${name}` : 'Route 53 listing failed';
}

function describe(source: AccountProvider): string {
  return source.account === undefined ? 'home account' : `account ${source.account} (${source.roleArn})`;
}

export interface PassRoute53 {
  config: Config;
  aws: AwsClients;
  /** The home account's provider. */
  home: DnsProvider;
  clock: Clock;
  passId: string;
  onError: (message: string) => void;
  /** Told each role account's clients before the pass uses them (the pass meters their Route 53 calls). */
  onRoleClients?: (account: string, clients: AwsClients) => void;
}

/**
 * The pass's DNS provider: the home one alone when the config names no role; otherwise every account's.
 * A session a pass opens is named `edge-reconciler-<pass id>`, so CloudTrail in the zone's account leads
 * back to the pass (later passes reuse it until shortly before it expires).
 */
export function route53AccountsProvider(pass: PassRoute53): DnsProvider {
  const roles = route53RolesOf(pass.config);
  if (roles.length === 0) return pass.home;
  const accounts: AccountProvider[] =
    pass.config.awsAssumeRole === undefined ? [{ provider: pass.home }] : [];
  for (const role of roles) {
    const clients = clientsForRole(pass.aws, role.roleArn, {
      clock: pass.clock,
      sessionName: `edge-reconciler-${pass.passId}`,
      ...(role.externalId !== undefined ? { externalId: role.externalId } : {}),
    });
    pass.onRoleClients?.(roleAccount(role.roleArn), clients);
    accounts.push({
      account: roleAccount(role.roleArn),
      roleArn: role.roleArn,
      provider: roleProvider(clients, pass),
    });
  }
  return new MultiAccountProvider(accounts, pass.onError);
}

/** A role's provider, kept as long as its clients, so its zone cache (`zoneCacheSeconds`) stays warm too. */
const providers = new WeakMap<AwsClients, DnsProvider>();

function roleProvider(clients: AwsClients, pass: PassRoute53): DnsProvider {
  let provider = providers.get(clients);
  if (!provider) {
    const route53 = new Route53Provider(clients.route53(), route53ProviderOptions(pass.config));
    const clock = pass.clock;
    provider =
      pass.config.zoneCacheSeconds === 0
        ? route53
        : new ZoneCache(route53, {
            maxAgeMs: pass.config.zoneCacheSeconds * 1000,
            now: () => clock().getTime(),
            asRead: (zone, endpoint) => route53.asRead(zone, endpoint),
          });
    providers.set(clients, provider);
  }
  return provider;
}
