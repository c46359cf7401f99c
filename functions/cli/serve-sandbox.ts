import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { SANDBOX_IDENTITIES, sandboxAwsEnv } from '../../sandbox/credentials.js';
import { Sandbox } from '../../sandbox/sandbox.js';
import type { Scenario } from '../../sandbox/scenario.js';

export interface ServedSandbox {
  sandbox: Sandbox;
  kubeconfig: string;
  envFile: string;
}

/**
 * The sandbox as a standalone server on loopback, for the AWS CLI, kubectl and the reconciler's own
 * `plan`/`reconcile` commands: writes `env` (credentials and AWS_ENDPOINT_URL) and a `kubeconfig` with one
 * context per cluster whose user runs `aws eks get-token`, so kubectl authenticates the way it does on EKS.
 */
export async function serveSandbox(
  scenario: Scenario | undefined,
  dir: string,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<ServedSandbox> {
  const sandbox = await Sandbox.start({
    // EKS answers a bad token with a bare 401; the person at the sandbox's terminal is told why.
    onTokenRefused: (cluster, reason) => log(`sandbox: cluster ${cluster} refused a token: ${reason}`),
  });
  if (scenario) await sandbox.load(scenario);
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  const envFile = join(out, 'env');
  // AWS_DEFAULT_REGION too: the AWS CLI v1 reads only that one.
  await writeFile(envFile, envFileText(sandboxAwsEnv(sandbox.url, scenario?.config.region ?? 'us-east-1')));
  const kubeconfig = join(out, 'kubeconfig');
  await writeFile(kubeconfig, stringify(kubeconfigDocument(sandbox)));
  return { sandbox, kubeconfig, envFile };
}

function envFileText(env: Record<string, string>): string {
  return `# source this file: the AWS SDK and AWS CLI >= 2.13 then talk to the sandbox\n# (older CLIs: aws --endpoint-url "$AWS_ENDPOINT_URL" ...)\n# A session token of your own would not match the sandbox's keys.\nunset AWS_SESSION_TOKEN\n${Object.entries(
    env,
  )
    .map(([k, v]) => `export ${k}=${v}`)
    .join('\n')}\n`;
}

/** One context per cluster, whose user runs `aws eks get-token` with the sandbox's credentials. */
function kubeconfigDocument(sandbox: Sandbox) {
  const id = SANDBOX_IDENTITIES[0]!;
  const clusters = [...sandbox.clusters.values()].map((server) => {
    const region = sandbox.eks.clusters().find((c) => c.name === server.clusterName)?.region ?? 'us-east-1';
    return { server, region };
  });
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': clusters[0]?.server.clusterName ?? '',
    clusters: clusters.map(({ server }) => ({
      name: server.clusterName,
      cluster: { server: server.url, 'certificate-authority-data': server.caData },
    })),
    contexts: clusters.map(({ server }) => ({
      name: server.clusterName,
      context: { cluster: server.clusterName, user: server.clusterName },
    })),
    users: clusters.map(({ server, region }) => ({
      name: server.clusterName,
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'aws',
          args: ['eks', 'get-token', '--cluster-name', server.clusterName, '--region', region],
          // The token presigns STS's real host, as EKS requires; only the credentials are the sandbox's.
          // The sourced env file's AWS_ENDPOINT_URL would make CLIs that honour it (v2 ≥ 2.13, v1 on
          // botocore ≥ 1.31) presign for the sandbox's host, which no EKS accepts: they are told to
          // ignore it. Older CLIs ignore both variables.
          env: [
            { name: 'AWS_ACCESS_KEY_ID', value: id.accessKeyId },
            { name: 'AWS_SECRET_ACCESS_KEY', value: id.secretAccessKey },
            { name: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', value: 'true' },
          ],
          interactiveMode: 'Never',
        },
      },
    })),
  };
}
