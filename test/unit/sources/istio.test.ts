import { describe, expect, it } from 'vitest';
import type { KubernetesObject } from '../../../shared/sources/objects.js';
import type { SourceResult } from '../../../shared/sources/output.js';
import { ALPHA, codes, heldNames, run, service } from './helpers.js';

/** ExternalDNS's istio-gateway and istio-virtualservice sources (source/istio_gateway.go, istio_virtualservice.go). */

const NLB = 'k8s-istiosys-ingress-0a1b2c3d4e-0123456789abcdef.elb.eu-central-1.amazonaws.com';

function gateway(
  name: string,
  hosts: string[],
  o: { namespace?: string; selector?: Record<string, string>; annotations?: Record<string, string> } = {},
): KubernetesObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: {
      name,
      namespace: o.namespace ?? 'istio-system',
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec: {
      selector: o.selector ?? { istio: 'ingressgateway' },
      servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts }],
    },
  };
}

function virtualService(
  name: string,
  hosts: string[],
  gateways: string[],
  o: { namespace?: string; exportTo?: string[]; annotations?: Record<string, string> } = {},
): KubernetesObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: {
      name,
      namespace: o.namespace ?? 'shop',
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec: {
      hosts,
      gateways,
      ...(o.exportTo ? { exportTo: o.exportTo } : {}),
      http: [{ route: [{ destination: { host: 'web' } }] }],
    },
  };
}

const ingressService = (status: unknown = { loadBalancer: { ingress: [{ hostname: NLB }] } }) =>
  service({
    name: 'istio-ingressgateway',
    namespace: 'istio-system',
    spec: { selector: { istio: 'ingressgateway', app: 'istio-ingressgateway' } },
    status,
  });

function published(result: SourceResult): string[] {
  return result.endpoints.map(
    (e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')} ${e.labels.resource}`,
  );
}

describe('istio-gateway', () => {
  const runGw = (objects: KubernetesObject[], extra: Record<string, unknown> = {}) =>
    run(objects, { sources: ['istio-gateway'], ...extra });

  it('publishes the server hosts (namespace/host read as host, * left out) at the selected Service load balancer', () => {
    const result = runGw([
      gateway('public', ['shop.example.com', 'team/api.example.com', '*']),
      ingressService(),
    ]);
    expect(published(result)).toEqual([
      `api.example.com CNAME ${NLB} gateway/istio-system/public`,
      `shop.example.com CNAME ${NLB} gateway/istio-system/public`,
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('the target annotation wins over the Services', () => {
    const gw = gateway('public', ['shop.example.com'], {
      annotations: { [`${ALPHA}target`]: '203.0.113.9' },
    });
    expect(published(runGw([gw, ingressService()]))).toEqual([
      'shop.example.com A 203.0.113.9 gateway/istio-system/public',
    ]);
  });

  it('holds its names while the selected Service has no load balancer yet', () => {
    const result = runGw([gateway('public', ['shop.example.com']), ingressService({})]);
    expect(result.endpoints).toEqual([]);
    expect(heldNames(result)).toEqual(['shop.example.com gateway/istio-system/public']);
  });

  it('holds its names, naming spec.selector, when the selector picks no Service', () => {
    const result = runGw([
      gateway('public', ['shop.example.com'], { selector: { istio: 'other' } }),
      ingressService(),
    ]);
    expect(heldNames(result)).toEqual(['shop.example.com gateway/istio-system/public']);
    expect(codes(result)).toEqual(['missing-target spec.selector']);
  });

  it('leaves a Gateway API Gateway alone', () => {
    const gw = { ...gateway('public', ['shop.example.com']), apiVersion: 'gateway.networking.k8s.io/v1' };
    expect(runGw([gw, ingressService()]).endpoints).toEqual([]);
  });

  it('reports a bad server host naming its field', () => {
    const result = runGw([gateway('public', ['bad_host!.example.com']), ingressService()]);
    expect(codes(result)).toEqual(['invalid-hostname spec.servers[0].hosts[0]']);
  });
});

describe('istio-virtualservice', () => {
  const runVs = (objects: KubernetesObject[]) => run(objects, { sources: ['istio-virtualservice'] });
  const gw = gateway('public', ['*.example.com']);

  it('publishes each host at the targets of the Gateways it binds to', () => {
    const result = runVs([
      virtualService('web', ['shop.example.com'], ['istio-system/public']),
      gw,
      ingressService(),
    ]);
    expect(published(result)).toEqual([`shop.example.com CNAME ${NLB} virtualservice/shop/web`]);
    expect(result.warnings).toEqual([]);
  });

  it('gives no record to a host no server of the Gateway takes', () => {
    const result = runVs([
      virtualService('web', ['shop.other.org'], ['istio-system/public']),
      gw,
      ingressService(),
    ]);
    expect(result.endpoints).toEqual([]);
    expect(result.held).toEqual([]);
  });

  it('does not bind a VirtualService not exported to the Gateway namespace', () => {
    const vs = virtualService('web', ['shop.example.com'], ['istio-system/public'], { exportTo: ['.'] });
    expect(runVs([vs, gw, ingressService()]).endpoints).toEqual([]);
  });

  it('honours a server host namespace: only VirtualServices of that namespace bind', () => {
    const scoped = gateway('public', ['team/*.example.com']);
    expect(
      runVs([virtualService('web', ['shop.example.com'], ['istio-system/public']), scoped, ingressService()])
        .endpoints,
    ).toEqual([]);
    const inTeam = virtualService('web', ['shop.example.com'], ['istio-system/public'], {
      namespace: 'team',
    });
    expect(published(runVs([inTeam, scoped, ingressService()]))).toEqual([
      `shop.example.com CNAME ${NLB} virtualservice/team/web`,
    ]);
  });

  it('ignores mesh and reports a Gateway that does not exist, naming the field', () => {
    const vs = virtualService('web', ['shop.example.com'], ['mesh', 'istio-system/missing']);
    const result = runVs([vs, gw, ingressService()]);
    expect(result.endpoints).toEqual([]);
    expect(codes(result)).toEqual(['missing-target spec.gateways[1]']);
  });

  it('holds a host whose Gateway has no address yet', () => {
    const result = runVs([
      virtualService('web', ['shop.example.com'], ['istio-system/public']),
      gw,
      ingressService({}),
    ]);
    expect(heldNames(result)).toEqual(['shop.example.com virtualservice/shop/web']);
  });

  it('its own target annotation wins', () => {
    const vs = virtualService('web', ['shop.example.com'], [], {
      annotations: { [`${ALPHA}target`]: 'edge.example.net' },
    });
    expect(published(runVs([vs]))).toEqual([
      'shop.example.com CNAME edge.example.net virtualservice/shop/web',
    ]);
  });
});
