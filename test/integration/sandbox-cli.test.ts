import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import {
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);

async function cli(env: Record<string, string | undefined>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'functions/cli.ts', ...args], {
      env: { ...process.env, ...env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

/** `cli sandbox` as a standalone server on loopback, reached by real SDK clients through the env file it writes. */
describe('cli sandbox', () => {
  // Six CLI processes start here, each compiling TypeScript with tsx: on a loaded machine that alone
  // can take longer than the default 30 s.
  it('serves the scenario on loopback for real clients and for plan / reconcile / resync, and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edge-sandbox-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'functions/cli.ts', 'sandbox', 'examples/kargo.yaml', '--dir', dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      let out = '';
      await new Promise<void>((ready, fail) => {
        const timer = setTimeout(() => fail(new Error(`no ready line: ${out}`)), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('Ctrl-C stops it.')) {
            clearTimeout(timer);
            ready();
          }
        });
      });
      const env = Object.fromEntries(
        [...(await readFile(join(dir, 'env'), 'utf8')).matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [
          m[1],
          m[2],
        ]),
      );
      const credentials = {
        accessKeyId: env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
      };
      const route53 = new Route53Client({ region: 'us-east-1', endpoint: env.AWS_ENDPOINT_URL, credentials });
      const zones = await route53.send(new ListHostedZonesCommand({}));
      expect(zones.HostedZones?.map((z) => z.Name)).toEqual(['kargo.example.com.']);

      const kubeconfig = parse(await readFile(join(dir, 'kubeconfig'), 'utf8'));
      const eks = new EKSClient({ region: 'eu-central-1', endpoint: env.AWS_ENDPOINT_URL, credentials });
      const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'prod-eu' }));
      const entry = kubeconfig.clusters.find((c: { name: string }) => c.name === 'prod-eu');
      expect(entry.cluster.server).toBe(cluster?.endpoint);
      expect(entry.cluster['certificate-authority-data']).toBe(cluster?.certificateAuthority?.data);
      expect(kubeconfig.users[0].user.exec.args).toContain('get-token');

      // plan / reconcile from a laptop against this endpoint, as an operator would with AWS_ENDPOINT_URL.
      const configFile = join(dir, 'config.yaml');
      await writeFile(
        configFile,
        'domainFilters: [kargo.example.com]\ningressClass: [traefik]\nclusters:\n' +
          '  - {name: prod-eu, region: eu-central-1}\n  - {name: prod-us, region: us-east-1}\n',
      );
      const operate = (...args: string[]) => cli(env, ...args);
      const plan = await operate('plan', '--config', configFile);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toMatch(/Plan \(dry run: nothing was changed\)/);
      expect(plan.stdout).toMatch(
        /\+ CREATE {1,2}shop\.kargo\.example\.com\. A ALIAS k8s-traefik-traefik-\S+ \(Z3F0SRJ5LGBH90\)\s+owner=prod-eu ingress\/shop\/shop/,
      );
      expect(plan.stdout).toMatch(/- DELETE old\.kargo\.example\.com\. CNAME/);
      expect(
        (
          await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zones.HostedZones![0]!.Id! }))
        ).ResourceRecordSets?.some((r) => r.Name === 'shop.kargo.example.com.'),
      ).toBe(false);

      expect((await operate('reconcile', '--config', configFile)).code).toBe(0);
      const again = await operate(
        'plan',
        '--config',
        configFile,
        '--context',
        'prod-eu',
        '--context',
        'prod-us',
        '--kubeconfig',
        join(dir, 'kubeconfig'),
      );
      expect(again.stdout).toMatch(/No changes\./);
      expect(again.stdout).toMatch(/cluster prod-eu: ok/);

      const bad = await operate('resync', '--event-bus', 'default', '--reason', 'x'.repeat(300));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/payload\.reason/);
      const sent = await operate('resync', '--event-bus', 'default', '--clusters', 'prod-eu', '--dry-run');
      expect(sent.stdout).toMatch(/sent Resync Requested/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 120_000);
});
