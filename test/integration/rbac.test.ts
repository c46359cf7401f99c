import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Sandbox } from '../../sandbox/sandbox.js';
import { parseScenario, type Scenario } from '../../sandbox/scenario.js';
import { clusterRoleRules } from '../../shared/clusters/rbac.js';
import { type Config, SOURCE_NAMES } from '../../shared/config.js';
import { errorLines } from '../../shared/errors.js';
import { silentLog } from '../../shared/log.js';
import { type ReconcileDeps, reconcile } from '../../shared/reconcile.js';

/**
 * Issue 10 item 7: the generated ClusterRole is held against the reader itself. The sandbox's API servers
 * enforce it as Kubernetes RBAC would (a request no rule allows: 403), a real pass lists through the real
 * HTTPS client, and every list the pass makes must be allowed — while the role grants nothing the pass
 * does not list, and without any one of its rules the cluster fails and its records are frozen.
 */

const ALL_SOURCES: Config['sources'] = [...SOURCE_NAMES];

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/**
 * examples/routes.yaml (Services, Ingresses, an HTTPRoute, a Traefik IngressRoute) with other sources,
 * and examples/nodeport-headless.yaml's objects (NodePort and headless Services, Nodes, an EndpointSlice)
 * in its cluster, so the lists made only when such Services exist are made.
 */
async function routesWorld(config: Record<string, unknown>): Promise<Scenario> {
  const raw = parseYaml(readFileSync('examples/routes.yaml', 'utf8')) as Record<string, unknown>;
  const addressed = parseYaml(readFileSync('examples/nodeport-headless.yaml', 'utf8')) as {
    config: { domainFilters: string[]; managedRecordTypes: string[] };
    clusters: { objects: unknown[] }[];
    route53: { zones: unknown[] };
  };
  const base = raw.config as { domainFilters: string[] };
  const route53 = raw.route53 as { zones: unknown[] };
  return parseScenario(
    {
      ...raw,
      clusters: (raw.clusters as { objects: unknown[] }[]).map((c) => ({
        ...c,
        objects: [...c.objects, ...(addressed.clusters[0]?.objects ?? [])],
      })),
      route53: { ...route53, zones: [...route53.zones, ...addressed.route53.zones] },
      config: {
        ...base,
        domainFilters: [...base.domainFilters, ...addressed.config.domainFilters],
        managedRecordTypes: addressed.config.managedRecordTypes,
        ...config,
      },
    },
    'examples',
  );
}

/** Lists the cluster may refuse without failing (`Dependency.mayBeRefused`): Nodes and EndpointSlices. */
const MAY_BE_REFUSED = ['nodes', 'endpointslices'];

async function passWith(scenario: Scenario, rules: ReturnType<typeof clusterRoleRules>) {
  sandbox = await Sandbox.start();
  await sandbox.load(scenario);
  for (const c of scenario.clusters) sandbox.cluster(c.name).setRbacRules(rules);
  const deps: ReconcileDeps = {
    config: scenario.config,
    aws: sandbox.awsClients(scenario.config.region),
    clock: sandbox.clock.clock,
    log: silentLog,
  };
  const before = sandbox.calls.snapshot();
  const result = await reconcile({ trigger: 'schedule' }, deps);
  const lists = Object.entries(sandbox.apiCalls(before).kubernetes ?? {})
    .filter(([op, n]) => op.startsWith('list ') && n > 0)
    .map(([op]) => op.slice('list '.length));
  return { result, listed: [...new Set(lists)].sort() };
}

const granted = (rules: ReturnType<typeof clusterRoleRules>) =>
  [...new Set(rules.flatMap((r) => r.resources))].sort();

describe('the generated ClusterRole against a real pass', () => {
  it.each([
    ['the default sources', {}],
    ['every source, both Traefik groups', { sources: ALL_SOURCES, traefikEnableLegacy: true }],
    [
      'traefik-proxy on its old group only',
      { sources: ['traefik-proxy'], traefikDisableNew: true, traefikEnableLegacy: true },
    ],
    ['gateway routes only', { sources: ['gateway-httproute', 'gateway-tcproute'] }],
  ])('%s: every list is allowed, and the role grants nothing the pass does not list', async (_, config) => {
    const scenario = await routesWorld(config);
    const rules = clusterRoleRules(scenario.config);
    const { result, listed } = await passWith(scenario, rules);
    expect(result.clusters.map((c) => [c.name, c.status, c.error])).toEqual(
      scenario.clusters.map((c) => [c.name, 'ok', undefined]),
    );
    expect(listed).toEqual(granted(rules));
    for (const rule of rules) expect(rule.verbs).toEqual(['list']);
  });

  it('without any one of its rules the cluster fails with 403 and its records are frozen', async () => {
    const scenario = await routesWorld({ sources: ALL_SOURCES });
    const rules = clusterRoleRules(scenario.config);
    for (const [i, rule] of rules.entries()) {
      for (const resource of rule.resources.filter((r) => !MAY_BE_REFUSED.includes(r))) {
        const narrower = rules.map((r, j) =>
          j === i ? { ...r, resources: r.resources.filter((x) => x !== resource) } : r,
        );
        const { result } = await passWith(scenario, narrower);
        await sandbox?.close();
        sandbox = undefined;
        expect(
          result.clusters.every((c) => c.status === 'failed'),
          resource,
        ).toBe(true);
        expect(result.errors.map((e) => e.code)).toEqual(result.clusters.map(() => 'cluster-failed'));
        expect(errorLines(result.errors).join('\n')).toMatch(
          new RegExp(`cannot list resource "${resource}"`),
        );
        expect(result.changes.filter((c) => c.action === 'DELETE')).toEqual([]);
      }
    }
  });

  it.each(MAY_BE_REFUSED)(
    'without list on %s the cluster is read: the Services that need it are held with a warning, nothing deleted',
    async (resource) => {
      const scenario = await routesWorld({ sources: ALL_SOURCES });
      const rules = clusterRoleRules(scenario.config);
      // A first pass with the full role publishes their records; the narrower one must keep them.
      const first = await passWith(scenario, rules);
      expect(first.result.errors).toEqual([]);
      const published = sandbox!.snapshot().zones.flatMap((z) => z.records.map((r) => `${r.name} ${r.type}`));
      expect(published).toEqual(
        expect.arrayContaining(['db-0.db.nodes.example.org. A', 'play.nodes.example.org. A']),
      );
      const narrower = rules.map((r) => ({ ...r, resources: r.resources.filter((x) => x !== resource) }));
      for (const c of scenario.clusters) sandbox!.cluster(c.name).setRbacRules(narrower);
      const deps: ReconcileDeps = {
        config: scenario.config,
        aws: sandbox!.awsClients(scenario.config.region),
        clock: sandbox!.clock.clock,
        log: silentLog,
      };
      const result = await reconcile({ trigger: 'schedule' }, deps);
      expect(result.clusters.map((c) => c.status)).toEqual(scenario.clusters.map(() => 'ok'));
      expect(result.changes).toEqual([]);
      const held = result.warnings.filter((w) => w.code === 'unreadable-addresses');
      expect(held.length).toBeGreaterThan(0);
      for (const w of held) expect(w.message).toContain(resource);
      expect(sandbox!.snapshot().zones.flatMap((z) => z.records.map((r) => `${r.name} ${r.type}`))).toEqual(
        published,
      );
    },
  );
});
