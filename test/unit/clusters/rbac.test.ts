import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { rbacConfig } from '../../../functions/cli/rbac.js';
import {
  clusterRoleRules,
  KUBERNETES_GROUP,
  rbacManifests,
  rbacYaml,
} from '../../../shared/clusters/rbac.js';
import { parseConfig } from '../../../shared/config.js';

/**
 * The ClusterRole is generated from the source definitions (shared/sources/definitions/);
 * test/integration/rbac.test.ts holds it against a real pass. Here: its shape, the docs and the CLI.
 */

const EXAMPLE = 'examples/edge-reconciler.config.yaml';

describe('clusterRoleRules', () => {
  it('lists only what the default sources read, with list only', () => {
    expect(clusterRoleRules(parseConfig({}))).toEqual([
      // Nodes and EndpointSlices: the service source's NodePort and headless Services.
      { apiGroups: [''], resources: ['nodes', 'services'], verbs: ['list'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['list'] },
    ]);
  });

  it('adds Gateways for a route source, and Traefik kinds only in the groups the config reads', () => {
    expect(clusterRoleRules(parseConfig({ sources: ['gateway-grpcroute', 'traefik-proxy'] }))).toEqual([
      { apiGroups: ['gateway.networking.k8s.io'], resources: ['gateways', 'grpcroutes'], verbs: ['list'] },
      {
        apiGroups: ['traefik.io'],
        resources: ['ingressroutes', 'ingressroutetcps', 'ingressrouteudps'],
        verbs: ['list'],
      },
    ]);
    const legacyOnly = parseConfig({
      sources: ['traefik-proxy'],
      traefikDisableNew: true,
      traefikEnableLegacy: true,
    });
    expect(clusterRoleRules(legacyOnly).map((r) => r.apiGroups)).toEqual([['traefik.containo.us']]);
    // Traefik's own Service, only when the config names it.
    const fronted = parseConfig({ sources: ['traefik-proxy'], traefikService: 'traefik/traefik' });
    expect(clusterRoleRules(fronted)[0]).toEqual({
      apiGroups: [''],
      resources: ['services'],
      verbs: ['list'],
    });
  });

  it('binds the role to the group the access entries use', () => {
    const [role, binding] = rbacManifests(parseConfig({}));
    expect(role).toMatchObject({ kind: 'ClusterRole', metadata: { name: KUBERNETES_GROUP } });
    expect(binding).toMatchObject({
      kind: 'ClusterRoleBinding',
      roleRef: { kind: 'ClusterRole', name: KUBERNETES_GROUP },
      subjects: [{ kind: 'Group', name: KUBERNETES_GROUP }],
    });
  });

  it('prints both as YAML documents that read back to the same objects', () => {
    const config = parseConfig({ sources: ['service', 'gateway-httproute'] });
    const documents = parseAllDocuments(rbacYaml(config)).map((d) => d.toJS());
    expect(documents).toEqual(rbacManifests(config));
  });
});

describe('the docs and the CLI give the generated YAML', () => {
  it('docs/deploy.md shows the ClusterRole generated for the example deploy file', () => {
    const docs = readFileSync('docs/deploy.md', 'utf8');
    const marker = docs.indexOf(`<!-- rbac: ${EXAMPLE}`);
    expect(marker, 'the rbac marker in docs/deploy.md').toBeGreaterThan(0);
    const block = /```yaml\n([\s\S]*?)\n\s*```/.exec(docs.slice(marker));
    const shown = (block?.[1] ?? '')
      .split('\n')
      .map((l) => l.replace(/^ {3}/, ''))
      .join('\n');
    expect(`${shown}\n`).toBe(rbacYaml(rbacConfig(EXAMPLE)));
  });

  it('`cli rbac --config <deploy file>` prints it', async () => {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'functions/cli.ts', 'rbac', '--config', EXAMPLE],
      {
        encoding: 'utf8',
      },
    );
    expect(stdout).toBe(rbacYaml(rbacConfig(EXAMPLE)));
  }, 60_000);
});
