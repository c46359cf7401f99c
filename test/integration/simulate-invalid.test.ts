import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { simulateFile } from '../../functions/cli/simulate.js';
import { ScenarioError } from '../../sandbox/scenario.js';

/**
 * docs/scenarios.md: a scenario the sandbox cannot load as written is invalid — exit 2, the message naming
 * the field. Checked in-process for each case, and once through the CLI for the exit code.
 */

const dir = await mkdtemp(join(tmpdir(), 'invalid-scenario-'));

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const CLUSTER = 'clusters:\n  - name: prod-eu\n    region: eu-central-1\n';
const zoneWith = (...records: string[]) =>
  `route53:\n  zones:\n    - name: example.com\n      records:\n${records.map((r) => `        - ${r}\n`).join('')}`;

const cases: [string, string, RegExp][] = [
  ['an empty file', '', /: \(root\): the file is empty/],
  ['a file of comments only', '# nothing yet\n', /: \(root\): the file is empty/],
  [
    'an object of a kind the sandbox does not serve',
    `${CLUSTER}    objects:\n      - {apiVersion: v1, kind: Service, metadata: {name: a, namespace: b}}\n` +
      '      - {apiVersion: apps/v1, kind: Deployment, metadata: {name: a, namespace: b}}\n',
    /: clusters\[0\]\.objects\[1\]\.kind: cannot apply Deployment b\/a: the sandbox API server serves only Service/,
  ],
  [
    'a duplicate record',
    zoneWith(
      '{name: a.example.com, type: A, ttl: 300, values: [192.0.2.1]}',
      '{name: b.example.com, type: A, ttl: 300, values: [192.0.2.1]}',
      '{name: a.example.com, type: A, ttl: 60, values: [192.0.2.2]}',
    ),
    /: route53\.zones\[0\]\.records\[2\] \(example\.com\): .*already exists/,
  ],
  [
    'a record outside its zone',
    zoneWith(
      '{name: a.example.com, type: A, ttl: 300, values: [192.0.2.1]}',
      '{name: a.example.org, type: A, ttl: 300, values: [192.0.2.1]}',
    ),
    /: route53\.zones\[0\]\.records\[1\] \(example\.com\): .*a\.example\.org\. is not permitted in zone example\.com\./,
  ],
  [
    'a malformed zone name',
    'route53:\n  zones:\n    - name: "exa mple..com"\n',
    /: route53\.zones\[0\]\.name \(exa mple\.\.com\): .*not valid/,
  ],
  [
    'a malformed record name',
    zoneWith('{name: "a..example.com", type: A, ttl: 300, values: [192.0.2.1]}'),
    /: route53\.zones\[0\]\.records\[0\] \(example\.com\): .*not valid/,
  ],
  [
    'a malformed record value',
    zoneWith(
      '{name: a.example.com, type: A, ttl: 300, values: [192.0.2.1]}',
      '{name: b.example.com, type: A, ttl: 300, values: [not-an-ip]}',
    ),
    /: route53\.zones\[0\]\.records\[1\] \(example\.com\): .*ARRDATAIllegalIPv4Address/,
  ],
  [
    'a malformed certificate domain',
    'acm:\n  certificates:\n    - {domain: "not a domain", status: ISSUED}\n',
    /: acm\.certificates\[0\]: .*'not a domain' is not a valid domain name/,
  ],
  [
    'a malformed record type',
    zoneWith('{name: a.example.com, type: BOGUS, ttl: 300, values: [x]}'),
    /: route53\.zones\[0\]\.records\[0\]\.type: /,
  ],
];

describe('an invalid scenario names the field', () => {
  it.each(cases)('%s', async (_, text, message) => {
    const path = await file(`${_.replaceAll(' ', '-')}.yaml`, text);
    const error = await simulateFile(path, { rounds: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as Error).message.startsWith(path)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('and simulate exits 2 with the message on stderr', async () => {
    const path = await file(
      'cli.yaml',
      zoneWith('{name: a.example.org, type: A, ttl: 300, values: [192.0.2.1]}'),
    );
    const out = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'functions/cli.ts', 'simulate', path, '--json'],
      {
        timeout: 60_000,
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^error: .*route53\.zones\[0\]\.records\[0\]/);
  }, 90_000);
});

describe('a scenario certificate', () => {
  it('without region is in the first cluster region', async () => {
    const path = await file(
      'cert-region.yaml',
      `${CLUSTER}acm:\n  certificates:\n    - {domain: shop.example.com, status: ISSUED}\n` +
        '    - {domain: cdn.example.com, status: ISSUED, region: us-east-1}\n',
    );
    const { certificates } = await simulateFile(path, { rounds: 1 });
    const arnOf = (domain: string) => certificates.find((c) => c.domain === domain)?.arn;
    expect(arnOf('shop.example.com')).toMatch(/^arn:aws:acm:eu-central-1:/);
    expect(arnOf('cdn.example.com')).toMatch(/^arn:aws:acm:us-east-1:/);
  });
});
