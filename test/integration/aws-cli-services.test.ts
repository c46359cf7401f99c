import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcmState, acmHandler } from '../../sandbox/aws/acm.js';
import { EksState, eksHandler } from '../../sandbox/aws/eks.js';
import { Elbv2State, elbv2Handler } from '../../sandbox/aws/elbv2.js';
import { EventBridgeState, eventBridgeHandler } from '../../sandbox/aws/eventbridge.js';
import { type AwsServer, startAwsServer } from '../../sandbox/aws/server.js';
import { StsState, stsHandler } from '../../sandbox/aws/sts.js';
import { ApiCallCounter } from '../../sandbox/calls.js';
import { SandboxClock } from '../../sandbox/clock.js';
import { SANDBOX_ACCOUNT, SANDBOX_IDENTITIES } from '../../sandbox/credentials.js';
import { type AwsCliRunner, awsCliRunner } from '../support/aws-cli.js';
import { awsCliV2, requireTool } from '../support/external-tools.js';

/**
 * The sandbox's STS, EKS, ACM, EventBridge and ELBv2 checked by a client no one here wrote: the AWS CLI v2
 * (Debian package `awscli`). A pyenv shim for the v1 CLI may come first on PATH, so the v2 binary is
 * looked up explicitly. Each invocation costs about a second, so the calls are few and each checks much.
 */

describe('AWS CLI v2 against the sandbox STS, EKS, ACM, EventBridge and ELBv2', () => {
  if (!requireTool(awsCliV2, 'the AWS CLI v2', 'apt-get install awscli')) return;
  const cliPath = awsCliV2;

  const clock = new SandboxClock(new Date('2030-06-01T12:00:00Z'));
  const eks = new EksState({ clock });
  const acm = new AcmState({ clock, validationRecordLagMs: 0 });
  const events = new EventBridgeState({ clock });
  const elbv2 = new Elbv2State({ clock });
  const calls = new ApiCallCounter();
  let server: AwsServer;
  let cli: AwsCliRunner;

  beforeAll(async () => {
    server = await startAwsServer({
      handlers: {
        sts: stsHandler(new StsState({ clock })),
        eks: eksHandler(eks),
        acm: acmHandler(acm),
        events: eventBridgeHandler(events),
        elasticloadbalancing: elbv2Handler(elbv2),
      },
      calls,
    });
    cli = awsCliRunner(cliPath, server.url, 'aws-cli-services-');
  });

  afterAll(async () => {
    await server?.close();
    cli?.dispose();
  });

  async function awsJson(region: string, ...args: string[]): Promise<Record<string, unknown>> {
    const out = await cli.run(region, ...args);
    if (out.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${out.code}: ${out.stderr}`);
    return out.stdout.trim() === '' ? {} : (JSON.parse(out.stdout) as Record<string, unknown>);
  }

  it('sts get-caller-identity names the signing identity', async () => {
    const me = await awsJson('us-east-1', 'sts', 'get-caller-identity');
    expect(me).toMatchObject({ Account: SANDBOX_ACCOUNT, Arn: SANDBOX_IDENTITIES[0]!.arn });
  });

  it('eks list-clusters and describe-cluster see the clusters of the region, and not others', async () => {
    eks.addCluster({
      name: 'prod-eu',
      region: 'eu-central-1',
      endpoint: 'https://127.0.0.1:6443',
      certificateAuthorityData: Buffer.from('pem').toString('base64'),
      tags: { team: 'edge' },
    });
    eks.addCluster({ name: 'prod-us', region: 'us-east-1' });

    expect(await awsJson('eu-central-1', 'eks', 'list-clusters')).toEqual({ clusters: ['prod-eu'] });
    const { cluster } = (await awsJson('eu-central-1', 'eks', 'describe-cluster', '--name', 'prod-eu')) as {
      cluster: Record<string, unknown>;
    };
    expect(cluster).toMatchObject({
      name: 'prod-eu',
      arn: `arn:aws:eks:eu-central-1:${SANDBOX_ACCOUNT}:cluster/prod-eu`,
      endpoint: 'https://127.0.0.1:6443',
      certificateAuthority: { data: Buffer.from('pem').toString('base64') },
      status: 'ACTIVE',
      tags: { team: 'edge' },
      resourcesVpcConfig: expect.objectContaining({ endpointPublicAccess: true }),
    });
    expect(new Date(cluster.createdAt as string).getTime()).toBe(clock.now().getTime());

    const missing = await cli.run('eu-central-1', 'eks', 'describe-cluster', '--name', 'prod-us');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('ResourceNotFoundException');
  });

  it('acm request-certificate, describe-certificate and list-certificates', async () => {
    const { CertificateArn: arn } = (await awsJson(
      'eu-west-1',
      'acm',
      'request-certificate',
      '--domain-name',
      'shop.example.com',
      '--subject-alternative-names',
      'www.shop.example.com',
      '--validation-method',
      'DNS',
      '--idempotency-token',
      'cli1',
      '--tags',
      'Key=owner,Value=edge-reconciler',
    )) as { CertificateArn: string };
    expect(arn).toMatch(/^arn:aws:acm:eu-west-1:000000000000:certificate\//);
    acm.importExisting({
      domain: 'ec.example.com',
      status: 'ISSUED',
      region: 'eu-west-1',
      keyAlgorithm: 'EC_prime256v1',
    });

    const { Certificate: cert } = (await awsJson(
      'eu-west-1',
      'acm',
      'describe-certificate',
      '--certificate-arn',
      arn,
    )) as {
      Certificate: Record<string, unknown> & { DomainValidationOptions: Record<string, unknown>[] };
    };
    expect(cert).toMatchObject({
      CertificateArn: arn,
      DomainName: 'shop.example.com',
      SubjectAlternativeNames: ['shop.example.com', 'www.shop.example.com'],
      Status: 'PENDING_VALIDATION',
      Type: 'AMAZON_ISSUED',
      KeyAlgorithm: 'RSA-2048',
    });
    expect(cert.DomainValidationOptions.map((d) => d.ResourceRecord)).toEqual(
      [acm.validationRecord('shop.example.com'), acm.validationRecord('www.shop.example.com')].map((r) => ({
        Name: r.name,
        Type: r.type,
        Value: r.value,
      })),
    );

    // The EC certificate is there, but the default key-type filter hides it.
    const listed = (await awsJson('eu-west-1', 'acm', 'list-certificates')) as {
      CertificateSummaryList: { CertificateArn: string; DomainName: string }[];
    };
    expect(listed.CertificateSummaryList.map((s) => [s.CertificateArn, s.DomainName])).toEqual([
      [arn, 'shop.example.com'],
    ]);
  });

  it('events put-events stores the event with its detail', async () => {
    const out = (await awsJson(
      'eu-central-1',
      'events',
      'put-events',
      '--entries',
      JSON.stringify([
        {
          Source: 'edge-reconciler',
          DetailType: 'Reconcile Completed',
          Detail: JSON.stringify({ changes: 2 }),
        },
        { Source: 'edge-reconciler', DetailType: 'Reconcile Completed', Detail: 'not json' },
      ]),
    )) as { FailedEntryCount: number; Entries: Record<string, string>[] };
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(events.entries()).toEqual([
      expect.objectContaining({
        eventId: out.Entries[0]?.EventId,
        source: 'edge-reconciler',
        detailType: 'Reconcile Completed',
        detail: { changes: 2 },
      }),
    ]);
  });

  it('elbv2 describe-load-balancers, and LoadBalancerNotFound for an unknown name', async () => {
    const lb = elbv2.addLoadBalancer({
      dnsName: 'k8s-shop-web-0123456789.elb.eu-central-1.amazonaws.com',
      type: 'network',
      canonicalHostedZoneId: 'Z3F0SRJ5LGBH90',
    });
    const out = (await awsJson('eu-central-1', 'elbv2', 'describe-load-balancers')) as {
      LoadBalancers: Record<string, unknown>[];
    };
    expect(out.LoadBalancers).toEqual([
      expect.objectContaining({
        LoadBalancerArn: lb.arn,
        LoadBalancerName: 'k8s-shop-web',
        DNSName: 'k8s-shop-web-0123456789.elb.eu-central-1.amazonaws.com',
        CanonicalHostedZoneId: 'Z3F0SRJ5LGBH90',
        Type: 'network',
        Scheme: 'internet-facing',
        State: { Code: 'active' },
      }),
    ]);
    const missing = await cli.run('eu-central-1', 'elbv2', 'describe-load-balancers', '--names', 'nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('LoadBalancerNotFound');
  });

  it('every CLI call reached the service operation it named', () => {
    expect(calls.snapshot()).toEqual({
      sts: { GetCallerIdentity: 1 },
      eks: { ListClusters: 1, DescribeCluster: 2 },
      acm: { RequestCertificate: 1, DescribeCertificate: 1, ListCertificates: 1 },
      events: { PutEvents: 1 },
      elasticloadbalancing: { DescribeLoadBalancers: 2 },
    });
  });
});
