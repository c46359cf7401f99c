import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../../shared/aws-clients.js';

/**
 * `plan` and `reconcile` from a laptop: before the pass makes any call, make sure the standard AWS
 * settings lead somewhere. Without it, missing credentials surface as one SDK error per cluster and per
 * zone, each cluster "frozen" and a reassuring "No changes." — which is not what happened.
 */

export class AwsAccessError extends Error {
  override name = 'AwsAccessError';
}

const HINT = [
  'AWS access comes from the standard settings:',
  '  AWS_PROFILE=<profile>            a profile of ~/.aws/config (for SSO: aws sso login --profile <profile> first)',
  '  AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)   keys of their own',
  '  AWS_REGION=<region>              the home region, when the config sets no `region`',
  '  AWS_ENDPOINT_URL=<url>           another endpoint, such as the sandbox (. .sandbox/env)',
].join('\n');

/** Resolves the credentials and asks STS who they are; throws an AwsAccessError with the hint otherwise. */
export async function checkAwsAccess(aws: AwsClients, region: string): Promise<string> {
  let step = 'no AWS credentials found';
  try {
    await aws.credentials()();
    step = `the AWS credentials were refused (STS GetCallerIdentity in ${region})`;
    const who = await aws.sts(region).send(new GetCallerIdentityCommand({}));
    return who.Arn ?? 'unknown caller';
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new AwsAccessError(`${step}: ${reason}\n${HINT}`);
  }
}
