import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { deployConfigFrom, loadDeployConfig } from '../../infra/deploy-config.js';
import { ConfigError, parseConfig } from '../../shared/config.js';
import { UNCARRIABLE } from '../support/uncarriable-config.js';
import { synthesize } from './synth.js';

const minimal = { domainFilters: ['example.com'], zoneIdFilters: ['Z1'] };

describe('deployConfigFrom', () => {
  it('splits the reconciler config from the deploy section, applying defaults to both', () => {
    const { config, raw, deploy } = deployConfigFrom({ ...minimal, deploy: { scheduleMinutes: 15 } });
    expect(raw).toEqual(minimal);
    expect(config.policy).toBe('sync');
    expect(deploy).toMatchObject({
      stackName: 'EdgeReconciler',
      scheduleMinutes: 15,
      heartbeatPeriods: 3,
      logRetentionDays: 30,
      serializePasses: true,
    });
  });

  it.each([
    [{ domainFilters: ['example.com'] }, 'f.zoneIdFilters: list the hosted zone ids'],
    [{ zoneIdFilters: ['Z1'] }, 'f.domainFilters: list the domains'],
    [{ ...minimal, deploy: { logRetentionDays: 10 } }, 'f.deploy.logRetentionDays: one of 1, 3, 5'],
    [{ ...minimal, deploy: { schedule: 'rate(5 minutes)' } }, 'f.deploy.schedule: unknown field'],
    [
      { ...minimal, deploy: { scheduleMinutes: 60, heartbeatPeriods: 48 } },
      'f.deploy.heartbeatPeriods: scheduleMinutes',
    ],
    [{ ...minimal, deploy: { alarmEmails: ['not-an-address'] } }, 'f.deploy.alarmEmails[0]'],
    [{ ...minimal, deploy: { vpc: { vpcId: 'vpc-1a', subnetIds: [] } } }, 'f.deploy.vpc.subnetIds'],
    [
      { ...minimal, deploy: { clusters: { ghost: { auditLogs: false } } } },
      'f.deploy.clusters.ghost: no cluster',
    ],
    [{ ...minimal, policy: 'delete-everything' }, 'f.policy'],
    [{ ...minimal, deploy: { kubernetesAccess: 'admin' } }, 'f.deploy.kubernetesAccess'],
    [
      { ...minimal, regexDomainFilter: '^(shop|pay)\\.example\\.org$' },
      'f.regexDomainFilter: selects names under example.org, outside domainFilters',
    ],
    [{ ...minimal, regexDomainFilter: 'shop' }, 'f.regexDomainFilter: the IAM record-name condition cannot'],
    [
      { ...minimal, regexDomainExclusion: '^internal\\.' },
      'f.regexDomainExclusion: without regexDomainFilter',
    ],
    [['a list'], 'f: expected a mapping'],
  ])('rejects %j naming the field', (document, message) => {
    expect(() => deployConfigFrom(document, 'f')).toThrow(ConfigError);
    expect(() => deployConfigFrom(document, 'f')).toThrow(message);
  });

  it('loads the shipped example', () => {
    const example = fileURLToPath(new URL('../../examples/edge-reconciler.config.yaml', import.meta.url));
    const { config, deploy } = loadDeployConfig(example);
    expect(config.clusters.map((c) => c.name)).toEqual(['prod-eu', 'prod-us']);
    expect(deploy.clusters['prod-eu']).toEqual({ auditLogs: true, accessEntry: true });
  });

  it('names the file when it is not YAML', () => {
    expect(() => loadDeployConfig('/nonexistent/deploy.yaml')).toThrow('/nonexistent/deploy.yaml:');
  });
});

describe("the CDK app refuses config the registry or IAM cannot carry, with the loader's message", () => {
  const message = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };

  it.each(UNCARRIABLE)('%s', (_title, input) => {
    const document = { ...minimal, ...input };
    const loaded = message(() => parseConfig(document, 'f'));
    expect(loaded).not.toBe('accepted');
    expect(message(() => deployConfigFrom(document, 'f'))).toBe(loaded);
  });

  it('cdk synth stops on the same message, naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-deploy-'));
    try {
      const file = join(dir, 'deploy.yaml');
      const document = { ...minimal, clusters: [{ name: 'dev', region: 'eu-west-1', ownerId: 'dev,prod' }] };
      writeFileSync(file, stringify(document));
      const expected = message(() => parseConfig(document, file));
      expect(expected).toContain(`${file}.clusters[0].ownerId:`);
      expect(() => synthesize({ configFile: file, bundle: false })).toThrow(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
