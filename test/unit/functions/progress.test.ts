import { describe, expect, it } from 'vitest';
import { terminalProgress } from '../../../functions/cli/progress.js';
import { simulateFile } from '../../../functions/cli/simulate.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('progress on the terminal', () => {
  it('rewrites one stderr line with clusters listed and zones read, and clears it when done', () => {
    const s = stream(true);
    const progress = terminalProgress(s);
    progress?.clusterListed(1, 2);
    progress?.clusterListed(2, 2);
    progress?.zoneRead(1, 3);
    progress?.done();
    expect(s.written).toEqual([
      '\r\u001b[Kclusters listed 1/2',
      '\r\u001b[Kclusters listed 2/2',
      '\r\u001b[Kclusters listed 2/2, zones read 1/3',
      '\r\u001b[K',
    ]);
  });

  it('writes nothing when stderr is piped', () => {
    expect(terminalProgress(stream(false))).toBeUndefined();
  });
});

describe('a pass reports its progress', () => {
  it('counts each cluster listed and each zone read, out of those of the pass', async () => {
    const clusters: string[] = [];
    const zones: string[] = [];
    await simulateFile('examples/certificates.yaml', {
      rounds: 1,
      logLevel: 'error',
      progress: {
        clusterListed: (n, total) => clusters.push(`${n}/${total}`),
        zoneRead: (n, total) => zones.push(`${n}/${total}`),
      },
    });
    expect(clusters).toEqual(['1/1']);
    expect(zones).toEqual(['1/2', '2/2']);
  });
});
