import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Dependencies are chosen and pinned (BRIEF): exact versions in package.json, and one installed copy of
 * every AWS SDK and Smithy package, so the clients share one core, one credential chain and one Smithy
 * runtime (in the lockfile and in the Lambda bundle). AWS publishes a client only when it changes, so the
 * clients' own versions differ within one SDK release; the shared packages must not.
 */
interface Lock {
  packages: Record<string, { version?: string }>;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, Record<string, string>>;
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as Lock;

function installedVersions(): Map<string, Set<string>> {
  const versions = new Map<string, Set<string>>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    const at = path.lastIndexOf('node_modules/');
    if (at < 0 || !entry.version) continue;
    const name = path.slice(at + 'node_modules/'.length);
    versions.set(name, (versions.get(name) ?? new Set()).add(entry.version));
  }
  return versions;
}

describe('dependencies', () => {
  it('are pinned to exact versions', () => {
    const ranged = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(
      ([, version]) => !/^\d+\.\d+\.\d+$/.test(version),
    );
    expect(ranged).toEqual([]);
  });

  it('install one copy of each AWS SDK and Smithy package', () => {
    const duplicated = [...installedVersions()]
      .filter(([name, versions]) => /^@(aws-sdk|smithy)\//.test(name) && versions.size > 1)
      .map(([name, versions]) => `${name}: ${[...versions].join(', ')}`);
    expect(duplicated).toEqual([]);
  });
});
