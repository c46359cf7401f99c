import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliV2, kubectl, requireTool } from '../support/external-tools.js';
import { bash, cloneLikeDirectory, shellBlock } from '../support/readme.js';

/**
 * README "The sandbox as a server", run as written from a directory laid out like a clone: the first line
 * serves the sandbox, the others are sourced and run by bash with the real AWS CLI and kubectl, the CLI
 * being the one `aws` on PATH, as kubectl's exec plugin finds it.
 */

const lines = shellBlock('README.md', '## The sandbox as a server');

/** An AWS CLI v1 (pyenv's, say), found by version: the env file must serve it too. */
function awsCliV1(): string | undefined {
  for (const path of ['/usr/local/bin/aws', ...safeWhich('aws')]) {
    try {
      if (/^aws-cli\/1\./.test(execFileSync(path, ['--version'], { encoding: 'utf8', stdio: 'pipe' })))
        return path;
    } catch {
      // not this one
    }
  }
  return undefined;
}

function safeWhich(name: string): string[] {
  try {
    return execFileSync('which', ['-a', name], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('README: the sandbox as a server', () => {
  if (!requireTool(kubectl, 'kubectl', 'apt-get install kubernetes-client')) return;

  let clone: ReturnType<typeof cloneLikeDirectory>;
  let server: ChildProcess;
  let serverLog = '';

  beforeAll(async () => {
    clone = cloneLikeDirectory('readme-sandbox-');
    expect(lines[0]).toMatch(/cli -- sandbox /);
    server = spawn('bash', ['-c', `exec ${lines[0]}`], {
      cwd: clone.dir,
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    server.stderr?.on('data', (c: Buffer) => {
      serverLog += c.toString();
    });
    await new Promise<void>((ready, fail) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`sandbox not ready: ${out}${serverLog}`)), 60_000);
      server.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('Ctrl-C stops it.')) {
          clearTimeout(timer);
          ready();
        }
      });
      server.on('exit', (code) => fail(new Error(`sandbox exited ${code}: ${out}${serverLog}`)));
    });
  }, 90_000);

  afterAll(() => {
    if (server?.pid) process.kill(-server.pid, 'SIGTERM');
    clone?.dispose();
  });

  /** The README's remaining lines, with `aws` on PATH being `cli` and nobody's profile or config around. */
  function runAs(cli: string) {
    const home = join(clone.dir, `.home-${cli.replaceAll('/', '_')}`);
    const bin = join(home, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(cli, join(bin, 'aws'));
    writeFileSync(join(home, 'empty'), '');
    return bash(`set -e\n${lines.slice(1).join('\n')}`, clone.dir, {
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'empty'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'empty'),
    });
  }

  function expectTheSandboxAnswered(result: Awaited<ReturnType<typeof runAs>>) {
    expect(result.stderr).not.toMatch(/must be logged in|provide credentials|must specify a region/i);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.slice(0, result.stdout.lastIndexOf('}') + 1)).HostedZones[0].Name).toBe(
      'kargo.example.com.',
    );
    expect(result.stdout).toMatch(/^traefik\s+traefik\s/m);
    expect(serverLog).not.toMatch(/refused a token/);
  }

  if (requireTool(awsCliV2, 'the AWS CLI v2', 'apt-get install awscli')) {
    it('runs as written with the AWS CLI v2', async () => {
      expectTheSandboxAnswered(await runAs(awsCliV2 as string));
    }, 120_000);
  }

  const v1 = awsCliV1();
  it.runIf(v1)(
    v1 ? `runs as written with the AWS CLI v1 (${v1})` : 'with the AWS CLI v1 — SKIPPED: none found',
    async () => {
      expectTheSandboxAnswered(await runAs(v1 as string));
    },
    120_000,
  );

  it('says on its stderr why it refused a token; the client sees only 401', async () => {
    const refused = await bash(
      'KUBECONFIG=.sandbox/kubeconfig kubectl --context prod-eu --token k8s-aws-v1.bm90LWEtdXJs get services -A',
      clone.dir,
      { PATH: '/usr/bin:/bin', HOME: clone.dir },
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Unauthorized|must be logged in/i);
    expect(serverLog).toMatch(/sandbox: cluster prod-eu refused a token: token does not decode to a URL/);
  }, 60_000);
});
