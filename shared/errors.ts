/**
 * One line for an error in a log, a warning or a pass's `errors`: the error's name when it says more than
 * `Error` (an AWS SDK exception's name is its error code), then its message — every message when the
 * service sent several (Route 53's `InvalidChangeBatch` lists one per refused change).
 */
export function errorMessage(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const e = err as { name?: unknown; message?: unknown; messages?: unknown };
  const detail =
    Array.isArray(e.messages) && e.messages.length > 0
      ? e.messages.join('; ')
      : typeof e.message === 'string'
        ? e.message
        : String(err);
  return typeof e.name === 'string' && e.name !== '' && e.name !== 'Error' ? `${e.name}: ${detail}` : detail;
}
