import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSimulation } from '../../functions/cli/format.js';
import { simulateFile, simulationDocument } from '../../functions/cli/simulate.js';

/**
 * Refactors must not change behaviour: `simulate` of every example and fixture scenario is compared with
 * the output recorded before. A deliberate change updates the files (`npx vitest run test/golden -u`)
 * and says why in its commit.
 */

const scenarioDirs = ['examples', 'test/fixtures/scenarios'];
const scenarios = scenarioDirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'edge-reconciler.config.yaml')
    .sort()
    .map((f) => join(dir, f)),
);

/** What differs between two runs of the same scenario: ids, wall-clock times, the sandbox's ports. */
function stable(text: string): string {
  const ids = new Map<string, string>();
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
      if (!ids.has(id)) ids.set(id, `<uuid-${ids.size + 1}>`);
      return ids.get(id) as string;
    })
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
}

describe('simulate output is what it was (golden files)', () => {
  it('finds the scenarios', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of scenarios) {
    it(file, async () => {
      const outcome = await simulateFile(file, { rounds: 2, advance: '10m', logLevel: 'error' });
      const name = `${file.startsWith('examples') ? 'example' : 'fixture'}-${basename(file, '.yaml')}`;
      await expect(stable(`${JSON.stringify(simulationDocument(outcome), null, 2)}\n`)).toMatchFileSnapshot(
        `./files/${name}.json`,
      );
      await expect(stable(formatSimulation(outcome, { title: file }))).toMatchFileSnapshot(
        `./files/${name}.txt`,
      );
    }, 60_000);
  }
});
