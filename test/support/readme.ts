import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository's documents as a user reads them: the shell blocks under a heading, run as written. */

export const repoRoot = resolve(import.meta.dirname, '../..');

/** The lines of the first ```sh block after `heading` in a markdown file of the repository. */
export function shellBlock(file: string, heading: string): string[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`${file}: no heading "${heading}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(at));
  if (!block) throw new Error(`${file}: no sh block under "${heading}"`);
  return (block[1] as string).split('\n').filter((l) => l.trim() !== '');
}

/**
 * A stand-in for a fresh clone: a temporary copy of the repository's files (node_modules linked, as if
 * `npm ci` had run), so commands that write into the working directory (`.sandbox/`, a copied config,
 * `cdk.out/`) write there and not into the repository.
 */
export function cloneLikeDirectory(prefix: string): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const entry of readdirSync(repoRoot)) {
    if (['.git', '.sandbox', 'cdk.out', 'coverage', 'edge-reconciler.config.yaml'].includes(entry)) continue;
    if (entry === 'node_modules') symlinkSync(join(repoRoot, entry), join(dir, entry));
    else cpSync(join(repoRoot, entry), join(dir, entry), { recursive: true });
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` with bash in `cwd`; resolves when it exits (or is killed after `timeoutMs`). */
export function bash(script: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 120_000) {
  return new Promise<ShellResult>((done) => {
    const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
