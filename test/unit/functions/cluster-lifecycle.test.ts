import { describe, expect, it } from 'vitest';
import { lifecycleRequest } from '../../../functions/cluster-lifecycle.js';
import { InvalidEventError } from '../../../functions/middleware.js';
import { parseConfig } from '../../../shared/config.js';

const HOME = '123456789012';
const OTHER = '210987654321';

interface Shape {
  eventName?: string;
  name?: string;
  region?: string;
  account?: string;
  tags?: Record<string, string>;
  detail?: Record<string, unknown>;
}

/** The CloudTrail event as EventBridge delivers it for an EKS call. */
function event(s: Shape = {}) {
  const name = s.name ?? 'prod-eu';
  const region = s.region ?? 'eu-central-1';
  const account = s.account ?? HOME;
  return {
    version: '0',
    id: '36e1f1a7-0f0e-4b40-9d6a-6a1f4d1a2b3c',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.eks',
    account,
    time: '2026-11-23T10:00:00Z',
    region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      eventSource: 'eks.amazonaws.com',
      eventName: s.eventName ?? 'CreateCluster',
      awsRegion: region,
      requestParameters: { name, ...(s.tags ? { tags: s.tags } : {}) },
      responseElements: { cluster: { name, status: 'CREATING', ...(s.tags ? { tags: s.tags } : {}) } },
      eventType: 'AwsApiCall',
      recipientAccountId: account,
      ...s.detail,
    },
  };
}

const listed = parseConfig({
  clusters: [
    { name: 'prod-eu', region: 'eu-central-1' },
    { name: 'prod-other', region: 'eu-west-1', account: OTHER },
  ],
});
const discovering = parseConfig({
  clusterDiscovery: {
    regions: ['eu-central-1'],
    tags: { team: 'edge' },
    accounts: [{ id: OTHER, roleArn: `arn:aws:iam::${OTHER}:role/edge-reconciler`, regions: ['us-west-2'] }],
  },
});
const untagged = parseConfig({
  clusterDiscovery: { regions: ['eu-central-1'], homeAccount: false, accounts: [] },
});

describe('lifecycleRequest', () => {
  it.each([
    [
      'CreateCluster of a listed cluster',
      listed,
      event(),
      { trigger: 'cluster-created', clusters: ['prod-eu'] },
    ],
    [
      'DeleteCluster of a listed cluster',
      listed,
      event({ eventName: 'DeleteCluster' }),
      { trigger: 'cluster-deleted', clusters: ['prod-eu'] },
    ],
    [
      'a listed cluster of another account',
      listed,
      event({ name: 'prod-other', region: 'eu-west-1', account: OTHER }),
      { trigger: 'cluster-created', clusters: ['prod-other'] },
    ],
    [
      'a discovered cluster with the tags, home account',
      discovering,
      event({ name: 'new-eu', tags: { team: 'edge', env: 'dev' } }),
      { trigger: 'cluster-created', clusters: ['new-eu'] },
    ],
    [
      'a discovered cluster in another account’s own region',
      discovering,
      event({
        eventName: 'DeleteCluster',
        name: 'o',
        region: 'us-west-2',
        account: OTHER,
        tags: { team: 'edge' },
      }),
      { trigger: 'cluster-deleted', clusters: ['o'] },
    ],
    [
      'the 2018 guide’s clusterName field',
      listed,
      event({ detail: { requestParameters: { clusterName: 'prod-eu' }, responseElements: null } }),
      { trigger: 'cluster-created', clusters: ['prod-eu'] },
    ],
  ])('%s', (_, config, e, expected) => {
    const decision = lifecycleRequest(e, config, HOME);
    expect('request' in decision && decision.request).toMatchObject(expected);
  });

  it.each([
    [
      'a failed call',
      listed,
      event({ detail: { errorCode: 'ResourceInUseException' } }),
      /failed \(ResourceInUseException\)/,
    ],
    ['another EKS call', listed, event({ eventName: 'UpdateClusterConfig' }), /not a cluster lifecycle call/],
    ['an unlisted name', listed, event({ name: 'stage' }), /stage in eu-central-1 .*not part of the fleet/],
    ['a listed name in another region', listed, event({ region: 'us-east-1' }), /not part of the fleet/],
    [
      'a listed name in another account',
      listed,
      event({ name: 'prod-other', region: 'eu-west-1', account: HOME }),
      /not part of the fleet/,
    ],
    [
      'tags that do not match',
      discovering,
      event({ name: 'n', tags: { team: 'data' } }),
      /not part of the fleet/,
    ],
    ['tags the event does not tell', discovering, event({ name: 'n' }), /not part of the fleet/],
    [
      'a region not searched',
      discovering,
      event({ name: 'n', region: 'us-east-1', tags: { team: 'edge' } }),
      /not part of the fleet/,
    ],
    [
      'another account, in a region searched only at home',
      discovering,
      event({ name: 'n', account: OTHER, tags: { team: 'edge' } }),
      /not part of the fleet/,
    ],
    ['the home account when discovery skips it', untagged, event({ name: 'n' }), /not part of the fleet/],
    [
      // prod-eu is listed without `account`: it is the reconciler's own account's, not every account's.
      'a DeleteCluster of a same-named cluster in another account',
      listed,
      event({ eventName: 'DeleteCluster', account: OTHER }),
      /prod-eu in eu-central-1 \(account 210987654321\) is not part of the fleet/,
    ],
    [
      'an event whose account and recipientAccountId differ',
      listed,
      { ...event({ eventName: 'DeleteCluster' }), account: OTHER },
      /account 210987654321 and its recipientAccountId 123456789012 differ/,
    ],
    [
      'an event that names no account',
      listed,
      (() => {
        const { account: _a, ...e } = event({ eventName: 'DeleteCluster' });
        return { ...e, detail: { ...e.detail, recipientAccountId: undefined } };
      })(),
      /names no account/,
    ],
  ])('ignores %s', (_, config, e, reason) => {
    const decision = lifecycleRequest(e, config, HOME);
    expect(decision).toMatchObject({ ignored: true });
    expect('reason' in decision && decision.reason).toMatch(reason);
  });

  it.each([
    [{ ...event(), source: 'aws.ec2' }, /^event\.source: /],
    [
      { ...event(), detail: { ...event().detail, awsRegion: undefined } },
      /^event\.detail\.awsRegion: expected string/,
    ],
    [
      event({ detail: { requestParameters: null, responseElements: null } }),
      /^event\.detail\.requestParameters\.name: expected string/,
    ],
  ])('refuses a malformed event naming the field (%#)', (e, message) => {
    expect(() => lifecycleRequest(e, listed, HOME)).toThrow(InvalidEventError);
    expect(() => lifecycleRequest(e, listed, HOME)).toThrow(message);
  });
});
