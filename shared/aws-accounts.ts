import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsClients } from './aws-clients.js';
import { type Clock, systemClock } from './clock.js';
import { assumeRoleCredentials } from './clusters/assume-role.js';

/**
 * Clients for another account: the home clients' settings signed with credentials of a role assumed
 * there. Kept per home clients and role, so a warm container assumes each role once per session and
 * every client of that account (EKS, the EKS token's presigning) uses the same session.
 */
const byHome = new WeakMap<AwsClients, Map<string, AwsClients>>();

export interface RoleClientsOptions {
  clock?: Clock;
  onAssume?: (roleArn: string) => void;
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
  let clients = roles.get(roleArn);
  if (!clients) {
    const credentials = assumeRoleCredentials({
      sts: home.sts(),
      roleArn,
      clock: options.clock ?? systemClock,
      ...(options.onAssume ? { onAssume: options.onAssume } : {}),
    });
    clients = new AwsClients({ ...home.options, credentials });
    roles.set(roleArn, clients);
  }
  return clients;
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
