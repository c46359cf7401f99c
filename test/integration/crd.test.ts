import { afterEach, describe, expect, it } from 'vitest';
import { createAuditEventsHandler } from '../../functions/audit-events.js';
import { createScheduledHandler } from '../../functions/scheduled.js';
import { auditTrigger } from '../../sandbox/audit-log.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import type { KubernetesObject } from '../../shared/sources/objects.js';
import { createThenDeleteThroughAudit } from '../support/audit-create-delete.js';
import { loadBalancerService } from '../support/kubernetes-objects.js';
import {
  ownershipTxt,
  SCHEDULE_EVENT,
  type SourceWorld,
  startSourceWorld,
  zoneRecords,
} from '../support/source-world.js';

/**
 * The crd source end to end: DNSEndpoints listed from the sandbox API server (which serves ExternalDNS's
 * CRD) by the real Kubernetes client, records written to the sandbox Route 53 by the real SDK client,
 * through the scheduled handler and the audit-events handler.
 */

const SOURCES = ['service', 'crd'];
const ownership = (resource: string) => ownershipTxt('prod-eu', resource);

function dnsEndpoint(name: string, endpoints: unknown[]): KubernetesObject {
  return {
    apiVersion: 'externaldns.k8s.io/v1alpha1',
    kind: 'DNSEndpoint',
    metadata: { name, namespace: 'dns' },
    spec: { endpoints },
  };
}

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function world(objects: KubernetesObject[], records: unknown[] = []): Promise<SourceWorld> {
  const w = await startSourceWorld(
    { sources: SOURCES, managedRecordTypes: ['A', 'AAAA', 'CNAME', 'MX'] },
    [{ name: 'prod-eu', region: 'eu-central-1', objects }],
    records,
  );
  sandbox = w.sandbox;
  return w;
}

describe('DNSEndpoints through the scheduled handler', () => {
  it('publishes each entry with TXT ownership crd/<namespace>/<name>; a second pass changes nothing', async () => {
    const { sandbox, deps } = await world([
      dnsEndpoint('saas', [
        { dnsName: 'status.example.com', recordType: 'CNAME', targets: ['tenant.statuspage.example.net'] },
        { dnsName: 'mail.example.com', recordType: 'MX', recordTTL: 3600, targets: ['10 mx1.example.net'] },
      ]),
    ]);
    const first = await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    expect(first.errors).toEqual([]);
    expect(first.warnings).toEqual([]);
    expect(zoneRecords(sandbox)).toEqual(
      expect.arrayContaining([
        { name: 'status.example.com.', type: 'CNAME', ttl: 300, values: ['tenant.statuspage.example.net'] },
        { name: 'cname-status.example.com.', type: 'TXT', ttl: 300, values: [ownership('crd/dns/saas')] },
        { name: 'mail.example.com.', type: 'MX', ttl: 3600, values: ['10 mx1.example.net'] },
        { name: 'mx-mail.example.com.', type: 'TXT', ttl: 300, values: [ownership('crd/dns/saas')] },
      ]),
    );
    const second = await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    expect(second.changes).toEqual([]);
  });

  it('a cluster without the DNSEndpoint CRD is reported, not failed: its records stay', async () => {
    const crdRecords = [
      { name: 'status.example.com', type: 'CNAME', ttl: 300, values: ['tenant.statuspage.example.net'] },
      { name: 'cname-status.example.com', type: 'TXT', ttl: 300, values: [ownership('crd/dns/saas')] },
    ];
    const { sandbox, deps } = await world(
      [loadBalancerService('api', 'api.example.com', { ip: '192.0.2.7' })],
      crdRecords,
    );
    sandbox.cluster('prod-eu').setMissingCrds(['dnsendpoints.externaldns.k8s.io']);

    const result = await createScheduledHandler(() => deps)(SCHEDULE_EVENT);
    expect(result.errors).toEqual([]);
    expect(result.clusters).toEqual([{ name: 'prod-eu', status: 'ok', endpoints: 1 }]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'api-not-served', cluster: 'prod-eu', field: 'sources' }),
    ]);
    expect(result.warnings[0]?.message).toMatch(/dnsendpoints\.externaldns\.k8s\.io\/v1alpha1 is not served/);
    expect(result.changes.filter((c) => c.name.includes('status.'))).toEqual([]);
    expect(zoneRecords(sandbox)).toContainEqual(
      expect.objectContaining({ name: 'status.example.com.', type: 'CNAME' }),
    );
  });
});

describe('DNSEndpoints through the audit-events handler', () => {
  it('a new DNSEndpoint gets its records from a partial pass bounded by its dnsNames, and loses them when deleted', async () => {
    // Another DNSEndpoint keeps the owner's records many, so the deletion guard lets one go.
    const w = await world([
      dnsEndpoint('keep', [
        { dnsName: 'a.example.com', recordType: 'A', targets: ['192.0.2.1'] },
        { dnsName: 'b.example.com', recordType: 'A', targets: ['192.0.2.2'] },
        { dnsName: 'c.example.com', recordType: 'A', targets: ['192.0.2.3'] },
      ]),
    ]);
    await createScheduledHandler(() => w.deps)(SCHEDULE_EVENT);
    const object = dnsEndpoint('web', [
      { dnsName: 'www.example.com', recordType: 'A', targets: ['192.0.2.9'] },
    ]);
    await createThenDeleteThroughAudit(w, object, {
      cluster: 'prod-eu',
      names: 1,
      published: (records) =>
        expect(records).toContainEqual({
          name: 'www.example.com.',
          type: 'A',
          ttl: 300,
          values: ['192.0.2.9'],
        }),
    });
  });
});

describe('DNSEndpoint TXT records (TXT in managedRecordTypes)', () => {
  const spf = (targets: string[]) =>
    dnsEndpoint('mail', [{ dnsName: 'mail.example.com', recordType: 'TXT', targets }]);
  // Other records of the owner, so the deletion guard lets one go.
  const keep = dnsEndpoint('keep', [
    { dnsName: 'a.example.com', recordType: 'A', targets: ['192.0.2.1'] },
    { dnsName: 'b.example.com', recordType: 'A', targets: ['192.0.2.2'] },
    { dnsName: 'c.example.com', recordType: 'A', targets: ['192.0.2.3'] },
  ]);
  const verification = {
    name: 'verify.example.com.',
    type: 'TXT',
    ttl: 300,
    values: ['"site-verification=abc"'],
  };
  const othersOwnership = {
    name: 'a-web.example.com.',
    type: 'TXT',
    ttl: 300,
    values: [ownershipTxt('other', 'service/a/web')],
  };

  it('are created, updated and deleted with their own txt- ownership TXT; the zone’s other TXTs stay', async () => {
    // Someone's site verification, unowned, and another record's ownership TXT: neither is ever touched.
    const w = await startSourceWorld(
      { sources: SOURCES, managedRecordTypes: ['A', 'AAAA', 'CNAME', 'TXT'] },
      [
        {
          name: 'prod-eu',
          region: 'eu-central-1',
          objects: [keep, spf(['v=spf1 include:mail.example.net -all'])],
        },
      ],
      [verification, othersOwnership],
    );
    sandbox = w.sandbox;
    const txts = () => zoneRecords(w.sandbox).filter((r) => r.type === 'TXT' && !/^a-[abc]\./.test(r.name));
    const first = await createScheduledHandler(() => w.deps)(SCHEDULE_EVENT);
    expect(first.errors).toEqual([]);
    expect(first.warnings).toEqual([]);
    expect(txts()).toEqual([
      othersOwnership,
      {
        name: 'mail.example.com.',
        type: 'TXT',
        ttl: 300,
        values: ['"v=spf1 include:mail.example.net -all"'],
      },
      { name: 'txt-mail.example.com.', type: 'TXT', ttl: 300, values: [ownership('crd/dns/mail')] },
      verification,
    ]);
    expect(first.changes.filter((c) => c.name.endsWith('mail.example.com.'))).toEqual([
      { zone: 'example.com.', action: 'CREATE', name: 'mail.example.com.', type: 'TXT' },
      { zone: 'example.com.', action: 'CREATE', name: 'txt-mail.example.com.', type: 'TXT', ownership: true },
    ]);
    expect((await createScheduledHandler(() => w.deps)(SCHEDULE_EVENT)).changes).toEqual([]);

    const handler = createAuditEventsHandler(() => w.deps);
    const updated = await handler(
      await auditTrigger(w.sandbox, {
        cluster: 'prod-eu',
        apply: [spf(['v=spf1 -all', 'google-site-verification=xyz'])],
      }),
    );
    expect(updated.passes[0]?.errors).toEqual([]);
    expect(updated.passes[0]?.changes).toEqual([
      { zone: 'example.com.', action: 'UPSERT', name: 'mail.example.com.', type: 'TXT' },
    ]);
    expect(txts()).toContainEqual({
      name: 'mail.example.com.',
      type: 'TXT',
      ttl: 300,
      values: ['"v=spf1 -all"', '"google-site-verification=xyz"'],
    });

    const deleted = await handler(
      await auditTrigger(w.sandbox, {
        cluster: 'prod-eu',
        delete: [{ kind: 'DNSEndpoint', namespace: 'dns', name: 'mail' }],
      }),
    );
    expect(deleted.passes[0]?.errors).toEqual([]);
    expect(txts()).toEqual([othersOwnership, verification]);
  });
});
