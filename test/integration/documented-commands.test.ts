import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bash, cloneLikeDirectory, repoRoot } from '../support/readme.js';

/**
 * Every command the README and docs/ show runs as written from a clone — unless it needs an AWS account,
 * which is said here, command by command. A new command in the docs fails this test until it is either
 * run or given its reason; the sandbox block is run by readme-sandbox.test.ts with the real AWS CLI.
 */

const pages = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Shell commands of the ```sh blocks, continuation lines joined, comments dropped. */
function commands(page: string): string[] {
  const text = readFileSync(join(repoRoot, page), 'utf8');
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) => {
    const out: string[] = [];
    let pending = '';
    for (const line of (block[1] as string).replace(/\\\n\s*/g, ' ').split('\n')) {
      pending += pending ? ` ${line.trim()}` : line;
      // A quoted argument may span lines: the command goes on until its quotes close.
      if ((pending.match(/'/g) ?? []).length % 2 === 1) continue;
      out.push(
        pending
          .replace(/\s+#\s.*$/, '')
          .replace(/\s+/g, ' ')
          .trim(),
      );
      pending = '';
    }
    return out.filter(Boolean);
  });
}

/** Why a command is not run here; a command none of these describe is run. */
const NOT_RUN: [RegExp, string][] = [
  [/^npm test$/, 'the test suite itself'],
  [/[<[]|my-world\.yaml|my-config\.yaml/, 'a synopsis with placeholders'],
  [/cli -- (plan|reconcile|resync)\b/, 'needs an AWS account (the sandbox case: cli-operate.test.ts)'],
  [/^npm run deploy\b|cdk (bootstrap|destroy)\b/, 'needs an AWS account'],
  [/\baws (cloudformation|eks|lambda|events) /, 'needs an AWS account'],
  [/^[A-Z]+=\$\(aws /, 'needs an AWS account'],
  [
    /cli -- sandbox |^\. \.sandbox\/env|--endpoint-url "\$AWS_ENDPOINT_URL"|KUBECONFIG=\.sandbox/,
    'readme-sandbox.test.ts',
  ],
  [/^npm ci$/, 'installs the dependencies; the clone under test has them'],
  [
    /\| kubectl apply /,
    'needs a cluster to apply to (the ClusterRole itself: kubectl dry run in its own test)',
  ],
];

const toRun = pages.flatMap((page) =>
  commands(page)
    .map((c) => c.replace(/^npm ci && /, ''))
    .filter((c) => !NOT_RUN.some(([pattern]) => pattern.test(c)))
    .map((c) => ({ page, command: c })),
);

describe('documented commands', () => {
  const clone = cloneLikeDirectory('documented-commands-');
  afterAll(() => clone.dispose());

  it('are either run here or say why not', () => {
    const all = pages.flatMap(commands);
    expect(all.length).toBeGreaterThan(20);
    const run = new Set(toRun.map((c) => c.command));
    expect([...run]).toEqual(
      expect.arrayContaining([
        'npm start',
        'npm run --silent cli -- --help',
        'cp examples/edge-reconciler.config.yaml edge-reconciler.config.yaml',
        'npm run synth -- -c edge-reconciler:config=edge-reconciler.config.yaml',
      ]),
    );
  });

  // In page order, once each: `cp` comes before the synth that reads the copy.
  const seen = new Set<string>();
  for (const { page, command } of toRun) {
    if (seen.has(command)) continue;
    seen.add(command);
    it(`${page}: ${command}`, async () => {
      const out = await bash(command, clone.dir, { ...process.env, FORCE_COLOR: '0' }, 280_000);
      expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
      expect(out.stderr).not.toMatch(/NodeVersionSupportWarning/);
      if (/synth/.test(command)) {
        expect(out.stderr).not.toMatch(/feature flags are not configured/);
        expect(readdirSync(join(clone.dir, 'cdk.out'))).toContain('EdgeReconciler.template.json');
      }
    }, 300_000);
  }
});
