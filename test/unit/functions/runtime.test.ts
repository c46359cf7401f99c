import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** The deployed functions cut each pass's deadline from the invocation they run in. */

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

function context(remainingMs: number): Context {
  return {
    functionName: 'edge-reconciler-scheduled',
    awsRequestId: 'req-1',
    getRemainingTimeInMillis: () => remainingMs,
  } as unknown as Context;
}

describe('lambdaDeps', () => {
  it('reads the time left from the invocation running now, and the config outside one', async () => {
    vi.stubEnv('EDGE_RECONCILER_CONFIG', JSON.stringify({ timeouts: { passMs: 123_000 } }));
    const { lambdaDeps, lambdaHandler } = await import('../../../functions/runtime.js');
    expect(lambdaDeps().remainingTimeMs?.()).toBe(123_000);
    const handler = lambdaHandler(async () => lambdaDeps().remainingTimeMs?.());
    expect(await handler({}, context(42_000))).toBe(42_000);
    expect(await handler({}, context(7_000))).toBe(7_000);
  });

  it('gives the AWS clients the configured timeouts', async () => {
    vi.stubEnv(
      'EDGE_RECONCILER_CONFIG',
      JSON.stringify({ timeouts: { connectMs: 1_234, awsRequestMs: 5_678 } }),
    );
    const { lambdaDeps } = await import('../../../functions/runtime.js');
    expect(lambdaDeps().aws.options.timeouts).toMatchObject({ connectMs: 1_234, awsRequestMs: 5_678 });
  });
});
