import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * `simulate` on a world where the planner used to send batches Route 53 refuses, every pass (issue 11):
 * a 253-character Ingress name (TXT over 255), two load balancers in one status (a two-value CNAME), a
 * weighted set turned latency (an UPSERT across policies), a set identifier without a policy, a label
 * the TXT prefix pushes past 63, and another owner's orphaned TXT (overwritten). Against the strict
 * sandbox the previous planner's first pass reported ten refused changes; now none, and the second pass
 * has nothing left to do.
 */

const run = promisify(execFile);

interface Pass {
  changes: { action: string; name: string; type: string; setIdentifier?: string }[];
  errors: string[];
  warnings: { code: string; object?: string; dnsName?: string; message: string }[];
}

describe('simulate test/fixtures/scenarios/route53-refusals.yaml', () => {
  it('sends only batches Route 53 accepts, and says what it did instead', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'functions/cli.ts',
        'simulate',
        'test/fixtures/scenarios/route53-refusals.yaml',
        '--json',
        '--rounds',
        '2',
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const out = JSON.parse(stdout) as { passes: Pass[]; zones: { records: Record<string, unknown>[] }[] };
    const [first, second] = out.passes;
    expect(first!.errors).toEqual([]);
    expect(first!.changes.map((c) => `${c.action} ${c.name} ${c.type}`)).toEqual([
      // The policy change: DELETE + CREATE in one batch, the record and its TXT alike.
      'DELETE w.example.com. A',
      'DELETE a-w.example.com. TXT',
      'CREATE w.example.com. A',
      'CREATE a-w.example.com. TXT',
      'CREATE long.example.com. A',
      'CREATE a-long.example.com. TXT',
      // Two load balancers: an ALIAS to the first in sorted order, as ExternalDNS aliases Targets[0].
      'CREATE pair.example.com. AAAA',
      'CREATE aaaa-pair.example.com. TXT',
      'CREATE pair.example.com. A',
      'CREATE a-pair.example.com. TXT',
    ]);
    expect(first!.warnings.map((w) => `${w.code} ${w.object ?? ''}`).sort()).toEqual([
      'bad-annotation service/shop/lonely',
      'cname-multiple-targets service/shop/two-lbs',
      'txt-name-too-long service/shop/long-label',
      'txt-of-another-owner service/shop/orphan',
    ]);
    expect(second!.changes).toEqual([]);
    expect(second!.errors).toEqual([]);

    const records = out.zones[0]!.records;
    const byName = (name: string) => records.filter((r) => r.name === name);
    const [longTxt] = byName('a-long.example.com.') as { values: string[] }[];
    const strings = [...longTxt!.values[0]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    expect(strings.length).toBe(2);
    expect(strings.every((s) => s.length <= 255)).toBe(true);
    expect(byName('pair.example.com.')).toEqual([
      expect.objectContaining({
        type: 'A',
        alias: expect.objectContaining({
          dnsName: 'k8s-shop-alpha-0123456789.elb.eu-central-1.amazonaws.com.',
        }),
      }),
      expect.objectContaining({ type: 'AAAA' }),
    ]);
    expect(byName('w.example.com.')).toEqual([
      expect.objectContaining({ setIdentifier: 'blue', region: 'eu-central-1' }),
    ]);
    expect(byName('a-orphan.example.com.')[0]).toMatchObject({
      values: [
        '"heritage=external-dns,external-dns/owner=prod-us,external-dns/resource=service/shop/orphan"',
      ],
    });
    for (const gone of ['lonely.example.com.', 'orphan.example.com.']) expect(byName(gone)).toEqual([]);
  });
});
