import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditFilterPattern } from '../../../infra/audit-filter.js';
import { resourceByPath, SERVED_RESOURCES } from '../../../sandbox/kubernetes/discovery.js';
import { sourceTable } from '../../../scripts/source-table.js';
import type { AuditEvent } from '../../../shared/audit/decode.js';
import { classify } from '../../../shared/audit/filter.js';
import { clusterRoleRules } from '../../../shared/clusters/rbac.js';
import { type Config, parseConfig, SOURCE_NAMES } from '../../../shared/config.js';
import { listedVersions, qualifiedName } from '../../../shared/sources/api-resources.js';
import { type SourceDefinition, WRITE_VERBS } from '../../../shared/sources/definition.js';
import { SOURCES } from '../../../shared/sources/definitions/index.js';
import {
  dependenciesOf,
  resourcesListedBy,
  SOURCE_DEFINITIONS,
  watchedResources,
} from '../../../shared/sources/reads.js';

/**
 * What a source reads is defined once (shared/sources/definitions/); the list calls, the ClusterRole,
 * both audit filters and the README table are derived from it. These checks hold every derived
 * artefact to every definition, so a definition that lists what RBAC or the audit filters miss, or an
 * artefact that stops deriving from the definitions, fails here.
 */

/** Every way the artefacts disagree with one source's definition under one config; none is good. */
function disagreements(source: SourceDefinition, config: Config): string[] {
  const problems: string[] = [];
  const listed = [
    ...resourcesListedBy(source, config),
    ...dependenciesOf(source, config).map((d) => d.resource),
  ];
  const audited = watchedResources([source], config);
  // A dependency whose writes are said to start no pass (Nodes, EndpointSlices: constant churn) is
  // listed without an audit interest, on purpose and with the reason in its definition.
  const unaudited = dependenciesOf(source, config)
    .filter((d) => d.notAudited !== undefined)
    .map((d) => d.resource)
    .filter(
      (r) =>
        !resourcesListedBy(source, config).some((own) => own.plural === r.plural && own.group === r.group),
    );
  const rules = clusterRoleRules({ ...config, sources: [source.name] });
  const pattern = auditFilterPattern([source.name], config);
  const patternResources = [...pattern.matchAll(/\$\.objectRef\.resource = "([^"]+)"/g)].map((m) => m[1]);
  const patternVerbs = [...pattern.matchAll(/\$\.verb = "([^"]+)"/g)].map((m) => m[1]);
  for (const r of listed) {
    const granted = rules.some(
      (rule) =>
        rule.apiGroups.includes(r.group) && rule.resources.includes(r.plural) && rule.verbs.includes('list'),
    );
    if (!granted) problems.push(`${source.name}: the ClusterRole does not let it list ${qualifiedName(r)}`);
    const exempt = unaudited.some((u) => u.plural === r.plural && u.group === r.group);
    if (!exempt && !audited.some((a) => a.resource === r.plural && a.group === r.group)) {
      problems.push(`${source.name}: lists ${qualifiedName(r)} but no audit event for it starts a pass`);
    }
  }
  for (const rule of rules) {
    for (const plural of rule.resources) {
      const group = rule.apiGroups[0] ?? '';
      if (!listed.some((r) => r.plural === plural && r.group === group)) {
        problems.push(
          `${source.name}: the ClusterRole grants ${plural} in "${group}", which it does not list`,
        );
      }
    }
  }
  for (const r of audited) {
    if (!patternResources.includes(r.resource)) {
      problems.push(`${source.name}: the CloudWatch Logs pattern misses ${r.resource}`);
    }
    for (const verb of r.verbs) {
      if (!patternVerbs.includes(verb)) {
        problems.push(`${source.name}: the CloudWatch Logs pattern misses ${verb}`);
      }
      const c = classify(auditEvent(r.resource, r.group, verb));
      if (!c.relevant || c.write.kind !== r.kind) {
        problems.push(
          `${source.name}: the audit function ignores a ${verb} of ${r.resource} in "${r.group}"`,
        );
      }
    }
  }
  for (const plural of patternResources) {
    if (!audited.some((r) => r.resource === plural)) {
      problems.push(
        `${source.name}: the CloudWatch Logs pattern passes ${plural}, which does not concern it`,
      );
    }
  }
  if (!sourceTable().includes(`| \`${source.name}\` |`))
    problems.push(`${source.name}: no row in the README table`);
  return problems;
}

function auditEvent(resource: string, group: string, verb: string): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: '00000000-0000-0000-0000-000000000000',
    stage: 'ResponseComplete',
    requestURI: `/apis/${group}/v1/namespaces/web/${resource}/front`,
    verb,
    user: { username: 'someone' },
    objectRef: {
      resource,
      namespace: 'web',
      name: 'front',
      ...(group ? { apiGroup: group } : {}),
      apiVersion: 'v1',
    },
    responseStatus: { code: 200 },
  } as AuditEvent;
}

/** One config per source, and the same with every optional API group it may read switched on. */
function configsOf(source: SourceDefinition): Config[] {
  return [
    parseConfig({ sources: [source.name] }),
    parseConfig({ sources: [source.name], traefikEnableLegacy: true }),
  ];
}

describe('source definitions', () => {
  it('one per source name, under its own name', () => {
    expect(Object.keys(SOURCES)).toEqual([...SOURCE_NAMES]);
    for (const [name, definition] of Object.entries(SOURCES)) expect(definition.name).toBe(name);
  });

  it.each(SOURCE_DEFINITIONS.map((s) => [s.name, s] as const))(
    '%s: the ClusterRole, both audit filters and the README table agree with it',
    (_, source) => {
      for (const config of configsOf(source)) expect(disagreements(source, config)).toEqual([]);
    },
  );

  it('every resource a definition may list, the sandbox serves at each version listed', () => {
    const all = SOURCE_DEFINITIONS.flatMap((s) => [...s.resources, ...s.dependencies.map((d) => d.resource)]);
    for (const r of all) {
      for (const version of listedVersions(r)) {
        const served = resourceByPath(r.group, version, r.plural);
        expect(served, `${qualifiedName(r)}/${version}`).toBeDefined();
        expect(served?.kind).toBe(r.kind);
      }
    }
    expect(SERVED_RESOURCES.length).toBeGreaterThan(0);
  });

  it('audits every write verb of every kind it reads', () => {
    for (const s of SOURCE_DEFINITIONS) expect(s.audit.verbs).toEqual(WRITE_VERBS);
  });

  it('fails on a definition the artefacts disagree with', () => {
    const service = SOURCES.service;
    // Lists Pods too, but says no audit event concerns them: nothing else derives from `resources`
    // here, so the ClusterRole grants them and the audit check must catch the gap.
    const pods = { plural: 'pods', group: '', version: 'v1', kind: 'Pod', namespaced: true };
    const broken: SourceDefinition = { ...service, listedWith: () => [...service.resources, pods] };
    expect(disagreements(broken, parseConfig({ sources: ['service'] }))).toEqual([
      'service: the ClusterRole does not let it list pods',
      'service: lists pods but no audit event for it starts a pass',
    ]);
    // Says Pod writes concern it, which neither audit filter (both derived from the real one) passes.
    const overheard: SourceDefinition = {
      ...service,
      audit: { resources: [...service.resources, pods], verbs: WRITE_VERBS },
    };
    const problems = disagreements(overheard, parseConfig({ sources: ['service'] }));
    expect(problems).toContain('service: the CloudWatch Logs pattern misses pods');
    expect(problems).toContain('service: the audit function ignores a patch of pods in ""');
  });

  it('the README shows the generated table', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(sourceTable());
  });
});
