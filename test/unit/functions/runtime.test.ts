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

describe('powertoolsLog', () => {
  it('keeps a warning\'s text, which Powertools would drop as its reserved key "message"', async () => {
    const { Logger } = await import('@aws-lambda-powertools/logger');
    const { powertoolsLog } = await import('../../../functions/runtime.js');
    const lines: string[] = [];
    // Powertools' own Console writes warnings to stderr.
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      const log = powertoolsLog(new Logger({ serviceName: 'edge-reconciler-test' }));
      log.warn('pass warning', { code: 'conflict', message: 'a.example.com A: two owners', service: 'x' });
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const entries = lines
      .flatMap((l) => l.split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(entries).toEqual([
      expect.objectContaining({
        message: 'pass warning',
        code: 'conflict',
        detail: 'a.example.com A: two owners',
        serviceAttribute: 'x',
      }),
    ]);
  });
});
