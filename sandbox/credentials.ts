/**
 * The sandbox account's credentials. Clients pointed at the sandbox sign with these; the Kubernetes API
 * servers accept an EKS token only when its presigned STS request verifies against one of them.
 */
export interface SandboxIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  account: string;
  arn: string;
}

export const SANDBOX_ACCOUNT = '000000000000';

export const SANDBOX_IDENTITIES: readonly SandboxIdentity[] = [
  {
    accessKeyId: 'AKIASANDBOXRECONCILE',
    secretAccessKey: 'sandbox/secret/for-the-reconciler-not-a-real-key',
    account: SANDBOX_ACCOUNT,
    arn: `arn:aws:sts::${SANDBOX_ACCOUNT}:assumed-role/edge-reconciler/sandbox`,
  },
];

export function findIdentity(accessKeyId: string): SandboxIdentity | undefined {
  return SANDBOX_IDENTITIES.find((i) => i.accessKeyId === accessKeyId);
}

/** Environment for a process (the AWS CLI, kubectl's exec plugin) that should talk to the sandbox. */
export function sandboxAwsEnv(endpointUrl: string, region = 'us-east-1'): Record<string, string> {
  const id = SANDBOX_IDENTITIES[0]!;
  return {
    AWS_ACCESS_KEY_ID: id.accessKeyId,
    AWS_SECRET_ACCESS_KEY: id.secretAccessKey,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ENDPOINT_URL: endpointUrl,
  };
}
