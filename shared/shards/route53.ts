import type { DnsProvider } from '../dns/provider.js';
import { Route53Provider, route53ProviderOptions } from '../dns/route53.js';
import { type PassRoute53, route53AccountsProvider } from '../dns/route53-accounts.js';
import type { ReconcileDeps } from '../reconcile.js';

/** The pass's Route 53 across accounts, as `reconcile` builds it: each stage invocation makes its own. */
export function passRoute53(
  deps: ReconcileDeps,
  passId: string,
  onError: (message: string) => void,
  onRoleClients?: PassRoute53['onRoleClients'],
): DnsProvider {
  return route53AccountsProvider({
    ...(onRoleClients ? { onRoleClients } : {}),
    config: deps.config,
    aws: deps.aws,
    home: deps.dns ?? new Route53Provider(deps.aws.route53(), route53ProviderOptions(deps.config)),
    clock: deps.clock,
    passId,
    onError,
  });
}
