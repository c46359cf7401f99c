import type { LoadBalancerIngress } from './objects.js';
import type { NamedHost } from './output.js';

/**
 * Reading listed objects without trusting their shape: a hand-written manifest or an odd controller
 * can put anything anywhere, and one odd object must not stop the pass.
 */

/** `status.loadBalancer.ingress[]`: every `ip` and every `hostname` (a controller may set both). */
export function statusTargets(status: unknown): NamedHost[] {
  const lb = isRecord(status) && isRecord(status.loadBalancer) ? status.loadBalancer : undefined;
  const ingress = lb && Array.isArray(lb.ingress) ? (lb.ingress as unknown[]) : [];
  const out: NamedHost[] = [];
  for (const [i, entry] of ingress.entries()) {
    if (!isRecord(entry)) continue;
    const { ip, hostname } = entry as LoadBalancerIngress;
    if (typeof ip === 'string' && ip !== '')
      out.push({ raw: ip, field: `status.loadBalancer.ingress[${i}].ip` });
    if (typeof hostname === 'string' && hostname !== '') {
      out.push({ raw: hostname, field: `status.loadBalancer.ingress[${i}].hostname` });
    }
  }
  return out;
}

export function stringList(value: unknown, field: string): NamedHost[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v, i) =>
    typeof v === 'string' && v !== '' ? [{ raw: v, field: `${field}[${i}]` }] : [],
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
