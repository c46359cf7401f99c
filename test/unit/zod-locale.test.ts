import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The functions validate with zod/mini (shared/zod.ts), which loads no messages of its own; here nothing
 * else loads zod's classic API (which would load English for everyone, as it does in this test process),
 * so the messages are the ones the Lambda gives.
 */
describe('zod/mini in the functions', () => {
  it("says what is wrong in zod's English, naming the field, with nothing else loaded", () => {
    const script = [
      "const { parseConfig } = await import('./shared/config.ts');",
      'try { parseConfig({ clusterConcurrency: 0, dryRun: "yes", bogus: 1 }); } catch (e) { console.log(e.message); }',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '../..'),
      encoding: 'utf8',
    });
    expect(out.trim()).toBe(
      'config.dryRun: Invalid input: expected boolean, received string; ' +
        'config.clusterConcurrency: Too small: expected number to be >=1; config.bogus: unknown field',
    );
  });
});
