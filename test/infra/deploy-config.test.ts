import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deployConfigFrom, loadDeployConfig } from '../../infra/deploy-config.js';
import { ConfigError } from '../../shared/config.js';

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
