import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { publishedHostnames } from '../../../shared/audit/hostnames.js';
import { dnsNameProblem } from '../../../shared/endpoint/names.js';
import { fixture } from './fixtures.js';

const annotated = (annotations: Record<string, unknown>) => ({
  kind: 'Service',
  metadata: { name: 's', annotations },
});

describe('publishedHostnames', () => {
  it.each<[string, unknown, string[]]>([
    [
      "an Istio VirtualService's hosts and Gateway's server hosts, namespace/host read as host",
      {
        kind: 'Gateway',
        metadata: { name: 'g' },
        spec: { hosts: ['shop/a.example.com'], servers: [{ hosts: ['*/b.example.com', 'c.example.com'] }] },
      },
      ['a.example.com', 'b.example.com', 'c.example.com'],
    ],
    [
      "a DNSEndpoint's spec.endpoints[].dnsName",
      {
        kind: 'DNSEndpoint',
        metadata: { name: 'd' },
        spec: {
          endpoints: [{ dnsName: 'MX.example.com' }, { dnsName: 7 }, null, { dnsName: 'a.example.com' }],
        },
      },
      ['a.example.com', 'mx.example.com'],
    ],
    [
      'the alpha hostname annotation, a list with spaces',
      annotated({ 'external-dns.alpha.kubernetes.io/hostname': 'b.example.com, a.example.com' }),
      ['a.example.com', 'b.example.com'],
    ],
    [
      'the GA prefix',
      annotated({ 'external-dns.kubernetes.io/hostname': 'ga.example.com' }),
      ['ga.example.com'],
    ],
    [
      'internal-hostname',
      annotated({ 'external-dns.alpha.kubernetes.io/internal-hostname': 'in.example.com' }),
      ['in.example.com'],
    ],
    [
      'both prefixes at once',
      annotated({
        'external-dns.alpha.kubernetes.io/hostname': 'x.example.com',
        'external-dns.kubernetes.io/hostname': 'y.example.com',
      }),
      ['x.example.com', 'y.example.com'],
    ],
    [
      'case and trailing dots normalized, duplicates once',
      annotated({ 'external-dns.alpha.kubernetes.io/hostname': 'WWW.Example.com.,www.example.com' }),
      ['www.example.com'],
    ],
    [
      'a wildcard',
      annotated({ 'external-dns.alpha.kubernetes.io/hostname': '*.apps.example.com' }),
      ['*.apps.example.com'],
    ],
    [
      'invalid names dropped',
      annotated({ 'external-dns.alpha.kubernetes.io/hostname': 'ok.example.com,bad name.example.com,,a..b' }),
      ['ok.example.com'],
    ],
    ['a non-string annotation', annotated({ 'external-dns.alpha.kubernetes.io/hostname': 7 }), []],
    ['other annotations', annotated({ 'external-dns.alpha.kubernetes.io/target': 'lb.example.net' }), []],
    [
      'Ingress rules and TLS hosts',
      fixture('ingress-delete-finalizer').responseObject,
      ['api.shop.example.com', 'promo.example.com', 'shop.example.com'],
    ],
    ['a rule without a host', { spec: { rules: [{ http: {} }, { host: 5 }] } }, []],
    [
      'HTTPRoute hostnames',
      { kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { hostnames: ['r.example.com', 3] } },
      ['r.example.com'],
    ],
    [
      'Gateway listener hostnames',
      {
        kind: 'Gateway',
        metadata: { name: 'g' },
        spec: { listeners: [{ hostname: '*.gw.example.com' }, { name: 'no-host' }] },
      },
      ['*.gw.example.com'],
    ],
    [
      'Traefik Host and HostSNI matchers',
      {
        kind: 'IngressRoute',
        spec: {
          routes: [
            { match: 'Host(`t.example.com`) && PathPrefix(`/x`)' },
            { match: 'HostSNI(`sni.example.com`) || Host(`a.example.com`, `b.example.com`)' },
            { match: 'PathPrefix(`/only`)' },
            { match: 42 },
          ],
        },
      },
      ['a.example.com', 'b.example.com', 'sni.example.com', 't.example.com'],
    ],
    [
      'a merge patch of the annotation',
      { metadata: { annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'new.example.com' } } },
      ['new.example.com'],
    ],
    [
      'a JSON patch (an array)',
      [{ op: 'replace', path: '/spec', value: { rules: [{ host: 'x.example.com' }] } }],
      [],
    ],
    ['a Status', fixture('ingress-delete-status').responseObject, []],
    ['null', null, []],
  ])('%s', (_label, body, expected) => {
    expect(publishedHostnames(body)).toEqual(expected);
  });

  it('reads only the prefixes it is given', () => {
    const body = annotated({
      'dns.example.org/hostname': 'custom.example.com',
      'external-dns.alpha.kubernetes.io/hostname': 'alpha.example.com',
    });
    expect(publishedHostnames(body, ['dns.example.org/'])).toEqual(['custom.example.com']);
  });

  it('never throws on any JSON and returns sorted, unique, lower-case names', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        const names = publishedHostnames(body);
        expect([...new Set(names)].sort()).toEqual(names);
        for (const n of names) expect(n).toBe(n.toLowerCase());
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.string()), (hosts) => {
        const names = publishedHostnames(
          annotated({ 'external-dns.alpha.kubernetes.io/hostname': hosts.join(',') }),
        );
        expect([...new Set(names)].sort()).toEqual(names);
        for (const n of names) expect(dnsNameProblem(n)).toBeUndefined();
      }),
    );
  });
});
