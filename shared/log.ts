/**
 * The logging surface the domain code needs. Powertools' Logger satisfies it in Lambda; the CLI passes one
 * that writes JSON lines to stderr so `--json` output on stdout stays one document.
 */
export interface Log {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** JSON lines on a stream (stderr by default), at or above a level. */
export function streamLog(
  level: Level = 'info',
  write: (line: string) => void = (l) => process.stderr.write(l),
  base: Record<string, unknown> = {},
): Log {
  const emit = (lvl: Level) => (message: string, attributes?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    write(`${JSON.stringify({ level: lvl.toUpperCase(), message, ...base, ...attributes })}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
