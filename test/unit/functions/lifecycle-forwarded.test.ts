import { describe, expect, it } from 'vitest';
import { lifecycleRequest } from '../../../functions/cluster-lifecycle.js';
import { parseConfig } from '../../../shared/config.js';

/**
 * CloudTrail EKS events a member account's rule forwards to the central bus keep their own account and
 * region: the fleet cluster is matched by both, and an event whose envelope and CloudTrail record
 * disagree asks for nothing.
 */

const HOME = '111111111111';
const MEMBER = '444444444444';

function forwarded(over: { account?: string; region?: string; awsRegion?: string; recipient?: string } = {}) {
  return {
    version: '0',
    id: '36e1f1a7-0f0e-4b40-9d6a-6a1f4d1a2b3c',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.eks',
    account: over.account ?? MEMBER,
    time: '2026-12-02T10:00:00Z',
    region: over.region ?? 'us-west-2',
    resources: [],
    detail: {
      eventSource: 'eks.amazonaws.com',
      eventName: 'DeleteCluster',
      awsRegion: over.awsRegion ?? 'us-west-2',
      requestParameters: { name: 'pay-us' },
      recipientAccountId: over.recipient ?? MEMBER,
    },
  };
}

const config = parseConfig({
  clusters: [
    { name: 'pay-us', region: 'us-west-2', account: MEMBER, roleArn: `arn:aws:iam::${MEMBER}:role/m` },
  ],
});

describe('lifecycle events forwarded from member accounts and regions', () => {
  it('matches the member account’s cluster in its region', () => {
    expect(lifecycleRequest(forwarded(), config, HOME)).toMatchObject({
      request: { trigger: 'cluster-deleted', clusters: ['pay-us'] },
      account: MEMBER,
    });
  });

  it.each([
    [
      'the envelope region differs from awsRegion',
      { region: 'eu-west-1' },
      /region eu-west-1 and its awsRegion us-west-2 differ/,
    ],
    [
      'the envelope account differs from recipientAccountId',
      { account: '555555555555' },
      /account 555555555555 and its recipientAccountId 444444444444 differ/,
    ],
    [
      'the same name in another account',
      { account: '555555555555', recipient: '555555555555' },
      /not part of the fleet/,
    ],
    [
      'the same name in another region',
      { region: 'eu-west-1', awsRegion: 'eu-west-1' },
      /not part of the fleet/,
    ],
  ])('ignores it when %s', (_what, over, reason) => {
    expect(lifecycleRequest(forwarded(over), config, HOME)).toEqual({
      ignored: true,
      reason: expect.stringMatching(reason),
    });
  });
});
