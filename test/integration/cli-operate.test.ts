import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAwsEnv } from '../../sandbox/credentials.js';
import { Sandbox } from '../../sandbox/sandbox.js';
import { loadScenarioFile } from '../../sandbox/scenario.js';

/**
 * `plan` and `reconcile` as an operator runs them: a child process whose AWS settings are only what the
 * test gives it, the deploy file of the README as its config, the sandbox as its AWS.
 */

const run = promisify(execFile);
const DEPLOY_FILE = 'examples/edge-reconciler.config.yaml';

async function cli(env: Record<string, string>, ...args: string[]) {
  const home = await mkdtemp(join(tmpdir(), 'cli-operate-home-'));
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'functions/cli.ts', ...args], {
      // Nobody's profile, config, SSO cache or instance metadata: only what the test passes.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      },
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

describe('plan and reconcile before any call', () => {
  it('without credentials: one error on stderr with the hint, nothing on stdout, exit 2', async () => {
    const out = await cli({}, 'plan', '--config', DEPLOY_FILE);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.match(/^error:/gm)).toHaveLength(1);
    expect(out.stderr).toMatch(/^error: no AWS credentials found/);
    expect(out.stderr).toMatch(/AWS_PROFILE=/);
    expect(out.stderr).toMatch(/aws sso login/);
    expect(out.stderr).toMatch(/AWS_REGION=/);
    expect(out.stderr).not.toMatch(/frozen|No changes/);
  }, 120_000);
});

describe('plan and reconcile against the sandbox with the deploy file', () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
    await sandbox.load(await loadScenarioFile('examples/kargo.yaml'));
    dir = await mkdtemp(join(tmpdir(), 'cli-operate-'));
  });
  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The README's deploy file, narrowed to the sandbox's zone (its example zone id is nobody's). */
  async function deployFile(): Promise<string> {
    const zone = sandbox.route53.exportZones()[0]!.id;
    const text = (await readFile(DEPLOY_FILE, 'utf8')).replace(/Z0123456789EXAMPLEABC/, zone);
    const path = join(dir, 'edge-reconciler.config.yaml');
    await writeFile(path, text);
    return path;
  }

  it('refuses credentials STS does not know, before the pass: exit 2 naming STS', async () => {
    const env = { ...sandboxAwsEnv(sandbox.url), AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000000' };
    const out = await cli(env, 'plan', '--config', await deployFile());
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^error: the AWS credentials were refused \(STS GetCallerIdentity/);
    expect(out.stdout).toBe('');
  }, 120_000);

  it('plan takes the deploy file and writes nothing anywhere: no record, no event', async () => {
    const before = sandbox.calls.snapshot();
    const out = await cli(sandboxAwsEnv(sandbox.url), 'plan', '--config', await deployFile());
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Plan \(dry run: nothing was changed\)/);
    expect(out.stdout).toMatch(/\+ CREATE {1,2}shop\.kargo\.example\.com\. A ALIAS/);
    const calls = sandbox.apiCalls(before);
    expect(calls.events ?? {}).toEqual({});
    expect(calls.route53?.ChangeResourceRecordSets ?? 0).toBe(0);
    expect(calls.acm?.RequestCertificate ?? 0).toBe(0);
    expect(sandbox.events.entries()).toEqual([]);
  }, 120_000);

  it('refuses a bad deploy section naming the field, exit 2', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(
      path,
      (await readFile(await deployFile(), 'utf8')).replace(/scheduleMinutes: 5/, 'scheduleMinutes: 0'),
    );
    const out = await cli(sandboxAwsEnv(sandbox.url), 'plan', '--config', path);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/deploy\.scheduleMinutes/);
  }, 120_000);
});
