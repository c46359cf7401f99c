import {
  ACMClient,
  ResourceNotFoundException as AcmResourceNotFoundException,
  AddTagsToCertificateCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  LimitExceededException,
  ListCertificatesCommand,
  type ListCertificatesCommandInput,
  ListTagsForCertificateCommand,
  paginateListCertificates,
  RemoveTagsFromCertificateCommand,
  RequestCertificateCommand,
  type RequestCertificateCommandInput,
  ResourceInUseException,
} from '@aws-sdk/client-acm';
import {
  DescribeClusterCommand,
  EKSClient,
  ResourceNotFoundException as EksResourceNotFoundException,
  ListClustersCommand,
  paginateListClusters,
} from '@aws-sdk/client-eks';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
  LoadBalancerNotFoundException,
  paginateDescribeLoadBalancers,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AcmState, acmHandler, validationRecordFor } from '../../sandbox/aws/acm.js';
import { EksState, eksHandler } from '../../sandbox/aws/eks.js';
import { Elbv2State, elbv2Handler } from '../../sandbox/aws/elbv2.js';
import { EventBridgeState, eventBridgeHandler } from '../../sandbox/aws/eventbridge.js';
import { Route53State, route53Handler } from '../../sandbox/aws/route53.js';
import { type AwsServer, startAwsServer } from '../../sandbox/aws/server.js';
import { StsState, stsHandler } from '../../sandbox/aws/sts.js';
import { ApiCallCounter } from '../../sandbox/calls.js';
import { SandboxClock } from '../../sandbox/clock.js';
import { findIdentity, SANDBOX_ACCOUNT, SANDBOX_IDENTITIES } from '../../sandbox/credentials.js';

/** The sandbox's ACM, EKS, STS, EventBridge and ELBv2 as the real AWS SDK v3 clients see them. */

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
const identity = SANDBOX_IDENTITIES[0]!;
const OTHER_ACCOUNT = '111111111111';
const credentials = { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey };

let server: AwsServer;
let calls: ApiCallCounter;
let clock: SandboxClock;
let eks: EksState;
let acm: AcmState;
let sts: StsState;
let events: EventBridgeState;
let elbv2: Elbv2State;
let route53: Route53State;
/** What the fake public DNS answers for ACM's validation lookups: `name|type` → values. */
let publicDns: Map<string, string[]>;

function clientConfig(region: string) {
  return { region, endpoint: server.url, credentials, maxAttempts: 1 };
}

beforeAll(async () => {
  clock = new SandboxClock(new Date('2030-01-01T00:00:00Z'));
  eks = new EksState({ clock });
  acm = new AcmState({ clock });
  sts = new StsState({ clock });
  events = new EventBridgeState({ clock });
  elbv2 = new Elbv2State({ clock });
  route53 = new Route53State({ clock: clock.clock });
  calls = new ApiCallCounter();
  server = await startAwsServer({
    handlers: {
      eks: eksHandler(eks, { identities: sts }),
      acm: acmHandler(acm),
      sts: stsHandler(sts),
      events: eventBridgeHandler(events),
      elasticloadbalancing: elbv2Handler(elbv2),
      route53: route53Handler(route53),
    },
    calls,
  });
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  publicDns = new Map();
  acm.setPublicRecordLookup((name, type) => publicDns.get(`${name.replace(/\.$/, '')}|${type}`));
  acm.validationRecordLagMs = 5 * SECOND;
  acm.maxDomainsPerCertificate = 10;
});

function publish(record: { name: string; value: string }, value = record.value): void {
  publicDns.set(`${record.name.replace(/\.$/, '')}|CNAME`, [value]);
}

describe('EKS', () => {
  const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nsandbox\n-----END CERTIFICATE-----\n').toString(
    'base64',
  );

  beforeAll(() => {
    for (const name of ['prod-eu', 'dev-eu', 'stage-eu']) {
      eks.addCluster({
        name,
        region: 'eu-central-1',
        endpoint: `https://127.0.0.1:6443/${name}`,
        certificateAuthorityData: ca,
        tags: { team: 'edge', env: name.split('-')[0]! },
        version: '1.30',
      });
    }
    eks.addCluster({
      name: 'prod-us',
      region: 'us-east-1',
      endpoint: 'https://127.0.0.1:7443',
      certificateAuthorityData: ca,
    });
    eks.addCluster({
      name: 'new-eu',
      region: 'eu-central-1',
      status: 'CREATING',
      endpoint: 'https://127.0.0.1:8443',
      certificateAuthorityData: ca,
      endpointPublicAccess: false,
    });
    eks.addCluster({
      name: 'other-eu',
      region: 'eu-central-1',
      account: OTHER_ACCOUNT,
      endpoint: 'https://127.0.0.1:9443',
      certificateAuthorityData: ca,
    });
  });

  it('lists only the clusters of the region the request was signed for', async () => {
    const eu = new EKSClient(clientConfig('eu-central-1'));
    const us = new EKSClient(clientConfig('us-east-1'));
    const west = new EKSClient(clientConfig('us-west-2'));
    expect((await eu.send(new ListClustersCommand({}))).clusters).toEqual([
      'dev-eu',
      'new-eu',
      'prod-eu',
      'stage-eu',
    ]);
    expect((await us.send(new ListClustersCommand({}))).clusters).toEqual(['prod-us']);
    expect((await west.send(new ListClustersCommand({}))).clusters).toEqual([]);
  });

  it('pages ListClusters with maxResults and nextToken', async () => {
    const eu = new EKSClient(clientConfig('eu-central-1'));
    const pages: string[][] = [];
    for await (const page of paginateListClusters({ client: eu, pageSize: 3 }, {}))
      pages.push(page.clusters ?? []);
    expect(pages).toEqual([['dev-eu', 'new-eu', 'prod-eu'], ['stage-eu']]);
    const first = await eu.send(new ListClustersCommand({ maxResults: 4 }));
    expect(first.nextToken).toBeUndefined();
  });

  it('describes a cluster with its API endpoint, CA and VPC config', async () => {
    const eu = new EKSClient(clientConfig('eu-central-1'));
    const { cluster } = await eu.send(new DescribeClusterCommand({ name: 'prod-eu' }));
    expect(cluster).toMatchObject({
      name: 'prod-eu',
      arn: `arn:aws:eks:eu-central-1:${SANDBOX_ACCOUNT}:cluster/prod-eu`,
      endpoint: 'https://127.0.0.1:6443/prod-eu',
      certificateAuthority: { data: ca },
      status: 'ACTIVE',
      version: '1.30',
      tags: { team: 'edge', env: 'prod' },
      resourcesVpcConfig: { endpointPublicAccess: true },
    });
    expect(cluster?.createdAt).toEqual(clock.now());
  });

  it('shows no endpoint or CA while a cluster is CREATING', async () => {
    const eu = new EKSClient(clientConfig('eu-central-1'));
    const { cluster } = await eu.send(new DescribeClusterCommand({ name: 'new-eu' }));
    expect(cluster?.status).toBe('CREATING');
    expect(cluster?.endpoint).toBeUndefined();
    expect(cluster?.certificateAuthority?.data).toBeUndefined();
    expect(cluster?.resourcesVpcConfig?.endpointPublicAccess).toBe(false);
  });

  it.each([
    ['an unknown name', 'eu-central-1', 'nope'],
    ['a cluster of another region', 'eu-central-1', 'prod-us'],
  ])('answers ResourceNotFoundException for %s', async (_what, region, name) => {
    const client = new EKSClient(clientConfig(region));
    const err = await client.send(new DescribeClusterCommand({ name })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EksResourceNotFoundException);
    expect((err as EksResourceNotFoundException).message).toContain(name);
    expect((err as EksResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
  });

  it('rejects a maxResults outside 1..100', async () => {
    const eu = new EKSClient(clientConfig('eu-central-1'));
    const err = await eu.send(new ListClustersCommand({ maxResults: 101 })).catch((e: unknown) => e);
    expect((err as Error).name).toBe('InvalidParameterException');
  });

  it('is counted per operation', async () => {
    const before = calls.snapshot();
    const eu = new EKSClient(clientConfig('eu-central-1'));
    await eu.send(new ListClustersCommand({}));
    await eu.send(new DescribeClusterCommand({ name: 'dev-eu' }));
    await eu.send(new DescribeClusterCommand({ name: 'missing' })).catch(() => undefined);
    expect(calls.since(before)).toEqual({ eks: { ListClusters: 1, DescribeCluster: 2 } });
  });

  describe('per account', () => {
    async function assumedEks(region: string, roleArn = `arn:aws:iam::${OTHER_ACCOUNT}:role/edge-reader`) {
      const out = await new STSClient(clientConfig('us-east-1')).send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'eks-test' }),
      );
      const creds = out.Credentials!;
      return new EKSClient({
        ...clientConfig(region),
        credentials: {
          accessKeyId: creds.AccessKeyId!,
          secretAccessKey: creds.SecretAccessKey!,
          sessionToken: creds.SessionToken!,
        },
      });
    }

    it('an assumed role sees its account’s clusters, and the sandbox key only the sandbox account’s', async () => {
      const asOther = await assumedEks('eu-central-1');
      expect((await asOther.send(new ListClustersCommand({}))).clusters).toEqual(['other-eu']);
      const { cluster } = await asOther.send(new DescribeClusterCommand({ name: 'other-eu' }));
      expect(cluster?.arn).toBe(`arn:aws:eks:eu-central-1:${OTHER_ACCOUNT}:cluster/other-eu`);

      const home = new EKSClient(clientConfig('eu-central-1'));
      expect((await home.send(new ListClustersCommand({}))).clusters).not.toContain('other-eu');
      const missing = await home
        .send(new DescribeClusterCommand({ name: 'other-eu' }))
        .catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(EksResourceNotFoundException);
      const notTheirs = await asOther
        .send(new DescribeClusterCommand({ name: 'prod-eu' }))
        .catch((e: unknown) => e);
      expect(notTheirs).toBeInstanceOf(EksResourceNotFoundException);
    });

    it('a role in an account without clusters lists none', async () => {
      const empty = await assumedEks('eu-central-1', 'arn:aws:iam::222222222222:role/edge-reader');
      expect((await empty.send(new ListClustersCommand({}))).clusters).toEqual([]);
    });

    it.each([
      ['an expired session', 'ExpiredTokenException', true],
      ['a session token STS never issued', 'UnrecognizedClientException', false],
    ])('refuses %s with %s (403)', async (_what, code, expire) => {
      const asOther = await assumedEks('eu-central-1');
      const client = expire
        ? asOther
        : new EKSClient({
            ...clientConfig('eu-central-1'),
            credentials: { ...credentials, sessionToken: 'SandboxSession/forged' },
          });
      if (expire) clock.advance(HOUR + SECOND);
      const err = await client.send(new ListClustersCommand({})).catch((e: unknown) => e);
      expect((err as Error).name).toBe(code);
      expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);
    });
  });
});

describe('STS', () => {
  it('answers GetCallerIdentity with the identity of the signing key', async () => {
    const client = new STSClient(clientConfig('us-east-1'));
    const me = await client.send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(identity.account);
    expect(me.Arn).toBe(identity.arn);
    expect(me.UserId).toMatch(/^AROA[0-9A-Z]+:sandbox$/);
  });

  it('refuses an access key the sandbox does not know', async () => {
    const client = new STSClient({
      ...clientConfig('us-east-1'),
      credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' },
    });
    const err = await client.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    expect((err as Error).name).toBe('InvalidClientTokenId');
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);
  });

  it('AssumeRole hands out credentials of a sandbox identity that act as the role until they expire', async () => {
    const client = new STSClient(clientConfig('us-east-1'));
    const roleArn = 'arn:aws:iam::111111111111:role/edge/reader';
    const out = await client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'pass-1' }));
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111111111111:assumed-role/reader/pass-1');
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[0-9A-Z]+:pass-1$/);
    const creds = out.Credentials!;
    expect(creds.Expiration).toEqual(new Date(clock.now().getTime() + HOUR));
    // The key pair is a sandbox identity's, so a token presigned with it verifies.
    expect(findIdentity(creds.AccessKeyId!)?.secretAccessKey).toBe(creds.SecretAccessKey);

    const asRole = new STSClient({
      ...clientConfig('eu-west-1'),
      credentials: {
        accessKeyId: creds.AccessKeyId!,
        secretAccessKey: creds.SecretAccessKey!,
        sessionToken: creds.SessionToken!,
      },
    });
    const me = await asRole.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({
      Account: '111111111111',
      Arn: 'arn:aws:sts::111111111111:assumed-role/reader/pass-1',
    });

    clock.advance(HOUR + SECOND);
    const err = await asRole.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ExpiredToken');
  });

  it.each([
    ['a malformed role ARN', { RoleArn: 'arn:aws:iam::12:role/x-but-longer', RoleSessionName: 'ok-name' }],
    [
      'a one-character session name',
      { RoleArn: 'arn:aws:iam::111111111111:role/reader', RoleSessionName: 'x' },
    ],
    [
      'a duration above the role maximum',
      { RoleArn: 'arn:aws:iam::111111111111:role/reader', RoleSessionName: 'ok-name', DurationSeconds: 7200 },
    ],
    [
      'a duration below 15 minutes',
      { RoleArn: 'arn:aws:iam::111111111111:role/reader', RoleSessionName: 'ok-name', DurationSeconds: 60 },
    ],
  ])('AssumeRole refuses %s with ValidationError', async (_what, input) => {
    const client = new STSClient(clientConfig('us-east-1'));
    const err = await client.send(new AssumeRoleCommand(input)).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationError');
  });
});

describe('ACM', () => {
  const region = 'eu-west-1';
  const client = () => new ACMClient(clientConfig(region));

  async function request(
    input: Partial<RequestCertificateCommandInput> & { DomainName: string },
  ): Promise<string> {
    const out = await client().send(new RequestCertificateCommand({ ValidationMethod: 'DNS', ...input }));
    return out.CertificateArn!;
  }

  async function describeCert(arn: string) {
    return (await client().send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate!;
  }

  it('shows a new certificate PENDING_VALIDATION, its validation CNAMEs only after the lag', async () => {
    const arn = await request({
      DomainName: 'shop.example.com',
      SubjectAlternativeNames: ['www.shop.example.com'],
    });
    expect(arn).toMatch(new RegExp(`^arn:aws:acm:${region}:${SANDBOX_ACCOUNT}:certificate/[0-9a-f-]{36}$`));
    const fresh = await describeCert(arn);
    expect(fresh).toMatchObject({
      CertificateArn: arn,
      DomainName: 'shop.example.com',
      SubjectAlternativeNames: ['shop.example.com', 'www.shop.example.com'],
      Status: 'PENDING_VALIDATION',
      Type: 'AMAZON_ISSUED',
      KeyAlgorithm: 'RSA-2048',
      InUseBy: [],
      RenewalEligibility: 'INELIGIBLE',
      CreatedAt: clock.now(),
    });
    expect(
      fresh.DomainValidationOptions?.map((d) => [d.DomainName, d.ValidationStatus, d.ResourceRecord]),
    ).toEqual([
      ['shop.example.com', 'PENDING_VALIDATION', undefined],
      ['www.shop.example.com', 'PENDING_VALIDATION', undefined],
    ]);

    clock.advance(5 * SECOND);
    const later = await describeCert(arn);
    const records = later.DomainValidationOptions?.map((d) => d.ResourceRecord);
    expect(records).toEqual([
      {
        Name: expect.stringMatching(/^_[0-9a-f]{32}\.shop\.example\.com\.$/),
        Type: 'CNAME',
        Value: expect.stringMatching(/^_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.$/),
      },
      {
        Name: expect.stringMatching(/^_[0-9a-f]{32}\.www\.shop\.example\.com\.$/),
        Type: 'CNAME',
        Value: expect.any(String),
      },
    ]);
    expect(later.Status).toBe('PENDING_VALIDATION');
  });

  it('shows the validation CNAMEs at once when the lag is zero', async () => {
    acm.validationRecordLagMs = 0;
    const arn = await request({ DomainName: 'zero.example.com' });
    const cert = await describeCert(arn);
    expect(cert.DomainValidationOptions?.[0]?.ResourceRecord?.Name).toBe(
      validationRecordFor(SANDBOX_ACCOUNT, 'zero.example.com').name,
    );
  });

  it('asks for the same CNAME for x and *.x, and across certificates', async () => {
    acm.validationRecordLagMs = 0;
    const a = await describeCert(
      await request({ DomainName: '*.same.example.com', SubjectAlternativeNames: ['same.example.com'] }),
    );
    const b = await describeCert(await request({ DomainName: 'same.example.com' }));
    const [wildcard, apex] = a.DomainValidationOptions!.map((d) => d.ResourceRecord);
    expect(wildcard).toEqual(apex);
    expect(b.DomainValidationOptions?.[0]?.ResourceRecord).toEqual(apex);
    const other = await describeCert(await request({ DomainName: 'other.example.com' }));
    expect(other.DomainValidationOptions?.[0]?.ResourceRecord?.Name).not.toBe(apex?.Name);
  });

  it('issues only once every name has its CNAME, with the right value, in public DNS', async () => {
    const arn = await request({
      DomainName: 'pay.example.com',
      SubjectAlternativeNames: ['*.pay.example.com', 'api.example.com'],
    });
    clock.advance(5 * SECOND);
    const [pay, , api] = (await describeCert(arn)).DomainValidationOptions!.map((d) => d.ResourceRecord!);

    publish({ name: pay!.Name!, value: pay!.Value! });
    let cert = await describeCert(arn);
    expect(cert.Status).toBe('PENDING_VALIDATION');
    expect(cert.DomainValidationOptions?.map((d) => d.ValidationStatus)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'PENDING_VALIDATION',
    ]);

    publish({ name: api!.Name!, value: api!.Value! }, '_wrong.abcdefghij.acm-validations.aws.');
    cert = await describeCert(arn);
    expect(cert.Status).toBe('PENDING_VALIDATION');

    clock.advance(60 * SECOND);
    publish({ name: api!.Name!, value: api!.Value! });
    cert = await describeCert(arn);
    expect(cert.Status).toBe('ISSUED');
    expect(cert.IssuedAt).toEqual(clock.now());
    expect(cert.NotBefore).toEqual(clock.now());
    expect(cert.NotAfter).toEqual(new Date(clock.now().getTime() + 395 * DAY));
    expect(cert.DomainValidationOptions?.every((d) => d.ValidationStatus === 'SUCCESS')).toBe(true);
  });

  it('issues through the sandbox Route 53: a private zone does not count, a public one does', async () => {
    acm.setPublicRecordLookup((name, type) => route53.findPublicRecordValues(name, type));
    const publicZone = route53.createZone({ name: 'r53.example.org' });
    const privateZone = route53.createZone({
      name: 'r53.example.org',
      private: true,
      vpcs: [{ id: 'vpc-1234567890abcdef0', region }],
    });
    const arn = await request({ DomainName: 'app.r53.example.org' });
    clock.advance(5 * SECOND);
    const record = (await describeCert(arn)).DomainValidationOptions![0]!.ResourceRecord!;
    const r53 = new Route53Client(clientConfig('us-east-1'));
    const upsert = (zoneId: string) =>
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'UPSERT',
                ResourceRecordSet: {
                  Name: record.Name,
                  Type: 'CNAME',
                  TTL: 300,
                  ResourceRecords: [{ Value: record.Value }],
                },
              },
            ],
          },
        }),
      );
    await upsert(privateZone.id);
    expect((await describeCert(arn)).Status).toBe('PENDING_VALIDATION');
    await upsert(publicZone.id);
    expect((await describeCert(arn)).Status).toBe('ISSUED');
  });

  it('times out a DNS validation that never completes after 72 hours', async () => {
    const arn = await request({ DomainName: 'never.example.com' });
    clock.advance(5 * SECOND + 71 * HOUR);
    expect((await describeCert(arn)).Status).toBe('PENDING_VALIDATION');
    clock.advance(HOUR);
    const cert = await describeCert(arn);
    expect(cert.Status).toBe('VALIDATION_TIMED_OUT');
    expect(cert.DomainValidationOptions?.[0]?.ValidationStatus).toBe('FAILED');
  });

  it('validates by EMAIL when the request names no method, so no CNAME ever appears', async () => {
    const out = await client().send(new RequestCertificateCommand({ DomainName: 'mail.example.com' }));
    clock.advance(HOUR);
    const cert = await describeCert(out.CertificateArn!);
    expect(cert.Status).toBe('PENDING_VALIDATION');
    expect(cert.DomainValidationOptions?.[0]?.ValidationMethod).toBe('EMAIL');
    expect(cert.DomainValidationOptions?.[0]?.ResourceRecord).toBeUndefined();
    expect(cert.DomainValidationOptions?.[0]?.ValidationEmails).toContain('admin@mail.example.com');
  });

  it('returns the same certificate for an idempotency token repeated within an hour, a new one after', async () => {
    const first = await request({ DomainName: 'idem.example.com', IdempotencyToken: 'tok1' });
    clock.advance(59 * 60 * SECOND);
    expect(await request({ DomainName: 'idem.example.com', IdempotencyToken: 'tok1' })).toBe(first);
    expect(await request({ DomainName: 'idem.example.com', IdempotencyToken: 'tok2' })).not.toBe(first);
    clock.advance(2 * 60 * SECOND);
    expect(await request({ DomainName: 'idem.example.com', IdempotencyToken: 'tok1' })).not.toBe(first);
  });

  it('applies tags given at request time, and adds and removes tags', async () => {
    const arn = await request({
      DomainName: 'tags.example.com',
      Tags: [
        { Key: 'owner', Value: 'edge-reconciler' },
        { Key: 'cluster', Value: 'prod-eu' },
      ],
    });
    const tags = async () =>
      Object.fromEntries(
        ((await client().send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags ?? []).map(
          (t) => [t.Key, t.Value],
        ),
      );
    expect(await tags()).toEqual({ owner: 'edge-reconciler', cluster: 'prod-eu' });
    await client().send(
      new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'env', Value: 'prod' }] }),
    );
    await client().send(
      new RemoveTagsFromCertificateCommand({
        CertificateArn: arn,
        Tags: [{ Key: 'cluster', Value: 'not-this-value' }, { Key: 'owner' }],
      }),
    );
    expect(await tags()).toEqual({ cluster: 'prod-eu', env: 'prod' });
    const err = await client()
      .send(
        new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'aws:reserved', Value: 'x' }] }),
      )
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('InvalidTagException');
  });

  it('limits the names per certificate by the account quota (10 by default)', async () => {
    const sans = Array.from({ length: 10 }, (_, i) => `n${i}.quota.example.com`);
    const err = await request({ DomainName: 'quota.example.com', SubjectAlternativeNames: sans }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LimitExceededException);
    expect(
      await request({ DomainName: 'quota.example.com', SubjectAlternativeNames: sans.slice(0, 9) }),
    ).toMatch(/^arn:/);
    acm.maxDomainsPerCertificate = 11;
    expect(await request({ DomainName: 'quota.example.com', SubjectAlternativeNames: sans })).toMatch(
      /^arn:/,
    );
  });

  it.each([
    ['a trailing dot', { DomainName: 'dot.example.com.' }, 'ValidationException'],
    [
      'a first name over 64 characters',
      { DomainName: `${'a'.repeat(60)}.example.com` },
      'InvalidParameterException',
    ],
    [
      'a key algorithm ACM does not issue',
      { DomainName: 'k.example.com', KeyAlgorithm: 'RSA_4096' as const },
      'InvalidParameterException',
    ],
  ])('refuses a request with %s', async (_what, input, code) => {
    const err = await request(input).catch((e: unknown) => e);
    expect((err as Error).name).toBe(code);
  });

  it('lists only RSA_1024/RSA_2048 certificates unless Includes.keyTypes asks for others', async () => {
    const listRegion = 'ap-southeast-2';
    const c = new ACMClient(clientConfig(listRegion));
    const rsa = (
      await c.send(new RequestCertificateCommand({ DomainName: 'rsa.example.com', ValidationMethod: 'DNS' }))
    ).CertificateArn!;
    const ec = (
      await c.send(
        new RequestCertificateCommand({
          DomainName: 'ec.example.com',
          ValidationMethod: 'DNS',
          KeyAlgorithm: 'EC_prime256v1',
        }),
      )
    ).CertificateArn!;
    const arns = async (input: ListCertificatesCommandInput) =>
      ((await c.send(new ListCertificatesCommand(input))).CertificateSummaryList ?? []).map(
        (s) => s.CertificateArn,
      );
    expect(await arns({})).toEqual([rsa]);
    expect(await arns({ Includes: { keyTypes: ['EC_prime256v1'] } })).toEqual([ec]);
    expect(await arns({ Includes: { keyTypes: ['RSA_2048', 'EC_prime256v1'] } })).toEqual([rsa, ec]);
    const summary = (await c.send(new ListCertificatesCommand({ Includes: { keyTypes: ['EC_prime256v1'] } })))
      .CertificateSummaryList?.[0];
    expect(summary).toMatchObject({
      DomainName: 'ec.example.com',
      KeyAlgorithm: 'EC-prime256v1',
      Status: 'PENDING_VALIDATION',
      InUse: false,
    });
  });

  it('filters by status and pages with MaxItems/NextToken', async () => {
    const pageRegion = 'sa-east-1';
    const c = new ACMClient(clientConfig(pageRegion));
    const issued = Array.from({ length: 5 }, (_, i) =>
      acm.importExisting({ domain: `p${i}.example.com`, status: 'ISSUED', region: pageRegion }),
    );
    const pending = acm.importExisting({
      domain: 'pending.example.com',
      status: 'PENDING_VALIDATION',
      region: pageRegion,
    });
    const pages: string[][] = [];
    for await (const page of paginateListCertificates(
      { client: c, pageSize: 2 },
      { CertificateStatuses: ['ISSUED'] },
    )) {
      pages.push((page.CertificateSummaryList ?? []).map((s) => s.CertificateArn!));
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual([...issued].sort());
    const pendingOnly = await c.send(
      new ListCertificatesCommand({ CertificateStatuses: ['PENDING_VALIDATION'] }),
    );
    expect(pendingOnly.CertificateSummaryList?.map((s) => s.CertificateArn)).toEqual([pending]);
  });

  it('keeps certificates to their region', async () => {
    const arn = await request({ DomainName: 'regional.example.com' });
    const elsewhere = new ACMClient(clientConfig('us-east-2'));
    expect((await elsewhere.send(new ListCertificatesCommand({}))).CertificateSummaryList).toEqual([]);
    const err = await elsewhere
      .send(new DescribeCertificateCommand({ CertificateArn: arn }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AcmResourceNotFoundException);
  });

  it('refuses to delete a certificate in use, deletes it once free, then no longer finds it', async () => {
    const arn = acm.importExisting({
      domain: '*.inuse.example.com',
      sans: ['inuse.example.com'],
      status: 'ISSUED',
      region,
      inUseBy: ['arn:aws:elasticloadbalancing:eu-west-1:000000000000:loadbalancer/app/web/0123456789abcdef'],
    });
    const cert = await describeCert(arn);
    expect(cert).toMatchObject({
      Status: 'ISSUED',
      RenewalEligibility: 'ELIGIBLE',
      InUseBy: [expect.stringContaining('loadbalancer/app/web')],
    });
    const refused = await client()
      .send(new DeleteCertificateCommand({ CertificateArn: arn }))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ResourceInUseException);

    acm.setInUseBy(arn, []);
    await client().send(new DeleteCertificateCommand({ CertificateArn: arn }));
    for (const send of [
      () => client().send(new DescribeCertificateCommand({ CertificateArn: arn })),
      () => client().send(new DeleteCertificateCommand({ CertificateArn: arn })),
    ]) {
      expect(await send().catch((e: unknown) => e)).toBeInstanceOf(AcmResourceNotFoundException);
    }
  });

  it('shows scenario certificates as stated and expires an issued one past NotAfter', async () => {
    const imported = acm.importExisting({
      domain: 'legacy.example.com',
      status: 'ISSUED',
      type: 'IMPORTED',
      region,
      notAfter: new Date(clock.now().getTime() + 10 * DAY),
      tags: { source: 'scenario' },
    });
    const cert = await describeCert(imported);
    expect(cert).toMatchObject({ Type: 'IMPORTED', Status: 'ISSUED' });
    expect(cert.DomainValidationOptions).toBeUndefined();
    expect(cert.NotAfter).toEqual(new Date(clock.now().getTime() + 10 * DAY));
    clock.advance(10 * DAY);
    expect((await describeCert(imported)).Status).toBe('EXPIRED');
    expect(acm.exportCertificates().find((c) => c.arn === imported)).toEqual({
      arn: imported,
      domain: 'legacy.example.com',
      sans: [],
      status: 'EXPIRED',
      tags: { source: 'scenario' },
    });
  });

  it('refuses a malformed ARN with ValidationException', async () => {
    const err = await client()
      .send(new DescribeCertificateCommand({ CertificateArn: 'not-an-arn-at-all-really' }))
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationException');
  });
});

describe('EventBridge', () => {
  const client = () => new EventBridgeClient(clientConfig('eu-central-1'));
  const entry = (detail: unknown, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
    Source: 'edge-reconciler',
    DetailType: 'Reconcile Completed',
    Detail: typeof detail === 'string' ? detail : JSON.stringify(detail),
    ...extra,
  });

  beforeEach(() => events.clear());

  it('stores accepted events with an id each, their detail parsed', async () => {
    const out = await client().send(
      new PutEventsCommand({
        Entries: [
          entry({ changes: 3 }),
          entry({ changes: 0 }, { EventBusName: 'ops', DetailType: 'Reconcile Failed' }),
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    const ids = out.Entries?.map((e) => e.EventId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(events.entries()).toEqual([
      expect.objectContaining({
        eventId: ids?.[0],
        source: 'edge-reconciler',
        detailType: 'Reconcile Completed',
        detail: { changes: 3 },
        eventBusName: 'default',
        time: clock.now().toISOString(),
        region: 'eu-central-1',
      }),
      expect.objectContaining({
        eventId: ids?.[1],
        detailType: 'Reconcile Failed',
        eventBusName: 'ops',
        detail: { changes: 0 },
      }),
    ]);
  });

  it.each([
    ['not JSON', 'MalformedDetail'],
    ['[1, 2]', 'MalformedDetail'],
    ['"a string"', 'MalformedDetail'],
  ])('fails an entry whose Detail is %s, keeping the others', async (detail, code) => {
    const out = await client().send(new PutEventsCommand({ Entries: [entry({ ok: true }), entry(detail)] }));
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[0]?.EventId).toBeDefined();
    expect(out.Entries?.[1]).toMatchObject({ ErrorCode: code });
    expect(events.entries().map((e) => e.detail)).toEqual([{ ok: true }]);
  });

  it('fails an entry without a Source, or with a source of AWS', async () => {
    const out = await client().send(
      new PutEventsCommand({ Entries: [entry({}, { Source: undefined }), entry({}, { Source: 'aws.eks' })] }),
    );
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries?.map((e) => e.ErrorCode)).toEqual([
      'InvalidArgument',
      'NotAuthorizedForSourceException',
    ]);
    expect(events.entries()).toEqual([]);
  });

  it('refuses more than 10 entries, and entries over 256 KB, as a whole', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => entry({ i }));
    const tooMany = await client()
      .send(new PutEventsCommand({ Entries: eleven }))
      .catch((e: unknown) => e);
    expect((tooMany as Error).name).toBe('ValidationException');
    const big = entry({ blob: 'x'.repeat(256 * 1024) });
    const tooBig = await client()
      .send(new PutEventsCommand({ Entries: [big] }))
      .catch((e: unknown) => e);
    expect((tooBig as Error).name).toBe('ValidationException');
    expect(events.entries()).toEqual([]);
    const ten = await client().send(new PutEventsCommand({ Entries: eleven.slice(0, 10) }));
    expect(ten.FailedEntryCount).toBe(0);
    expect(events.entries()).toHaveLength(10);
  });
});

describe('ELBv2', () => {
  let nlb: string;
  let alb: string;

  beforeAll(() => {
    nlb = elbv2.addLoadBalancer({
      dnsName: 'k8s-shop-web-0123456789.elb.eu-central-1.amazonaws.com',
      type: 'network',
      canonicalHostedZoneId: 'Z3F0SRJ5LGBH90',
    }).arn;
    alb = elbv2.addLoadBalancer({
      dnsName: 'internal-k8s-ingress-9876543210.eu-central-1.elb.amazonaws.com',
      type: 'application',
      canonicalHostedZoneId: 'Z215JYRZR1TBD5',
    }).arn;
    elbv2.addLoadBalancer({
      dnsName: 'k8s-us-web-1111111111.elb.us-east-1.amazonaws.com',
      canonicalHostedZoneId: 'Z26RNL4JYFTOTI',
    });
  });

  const client = () => new ElasticLoadBalancingV2Client(clientConfig('eu-central-1'));

  it('describes the load balancers of the request region with their DNS name and canonical zone', async () => {
    const out = await client().send(new DescribeLoadBalancersCommand({}));
    expect(out.LoadBalancers).toEqual([
      expect.objectContaining({
        LoadBalancerArn: nlb,
        LoadBalancerName: 'k8s-shop-web',
        DNSName: 'k8s-shop-web-0123456789.elb.eu-central-1.amazonaws.com',
        CanonicalHostedZoneId: 'Z3F0SRJ5LGBH90',
        Type: 'network',
        Scheme: 'internet-facing',
        State: { Code: 'active' },
        CreatedTime: clock.now(),
      }),
      expect.objectContaining({
        LoadBalancerArn: alb,
        LoadBalancerName: 'k8s-ingress',
        Type: 'application',
        Scheme: 'internal',
        CanonicalHostedZoneId: 'Z215JYRZR1TBD5',
      }),
    ]);
    expect(nlb).toMatch(
      /^arn:aws:elasticloadbalancing:eu-central-1:000000000000:loadbalancer\/net\/k8s-shop-web\/[0-9a-f]{16}$/,
    );
    expect(out.NextMarker).toBeUndefined();
  });

  it('describes by name and by ARN', async () => {
    const byName = await client().send(new DescribeLoadBalancersCommand({ Names: ['k8s-ingress'] }));
    expect(byName.LoadBalancers?.map((lb) => lb.LoadBalancerArn)).toEqual([alb]);
    const byArn = await client().send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [nlb] }));
    expect(byArn.LoadBalancers?.map((lb) => lb.LoadBalancerName)).toEqual(['k8s-shop-web']);
  });

  it.each([
    ['an unknown name', { Names: ['k8s-shop-web', 'nope'] }],
    ['a load balancer of another region', { Names: ['k8s-us-web'] }],
    [
      'an unknown ARN',
      {
        LoadBalancerArns: [
          'arn:aws:elasticloadbalancing:eu-central-1:000000000000:loadbalancer/net/k8s-shop-web/ffffffffffffffff',
        ],
      },
    ],
  ])('answers LoadBalancerNotFoundException for %s', async (_what, input) => {
    const err = await client()
      .send(new DescribeLoadBalancersCommand(input))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoadBalancerNotFoundException);
  });

  it('pages with PageSize and Marker', async () => {
    const pages: string[][] = [];
    for await (const page of paginateDescribeLoadBalancers({ client: client() }, { PageSize: 1 })) {
      pages.push((page.LoadBalancers ?? []).map((lb) => lb.LoadBalancerArn!));
    }
    expect(pages).toEqual([[nlb], [alb]]);
  });

  it('refuses names and ARNs together', async () => {
    const err = await client()
      .send(new DescribeLoadBalancersCommand({ Names: ['k8s-ingress'], LoadBalancerArns: [nlb] }))
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationError');
  });
});
