import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * How much of a fleet benchmark is the sandbox (issue 14: "the sandbox is not what the bench measures").
 * Runs the fleet pass benchmark (bench/run.ts, the sandbox in the same process) under `node --cpu-prof`
 * and counts the profile's samples: self — the sample's own function is in sandbox/aws/; inclusive — a
 * sandbox/aws/ function is anywhere on its stack (the sandbox's share including what it calls).
 *
 *   npx tsx bench/sandbox-share.ts [--clusters 300 --services 10 --existing 3000]
 */
export interface SandboxShare {
  command: string;
  samples: number;
  selfPercent: number;
  inclusivePercent: number;
}

interface ProfileNode {
  id: number;
  callFrame: { url: string };
  children?: number[];
}

export function sandboxShare(args: string[]): SandboxShare {
  const root = resolve(import.meta.dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), 'edge-reconciler-prof-'));
  try {
    const argv = ['--cpu-prof', '--cpu-prof-dir', dir, '--import', 'tsx', 'bench/run.ts', ...args];
    const run = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`bench/run.ts failed: ${run.stderr.slice(-2000)}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no CPU profile written');
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      nodes: ProfileNode[];
      samples: number[];
    };
    const inSandbox = (n: ProfileNode) => /\/sandbox\/aws\//.test(n.callFrame.url);
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const underSandbox = new Map<number, boolean>();
    const inclusive = (id: number): boolean => {
      const known = underSandbox.get(id);
      if (known !== undefined) return known;
      const node = byId.get(id);
      const up = parent.get(id);
      const answer = (node !== undefined && inSandbox(node)) || (up !== undefined && inclusive(up));
      underSandbox.set(id, answer);
      return answer;
    };
    let self = 0;
    let incl = 0;
    for (const id of profile.samples) {
      const node = byId.get(id);
      if (node && inSandbox(node)) self++;
      if (inclusive(id)) incl++;
    }
    const pct = (k: number) => Math.round((k / profile.samples.length) * 1000) / 10;
    return {
      command: `node ${argv.join(' ').replace(dir, '<dir>')}`,
      samples: profile.samples.length,
      selfPercent: pct(self),
      inclusivePercent: pct(incl),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const shape = args.length > 0 ? args : ['--clusters', '300', '--services', '10', '--existing', '3000'];
  console.log(JSON.stringify(sandboxShare(shape), null, 2));
}
