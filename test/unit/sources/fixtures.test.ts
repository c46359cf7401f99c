import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { run, summary } from './helpers.js';

function load(file: string): unknown[] {
  const text = readFileSync(new URL(`../../fixtures/sources/${file}`, import.meta.url), 'utf8');
  return parseAllDocuments(text).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS();
  });
}

const NLB = 'k8s-traefik-traefik-5e2a9c41b7-0d3f8e6a1c2b4d5e.elb.eu-central-1.amazonaws.com';

describe('fixture: Traefik Ingresses behind one NLB', () => {
  const objects = load('traefik-behind-nlb.yaml');

  it('publishes each traefik Ingress host as a CNAME to the NLB, identical ones once', () => {
    const result = run(objects, { ingressClass: ['traefik'] });
    expect(summary(result)).toEqual([
      `api.shop.example.com CNAME ${NLB}`,
      `shop.example.com CNAME ${NLB}`,
      `www.shop.example.com CNAME ${NLB}`,
    ]);
    expect(result.endpoints.map((e) => [e.dnsName, e.ttl, e.labels.resource])).toEqual([
      ['api.shop.example.com', undefined, 'ingress/shop/checkout-api'],
      ['shop.example.com', 60, 'ingress/shop/storefront'],
      ['www.shop.example.com', 60, 'ingress/shop/storefront'],
    ]);
    expect(result.tlsHosts.map((t) => `${t.host} ${t.secretName}`)).toEqual([
      'shop.example.com storefront-tls',
      'www.shop.example.com storefront-tls',
    ]);
    expect(result.warnings).toEqual([]);
    expect(result.held).toEqual([]);
  });

  it('without the class filter the nginx Ingress is read too; the unannotated Traefik Service is not', () => {
    const result = run(objects);
    expect(summary(result)).toContain('blog.example.com A 203.0.113.80');
    expect(result.endpoints.some((e) => e.labels.resource === 'service/traefik/traefik')).toBe(false);
  });
});

describe('fixture: annotated Services', () => {
  const result = run(load('annotated-services.yaml'));

  it('publishes the weighted alias, the internal name and the ExternalName', () => {
    expect(result.endpoints).toEqual([
      expect.objectContaining({
        dnsName: 'orders-db.example.com',
        recordType: 'CNAME',
        targets: ['orders.cluster-c9xyz1abcd.eu-central-1.rds.amazonaws.com'],
      }),
      expect.objectContaining({
        dnsName: 'pay.example.com',
        recordType: 'CNAME',
        targets: ['k8s-payments-payments-9f8e7d6c5b-1a2b3c4d5e6f7a8b.elb.eu-central-1.amazonaws.com'],
        ttl: 60,
        setIdentifier: 'prod-eu-blue',
        properties: { alias: true, weight: 90 },
      }),
      expect.objectContaining({
        dnsName: 'payments.internal.example.com',
        recordType: 'A',
        targets: ['172.20.9.44'],
        setIdentifier: 'prod-eu-blue',
        properties: { weight: 90 },
      }),
    ]);
  });

  it('holds the name of the LoadBalancer that has no address yet', () => {
    expect(result.held).toEqual([
      { dnsName: 'reports.example.com', resource: 'service/payments/reports', owner: 'prod-eu-owner' },
    ]);
    expect(result.warnings).toEqual([]);
  });
});

describe('fixture: TLS Ingress still waiting for its ALB', () => {
  const result = run(load('tls-ingress-pending.yaml'));

  it('hands its TLS hosts to the certificate planner and holds its record names', () => {
    expect(result.endpoints).toEqual([]);
    expect(result.tlsHosts).toEqual([
      {
        host: '*.portal.example.com',
        resource: 'ingress/portal/portal',
        cluster: 'prod-eu',
        secretName: 'portal-wildcard-tls',
      },
      {
        host: 'portal.example.com',
        resource: 'ingress/portal/portal',
        cluster: 'prod-eu',
        secretName: 'portal-wildcard-tls',
      },
    ]);
    expect(result.held.map((h) => h.dnsName)).toEqual(['*.portal.example.com', 'portal.example.com']);
  });
});
