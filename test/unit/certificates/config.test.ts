import { describe, expect, it } from 'vitest';
import { planSettings } from '../../../shared/certificates/reconcile.js';
import { parseConfig } from '../../../shared/config.js';

describe('certificates config', () => {
  it('is off by default, with cert-manager-like defaults', () => {
    const config = parseConfig({});
    expect(config.certificates).toMatchObject({
      enabled: false,
      ownerTagKey: 'edge-reconciler:owner',
      ownerId: 'edge-reconciler-certificates',
      maxNamesPerCertificate: 10,
      expiryWarningDays: 30,
    });
    expect(planSettings(config)).toMatchObject({
      backoffInitialMs: 3_600_000,
      backoffMaxMs: 32 * 3_600_000,
      cleanupGraceMs: 86_400_000,
    });
  });

  it.each([
    [
      { retryBackoff: { initial: 'soon' } },
      'config.certificates.retryBackoff.initial: a duration such as 1h',
    ],
    [{ ownerTagKey: 'aws:owner' }, 'config.certificates.ownerTagKey: must not start with aws:'],
    [{ ownerId: 'a,b' }, 'config.certificates.ownerId:'],
    [{ maxNamesPerCertificate: 101 }, 'config.certificates.maxNamesPerCertificate:'],
    [{ region: 'europe' }, 'config.certificates.region: an AWS region'],
    [{ enable: true }, 'config.certificates.enable: unknown field'],
  ])('rejects %j naming the field', (certificates, message) => {
    expect(() => parseConfig({ certificates })).toThrow(message);
  });
});
