import { describe, expect, it } from 'vitest';
import type { KubernetesObject } from '../../../shared/sources/objects.js';
import type { SourceResult } from '../../../shared/sources/output.js';
import { ALPHA, codes, heldNames, run as runSources } from './helpers.js';

/** ExternalDNS's `crd` source (source/crd.go): DNSEndpoint objects, one record set per entry. */

const ELB = 'k8s-edge-edge-0a1b2c3d4e-0123456789abcdef.elb.eu-central-1.amazonaws.com';

function dnsEndpoint(
  endpoints: unknown,
  o: { name?: string; annotations?: Record<string, string> } = {},
): KubernetesObject {
  return {
    apiVersion: 'externaldns.k8s.io/v1alpha1',
    kind: 'DNSEndpoint',
    metadata: {
      name: o.name ?? 'records',
      namespace: 'dns',
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec: { endpoints },
    status: { observedGeneration: 1 },
  };
}

function run(objects: KubernetesObject[], overrides: Record<string, unknown> = {}): SourceResult {
  return runSources(objects, {
    sources: ['crd'],
    managedRecordTypes: ['A', 'AAAA', 'CNAME', 'TXT', 'MX'],
    ...overrides,
  });
}

function published(result: SourceResult): string[] {
  return result.endpoints.map(
    (e) =>
      `${e.dnsName} ${e.recordType} ${e.targets.join(',')}${e.ttl ? ` ttl=${e.ttl}` : ''}${e.setIdentifier ? ` id=${e.setIdentifier}` : ''} ${e.labels.resource}`,
  );
}

describe('crd: DNSEndpoint', () => {
  it('publishes each entry as written, labelled crd/<namespace>/<name>', () => {
    const result = run([
      dnsEndpoint([
        { dnsName: 'www.example.com', recordType: 'A', targets: ['192.0.2.10', '192.0.2.11'], recordTTL: 60 },
        { dnsName: 'saas.example.com', recordType: 'CNAME', targets: ['tenant.saas.example.net.'] },
        {
          dnsName: 'example.com',
          recordType: 'MX',
          targets: ['10 mail.example.com', '20 backup.example.com'],
        },
      ]),
    ]);
    expect(published(result)).toEqual([
      'example.com MX 10 mail.example.com,20 backup.example.com crd/dns/records',
      'saas.example.com CNAME tenant.saas.example.net crd/dns/records',
      'www.example.com A 192.0.2.10,192.0.2.11 ttl=60 crd/dns/records',
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('takes the AWS providerSpecific properties, and the set identifier', () => {
    const result = run([
      dnsEndpoint([
        {
          dnsName: 'api.example.com',
          recordType: 'CNAME',
          targets: [ELB],
          setIdentifier: 'primary',
          providerSpecific: [
            { name: 'alias', value: 'true' },
            { name: 'aws/failover', value: 'PRIMARY' },
            { name: 'aws/evaluate-target-health', value: 'true' },
            { name: 'cloudflare/proxied', value: 'true' },
          ],
        },
        {
          dnsName: 'eu.example.com',
          recordType: 'A',
          targets: ['192.0.2.20'],
          setIdentifier: 'eu',
          providerSpecific: [{ name: 'aws/weight', value: '10' }],
        },
      ]),
    ]);
    const api = result.endpoints.find((e) => e.dnsName === 'api.example.com');
    expect(api?.setIdentifier).toBe('primary');
    expect(api?.properties).toEqual({ alias: true, failover: 'PRIMARY', evaluateTargetHealth: true });
    expect(result.endpoints.find((e) => e.dnsName === 'eu.example.com')?.properties).toEqual({ weight: 10 });
    expect(result.warnings).toEqual([]);
  });

  it('reports a bad providerSpecific value naming the entry, and holds that name only', () => {
    const result = run([
      dnsEndpoint([
        {
          dnsName: 'bad.example.com',
          recordType: 'A',
          targets: ['192.0.2.1'],
          setIdentifier: 'x',
          providerSpecific: [{ name: 'aws/weight', value: 'heavy' }],
        },
        { dnsName: 'good.example.com', recordType: 'A', targets: ['192.0.2.2'] },
      ]),
    ]);
    expect(published(result)).toEqual(['good.example.com A 192.0.2.2 crd/dns/records']);
    expect(heldNames(result)).toEqual(['bad.example.com crd/dns/records']);
    expect(codes(result)).toEqual(['bad-annotation spec.endpoints[0].aws-weight']);
    expect(result.warnings[0]?.object).toBe('crd/dns/records');
  });

  it.each<[string, unknown, string]>([
    [
      'a hostname in an A record',
      { recordType: 'A', targets: ['host.example.net'] },
      'invalid-target spec.endpoints[0].targets[0]',
    ],
    [
      'an address in a CNAME',
      { recordType: 'CNAME', targets: ['192.0.2.1'] },
      'invalid-target spec.endpoints[0].targets[0]',
    ],
    [
      'an MX without priority',
      { recordType: 'MX', targets: ['mail.example.com'] },
      'invalid-target spec.endpoints[0].targets[0]',
    ],
    ['no targets', { recordType: 'A', targets: [] }, 'missing-target spec.endpoints[0].targets'],
    [
      'an unknown record type',
      { recordType: 'BOGUS', targets: ['x'] },
      'bad-object spec.endpoints[0].recordType',
    ],
    [
      'a bad TTL',
      { recordType: 'A', targets: ['192.0.2.1'], recordTTL: -5 },
      'bad-annotation spec.endpoints[0].ttl',
    ],
  ])('holds the name of an entry with %s, naming the field', (_, entry, code) => {
    const result = run([dnsEndpoint([{ dnsName: 'x.example.com', ...(entry as object) }])]);
    expect(result.endpoints).toEqual([]);
    expect(heldNames(result)).toEqual(['x.example.com crd/dns/records']);
    expect(codes(result)).toEqual([code]);
  });

  it('skips an entry with a bad dnsName, naming it, and keeps the others', () => {
    const result = run([
      dnsEndpoint([
        { dnsName: 'bad_name!.example.com', recordType: 'A', targets: ['192.0.2.1'] },
        { dnsName: 'ok.example.com', recordType: 'A', targets: ['192.0.2.2'] },
      ]),
    ]);
    expect(published(result)).toEqual(['ok.example.com A 192.0.2.2 crd/dns/records']);
    expect(codes(result)).toEqual(['invalid-hostname spec.endpoints[0].dnsName']);
  });

  it('writes only the record types managedRecordTypes lists, and says so', () => {
    const result = run(
      [dnsEndpoint([{ dnsName: 'example.com', recordType: 'MX', targets: ['10 mail.example.com'] }])],
      {
        managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      },
    );
    expect(result.endpoints).toEqual([]);
    expect(result.held).toEqual([]);
    expect(codes(result)).toEqual(['unmanaged-record-type spec.endpoints[0].recordType']);
  });

  it('publishes a TXT entry as any other record, bare values quoted as Route 53 holds them', () => {
    const result = run([
      dnsEndpoint([
        {
          dnsName: 'example.com',
          recordType: 'TXT',
          targets: ['v=spf1 include:"mail" -all', '"google-site-verification=abc" "part2"'],
        },
      ]),
    ]);
    expect(published(result)).toEqual([
      'example.com TXT "v=spf1 include:\\"mail\\" -all","google-site-verification=abc" "part2" crd/dns/records',
    ]);
    expect(result.warnings).toEqual([]);
  });

  it.each([
    ['a bare value over 255 characters', 'x'.repeat(256), /split it into quoted strings/],
    ['a quoted string over 255 characters', `"${'x'.repeat(256)}"`, /quoted string longer than 255/],
    ['a quoted string left open', '"v=spf1" "-all', /closed quoted strings/],
    ['text after the quoted strings', '"v=spf1" -all', /closed quoted strings/],
    [
      'a value over 4,000 characters',
      Array(17)
        .fill(`"${'x'.repeat(250)}"`)
        .join(' '),
      /longer than 4000/,
    ],
  ])('holds a TXT entry Route 53 would refuse: %s', (_t, value, message) => {
    const result = run([dnsEndpoint([{ dnsName: 'example.com', recordType: 'TXT', targets: [value] }])]);
    expect(result.endpoints).toEqual([]);
    expect(codes(result)).toEqual(['invalid-target spec.endpoints[0].targets[0]']);
    expect(result.warnings[0]?.message).toMatch(message);
  });

  it('reports a TXT entry when TXT is not in managedRecordTypes', () => {
    const result = run(
      [dnsEndpoint([{ dnsName: 'example.com', recordType: 'TXT', targets: ['v=spf1 -all'] }])],
      { managedRecordTypes: ['A', 'AAAA', 'CNAME'] },
    );
    expect(result.endpoints).toEqual([]);
    expect(codes(result)).toEqual(['unmanaged-record-type spec.endpoints[0].recordType']);
  });

  it('reports spec.endpoints that is not a list', () => {
    expect(codes(run([dnsEndpoint('nope')]))).toEqual(['bad-object spec.endpoints']);
  });

  it('honours the controller annotation and the common filters', () => {
    const other = dnsEndpoint([{ dnsName: 'x.example.com', recordType: 'A', targets: ['192.0.2.1'] }], {
      annotations: { [`${ALPHA}controller`]: 'someone-else' },
    });
    expect(run([other]).endpoints).toEqual([]);
  });

  it('reads nothing with the source off', () => {
    const o = dnsEndpoint([{ dnsName: 'x.example.com', recordType: 'A', targets: ['192.0.2.1'] }]);
    expect(runSources([o], { sources: ['service'] }).endpoints).toEqual([]);
  });
});
