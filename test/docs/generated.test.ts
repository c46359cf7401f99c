import { describe, expect, it } from 'vitest';
import { deploySchema } from '../../infra/deploy-config.js';
import { configurationReference, REGENERATE, staleFiles } from '../../scripts/docs.js';
import { configSchema } from '../../shared/config.js';

describe('generated docs and schemas', () => {
  it('are what the schemas generate today', async () => {
    const stale = await staleFiles();
    expect(
      stale,
      `stale generated file(s) ${stale.join(', ')}: run \`${REGENERATE}\` and commit the result`,
    ).toEqual([]);
  });

  it('document every field of the config and of the deploy section', () => {
    const reference = configurationReference();
    const fields = [
      ...Object.keys(configSchema.shape),
      ...Object.keys(deploySchema.shape).map((k) => `deploy.${k}`),
    ];
    for (const field of fields) expect(reference, field).toContain(`| \`${field}\` |`);
  });
});
