import { describe, expect, it } from 'vitest';
import type { ServiceHandler } from '../../../sandbox/aws/protocol.js';
import { credentialScope, startAwsServer } from '../../../sandbox/aws/server.js';
import { ApiCallCounter } from '../../../sandbox/calls.js';

const auth = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-1/${service}/aws4_request, SignedHeaders=host, Signature=abc`;

describe('credentialScope', () => {
  it('reads the scope from an Authorization header', () => {
    expect(credentialScope(auth('route53'), new URLSearchParams())).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      date: '20240101',
      region: 'eu-west-1',
      service: 'route53',
    });
  });

  it('reads the scope from a presigned query', () => {
    const query = new URLSearchParams({ 'X-Amz-Credential': 'AKID/20240101/us-east-1/sts/aws4_request' });
    expect(credentialScope(undefined, query)?.service).toBe('sts');
  });

  it.each(['', 'Bearer x', 'AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/route53'])(
    'finds no scope in %j',
    (header) => {
      expect(credentialScope(header, new URLSearchParams())).toBeUndefined();
    },
  );
});

describe('startAwsServer', () => {
  it('routes by service, counts operations, and answers errors without going down', async () => {
    const calls = new ApiCallCounter();
    const echo: ServiceHandler = (req) => ({
      operation: 'Echo',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: req.service, region: req.region, path: req.path, body: req.body }),
    });
    const broken: ServiceHandler = () => {
      throw new Error('boom');
    };
    broken.operationOf = () => 'Broken';
    const server = await startAwsServer({ handlers: { eks: echo, events: broken }, calls });
    try {
      const ok = await fetch(`${server.url}/clusters/x?a=1`, {
        method: 'POST',
        headers: { authorization: auth('eks') },
        body: 'hi',
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-amzn-requestid')).toBeTruthy();
      expect(await ok.json()).toEqual({
        service: 'eks',
        region: 'eu-west-1',
        path: '/clusters/x',
        body: 'hi',
      });

      const failed = await fetch(server.url, { headers: { authorization: auth('events') } });
      expect(failed.status).toBe(500);
      expect(failed.headers.get('x-amzn-errortype')).toBe('InternalFailure');

      const unknown = await fetch(server.url, { headers: { authorization: auth('s3') } });
      expect(unknown.status).toBe(400);
      expect(await unknown.text()).toContain('<Code>UnknownServiceException</Code>');

      const anonymous = await fetch(server.url);
      expect(anonymous.status).toBe(403);

      expect(calls.snapshot()).toEqual({ eks: { Echo: 1 }, events: { Broken: 1 } });
    } finally {
      await server.close();
    }
  });
});
