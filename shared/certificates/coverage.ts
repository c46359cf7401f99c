/**
 * Which names a certificate serves, by the rules TLS clients apply (RFC 6125 §6.4.3, as ACM issues them):
 * a name matches itself, and `*.x` matches exactly one more label in front of `x` — `a.x`, never `x` nor
 * `a.b.x`. Pure.
 */

/** Lower case, no trailing dot: the form certificate names are compared in. */
export function normalizeCertificateName(name: string): string {
  let n = name.trim().toLowerCase();
  while (n.endsWith('.')) n = n.slice(0, -1);
  return n;
}

/** Whether a certificate name (`a.x` or `*.x`) serves `host` (`a.x`, or a wildcard host `*.x`). */
export function covers(certificateName: string, host: string): boolean {
  const name = normalizeCertificateName(certificateName);
  const h = normalizeCertificateName(host);
  if (name === h) return true;
  if (!name.startsWith('*.')) return false;
  const dot = h.indexOf('.');
  if (dot <= 0) return false;
  const first = h.slice(0, dot);
  // A wildcard host is its own name: `*.x` is served by `*.x` only, not by a wildcard one level up.
  return first !== '*' && h.slice(dot + 1) === name.slice(2);
}

export function coversAny(certificateNames: readonly string[], host: string): boolean {
  return certificateNames.some((n) => covers(n, host));
}

/** The name whose DNS validation record a certificate name uses: `x` and `*.x` share `x`'s. */
export function validationBase(name: string): string {
  const n = normalizeCertificateName(name);
  return n.startsWith('*.') ? n.slice(2) : n;
}

/** ACM's DomainName pattern (from its API model): optional `*.`, then LDH labels, at most 253 octets. */
const ACM_DOMAIN_NAME = /^(\*\.)?(((?!-)[a-z0-9-]{0,62}[a-z0-9])\.)+((?!-)[a-z0-9-]{1,62}[a-z0-9])$/;

/** Why ACM would refuse the name in a request, or undefined when it can be requested. */
export function unrequestableReason(host: string): string | undefined {
  const h = normalizeCertificateName(host);
  if (h.length > 253) return 'longer than 253 characters';
  if (!ACM_DOMAIN_NAME.test(h))
    return 'not a domain name ACM can issue for (letters, digits, hyphens; `*.` only in front)';
  return undefined;
}

/** ACM puts the request's DomainName in the subject CN, which holds 64 octets at most. */
export const MAX_COMMON_NAME_LENGTH = 64;
