/**
 * DNS names the way Route 53 stores and returns them: lower case, fully qualified with the trailing
 * dot, and on the wire every character other than a-z, 0-9, '-', '_' and '.' as a three-digit octal
 * escape (`*` → `\052`). Inside the sandbox names are kept unescaped.
 */

/** Decodes `\ooo` octal escapes, lower-cases and adds the trailing dot. */
export function normalizeName(name: string): string {
  const decoded = name.replace(/\\([0-7]{3})/g, (_, oct: string) =>
    String.fromCharCode(Number.parseInt(oct, 8)),
  );
  const lower = decoded.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** The wire form of a stored name. */
export function escapeName(name: string): string {
  return name.replace(/[^a-z0-9\-_.]/g, (ch) => `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/**
 * ListResourceRecordSets' sort key: the labels reversed, trailing dot kept (`www.example.com.` →
 * `com.example.www.`), compared in ASCII order, so `*` (before `.`) sorts as the API documents.
 */
export function reversedLabels(name: string): string {
  const labels = name.replace(/\.$/, '').split('.');
  return `${labels.reverse().join('.')}.`;
}

export function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether `name` is the zone apex or below it (both normalized). */
export function isWithinZone(name: string, zoneName: string): boolean {
  return name === zoneName || name.endsWith(`.${zoneName}`);
}

/** A DNS label holds at most 63 characters (RFC 1035 2.3.4): the sandbox's one place for the rule. */
export const MAX_LABEL = 63;

/** The first label of `name` longer than `MAX_LABEL`, if any (a trailing dot ignored). */
export function longLabel(name: string): string | undefined {
  return name
    .replace(/\.$/, '')
    .split('.')
    .find((l) => l.length > MAX_LABEL);
}

/** A label check strict enough to catch malformed names without rejecting what Route 53 accepts. */
export function nameProblem(name: string, opts = { labelLength: true }): string | undefined {
  if (name === '.') return 'the root name is not allowed';
  if (name.length > 255) return 'longer than 255 characters';
  const labels = name.replace(/\.$/, '').split('.');
  if (labels.some((l) => l.length === 0)) return 'contains an empty label';
  if (opts.labelLength && longLabel(name) !== undefined)
    return `has a label longer than ${MAX_LABEL} characters`;
  return undefined;
}
