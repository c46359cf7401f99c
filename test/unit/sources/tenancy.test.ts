import { describe, expect, it } from 'vitest';
import type { DomainFilterOptions } from '../../../shared/endpoint/domain-filter.js';
import { endpointsFromObjects, type SourceResult } from '../../../shared/sources/index.js';
import type { KubernetesObject } from '../../../shared/sources/objects.js';
import { ALPHA, annotatedService, config, ingress, run, service } from './helpers.js';

/** What a cluster's objects may publish: names checked first, then the caps, then the cluster's domains. */

function inCluster(
  objects: KubernetesObject[],
  domains: DomainFilterOptions,
  overrides: Record<string, unknown> = {},
): SourceResult {
  return endpointsFromObjects(objects, {
    config: config(overrides),
    clusterName: 'dev',
    ownerId: 'dev',
    domains,
  });
}

const heldNames = (r: SourceResult) => r.held.map((h) => h.dnsName).sort();
const names = (r: SourceResult) => [...new Set(r.endpoints.map((e) => e.dnsName))].sort();

describe('hostname lists and names', () => {
  it('whitespace inside a name is an error, never a join; the other names of the list go on', () => {
    const r = run([service({ annotations: { [`${ALPHA}hostname`]: 'shop.example.com, pay .example.com' } })]);
    expect(names(r)).toEqual(['shop.example.com']);
    expect(r.warnings).toContainEqual(
      expect.objectContaining({
        code: 'bad-annotation',
        object: 'service/shop/web',
        field: `${ALPHA}hostname`,
        message: expect.stringContaining('"pay .example.com" contains whitespace'),
      }),
    );
  });

  it('names separated by spaces instead of commas publish nothing', () => {
    const r = run([service({ annotations: { [`${ALPHA}hostname`]: 'a.example.com b.example.com' } })]);
    expect(r.endpoints).toEqual([]);
    expect(r.warnings.map((w) => w.field)).toEqual([`${ALPHA}hostname`]);
  });

  it('an Ingress host with a wildcard inside is refused, naming its field', () => {
    const r = run([ingress({ spec: { rules: [{ host: 'shop.*.example.com' }] } })]);
    expect(r.endpoints).toEqual([]);
    expect(r.warnings).toContainEqual(
      expect.objectContaining({ object: 'ingress/shop/shop', field: 'spec.rules[0].host' }),
    );
  });

  it.each(['999.1.1.1', '2001:db8::zz', 'lb .example.net'])(
    'a target annotation %j is refused naming the annotation; the name is held, not written',
    (target) => {
      const r = run([annotatedService({ target })]);
      expect(r.endpoints).toEqual([]);
      expect(heldNames(r)).toEqual(['shop.example.com']);
      expect(r.warnings).toContainEqual(
        expect.objectContaining({ object: 'service/shop/web', field: `${ALPHA}target` }),
      );
    },
  );

  it('a status address that is not an address publishes nothing', () => {
    const r = run([
      service({
        annotations: { [`${ALPHA}hostname`]: 'shop.example.com' },
        status: { loadBalancer: { ingress: [{ ip: '999.1.1.1' }] } },
      }),
    ]);
    expect(r.endpoints).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toContain('invalid-target');
  });
});

describe('a name whose ownership TXT would break the limits is held', () => {
  const label60 = 'x'.repeat(60);

  it('aaaa-<60 characters> is a 65-character label: held with a warning', () => {
    const r = run([
      service({ annotations: { [`${ALPHA}hostname`]: `${label60}.example.com,ok.example.com` } }),
    ]);
    expect(names(r)).toEqual(['ok.example.com']);
    expect(heldNames(r)).toEqual([`${label60}.example.com`]);
    expect(r.warnings).toContainEqual(
      expect.objectContaining({
        code: 'txt-name-too-long',
        object: 'service/shop/web',
        field: `${ALPHA}hostname`,
        message: expect.stringContaining(`aaaa-${label60}.example.com has a label of 65 characters`),
      }),
    );
  });

  it('with a txtPrefix the limit comes sooner; the registry names it, so the check matches the writes', () => {
    const name = `${'y'.repeat(55)}.example.com`;
    expect(names(run([service({ annotations: { [`${ALPHA}hostname`]: name } })]))).toEqual([name]);
    const prefixed = run([service({ annotations: { [`${ALPHA}hostname`]: name } })], {
      txtPrefix: 'extdns-',
    });
    expect(prefixed.endpoints).toEqual([]);
    expect(prefixed.warnings[0]?.message).toContain(
      `extdns-a-${'y'.repeat(55)}.example.com has a label of 64 characters`,
    );
  });

  it('a name near 253 characters whose TXT would pass 253 is held', () => {
    const long = `${Array.from({ length: 4 }, () => 'z'.repeat(60)).join('.')}.example.com`.slice(-250);
    const name = long.replace(/^\.+/, '');
    const r = run([service({ annotations: { [`${ALPHA}hostname`]: name } })]);
    expect(r.endpoints).toEqual([]);
    expect(r.warnings[0]?.message).toMatch(/characters long \(at most 253\)/);
  });
});

describe('per-cluster domains', () => {
  it("a name outside the cluster's domains is not published: the warning names object, cluster and name", () => {
    const objects = [
      service({ annotations: { [`${ALPHA}hostname`]: 'pay.example.com,pay.dev.example.com' } }),
    ];
    const r = inCluster(objects, { domainFilters: ['dev.example.com'] });
    expect(names(r)).toEqual(['pay.dev.example.com']);
    expect(r.warnings).toEqual([
      expect.objectContaining({
        code: 'outside-cluster-domains',
        object: 'service/shop/web',
        cluster: 'dev',
        dnsName: 'pay.example.com',
        message: expect.stringContaining(
          'outside the domains of cluster dev (domainFilters dev.example.com)',
        ),
      }),
    ]);
  });

  it('excludeDomains and regexDomainFilter narrow the same way, and reach held names and TLS hosts too', () => {
    const tls = ingress({
      spec: {
        tls: [{ hosts: ['pay.example.com', 'shop.dev.example.com'] }],
        rules: [{ host: 'pay.example.com' }, { host: 'shop.dev.example.com' }],
      },
      status: { loadBalancer: {} },
    });
    const excluded = inCluster([tls], { excludeDomains: ['pay.example.com'] });
    expect(heldNames(excluded)).toEqual(['shop.dev.example.com']);
    expect(excluded.tlsHosts.map((t) => t.host)).toEqual(['shop.dev.example.com']);
    const regex = inCluster([tls], { regexDomainFilter: '\\.dev\\.example\\.com$' });
    expect(heldNames(regex)).toEqual(['shop.dev.example.com']);
  });

  it('no per-cluster fields: every name passes (the global filters still apply in the planner)', () => {
    const objects = [service({ annotations: { [`${ALPHA}hostname`]: 'pay.example.com' } })];
    expect(names(inCluster(objects, {}))).toEqual(['pay.example.com']);
  });
});

describe('maxNamesPerObject', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => `n${i}.example.com`).join(',');

  it('past the cap the object publishes nothing new, holds every name and asks for no certificate', () => {
    const r = run([service({ annotations: { [`${ALPHA}hostname`]: many(300) } })], {
      maxNamesPerObject: 100,
    });
    expect(r.endpoints).toEqual([]);
    expect(r.tlsHosts).toEqual([]);
    expect(heldNames(r)).toHaveLength(300);
    expect(r.warnings).toEqual([
      expect.objectContaining({
        code: 'cap-exceeded',
        object: 'service/shop/web',
        field: 'maxNamesPerObject',
      }),
    ]);
    expect(r.warnings[0]?.message).toContain('300 host names, above maxNamesPerObject (100)');
  });

  it('at the cap it publishes as usual', () => {
    const r = run([service({ annotations: { [`${ALPHA}hostname`]: many(100) } })]);
    expect(names(r)).toHaveLength(100);
    expect(r.warnings).toEqual([]);
  });
});
