import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { ApiCallCounter } from '../../sandbox/calls.js';
import { SandboxClock } from '../../sandbox/clock.js';
import { SANDBOX_IDENTITIES, sandboxAwsEnv } from '../../sandbox/credentials.js';
import { type KubernetesApiServer, startKubernetesApiServer } from '../../sandbox/kubernetes/api-server.js';
import { rbacManifests, rbacYaml } from '../../shared/clusters/rbac.js';
import { createEksToken } from '../../shared/clusters/token.js';
import { parseConfig } from '../../shared/config.js';
import { awsCliV2, inCi, kubectl } from '../support/external-tools.js';
import { bareIngress } from '../support/kubernetes-objects.js';

/**
 * Real clients nobody here wrote, pointed at the sandbox: kubectl with a static token, and kubectl running
 * `aws eks get-token` (AWS CLI v2) as its exec credential plugin. Each is skipped with a visible reason
 * when the tool is missing, except in CI, where a missing tool fails.
 */

const CLUSTER = 'prod-eu';

describe('tools', () => {
  it.runIf(inCi && !kubectl)('kubectl is installed in CI', () => {
    expect.fail('kubectl not found: CI must install it (see .ci/run)');
  });
  it.runIf(inCi && !awsCliV2)('AWS CLI v2 is installed in CI', () => {
    expect.fail('AWS CLI v2 not found: CI must install the Debian package awscli');
  });
});

describe.skipIf(!kubectl)(
  kubectl
    ? `kubectl (${kubectl}) against the sandbox`
    : 'kubectl against the sandbox — SKIPPED: kubectl not found',
  () => {
    const clock = new SandboxClock();
    const calls = new ApiCallCounter();
    let server: KubernetesApiServer;
    let dir: string;

    beforeAll(async () => {
      server = await startKubernetesApiServer({
        clusterName: CLUSTER,
        clock,
        calls,
        objects: [
          ...['a', 'b', 'c', 'd', 'e'].map((n, i) => ({
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: `svc-${n}`, namespace: i % 2 ? 'shop' : 'blog' },
            spec: { type: 'LoadBalancer' },
          })),
          bareIngress('web', 'x'),
          bareIngress('api', 'x'),
          bareIngress('other', 'y'),
          ...['n1', 'n2', 'n3'].map((name) => ({
            apiVersion: 'v1',
            kind: 'Node',
            metadata: { name },
            status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
          })),
          ...['db-a', 'db-b', 'db-c'].map((name, i) => ({
            apiVersion: 'discovery.k8s.io/v1',
            kind: 'EndpointSlice',
            metadata: {
              name,
              namespace: 'data',
              labels: { 'kubernetes.io/service-name': i < 2 ? 'db' : 'cache' },
            },
            addressType: 'IPv4',
            endpoints: [{ addresses: [`10.1.0.${i}`], conditions: { ready: true } }],
          })),
        ],
      });
      dir = mkdtempSync(join(tmpdir(), 'kubectl-sandbox-'));
    });
    afterAll(async () => {
      await server?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    function kubeconfig(name: string, user: object): string {
      const path = join(dir, name);
      writeFileSync(
        path,
        stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [
            { name: CLUSTER, cluster: { server: server.url, 'certificate-authority-data': server.caData } },
          ],
          users: [{ name: 'reconciler', user }],
          contexts: [{ name: CLUSTER, context: { cluster: CLUSTER, user: 'reconciler' } }],
          'current-context': CLUSTER,
        }),
      );
      return path;
    }

    function run(config: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      return new Promise((resolve) => {
        execFile(
          kubectl!,
          ['--kubeconfig', config, '--cache-dir', join(dir, 'cache'), '--request-timeout', '20s', ...args],
          // A clean environment: no user kubeconfig, AWS profile or proxy leaks into the run.
          { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, timeout: 60_000 },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      });
    }

    const tokenUser = async (clusterName = CLUSTER) => ({
      token: (
        await createEksToken({
          clusterName,
          region: 'us-east-1',
          credentials: SANDBOX_IDENTITIES[0]!,
          now: clock.now(),
        })
      ).token,
    });
    const names = (json: string) =>
      (JSON.parse(json) as { items: { metadata: { namespace: string; name: string } }[] }).items
        .map((i) => `${i.metadata.namespace}/${i.metadata.name}`)
        .sort();
    const sandboxNames = (kind: string) =>
      server
        .list(kind)
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
        .sort();

    async function expectListsSandboxServices(config: string): Promise<void> {
      const r = await run(config, ['get', 'services', '-A', '-o', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(names(r.stdout)).toEqual(sandboxNames('Service'));
    }

    async function expectUnauthorized(config: string): Promise<void> {
      const r = await run(config, ['get', 'services', '-A']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/Unauthorized/);
    }

    it('takes the generated ClusterRole and binding in a client dry run (kubectl create --dry-run=client)', async () => {
      const config = kubeconfig('token.yaml', await tokenUser());
      const manifests = join(dir, 'rbac.yaml');
      const generated = parseConfig({
        sources: ['service', 'ingress', 'gateway-httproute', 'traefik-proxy'],
      });
      writeFileSync(manifests, rbacYaml(generated));
      // The sandbox serves no OpenAPI document, so kubectl validates the mapping (group, version, kind,
      // scope) through discovery and decodes each object, without schema validation.
      const dryRun = (file: string) =>
        run(config, ['create', '--dry-run=client', '--validate=false', '-f', file, '-o', 'yaml']);
      const r = await dryRun(manifests);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(parseAllDocuments(r.stdout).map((d) => d.toJS())).toEqual(rbacManifests(generated));

      // The check can fail: a version RBAC does not serve is refused.
      writeFileSync(
        manifests,
        rbacYaml(generated).replaceAll('rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v9'),
      );
      const wrong = await dryRun(manifests);
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/no matches for kind "ClusterRole"/);
    });

    it('get services -A -o json returns the sandbox services', async () => {
      await expectListsSandboxServices(kubeconfig('token.yaml', await tokenUser()));
    });

    it('get ingresses -n x finds the ingresses of one namespace through discovery', async () => {
      const r = await run(kubeconfig('token.yaml', await tokenUser()), [
        'get',
        'ingresses',
        '-n',
        'x',
        '-o',
        'json',
      ]);
      expect(r.code).toBe(0);
      expect(names(r.stdout)).toEqual(['x/api', 'x/web']);
      const table = await run(kubeconfig('token.yaml', await tokenUser()), ['get', 'ing', '-n', 'x']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^NAME\b/);
      expect(table.stdout).toContain('web');
      expect(table.stdout).not.toContain('other');
    });

    it('--chunk-size pages through continue tokens', async () => {
      const before = calls.snapshot();
      const r = await run(kubeconfig('token.yaml', await tokenUser()), [
        'get',
        'services',
        '-A',
        '-o',
        'json',
        '--chunk-size=2',
      ]);
      expect(r.code).toBe(0);
      expect(names(r.stdout)).toEqual(sandboxNames('Service'));
      expect(calls.since(before).kubernetes?.['list services']).toBe(3);
    });

    it('pages through Nodes and EndpointSlices (discovery.k8s.io/v1) as through the other kinds', async () => {
      const config = kubeconfig('token.yaml', await tokenUser());
      const before = calls.snapshot();
      const nodes = await run(config, ['get', 'nodes', '-o', 'json', '--chunk-size=2']);
      expect(nodes.stderr).toBe('');
      expect(
        (JSON.parse(nodes.stdout) as { items: { metadata: { name: string } }[] }).items.map(
          (i) => i.metadata.name,
        ),
      ).toEqual(['n1', 'n2', 'n3']);
      const slices = await run(config, [
        'get',
        'endpointslices.discovery.k8s.io',
        '-A',
        '-o',
        'json',
        '--chunk-size=2',
      ]);
      expect(slices.stderr).toBe('');
      expect(names(slices.stdout)).toEqual(sandboxNames('EndpointSlice'));
      expect(calls.since(before).kubernetes?.['list nodes']).toBe(2);
      expect(calls.since(before).kubernetes?.['list endpointslices']).toBe(2);
      // The label selector the service source lists them with.
      const db = await run(config, [
        'get',
        'endpointslices',
        '-n',
        'data',
        '-l',
        'kubernetes.io/service-name in (db)',
        '-o',
        'json',
      ]);
      expect(db.code).toBe(0);
      expect(names(db.stdout)).toEqual(['data/db-a', 'data/db-b']);
    });

    it('a token for another cluster fails with Unauthorized', async () => {
      await expectUnauthorized(kubeconfig('bad.yaml', await tokenUser('prod-us')));
    });

    describe.skipIf(!awsCliV2)(
      awsCliV2
        ? `with aws eks get-token (${awsCliV2}) as the exec plugin`
        : 'aws eks get-token — SKIPPED: AWS CLI v2 not found',
      () => {
        function execUser(clusterName: string): object {
          // get-token signs locally and calls nothing, so no endpoint: a CLI that honours AWS_ENDPOINT_URL
          // would otherwise presign for the sandbox's host, which EKS (and this sandbox) refuse.
          const { AWS_ENDPOINT_URL: _unused, ...env } = sandboxAwsEnv('https://127.0.0.1:1', 'us-east-1');
          return {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1beta1',
              command: awsCliV2,
              args: ['eks', 'get-token', '--cluster-name', clusterName, '--region', 'us-east-1'],
              interactiveMode: 'Never',
              env: Object.entries({
                ...env,
                AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
                AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
              }).map(([name, value]) => ({ name, value })),
            },
          };
        }

        it("accepts the real CLI's token", async () => {
          await expectListsSandboxServices(kubeconfig('exec.yaml', execUser(CLUSTER)));
        });

        it("refuses the real CLI's token for another cluster", async () => {
          await expectUnauthorized(kubeconfig('exec-bad.yaml', execUser('prod-us')));
        });
      },
    );
  },
);
