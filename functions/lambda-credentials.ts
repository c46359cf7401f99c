import { type FromEnvInit, fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundle (an esbuild alias, set in
 * infra/lambda-bundle.ts): Lambda hands the function its role's credentials in the environment, so the
 * default chain's SSO, OIDC, sign-in, INI, process, web-identity and instance-metadata providers, and
 * the nested clients they bring, would only add weight and start-up time there. Roles of other accounts
 * are assumed explicitly (shared/clusters/assume-role.ts), not through the chain.
 */
export function defaultProvider(init?: FromEnvInit): AwsCredentialIdentityProvider {
  return fromEnv(init);
}
