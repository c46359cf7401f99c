import { ChangeResourceRecordSetsCommand, type Route53ServiceException } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { type Route53Sandbox, startRoute53Sandbox, stopRoute53Sandbox } from '../support/route53-sandbox.js';

let sandbox: Route53Sandbox | undefined;

async function start(opts: Parameters<typeof startRoute53Sandbox>[0] = {}): Promise<Route53Sandbox> {
  sandbox = await startRoute53Sandbox(opts);
  return sandbox;
}

afterEach(async () => {
  if (sandbox) await stopRoute53Sandbox(sandbox);
  sandbox = undefined;
});

function createA(name: string, ip: string) {
  return {
    Action: 'CREATE' as const,
    ResourceRecordSet: { Name: name, Type: 'A' as const, TTL: 60, ResourceRecords: [{ Value: ip }] },
  };
}

async function send(s: Route53Sandbox, zoneId: string, names: string[]): Promise<unknown> {
  return s.client
    .send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: names.map((n, i) => createA(n, `192.0.2.${i + 1}`)) },
      }),
    )
    .catch((err: unknown) => err);
}

function names(s: Route53Sandbox, zoneId: string): string[] {
  return s.state.records(zoneId).map((r) => r.name);
}

describe('sandbox Route 53: a refused change', () => {
  it('fails the whole batch with 403 AccessDenied in the XML error body, as an IAM record-name condition does', async () => {
    const s = await start({ maxAttempts: 5 });
    const { zone } = s.state.createHostedZone({ name: 'example.com', callerReference: 'r1' });
    s.refusals.refuse({ name: 'denied.example.com' });

    const err = (await send(s, zone.id, [
      'ok.example.com',
      'DENIED.example.com.',
    ])) as Route53ServiceException;
    expect(err.name).toBe('AccessDenied');
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(err.message).toMatch(
      new RegExp(
        `is not authorized to perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/${zone.id}`,
      ),
    );
    // Nothing of the batch applied, and the SDK did not retry a permission error.
    expect(names(s, zone.id)).not.toContain('ok.example.com.');
    expect(s.calls.snapshot().route53?.ChangeResourceRecordSets).toBe(1);

    // A batch that does not touch the name applies.
    expect(await send(s, zone.id, ['ok.example.com'])).not.toBeInstanceOf(Error);
    expect(names(s, zone.id)).toContain('ok.example.com.');
  });

  it('refuses with another code and status when told, for one record type only, until cleared', async () => {
    const s = await start();
    const { zone } = s.state.createHostedZone({ name: 'example.com', callerReference: 'r2' });
    s.refusals.refuse({
      name: 'hc.example.com',
      type: 'A',
      code: 'NoSuchHealthCheck',
      status: 404,
      message: 'A health check with id x does not exist.',
    });
    const err = (await send(s, zone.id, ['hc.example.com'])) as Route53ServiceException;
    expect([err.name, err.$metadata.httpStatusCode, err.message]).toEqual([
      'NoSuchHealthCheck',
      404,
      'A health check with id x does not exist.',
    ]);
    s.refusals.clear();
    expect(await send(s, zone.id, ['hc.example.com'])).not.toBeInstanceOf(Error);
  });
});
