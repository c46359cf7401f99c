const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A config duration (`90s`, `10m`, `1h`, `2d`) in milliseconds. The schema already checked the form, so a
 * value that gets here malformed is a programming error, named in the message.
 */
export function durationMs(value: string, field: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(value);
  if (!m) throw new Error(`certificates.${field}: '${value}' is not a duration such as 1h`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}
