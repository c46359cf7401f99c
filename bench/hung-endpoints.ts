import { performance } from 'node:perf_hooks';
import { SANDBOX_IDENTITIES } from '../sandbox/credentials.js';
import type { FaultRule } from '../sandbox/faults.js';
import { Sandbox } from '../sandbox/sandbox.js';
import { parseScenario } from '../sandbox/scenario.js';
import { AwsClients } from '../shared/aws-clients.js';
import { silentLog } from '../shared/log.js';
import { reconcile } from '../shared/reconcile.js';

/**
 * What a hung endpoint costs a pass with the DEFAULT timeouts and the production clients' retry
 * settings (AwsClients as the Lambda builds them, pointed at the sandbox): wall time of one scheduled
 * pass over three clusters, healthy, with one cluster's API server hung, with one DescribeCluster hung,
 * and with ListHostedZones hung. The other clusters' outcome is printed too: they must stay ok.
 *
 *   npx tsx bench/hung-endpoints.ts
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const service = (name: string, hostname: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name,
    namespace: 'web',
    annotations: { 'external-dns.alpha.kubernetes.io/hostname': hostname },
  },
  spec: { type: 'LoadBalancer' },
  status: { loadBalancer: { ingress: [{ ip }] } },
});

const cases: { name: string; hang?: 'api-server'; faults: FaultRule[] }[] = [
  { name: 'healthy', faults: [] },
  { name: 'one cluster’s API server hung', hang: 'api-server', faults: [] },
  {
    name: 'one DescribeCluster hung',
    faults: [{ service: 'eks', operation: 'DescribeCluster', cluster: 'c1', fault: 'hang' }],
  },
  {
    name: 'ListHostedZones hung',
    faults: [{ service: 'route53', operation: 'ListHostedZones', fault: 'hang' }],
  },
];

console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.log('| case | pass wall ms | clusters ok / failed | errors |');
console.log('| --- | --- | --- | --- |');
for (const c of cases) {
  const scenario = await parseScenario(
    {
      config: { domainFilters: ['example.com'] },
      route53: { zones: [{ name: 'example.com' }] },
      clusters: ['c0', 'c1', 'c2'].map((name, i) => ({
        name,
        region: 'eu-central-1',
        ...(c.hang && name === 'c1' ? { unreachable: 'hang' } : {}),
        objects: [service('web', `web.${name}.example.com`, `192.0.2.${10 + i}`)],
      })),
    },
    process.cwd(),
  );
  const sandbox = await Sandbox.start({ faults: c.faults });
  const id = SANDBOX_IDENTITIES[0]!;
  const aws = new AwsClients({
    region: 'us-east-1',
    endpoint: sandbox.url,
    credentials: { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey },
    timeouts: scenario.config.timeouts,
  });
  try {
    await sandbox.load(scenario);
    const started = performance.now();
    const result = await reconcile(
      { trigger: 'schedule' },
      { config: scenario.config, aws, clock: sandbox.clock.clock, log: silentLog },
    );
    const wall = Math.round(performance.now() - started);
    const ok = result.clusters.filter((x) => x.status === 'ok').length;
    const failed = result.clusters.length - ok;
    console.log(
      `| ${c.name} | ${wall} | ${ok} / ${failed} | ${result.errors.join('; ').slice(0, 160) || '—'} |`,
    );
  } finally {
    aws.destroy();
    await sandbox.close();
  }
}
