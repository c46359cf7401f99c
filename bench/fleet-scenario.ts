/**
 * A generated fleet: `clusters` clusters, each exposing `servicesPerCluster` annotated LoadBalancer
 * Services under one shared zone that already holds `existingRecords` records nobody here owns.
 * Used by the fleet benchmark and by the fleet-scale test.
 */
export interface FleetShape {
  clusters: number;
  servicesPerCluster: number;
  existingRecords: number;
  zone?: string;
}

/** Service `s` of cluster `c`: a LoadBalancer Service publishing `svc-<s>.c<c>.<zone>` at an address of its own. */
export function fleetService(c: number, s: number, zone: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `svc-${s}`,
      namespace: 'apps',
      annotations: { 'external-dns.alpha.kubernetes.io/hostname': `svc-${s}.c${c}.${zone}` },
    },
    spec: { type: 'LoadBalancer' },
    status: {
      loadBalancer: { ingress: [{ ip: `10.${c % 256}.${Math.floor(s / 250)}.${(s % 250) + 1}` }] },
    },
  };
}

export function fleetScenario(shape: FleetShape): Record<string, unknown> {
  const zone = shape.zone ?? 'fleet.example.com';
  const regions = ['eu-central-1', 'us-east-1', 'eu-west-1', 'ap-southeast-2'];
  const clusters = Array.from({ length: shape.clusters }, (_, c) => ({
    name: `cluster-${String(c).padStart(3, '0')}`,
    region: regions[c % regions.length],
    objects: Array.from({ length: shape.servicesPerCluster }, (_, s) => fleetService(c, s, zone)),
  }));
  const records = Array.from({ length: shape.existingRecords }, (_, i) => ({
    name: `static-${i}.${zone}`,
    type: 'A',
    ttl: 300,
    values: [`192.0.2.${(i % 250) + 1}`],
  }));
  return {
    config: { policy: 'sync', domainFilters: [zone] },
    clusters,
    route53: { zones: [{ name: zone, records }] },
  };
}
