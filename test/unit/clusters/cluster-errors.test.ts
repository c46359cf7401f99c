import { describe, expect, it } from 'vitest';
import { AwsClients } from '../../../shared/aws-clients.js';
import { collectDesired } from '../../../shared/clusters/collect.js';
import { parseConfig } from '../../../shared/config.js';

/**
 * A cluster that cannot be read is one typed error naming it (`cluster-failed`, `cluster`), its message
 * naming it once: the client's own errors say the cluster already, and nothing reads the text to find out.
 */
describe('a failed cluster as a pass error', () => {
  it('a cluster whose CA cannot be used: one cluster-failed error, the cluster named once', async () => {
    const config = parseConfig({
      region: 'eu-central-1',
      clusters: [
        {
          name: 'given',
          region: 'eu-central-1',
          endpoint: 'https://127.0.0.1:1',
          certificateAuthorityData: Buffer.from('not a certificate').toString('base64'),
        },
      ],
    });
    const aws = new AwsClients({
      region: 'eu-central-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const fleet = await collectDesired(config.clusters, { config, aws, clock: () => new Date() });
    expect(fleet.errors).toEqual([
      {
        code: 'cluster-failed',
        cluster: 'given',
        message:
          'TypeError: cluster given: certificate authority data is not a base64-encoded PEM certificate',
      },
    ]);
    expect(fleet.clusters).toEqual([expect.objectContaining({ name: 'given', status: 'failed' })]);
  });
});
