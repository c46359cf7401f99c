import { performance } from 'node:perf_hooks';
import { simulate } from '../functions/cli/simulate.js';
import { parseScenario } from '../sandbox/scenario.js';
import { fleetService } from './fleet-scenario.js';

/**
 * What NodePort and headless Services cost a pass in Kubernetes list calls (issue 13): the `service`
 * source lists Nodes and EndpointSlices only in a cluster where an annotated NodePort or headless Service
 * exists, and EndpointSlices only of those Services (label selector `kubernetes.io/service-name in (...)`).
 *
 * Fleet: `clusters` clusters, each with `lbServices` annotated LoadBalancer Services, each Service with an
 * EndpointSlice as in a real cluster (so the slices the selector leaves out are there to be left out),
 * `nodes` Nodes, and `addressed` NodePort plus `addressed` headless Services (3 pods each) or none. Two
 * scheduled passes through `simulate` against the sandbox; pass 2 (steady) is what every scheduled pass
 * costs. The reconciler lists 500 objects a page, so 600 Nodes take 2 list calls.
 *
 *   npx tsx bench/service-addresses.ts
 */

interface Shape {
  clusters: number;
  lbServices: number;
  nodes: number;
  addressed: number;
}

const ZONE = 'fleet.example.com';

function slice(
  service: string,
  namespace: string,
  ips: string[],
  hostnames = false,
): Record<string, unknown> {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-x1`, namespace, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: ips.map((ip, i) => ({
      addresses: [ip],
      conditions: { ready: true },
      ...(hostnames ? { hostname: `${service}-${i}` } : {}),
      nodeName: `node-${i}`,
      targetRef: { kind: 'Pod', namespace, name: `${service}-${i}` },
    })),
  };
}

function scenario(shape: Shape): Record<string, unknown> {
  const clusters = Array.from({ length: shape.clusters }, (_, c) => {
    const objects: Record<string, unknown>[] = [];
    for (let s = 0; s < shape.lbServices; s++) {
      objects.push(fleetService(c, s, ZONE), slice(`svc-${s}`, 'apps', [`10.200.${s % 250}.1`]));
    }
    for (let n = 0; n < shape.nodes; n++) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: `node-${n}` },
        status: {
          addresses: [
            { type: 'InternalIP', address: `10.0.${Math.floor(n / 250)}.${(n % 250) + 1}` },
            { type: 'ExternalIP', address: `198.51.${Math.floor(n / 250)}.${(n % 250) + 1}` },
          ],
        },
      });
    }
    for (let a = 0; a < shape.addressed; a++) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: `np-${a}`,
          namespace: 'apps',
          annotations: { 'external-dns.alpha.kubernetes.io/hostname': `np-${a}.c${c}.${ZONE}` },
        },
        spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30000 + a, protocol: 'TCP' }] },
      });
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: `hl-${a}`,
          namespace: 'apps',
          annotations: { 'external-dns.alpha.kubernetes.io/hostname': `hl-${a}.c${c}.${ZONE}` },
        },
        spec: { clusterIP: 'None' },
      });
      objects.push(slice(`hl-${a}`, 'apps', ['10.100.0.1', '10.100.0.2', '10.100.0.3'], true));
    }
    return { name: `cluster-${String(c).padStart(3, '0')}`, region: 'eu-central-1', objects };
  });
  return {
    config: { policy: 'sync', domainFilters: [ZONE], sources: ['service'] },
    clusters,
    route53: { zones: [{ name: ZONE }] },
  };
}

export interface AddressRow extends Shape {
  /** Kubernetes list calls of the steady pass, by operation. */
  steadyLists: Record<string, number>;
  /** Per cluster. */
  listsPerCluster: number;
  steadyPassMs: number;
}

export async function measureAddresses(shape: Shape): Promise<AddressRow> {
  const parsed = await parseScenario(scenario(shape), process.cwd());
  const outcome = await simulate(parsed, { rounds: 2, logLevel: 'error' });
  const [, pass2] = outcome.passes;
  if (!pass2) throw new Error('simulate ran fewer than two passes');
  // The pass's own wall time is not in the outcome: time a third pass alone.
  const started = performance.now();
  await simulate(parsed, { rounds: 1, logLevel: 'error' });
  const steadyPassMs = Math.round(performance.now() - started);
  const steadyLists = Object.fromEntries(
    Object.entries(pass2.apiCalls.kubernetes ?? {}).filter(([op]) => op.startsWith('list ')),
  );
  const total = Object.values(steadyLists).reduce((a, b) => a + b, 0);
  return { ...shape, steadyLists, listsPerCluster: total / shape.clusters, steadyPassMs };
}

export const ADDRESS_SHAPES: Shape[] = [
  { clusters: 10, lbServices: 20, nodes: 50, addressed: 0 },
  { clusters: 10, lbServices: 20, nodes: 50, addressed: 2 },
  { clusters: 10, lbServices: 20, nodes: 600, addressed: 2 },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  console.log(`node ${process.version}, ${new Date().toISOString()}; steady pass = pass 2`);
  console.log(
    '| clusters | LB Services (+ their EndpointSlices) | Nodes | NodePort + headless Services | Kubernetes list calls per steady pass | per cluster | a pass, wall ms (1 round incl. sandbox start) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const shape of ADDRESS_SHAPES) {
    const r = await measureAddresses(shape);
    const calls = Object.entries(r.steadyLists)
      .map(([op, n]) => `${op.slice('list '.length)} ${n}`)
      .join(', ');
    console.log(
      `| ${r.clusters} | ${r.lbServices} | ${r.nodes} | ${r.addressed} + ${r.addressed} | ${calls} | ${r.listsPerCluster} | ${r.steadyPassMs} |`,
    );
  }
}
