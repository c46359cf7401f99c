import {
  type Change,
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourceCommand,
  ListTagsForResourcesCommand,
  paginateListHostedZones,
  type ResourceRecordSet,
  type Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { throttledOperation } from '../../sandbox/aws/server.js';
import { TokenBucket } from '../../sandbox/aws/throttle.js';
import { type Route53Sandbox, startRoute53Sandbox, stopRoute53Sandbox } from '../support/route53-sandbox.js';

/** The error an SDK call rejects with, so tests can assert its code and message. */
async function failure(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

function a(name: string, value: string, extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet {
  return { Name: name, Type: 'A', TTL: 300, ResourceRecords: [{ Value: value }], ...extra };
}

function change(action: Change['Action'], rrset: ResourceRecordSet): Change {
  return { Action: action, ResourceRecordSet: rrset };
}

/** Every page of ListResourceRecordSets, following NextRecordName/Type/Identifier (the SDK has no paginator). */
async function listPages(client: Route53Client, zoneId: string): Promise<ResourceRecordSet[][]> {
  const pages: ResourceRecordSet[][] = [];
  let next: { StartRecordName?: string; StartRecordType?: RRType; StartRecordIdentifier?: string } = {};
  for (;;) {
    const page = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...next }));
    pages.push(page.ResourceRecordSets ?? []);
    if (!page.IsTruncated) return pages;
    next = {
      StartRecordName: page.NextRecordName,
      StartRecordType: page.NextRecordType,
      ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
    };
  }
}

async function listAll(client: Route53Client, zoneId: string): Promise<ResourceRecordSet[]> {
  return (await listPages(client, zoneId)).flat();
}

function reversedKey(name: string): string {
  return `${name.replace(/\.$/, '').split('.').reverse().join('.')}.`;
}

/** The one load balancer the account has in these tests. */
const SHOP_NLB = 'k8s-shop.elb.eu-central-1.amazonaws.com';

describe('sandbox Route 53 through @aws-sdk/client-route-53', () => {
  let s: Route53Sandbox;
  let zoneId: string;

  beforeEach(async () => {
    s = await startRoute53Sandbox({ loadBalancers: [SHOP_NLB] });
    const created = await s.client.send(
      new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'test-zone' }),
    );
    zoneId = created.HostedZone!.Id!;
  });

  afterEach(async () => {
    await stopRoute53Sandbox(s);
  });

  const apply = (...changes: Change[]) =>
    s.client.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }),
    );

  describe('hosted zones', () => {
    it('creates a zone with its SOA and NS records and a delegation set', async () => {
      const created = await s.client.send(
        new CreateHostedZoneCommand({
          Name: 'Shop.Example.ORG',
          CallerReference: 'ref-2',
          HostedZoneConfig: { Comment: 'shop' },
        }),
      );
      expect(created.$metadata.httpStatusCode).toBe(201);
      expect(created.HostedZone).toMatchObject({
        Name: 'shop.example.org.',
        CallerReference: 'ref-2',
        Config: { Comment: 'shop', PrivateZone: false },
        ResourceRecordSetCount: 2,
      });
      expect(created.HostedZone!.Id).toMatch(/^\/hostedzone\/Z[A-Z0-9]+$/);
      expect(created.Location).toContain(created.HostedZone!.Id!.replace('/hostedzone/', ''));
      expect(created.ChangeInfo).toMatchObject({ Status: 'PENDING' });
      expect(created.DelegationSet!.NameServers).toHaveLength(4);

      const records = await listAll(s.client, created.HostedZone!.Id!);
      expect(records.map((r) => [r.Name, r.Type])).toEqual([
        ['shop.example.org.', 'NS'],
        ['shop.example.org.', 'SOA'],
      ]);
      expect(records[0]!.ResourceRecords!.map((r) => r.Value)).toEqual(created.DelegationSet!.NameServers);

      const got = await s.client.send(new GetHostedZoneCommand({ Id: created.HostedZone!.Id }));
      expect(got.HostedZone).toEqual(created.HostedZone);
      expect(got.DelegationSet!.NameServers).toEqual(created.DelegationSet!.NameServers);
    });

    it('creates a private zone associated with its VPC', async () => {
      const created = await s.client.send(
        new CreateHostedZoneCommand({
          Name: 'internal.example',
          CallerReference: 'private-1',
          VPC: { VPCId: 'vpc-0123', VPCRegion: 'eu-central-1' },
          HostedZoneConfig: { PrivateZone: true },
        }),
      );
      expect(created.HostedZone!.Config!.PrivateZone).toBe(true);
      const got = await s.client.send(new GetHostedZoneCommand({ Id: created.HostedZone!.Id }));
      expect(got.VPCs).toEqual([{ VPCId: 'vpc-0123', VPCRegion: 'eu-central-1' }]);
      expect(got.DelegationSet).toBeUndefined();
    });

    it('rejects a second zone with the same caller reference', async () => {
      const err = await failure(
        s.client.send(new CreateHostedZoneCommand({ Name: 'other.com', CallerReference: 'test-zone' })),
      );
      expect(err.name).toBe('HostedZoneAlreadyExists');
      expect(err.$metadata?.httpStatusCode).toBe(409);
    });

    it('answers NoSuchHostedZone for an unknown id on every zone operation', async () => {
      const calls = [
        () => s.client.send(new GetHostedZoneCommand({ Id: 'Z000NOPE' })),
        () => s.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z000NOPE' })),
        () =>
          s.client.send(
            new ChangeResourceRecordSetsCommand({
              HostedZoneId: 'Z000NOPE',
              ChangeBatch: { Changes: [change('CREATE', a('x.example.com', '192.0.2.1'))] },
            }),
          ),
        () => s.client.send(new DeleteHostedZoneCommand({ Id: 'Z000NOPE' })),
        () =>
          s.client.send(
            new ListTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: 'Z000NOPE' }),
          ),
      ];
      for (const call of calls) {
        const err = await failure(call());
        expect(err.name).toBe('NoSuchHostedZone');
        expect(err.message).toContain('Z000NOPE');
        expect(err.$metadata?.httpStatusCode).toBe(404);
      }
    });

    it('pages ListHostedZones with marker and maxitems', async () => {
      for (let i = 0; i < 6; i++) {
        await s.client.send(
          new CreateHostedZoneCommand({ Name: `z${i}.example.net`, CallerReference: `ref-${i}` }),
        );
      }
      const names: string[] = [];
      let pages = 0;
      for await (const page of paginateListHostedZones({ client: s.client, pageSize: 3 }, {})) {
        pages += 1;
        expect(page.HostedZones!.length).toBeLessThanOrEqual(3);
        names.push(...page.HostedZones!.map((z) => z.Name!));
      }
      expect(pages).toBe(3);
      expect(names).toEqual(['example.com.', ...[0, 1, 2, 3, 4, 5].map((i) => `z${i}.example.net.`)]);
    });

    it('lists zones by name in reversed-label order, starting at DNSName', async () => {
      for (const name of ['b.com', 'a.org', 'x.example.com', 'a.com']) {
        await s.client.send(new CreateHostedZoneCommand({ Name: name, CallerReference: name }));
      }
      const all = await s.client.send(new ListHostedZonesByNameCommand({}));
      expect(all.HostedZones!.map((z) => z.Name)).toEqual([
        'a.com.',
        'b.com.',
        'example.com.',
        'x.example.com.',
        'a.org.',
      ]);
      const page = await s.client.send(new ListHostedZonesByNameCommand({ DNSName: 'b.com', MaxItems: 2 }));
      expect(page.HostedZones!.map((z) => z.Name)).toEqual(['b.com.', 'example.com.']);
      expect(page.IsTruncated).toBe(true);
      expect(page.NextDNSName).toBe('x.example.com.');
      const rest = await s.client.send(
        new ListHostedZonesByNameCommand({ DNSName: page.NextDNSName, HostedZoneId: page.NextHostedZoneId }),
      );
      expect(rest.HostedZones!.map((z) => z.Name)).toEqual(['x.example.com.', 'a.org.']);
      expect(rest.IsTruncated).toBe(false);
    });

    it('refuses to delete a zone that holds records, then deletes it once empty', async () => {
      await apply(change('CREATE', a('www.example.com', '192.0.2.1')));
      const err = await failure(s.client.send(new DeleteHostedZoneCommand({ Id: zoneId })));
      expect(err.name).toBe('HostedZoneNotEmpty');
      await apply(change('DELETE', a('www.example.com', '192.0.2.1')));
      const deleted = await s.client.send(new DeleteHostedZoneCommand({ Id: zoneId }));
      expect(deleted.ChangeInfo!.Id).toMatch(/^\/change\/C/);
      expect((await failure(s.client.send(new GetHostedZoneCommand({ Id: zoneId })))).name).toBe(
        'NoSuchHostedZone',
      );
    });
  });

  describe('tags', () => {
    it('adds, removes and lists tags for one and for several zones', async () => {
      const bare = zoneId.replace('/hostedzone/', '');
      await s.client.send(
        new ChangeTagsForResourceCommand({
          ResourceType: 'hostedzone',
          ResourceId: bare,
          AddTags: [
            { Key: 'team', Value: 'edge' },
            { Key: 'env', Value: 'prod' },
          ],
        }),
      );
      await s.client.send(
        new ChangeTagsForResourceCommand({
          ResourceType: 'hostedzone',
          ResourceId: bare,
          RemoveTagKeys: ['env'],
        }),
      );
      const one = await s.client.send(
        new ListTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: bare }),
      );
      expect(one.ResourceTagSet).toEqual({
        ResourceType: 'hostedzone',
        ResourceId: bare,
        Tags: [{ Key: 'team', Value: 'edge' }],
      });

      const other = await s.client.send(
        new CreateHostedZoneCommand({ Name: 'other.com', CallerReference: 'o' }),
      );
      const otherId = other.HostedZone!.Id!.replace('/hostedzone/', '');
      const many = await s.client.send(
        new ListTagsForResourcesCommand({ ResourceType: 'hostedzone', ResourceIds: [bare, otherId] }),
      );
      expect(many.ResourceTagSets!.map((t) => [t.ResourceId, t.Tags])).toEqual([
        [bare, [{ Key: 'team', Value: 'edge' }]],
        [otherId, []],
      ]);
    });
  });

  describe('ListResourceRecordSets', () => {
    it('pages 750 records 300 at a time in reversed-label order, then type', async () => {
      const changes: Change[] = [];
      for (let i = 0; i < 375; i++) {
        changes.push(change('CREATE', a(`host-${(i * 7919) % 1000}.svc${i % 3}.example.com`, '192.0.2.1')));
        changes.push(
          change('CREATE', {
            Name: `host-${(i * 7919) % 1000}.svc${i % 3}.example.com`,
            Type: 'TXT',
            TTL: 300,
            ResourceRecords: [{ Value: '"owner"' }],
          }),
        );
      }
      await apply(...changes.slice(0, 500));
      await apply(...changes.slice(500));

      const pages = await listPages(s.client, zoneId);
      expect(pages.map((p) => p.length)).toEqual([300, 300, 152]);
      const records = pages.flat();
      const expected = [...records].sort(
        (x, y) =>
          (reversedKey(x.Name!) < reversedKey(y.Name!)
            ? -1
            : reversedKey(x.Name!) > reversedKey(y.Name!)
              ? 1
              : 0) || (x.Type! < y.Type! ? -1 : x.Type! > y.Type! ? 1 : 0),
      );
      expect(records.map((r) => `${r.Name}/${r.Type}`)).toEqual(expected.map((r) => `${r.Name}/${r.Type}`));
      expect(new Set(records.map((r) => `${r.Name}/${r.Type}`)).size).toBe(752);
    });

    it('caps maxitems at 300 and reports where the next page starts', async () => {
      const changes = Array.from({ length: 400 }, (_, i) =>
        change('CREATE', a(`n${i}.example.com`, '192.0.2.1')),
      );
      await apply(...changes);
      const page = await s.client.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: 1000 }),
      );
      expect(page.ResourceRecordSets).toHaveLength(300);
      expect(page.MaxItems).toBe(300);
      expect(page.IsTruncated).toBe(true);
      const next = await s.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: page.NextRecordName,
          StartRecordType: page.NextRecordType,
        }),
      );
      expect(next.ResourceRecordSets![0]!.Name).toBe(page.NextRecordName);
      expect(next.ResourceRecordSets).toHaveLength(102);
      expect(next.IsTruncated).toBe(false);
    });

    it('starts at StartRecordName/Type/Identifier and continues with NextRecordIdentifier', async () => {
      await apply(
        ...['blue', 'green', 'red'].map((id, i) =>
          change('CREATE', a('w.example.com', `192.0.2.${i}`, { SetIdentifier: id, Weight: 10 })),
        ),
        change('CREATE', a('v.example.com', '192.0.2.9')),
      );
      const first = await s.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: 'w.example.com',
          StartRecordType: 'A',
          MaxItems: 1,
        }),
      );
      expect(first.ResourceRecordSets!.map((r) => r.SetIdentifier)).toEqual(['blue']);
      expect(first).toMatchObject({
        NextRecordName: 'w.example.com.',
        NextRecordType: 'A',
        NextRecordIdentifier: 'green',
      });
      const second = await s.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: first.NextRecordName,
          StartRecordType: first.NextRecordType,
          StartRecordIdentifier: first.NextRecordIdentifier,
        }),
      );
      expect(second.ResourceRecordSets!.map((r) => r.SetIdentifier)).toEqual(['green', 'red']);
      const byName = await s.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: 'v.example.com',
          MaxItems: 1,
        }),
      );
      expect(byName.ResourceRecordSets![0]!.Name).toBe('v.example.com.');
    });

    it('rejects StartRecordType without StartRecordName', async () => {
      const err = await failure(
        s.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordType: 'A' })),
      );
      expect(err.name).toBe('InvalidInput');
    });

    it('stores wildcards unescaped and returns them as \\052, accepting either form', async () => {
      await apply(change('CREATE', a('*.example.com', '192.0.2.1')));
      const dup = await failure(apply(change('CREATE', a('\\052.example.com', '192.0.2.1'))));
      expect(dup.name).toBe('InvalidChangeBatch');
      const listed = await s.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: '*.example.com',
          MaxItems: 1,
        }),
      );
      expect(listed.ResourceRecordSets![0]!.Name).toBe('\\052.example.com.');
      expect(s.state.records(zoneId).map((r) => r.name)).toContain('*.example.com.');
      await apply(change('DELETE', a('\\052.example.com.', '192.0.2.1')));
      expect(s.state.records(zoneId).map((r) => r.name)).not.toContain('*.example.com.');
    });
  });

  describe('ChangeResourceRecordSets', () => {
    it('returns a PENDING change that GetChange then reports INSYNC', async () => {
      const res = await apply(change('CREATE', a('www.example.com', '192.0.2.1')));
      expect(res.ChangeInfo).toMatchObject({ Status: 'PENDING' });
      expect(res.ChangeInfo!.Id).toMatch(/^\/change\/C[A-Z0-9]+$/);
      const got = await s.client.send(new GetChangeCommand({ Id: res.ChangeInfo!.Id }));
      expect(got.ChangeInfo).toMatchObject({ Id: res.ChangeInfo!.Id, Status: 'INSYNC' });
      expect((await failure(s.client.send(new GetChangeCommand({ Id: 'CNOPE' })))).name).toBe('NoSuchChange');
    });

    it('UPSERT creates then replaces; DELETE needs the exact current record set', async () => {
      await apply(change('UPSERT', a('www.example.com', '192.0.2.1')));
      await apply(
        change('UPSERT', {
          Name: 'www.example.com',
          Type: 'A',
          TTL: 60,
          ResourceRecords: [{ Value: '192.0.2.2' }, { Value: '192.0.2.3' }],
        }),
      );
      const [www] = s.state.records(zoneId).filter((r) => r.name === 'www.example.com.');
      expect(www).toEqual({
        name: 'www.example.com.',
        type: 'A',
        ttl: 60,
        values: ['192.0.2.2', '192.0.2.3'],
      });
      // Values in another order are the same record set.
      await apply(
        change('DELETE', {
          Name: 'www.example.com',
          Type: 'A',
          TTL: 60,
          ResourceRecords: [{ Value: '192.0.2.3' }, { Value: '192.0.2.2' }],
        }),
      );
      expect(s.state.records(zoneId)).toHaveLength(2);
    });

    it('stores alias targets with their zone id and EvaluateTargetHealth', async () => {
      const alias = {
        Name: 'shop.example.com',
        Type: 'A' as const,
        AliasTarget: {
          DNSName: SHOP_NLB,
          HostedZoneId: 'Z3F0SRJ5LGBH90',
          EvaluateTargetHealth: true,
        },
      };
      await apply(change('CREATE', alias));
      const page = await s.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: 'shop.example.com',
          MaxItems: 1,
        }),
      );
      expect(page.ResourceRecordSets![0]).toEqual({
        Name: 'shop.example.com.',
        Type: 'A',
        AliasTarget: {
          DNSName: 'k8s-shop.elb.eu-central-1.amazonaws.com.',
          HostedZoneId: 'Z3F0SRJ5LGBH90',
          EvaluateTargetHealth: true,
        },
      });
      const err = await failure(
        apply(
          change('DELETE', { ...alias, AliasTarget: { ...alias.AliasTarget, EvaluateTargetHealth: false } }),
        ),
      );
      expect(err.message).toContain('do not match the current values');
      await apply(change('DELETE', alias));
    });

    it('validates a batch in order, so DELETE then CREATE of a different type applies', async () => {
      await apply(change('CREATE', a('app.example.com', '192.0.2.1')));
      await apply(
        change('DELETE', a('app.example.com', '192.0.2.1')),
        change('CREATE', {
          Name: 'app.example.com',
          Type: 'CNAME',
          TTL: 60,
          ResourceRecords: [{ Value: 'lb.example.net' }],
        }),
      );
      expect(s.state.records(zoneId).find((r) => r.name === 'app.example.com.')?.type).toBe('CNAME');
    });

    const seeded: ResourceRecordSet[] = [
      a('www.example.com', '192.0.2.1'),
      { Name: 'alias.example.com', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'www.example.com' }] },
      a('w.example.com', '192.0.2.5', { SetIdentifier: 'blue', Weight: 10 }),
    ];

    const invalidBatches: { title: string; changes: Change[]; message: string }[] = [
      {
        title: 'CREATE of an existing record set',
        changes: [change('CREATE', a('www.example.com', '192.0.2.1'))],
        message:
          "Tried to create resource record set [name='www.example.com.', type='A'] but it already exists",
      },
      {
        title: 'DELETE of a missing record set',
        changes: [change('DELETE', a('gone.example.com', '192.0.2.1'))],
        message:
          "Tried to delete resource record set [name='gone.example.com.', type='A'] but it was not found",
      },
      {
        title: 'DELETE with different values',
        changes: [change('DELETE', a('www.example.com', '192.0.2.99'))],
        message: 'but the values provided do not match the current values',
      },
      {
        title: 'DELETE with a different TTL',
        changes: [change('DELETE', a('www.example.com', '192.0.2.1', { TTL: 60 }))],
        message: 'but the values provided do not match the current values',
      },
      {
        title: 'DELETE with a different weight',
        changes: [change('DELETE', a('w.example.com', '192.0.2.5', { SetIdentifier: 'blue', Weight: 20 }))],
        message: 'but the values provided do not match the current values',
      },
      {
        title: 'the same DELETE twice in one batch',
        changes: [
          change('DELETE', a('www.example.com', '192.0.2.1')),
          change('DELETE', a('www.example.com', '192.0.2.1')),
        ],
        message: 'but it was not found',
      },
      {
        title: 'a CNAME beside an A record',
        changes: [
          change('CREATE', {
            Name: 'www.example.com',
            Type: 'CNAME',
            TTL: 60,
            ResourceRecords: [{ Value: 'x.example.net' }],
          }),
        ],
        message:
          'RRSet of type CNAME with DNS name www.example.com. is not permitted as it conflicts with other records with the same DNS name in zone example.com.',
      },
      {
        title: 'a TXT record beside a CNAME',
        changes: [
          change('CREATE', {
            Name: 'alias.example.com',
            Type: 'TXT',
            TTL: 60,
            ResourceRecords: [{ Value: '"x"' }],
          }),
        ],
        message:
          'RRSet of type TXT with DNS name alias.example.com. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone example.com.',
      },
      {
        title: 'a CNAME at the zone apex',
        changes: [
          change('CREATE', {
            Name: 'example.com',
            Type: 'CNAME',
            TTL: 60,
            ResourceRecords: [{ Value: 'x.example.net' }],
          }),
        ],
        message:
          'RRSet of type CNAME with DNS name example.com. is not permitted at apex in zone example.com.',
      },
      {
        title: 'a name outside the zone',
        changes: [change('CREATE', a('www.example.org', '192.0.2.1'))],
        message: 'RRSet with DNS name www.example.org. is not permitted in zone example.com.',
      },
      {
        title: 'a suffix that is not a label boundary',
        changes: [change('CREATE', a('badexample.com', '192.0.2.1'))],
        message: 'RRSet with DNS name badexample.com. is not permitted in zone example.com.',
      },
      {
        title: 'a weighted record beside a simple one of the same name and type',
        changes: [change('CREATE', a('www.example.com', '192.0.2.2', { SetIdentifier: 'green', Weight: 5 }))],
        message:
          'RRSet with DNS name www.example.com., type A, SetIdentifier green cannot be created as a non-weighted set exists with the same name and type.',
      },
      {
        title: 'a simple record beside weighted ones of the same name and type',
        changes: [change('CREATE', a('w.example.com', '192.0.2.2'))],
        message:
          'RRSet with DNS name w.example.com., type A cannot be created as other RRSets exist with the same name and type.',
      },
      {
        title: 'a latency record beside weighted ones of the same name and type',
        changes: [
          change('CREATE', a('w.example.com', '192.0.2.2', { SetIdentifier: 'eu', Region: 'eu-west-1' })),
        ],
        message:
          'RRSet with DNS name w.example.com., type A, SetIdentifier eu cannot be created as a non-latency set exists with the same name and type.',
      },
      {
        title: 'more than 1,000 ResourceRecord elements',
        changes: [0, 1, 2, 3, 4].map((i) =>
          change('CREATE', {
            Name: `big${i}.example.com`,
            Type: 'TXT',
            TTL: 60,
            ResourceRecords: Array.from({ length: i === 4 ? 201 : 200 }, (_, j) => ({ Value: `"${j}"` })),
          }),
        ),
        message: 'Number of records limit of 1000 exceeded.',
      },
      {
        title: 'UPSERT counted twice toward the 1,000 ResourceRecord elements',
        changes: [
          change('UPSERT', {
            Name: 'big.example.com',
            Type: 'TXT',
            TTL: 60,
            ResourceRecords: Array.from({ length: 501 }, (_, j) => ({ Value: `"${j}"` })),
          }),
        ],
        message: 'Number of records limit of 1000 exceeded.',
      },
      {
        title: 'more than 32,000 characters of values',
        changes: [0, 1].map((i) =>
          change('CREATE', {
            Name: `long${i}.example.com`,
            Type: 'TXT',
            TTL: 60,
            ResourceRecords: Array.from({ length: 80 }, () => ({
              Value: `"${'x'.repeat(i === 0 ? 198 : 199)}"`,
            })),
          }),
        ),
        message: 'RDATA character limit of 32000 exceeded.',
      },
      {
        title: 'UPSERT counted twice toward the 32,000 characters',
        changes: [
          change('UPSERT', {
            Name: 'long.example.com',
            Type: 'TXT',
            TTL: 60,
            ResourceRecords: Array.from({ length: 81 }, () => ({ Value: `"${'x'.repeat(198)}"` })),
          }),
        ],
        message: 'RDATA character limit of 32000 exceeded.',
      },
      {
        title: 'deleting the apex SOA',
        changes: [change('DELETE', { Name: 'example.com', Type: 'SOA' })],
        message: 'A HostedZone must contain exactly one SOA record.',
      },
    ];

    it.each(invalidBatches)(
      'answers InvalidChangeBatch and changes nothing for $title',
      async ({ changes, message }) => {
        await apply(...seeded.map((r) => change('CREATE', r)));
        const soa = s.state.records(zoneId).find((r) => r.type === 'SOA')!;
        // The SOA's exact values are only known once the zone exists.
        const batch = changes.map((c) =>
          c.ResourceRecordSet!.Type === 'SOA'
            ? change(c.Action, {
                Name: soa.name,
                Type: 'SOA',
                TTL: soa.ttl,
                ResourceRecords: soa.values!.map((v) => ({ Value: v })),
              })
            : c,
        );
        const before = s.state.records(zoneId);
        // A valid change first: atomicity means it must not apply either.
        const err = await failure(apply(change('CREATE', a('fresh.example.com', '192.0.2.77')), ...batch));
        expect(err.name).toBe('InvalidChangeBatch');
        expect(err.$metadata?.httpStatusCode).toBe(400);
        expect(err.message).toContain(message);
        expect(err.message).toMatch(/^\[.*\]$/);
        expect(s.state.records(zoneId)).toEqual(before);
      },
    );

    it('accepts exactly 1,000 ResourceRecord elements and exactly 32,000 characters', async () => {
      await apply(
        ...[0, 1, 2, 3, 4].map((i) =>
          change('CREATE', {
            Name: `big${i}.example.com`,
            Type: 'TXT',
            TTL: 60,
            ResourceRecords: Array.from({ length: 200 }, (_, j) => ({ Value: `"${j}"` })),
          }),
        ),
      );
      await apply(
        change('UPSERT', {
          Name: 'long.example.com',
          Type: 'TXT',
          TTL: 60,
          ResourceRecords: Array.from({ length: 80 }, () => ({ Value: `"${'x'.repeat(198)}"` })),
        }),
      );
      expect(s.state.records(zoneId).filter((r) => r.name.startsWith('big'))).toHaveLength(5);
    });

    it('lists every failing change in one InvalidChangeBatch', async () => {
      await apply(change('CREATE', a('www.example.com', '192.0.2.1')));
      const err = await failure(
        apply(
          change('CREATE', a('www.example.com', '192.0.2.1')),
          change('DELETE', a('nope.example.com', '192.0.2.1')),
        ),
      );
      expect(err.message).toBe(
        "[Tried to create resource record set [name='www.example.com.', type='A'] but it already exists, " +
          "Tried to delete resource record set [name='nope.example.com.', type='A'] but it was not found]",
      );
    });

    const invalidInputs: { title: string; rrset: ResourceRecordSet; message: string }[] = [
      {
        title: 'a record without TTL',
        rrset: { Name: 'x.example.com', Type: 'A', ResourceRecords: [{ Value: '192.0.2.1' }] },
        message: 'Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]',
      },
      {
        title: 'a record with both alias and values',
        rrset: {
          ...a('x.example.com', '192.0.2.1'),
          AliasTarget: { DNSName: 'y.example.com', HostedZoneId: 'Z1', EvaluateTargetHealth: false },
        },
        message: 'but found more than one',
      },
      {
        title: 'a SetIdentifier without a routing policy',
        rrset: a('x.example.com', '192.0.2.1', { SetIdentifier: 'blue' }),
        message: 'Expected exactly one of [Weight, Region, Failover, GeoLocation',
      },
      {
        title: 'a weight without a SetIdentifier',
        rrset: a('x.example.com', '192.0.2.1', { Weight: 10 }),
        message: "Missing field 'SetIdentifier'",
      },
    ];

    it.each(invalidInputs)('answers InvalidInput for $title', async ({ rrset, message }) => {
      const err = await failure(apply(change('CREATE', rrset)));
      expect(err.name).toBe('InvalidInput');
      expect(err.message).toContain(message);
      expect(err.message).toContain('x.example.com.');
    });

    it('answers InvalidChangeBatch once a zone would exceed 10,000 record sets', async () => {
      for (let i = 0; i < 9_997; i++)
        s.state.addRecord(zoneId, { name: `r${i}.example.com`, type: 'A', ttl: 60, values: ['192.0.2.1'] });
      await apply(change('CREATE', a('last.example.com', '192.0.2.1')));
      expect(s.state.zone(zoneId).recordSetCount).toBe(10_000);
      const err = await failure(apply(change('CREATE', a('over.example.com', '192.0.2.1'))));
      expect(err.name).toBe('InvalidChangeBatch');
      expect(err.message).toContain(
        `Exceeded limit MAX_RRSETS_BY_ZONE for zone: ${zoneId.replace('/hostedzone/', '')}`,
      );
      // Replacing a record set does not grow the zone, so it still applies at the quota.
      await apply(change('UPSERT', a('last.example.com', '192.0.2.2')));
    });
  });

  it('counts calls per operation', async () => {
    const before = s.calls.snapshot();
    await apply(change('CREATE', a('www.example.com', '192.0.2.1')));
    await s.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    await s.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    await failure(apply(change('CREATE', a('www.example.com', '192.0.2.1'))));
    expect(s.calls.since(before)).toEqual({
      route53: { ChangeResourceRecordSets: 2, ListResourceRecordSets: 2 },
    });
  });
});

describe('sandbox Route 53 throttling', () => {
  let s: Route53Sandbox | undefined;
  afterEach(async () => {
    if (s) await stopRoute53Sandbox(s);
    s = undefined;
  });

  it('serves the burst, then answers Throttling (400, Rate exceeded) and counts the throttled calls', async () => {
    // No refill: the outcome depends on the number of calls only, never on timing.
    s = await startRoute53Sandbox({
      throttle: new TokenBucket({ burst: 4, ratePerSecond: 0 }),
      maxAttempts: 2,
    });
    await s.client.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'z' }));
    for (let i = 0; i < 3; i++) await s.client.send(new ListHostedZonesByNameCommand({}));
    const err = await failure(s.client.send(new ListHostedZonesByNameCommand({})));
    expect(err.name).toBe('Throttling');
    expect(err.message).toBe('Rate exceeded');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    const counts = s.calls.snapshot().route53!;
    expect(counts.ListHostedZonesByName).toBe(3);
    // The SDK classifies Throttling as retryable and tried again before giving up.
    expect(counts[throttledOperation('ListHostedZonesByName')]).toBe(2);
  });

  it('lets the SDK retry through throttling when the bucket refills', async () => {
    // A clock that moves 100 ms per look refills 0.8 token per request, whatever the machine's speed.
    let fakeMs = 0;
    const bucket = new TokenBucket({ burst: 2, ratePerSecond: 8, nowMs: () => (fakeMs += 100) });
    s = await startRoute53Sandbox({ throttle: bucket, maxAttempts: 10 });
    const zone = await s.client.send(
      new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'z' }),
    );
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        s!.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.HostedZone!.Id })),
      ),
    );
    expect(results.every((r) => r.ResourceRecordSets!.length === 2)).toBe(true);
    const counts = s.calls.snapshot().route53!;
    expect(counts.ListResourceRecordSets).toBe(12);
    expect(counts[throttledOperation('ListResourceRecordSets')]).toBeGreaterThan(0);
  });
});
