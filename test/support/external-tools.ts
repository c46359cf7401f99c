import { execFileSync } from 'node:child_process';
import { it } from 'vitest';

/**
 * Clients no one here wrote, found once for every test that checks the sandbox with them. A missing tool
 * skips those tests with the reason shown, except in CI (`CI=true`), where it fails: `.ci/run` installs them.
 */

function firstWorking(candidates: string[], versionArgs: string[], accept: RegExp): string | undefined {
  for (const path of new Set(candidates)) {
    try {
      const out = execFileSync(path, versionArgs, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 20_000,
      });
      if (accept.test(out)) return path;
    } catch {
      // Not this one (absent, or not the version we need).
    }
  }
  return undefined;
}

function onPath(name: string): string[] {
  try {
    return execFileSync('which', ['-a', name], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The AWS CLI v2: a pyenv shim for the Python v1 CLI may come first on PATH, so v2 is looked up by version. */
export const awsCliV2 = firstWorking(
  ['/usr/bin/aws', '/usr/local/bin/aws', ...onPath('aws')],
  ['--version'],
  /^aws-cli\/2\./,
);

export const kubectl = firstWorking(
  ['/usr/bin/kubectl', ...onPath('kubectl')],
  ['version', '--client'],
  /Client Version/,
);

export const inCi = process.env.CI === 'true';

/**
 * Call inside a `describe`: when the tool is missing, registers the visible skip (or, in CI, the failure)
 * and returns false, so the caller returns before declaring tests that need the tool.
 */
export function requireTool(path: string | undefined, what: string, install: string): path is string {
  if (path) return true;
  if (inCi) {
    it(`needs ${what} in CI (${install})`, () => {
      throw new Error(`${what} not found; .ci/run must install it (${install})`);
    });
  } else {
    it.skip(`skipped: ${what} not found (${install})`, () => {});
  }
  return false;
}
