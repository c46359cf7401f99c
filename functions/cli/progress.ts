import type { PassProgress } from '../../shared/progress.js';

/**
 * The pass's progress on one line of a terminal's stderr, rewritten in place ("clusters listed 3/10,
 * zones read 1/4"); nothing when stderr is piped or redirected, so logs and captured output stay clean.
 * `done()` clears the line before the result is printed.
 */
export function terminalProgress(
  stream: { isTTY?: boolean; write(text: string): unknown } = process.stderr,
): (PassProgress & { done(): void }) | undefined {
  if (!stream.isTTY) return undefined;
  let clusters = '';
  let zones = '';
  let shown = false;
  const draw = () => {
    stream.write(`\r\u001b[K${[clusters, zones].filter(Boolean).join(', ')}`);
    shown = true;
  };
  return {
    clusterListed(done, total) {
      clusters = `clusters listed ${done}/${total}`;
      draw();
    },
    zoneRead(done, total) {
      zones = `zones read ${done}/${total}`;
      draw();
    },
    done() {
      if (shown) stream.write('\r\u001b[K');
      clusters = '';
      zones = '';
      shown = false;
    },
  };
}
