import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../shared/config.js';
import { UNCARRIABLE } from '../support/uncarriable-config.js';

describe('parseConfig refuses what the registry or IAM cannot carry', () => {
  it.each(UNCARRIABLE)('%s', (_title, input, message) => {
    expect(() => parseConfig(input, 'c')).toThrow(ConfigError);
    expect(() => parseConfig(input, 'c')).toThrow(message);
  });

  it('takes what they can, and the new fields default to caps no sane workload meets', () => {
    const config = parseConfig({
      domainFilters: ['example.com', '.apps.example.com', 'example.org.'],
      excludeDomains: ['_internal.example.com'],
      regexDomainFilter: '\\.example\\.com$',
      zoneIdFilters: ['Z0123456789ABCDEFGHIJ', '/hostedzone/Z1'],
      clusters: [
        {
          name: 'prod-eu',
          region: 'eu-central-1',
          ownerId: 'prod-eu/edge:1@example+x',
          domainFilters: ['prod.example.com'],
        },
        {
          name: 'dev',
          region: 'eu-central-1',
          excludeDomains: ['pay.example.com'],
          regexDomainFilter: '^dev\\.',
        },
      ],
    });
    expect(config.maxNamesPerObject).toBe(100);
    expect(config.maxEndpointsPerCluster).toBe(5000);
    expect(config.clusters[0]?.domainFilters).toEqual(['prod.example.com']);
    expect(config.clusters[1]?.domainFilters).toBeUndefined();
  });
});
