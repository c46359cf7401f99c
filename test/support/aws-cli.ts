import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sandboxAwsEnv } from '../../sandbox/credentials.js';

const execFileAsync = promisify(execFile);
const CLI_TIMEOUT_MS = 30_000;

export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface AwsCliRunner {
  /** `aws <args…>` against the endpoint, signed by the sandbox identity in `region`, with JSON output. */
  run(region: string, ...args: string[]): Promise<AwsCliResult>;
  /** The same, with more environment: an AssumeRole session's `AWS_SESSION_TOKEN`, say. */
  runWithEnv(env: Record<string, string>, region: string, ...args: string[]): Promise<AwsCliResult>;
  /** Removes the temporary HOME with its empty config. */
  dispose(): void;
}

/**
 * Runs the AWS CLI against a sandbox endpoint from a temporary HOME with empty config and credentials
 * files. A non-zero exit is returned, so tests can check the error; a CLI that never exits (timeout,
 * spawn failure) throws.
 */
export function awsCliRunner(cli: string, endpointUrl: string, tempPrefix: string): AwsCliRunner {
  const home = mkdtempSync(join(tmpdir(), tempPrefix));
  const emptyConfig = join(home, 'config');
  const emptyCredentials = join(home, 'credentials');
  writeFileSync(emptyConfig, '');
  writeFileSync(emptyCredentials, '');
  // Only what the CLI needs, so the developer's profile, region or SSO session never leaks in.
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: emptyConfig,
    AWS_SHARED_CREDENTIALS_FILE: emptyCredentials,
    AWS_PAGER: '',
    AWS_CLI_AUTO_PROMPT: 'off',
    AWS_EC2_METADATA_DISABLED: 'true',
  };

  const runner: AwsCliRunner = {
    run: (region, ...args) => runner.runWithEnv({}, region, ...args),
    async runWithEnv(extraEnv, region, ...args) {
      // AWS_ENDPOINT_URL is newer than CLI 2.9, so the endpoint goes on the command line as well.
      const env = { ...baseEnv, ...sandboxAwsEnv(endpointUrl, region), ...extraEnv };
      try {
        const { stdout, stderr } = await execFileAsync(
          cli,
          [...args, '--endpoint-url', endpointUrl, '--output', 'json'],
          { env, timeout: CLI_TIMEOUT_MS, encoding: 'utf8' },
        );
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code?: number | string; stdout?: string; stderr?: string };
        if (typeof e.code !== 'number') throw err;
        return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    },
    dispose() {
      rmSync(home, { recursive: true, force: true });
    },
  };
  return runner;
}
