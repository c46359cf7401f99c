import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** `simulate` as a user runs it: a child process, its stdout, stderr and exit code (docs/scenarios.md). */

const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'functions/cli.ts', ...args], {
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

async function scenarioFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edge-scenario-'));
  const file = join(dir, 'scenario.yaml');
  await writeFile(file, text);
  return file;
}

describe('simulate', () => {
  it('prints exactly one JSON document with passes, zones, certificates, events and apiCalls', async () => {
    const { code, stdout } = await cli(
      'simulate',
      'examples/kargo.yaml',
      '--json',
      '--rounds',
      '2',
      '--advance',
      '10m',
    );
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(Object.keys(out).sort()).toEqual(['apiCalls', 'certificates', 'events', 'passes', 'zones']);
    expect(out.passes).toHaveLength(2);
    expect(out.passes[0].changes).toContainEqual({
      zone: 'kargo.example.com.',
      action: 'CREATE',
      name: 'shop.kargo.example.com.',
      type: 'A',
    });
    expect(out.passes[1].changes).toEqual([]);
    for (const key of ['route53', 'acm', 'eks', 'kubernetes']) expect(out.apiCalls).toHaveProperty(key);
    const zone = out.zones[0];
    expect(zone).toMatchObject({ name: 'kargo.example.com.', private: false });
    const names = zone.records.map((r: { name: string }) => r.name);
    expect(names.every((n: string) => n.endsWith('.'))).toBe(true);
    expect(zone.records.some((r: { type: string }) => r.type === 'SOA')).toBe(true);
    const keys = zone.records.map((r: { name: string; type: string }) => `${r.name} ${r.type}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('runs the triggers in order through their handlers, one passes entry per invocation', async () => {
    const { code, stdout } = await cli('simulate', 'examples/triggers.yaml', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.passes.map((p: { trigger: string }) => p.trigger)).toEqual([
      'schedule',
      'audit',
      'manual',
      'resyncEvent',
      'clusterDeleted',
    ]);
    const [, audit, manual, resync, deleted] = out.passes;
    expect(audit.changes.map((c: { name: string }) => c.name)).toContain('checkout.shop.example.com.');
    expect(manual.errors).toEqual([expect.stringContaining('payload.dryRun')]);
    expect(manual.apiCalls.route53).toEqual({});
    expect(resync.changes).toEqual([]);
    expect(deleted.changes).toContainEqual({
      zone: 'shop.example.com.',
      action: 'DELETE',
      name: 'us.shop.example.com.',
      type: 'A',
    });
    const names = out.zones[0].records.map((r: { name: string }) => r.name);
    expect(names).not.toContain('us.shop.example.com.');
    expect(names).toContain('web.shop.example.com.');
  });

  it('releases nothing on a DeleteCluster EKS does not confirm: a live cluster (keep) or another account', async () => {
    const { code, stdout } = await cli('simulate', 'test/fixtures/scenarios/forged-delete.yaml', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    const [, active, elsewhere, gone] = out.passes;
    expect(active.changes).toEqual([]);
    expect(active.warnings).toEqual([
      {
        code: 'event-ignored',
        message: expect.stringMatching(
          /prod-us in us-east-1 .* is ACTIVE in EKS: .*not confirmed; nothing released/,
        ),
      },
    ]);
    expect(active.apiCalls.eks).toEqual({ DescribeCluster: 1 });
    expect(elsewhere.changes).toEqual([]);
    expect(elsewhere.warnings).toEqual([
      {
        code: 'event-ignored',
        message: expect.stringMatching(/account 999999999999\) is not part of the fleet/),
      },
    ]);
    // The cluster really deleted: EKS answers ResourceNotFoundException, and its records go.
    expect(gone.changes.map((c: { action: string; name: string }) => `${c.action} ${c.name}`)).toEqual([
      'DELETE us.shop.example.com.',
      'DELETE a-us.shop.example.com.',
    ]);
    const names = out.zones[0].records.map((r: { name: string }) => r.name);
    expect(names).toContain('web.shop.example.com.');
    expect(names).not.toContain('us.shop.example.com.');
  });

  it('exits 0 and reports a failed cluster without touching its records', async () => {
    const { code, stdout } = await cli('simulate', 'test/fixtures/scenarios/unreachable.yaml', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.passes[0].clusters).toEqual([
      { name: 'alive', status: 'ok', endpoints: 1 },
      expect.objectContaining({ name: 'dead', status: 'failed' }),
    ]);
    const names = out.zones[0].records.map((r: { name: string }) => r.name);
    expect(names).toContain('old.example.com.');
    expect(names).toContain('web.example.com.');
  });

  it('injects the scenario’s faults: hung clusters fail and keep their records, a refused name is reported, the rest applies', async () => {
    const { code, stdout } = await cli('simulate', 'test/fixtures/scenarios/faults.yaml', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    const [pass] = out.passes;
    expect(pass.clusters).toEqual([
      { name: 'alive', status: 'ok', endpoints: 2 },
      expect.objectContaining({
        name: 'hung',
        status: 'failed',
        error: expect.stringMatching(/no answer within 300 ms/),
      }),
      expect.objectContaining({
        name: 'hung-eks',
        status: 'failed',
        error: expect.stringMatching(/DescribeCluster failed: TimeoutError/),
      }),
    ]);
    expect(pass.errors.join('\n')).toMatch(/Route 53 refused CREATE denied\.example\.com A .*AccessDenied/);
    expect(pass.apiCalls.route53['ListHostedZones.Fault']).toBe(1);
    const names = out.zones[0].records.map((r: { name: string }) => r.name);
    expect(names).toEqual(
      expect.arrayContaining(['old.example.com.', 'eks.example.com.', 'web.example.com.']),
    );
    expect(names).not.toContain('denied.example.com.');
  });

  it.each([
    ['a bad policy', 'config: {policy: sometimes}\n', /config\.policy/],
    [
      'an unknown cluster field',
      'clusters: [{name: a, region: eu-west-1, colour: red}]\n',
      /clusters\[0\]\.colour/,
    ],
    [
      'a record without ttl',
      'route53: {zones: [{name: x.com, records: [{name: a.x.com, type: A, values: [192.0.2.1]}]}]}\n',
      /route53\.zones\[0\]\.records\[0\]/,
    ],
    [
      'a bad cluster region in config',
      'clusters: [{name: a, region: mars}]\n',
      /config\.clusters\[0\]\.region/,
    ],
    [
      'a trigger naming a cluster the scenario lacks',
      'clusters: [{name: a, region: eu-west-1}]\ntriggers: [{clusterCreated: {cluster: b}}]\n',
      /triggers\[0\]\.clusterCreated\.cluster/,
    ],
    [
      'a fault Route 53 cannot give',
      'faults: [{service: eks, fault: prior-request-not-complete}]\n',
      /faults\[0\]\.service/,
    ],
    [
      'a fault naming a cluster the scenario lacks',
      'clusters: [{name: a, region: eu-west-1}]\nfaults: [{service: kubernetes, cluster: b, fault: hang}]\n',
      /faults\[0\]\.cluster/,
    ],
    [
      'an unknown unreachable mode',
      'clusters: [{name: a, region: eu-west-1, unreachable: sometimes}]\n',
      /clusters\[0\]\.unreachable/,
    ],
    ['a bad label selector', 'config: {labelFilter: "team in (edge"}\n', /config\.labelFilter/],
    ['a bad domain regex', 'config: {regexDomainFilter: "(["}\n', /config\.regexDomainFilter/],
    [
      "a scenario cluster's own domain filter that is not a domain",
      'clusters: [{name: a, region: eu-west-1, domainFilters: ["*"]}]\n',
      /clusters\[0\]\.domainFilters\[0\]: "\*" is a wildcard/,
    ],
    [
      'an owner id the TXT registry cannot carry',
      'clusters: [{name: a, region: eu-west-1, ownerId: "a,b"}]\n',
      /clusters\[0\]\.ownerId/,
    ],
    ['both a TXT prefix and a suffix', 'config: {txtPrefix: p-, txtSuffix: -s}\n', /txtPrefix and txtSuffix/],
  ])('exits 2 naming the field for %s', async (_what, text, field) => {
    const { code, stderr, stdout } = await cli('simulate', await scenarioFile(text), '--json');
    expect(code).toBe(2);
    expect(stderr).toMatch(field);
    expect(stdout).toBe('');
  });

  it('exits 2 for a bad --advance and a missing scenario file', async () => {
    const advance = await cli('simulate', 'examples/kargo.yaml', '--advance', 'soon');
    expect(advance.code).toBe(2);
    expect(advance.stderr).toMatch(/--advance/);
    const missing = await cli('simulate', 'no/such/file.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no\/such\/file\.yaml/);
  });
});
