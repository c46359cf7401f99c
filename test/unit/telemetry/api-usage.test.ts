import { ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { HttpResponse } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import { isThrottle, meterClient } from '../../../shared/telemetry/api-usage.js';

describe('isThrottle', () => {
  it.each([
    [{ name: 'Throttling' }, true],
    [{ name: 'PriorRequestNotComplete' }, true],
    [{ name: 'ThrottlingException' }, true],
    [{ name: 'Whatever', $metadata: { httpStatusCode: 429 } }, true],
    [{ name: 'InvalidChangeBatch', $metadata: { httpStatusCode: 400 } }, false],
    [new Error('socket hang up'), false],
    ['Throttling', false],
    [undefined, false],
  ])('%j → %s', (err, expected) => {
    expect(isThrottle(err)).toBe(expected);
  });
});

const ZONES_XML =
  '<?xml version="1.0" encoding="UTF-8"?><ListHostedZonesResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HostedZones/><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesResponse>';
const THROTTLED_XML =
  '<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r-1</RequestId></ErrorResponse>';

/** A Route 53 client whose "network" answers from a script, one response per attempt. */
function scriptedClient(script: ('ok' | 'throttled')[]) {
  let i = 0;
  return new Route53Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: {
      handle: async () => {
        const step = script[i++] ?? 'ok';
        const body = step === 'ok' ? ZONES_XML : THROTTLED_XML;
        return {
          response: new HttpResponse({
            statusCode: step === 'ok' ? 200 : 400,
            headers: { 'content-type': 'text/xml' },
            body: Buffer.from(body),
          }),
        };
      },
    },
  });
}

describe('meterClient', () => {
  it('counts each request and each throttled one, from when it was asked', async () => {
    const client = scriptedClient(['ok', 'throttled', 'ok', 'throttled']);
    await client.send(new ListHostedZonesCommand({})); // before metering: not counted
    const usage = meterClient(client);
    await client.send(new ListHostedZonesCommand({})).catch(() => undefined);
    await client.send(new ListHostedZonesCommand({}));
    const later = meterClient(client); // metering again installs nothing twice
    await client.send(new ListHostedZonesCommand({})).catch(() => undefined);

    expect(usage()).toEqual({ calls: 3, throttles: 2 });
    expect(later()).toEqual({ calls: 1, throttles: 1 });
  });
});
