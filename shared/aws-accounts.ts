import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsClients } from './aws-clients.js';
import { type Clock, systemClock } from './clock.js';
import { assumeRoleCredentials, ROLE_SESSION_NAME } from './clusters/assume-role.js';

/**
 * Clients for another account: the home clients' settings signed with credentials of a role assumed
 * there. Kept per home clients, role and external id, so a warm container assumes each role once per
 * session (renewed shortly before it expires) and every client of that account (EKS, the EKS token's
 * presigning, Route 53) uses the same session.
 */
interface RoleEntry {
  clients: AwsClients;
  /** The name the next AssumeRole gives its session: the latest caller's. */
  sessionName: string | undefined;
}

const byHome = new WeakMap<AwsClients, Map<string, RoleEntry>>();

export interface RoleClientsOptions {
  clock?: Clock;
  onAssume?: (roleArn: string) => void;
  /** The role's `sts:ExternalId`, when its trust asks for one. */
  externalId?: string;
  /**
   * The name of the session this caller would open (CloudTrail shows it: the pass's id, say). A session
   * still good is reused whatever it is named; the next one takes the latest caller's name.
   */
  sessionName?: string;
}

export function clientsForRole(
  home: AwsClients,
  roleArn: string,
  options: RoleClientsOptions = {},
): AwsClients {
  let roles = byHome.get(home);
  if (!roles) {
    roles = new Map();
    byHome.set(home, roles);
  }
  const key = `${roleArn}\u0000${options.externalId ?? ''}`;
  let entry = roles.get(key);
  if (!entry) {
    const naming: Pick<RoleEntry, 'sessionName'> = { sessionName: options.sessionName };
    const credentials = assumeRoleCredentials({
      sts: home.sts(),
      roleArn,
      clock: options.clock ?? systemClock,
      sessionName: () => naming.sessionName ?? ROLE_SESSION_NAME,
      ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
      ...(options.onAssume ? { onAssume: options.onAssume } : {}),
    });
    entry = Object.assign(naming, { clients: new AwsClients({ ...home.options, credentials }) });
    roles.set(key, entry);
  } else if (options.sessionName !== undefined) {
    entry.sessionName = options.sessionName;
  }
  return entry.clients;
}

/** The clients that reach a cluster: the home account's, or its account's role when it has one. */
export function clientsForCluster(
  home: AwsClients,
  cluster: { roleArn?: string | undefined },
  options: RoleClientsOptions = {},
): AwsClients {
  return cluster.roleArn ? clientsForRole(home, cluster.roleArn, options) : home;
}

const homeAccounts = new WeakMap<AwsClients, Promise<string>>();

/**
 * The account the reconciler itself runs in (STS GetCallerIdentity, which needs no permission), asked
 * once per home clients: a warm container asks once. A cluster configured without `account` is in it.
 */
export function homeAccountId(home: AwsClients): Promise<string> {
  let id = homeAccounts.get(home);
  if (!id) {
    id = home
      .sts()
      .send(new GetCallerIdentityCommand({}))
      .then(({ Account }) => {
        if (!Account) throw new Error('STS GetCallerIdentity returned no Account');
        return Account;
      });
    // A failed lookup is not kept: the next event asks again.
    id.catch(() => homeAccounts.delete(home));
    homeAccounts.set(home, id);
  }
  return id;
}
