import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coversAny, validationBase } from '../../../shared/certificates/coverage.js';
import type { KnownCertificate, NeededHost, ValidationRecord } from '../../../shared/certificates/model.js';
import {
  backoffMs,
  type PlanInput,
  type PlanSettings,
  planCertificates,
} from '../../../shared/certificates/plan.js';
import { STATE_TAG, validationTags } from '../../../shared/certificates/tags.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-03-01T00:00:00.000Z');
const REGION = 'eu-central-1';
const OWNER = { 'edge-reconciler:owner': 'certs' };

const settings: PlanSettings = {
  ownerTagKey: 'edge-reconciler:owner',
  ownerId: 'certs',
  maxNamesPerCertificate: 10,
  yearlyRequestQuota: 5000,
  maxRequestsPerPass: 20,
  backoffInitialMs: HOUR,
  backoffMaxMs: 32 * HOUR,
  cleanupGraceMs: DAY,
  expiryWarningDays: 30,
  pendingWarningMs: 2 * HOUR,
  unusedWarningMs: DAY,
};

/** What ACM asks for: a function of the name alone, shared by `x` and `*.x`. */
function record(name: string): ValidationRecord {
  const base = validationBase(name);
  const h = createHash('sha256').update(base).digest('hex');
  return { name: `_${h.slice(0, 16)}.${base}`, value: `_${h.slice(16, 32)}.acm-validations.aws` };
}

function recordsFor(names: readonly string[]): ValidationRecord[] {
  return [...new Map(names.map((n) => [record(n).name, record(n)])).values()];
}

let serial = 0;
function cert(names: string[], extra: Partial<KnownCertificate> & { ours?: boolean } = {}): KnownCertificate {
  const { ours, ...rest } = extra;
  return {
    arn: `arn:aws:acm:${REGION}:111111111111:certificate/${String(++serial).padStart(4, '0')}`,
    region: REGION,
    names,
    status: 'ISSUED',
    type: 'AMAZON_ISSUED',
    inUse: true,
    createdAt: new Date(NOW.getTime() - 30 * DAY),
    issuedAt: new Date(NOW.getTime() - 30 * DAY),
    notAfter: new Date(NOW.getTime() + 300 * DAY),
    tags: ours ? { ...OWNER } : {},
    ...rest,
  };
}

function host(name: string, region = REGION): NeededHost {
  return { host: name, region, resources: [`prod:ingress/web/${name}`] };
}

function plan(over: Partial<PlanInput>) {
  return planCertificates({ now: NOW, hosts: [], certificates: [], cleanup: true, settings, ...over });
}

describe('requests', () => {
  it('asks for an uncovered host with DNS state tags and an idempotency token', () => {
    const p = plan({ hosts: [host('shop.example.com')] });
    expect(p.requests).toHaveLength(1);
    const r = p.requests[0]!;
    expect(r).toMatchObject({
      region: REGION,
      domainName: 'shop.example.com',
      names: ['shop.example.com'],
      attempt: 1,
    });
    expect(r.idempotencyToken).toMatch(/^\w{32}$/);
    expect(r.tags).toEqual({
      'edge-reconciler:owner': 'certs',
      [STATE_TAG.requestedAt]: NOW.toISOString(),
      [STATE_TAG.attempt]: '1',
    });
    expect(plan({ hosts: [host('shop.example.com')] }).requests[0]!.idempotencyToken).toBe(
      r.idempotencyToken,
    );
  });

  it('reuses an existing wildcard, ours or not, and asks nothing', () => {
    const wildcard = cert(['*.example.com']);
    const p = plan({ hosts: [host('shop.example.com'), host('api.example.com')], certificates: [wildcard] });
    expect(p.requests).toEqual([]);
    expect(p.report.coveredHosts).toBe(2);
    expect(p.report.issued).toEqual([
      expect.objectContaining({
        arn: wildcard.arn,
        ours: false,
        hosts: ['api.example.com', 'shop.example.com'],
      }),
    ]);
  });

  it('does not take the apex or a deeper name as covered by a wildcard', () => {
    const p = plan({
      hosts: [host('example.com'), host('a.b.example.com')],
      certificates: [cert(['*.example.com'])],
    });
    expect(p.requests.map((r) => r.names)).toEqual([['a.b.example.com'], ['example.com']]);
  });

  it.each([
    ['ISSUED', false],
    ['PENDING_VALIDATION', false],
    ['EXPIRED', true],
    ['REVOKED', true],
    ['INACTIVE', true],
  ])('a certificate %s for the host: request again %s', (status, requested) => {
    const p = plan({
      hosts: [host('shop.example.com')],
      certificates: [cert(['shop.example.com'], { status })],
    });
    expect(p.requests.length > 0).toBe(requested);
  });

  it('an ISSUED certificate past its notAfter covers nothing', () => {
    const stale = cert(['shop.example.com'], { notAfter: new Date(NOW.getTime() - 1) });
    expect(plan({ hosts: [host('shop.example.com')], certificates: [stale] }).requests).toHaveLength(1);
  });

  it('never asks again while a request is pending, and reports its age', () => {
    const pending = cert(['shop.example.com'], {
      ours: true,
      status: 'PENDING_VALIDATION',
      createdAt: new Date(NOW.getTime() - 3 * HOUR),
    });
    const p = plan({ hosts: [host('shop.example.com')], certificates: [pending] });
    expect(p.requests).toEqual([]);
    expect(p.report.waiting).toEqual([
      { host: 'shop.example.com', region: REGION, reason: 'pending', arn: pending.arn },
    ]);
    expect(p.report.pending).toEqual([
      expect.objectContaining({ arn: pending.arn, ageSeconds: 3 * 3600, tooLong: true, ours: true }),
    ]);
  });

  it('groups names by parent domain, the quota of names per certificate at most', () => {
    const names = Array.from({ length: 12 }, (_, i) => `h${String(i).padStart(2, '0')}.example.com`);
    const p = plan({ hosts: [...names.map((n) => host(n)), host('x.other.org')] });
    expect(p.requests.map((r) => r.names.length)).toEqual([10, 2, 1]);
    expect(new Set(p.requests.flatMap((r) => r.names))).toEqual(new Set([...names, 'x.other.org']));
  });

  it('puts x and *.x on one certificate; a one-label name waits for the wildcard asked for with it', () => {
    const p = plan({ hosts: [host('example.com'), host('*.example.com'), host('a.example.com')] });
    expect(p.requests.map((r) => r.names)).toEqual([['example.com', '*.example.com']]);
    expect(p.report.waiting).toEqual([
      { host: 'a.example.com', region: REGION, reason: 'covered-by-request' },
    ]);
  });

  it('puts a name longer than a subject CN after a short one, and reports a group with none', () => {
    const long = `${'a'.repeat(60)}.example.com`;
    expect(plan({ hosts: [host(long), host('b.example.com')] }).requests[0]!.names).toEqual([
      'b.example.com',
      long,
    ]);
    const p = plan({ hosts: [host(long)] });
    expect(p.requests).toEqual([]);
    expect(p.report.waiting).toEqual([{ host: long, region: REGION, reason: 'no-short-name' }]);
  });

  it('plans each region on its own: coverage in one region does not serve another', () => {
    const p = plan({
      hosts: [host('shop.example.com', 'eu-central-1'), host('shop.example.com', 'us-east-1')],
      certificates: [cert(['shop.example.com'])],
    });
    expect(p.requests.map((r) => r.region)).toEqual(['us-east-1']);
  });

  it.each([
    { used: 4999, limit: 5000, requested: 1 },
    { used: 5000, limit: 5000, requested: 0 },
  ])('respects the yearly quota: $used of $limit used', ({ used, limit, requested }) => {
    const old = Array.from({ length: used }, () =>
      cert(['old.example.net'], { status: 'EXPIRED', createdAt: new Date(NOW.getTime() - 100 * DAY) }),
    );
    const yearAgo = cert(['older.example.net'], { createdAt: new Date(NOW.getTime() - 366 * DAY) });
    const p = planCertificates({
      now: NOW,
      hosts: [host('a.example.com'), host('b.other.org')],
      certificates: [...old, yearAgo],
      cleanup: false,
      settings: { ...settings, yearlyRequestQuota: limit },
    });
    expect(p.requests).toHaveLength(requested);
    expect(p.report.quota).toEqual([
      { region: REGION, limit, usedLast365Days: used + requested, remaining: limit - used - requested },
    ]);
    expect(p.report.waiting.filter((w) => w.reason === 'quota')).toHaveLength(2 - requested);
  });

  it('asks for at most maxRequestsPerPass certificates in one pass', () => {
    const hosts = ['a.one.com', 'b.two.com', 'c.three.com'].map((n) => host(n));
    const p = planCertificates({
      now: NOW,
      hosts,
      certificates: [],
      cleanup: true,
      settings: { ...settings, maxRequestsPerPass: 2 },
    });
    expect(p.requests).toHaveLength(2);
    expect(p.report.waiting.map((w) => w.reason)).toEqual(['pass-limit']);
  });

  it('reports hosts served by two certificates', () => {
    const a = cert(['*.example.com']);
    const b = cert(['shop.example.com']);
    const p = plan({ hosts: [host('shop.example.com')], certificates: [a, b] });
    expect(p.report.duplicates).toEqual([{ host: 'shop.example.com', region: REGION, arns: [a.arn, b.arn] }]);
    expect(p.requests).toEqual([]);
  });
});

describe('failures back off', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 4],
    [6, 32],
    [7, 32],
    [60, 32],
  ])('attempt %i waits %i h', (attempt, hours) => {
    expect(backoffMs(attempt, settings)).toBe(hours * HOUR);
  });

  it('tags a newly failed certificate with its retry time and reason, and waits', () => {
    const failed = cert(['shop.example.com', 'api.example.com'], {
      ours: true,
      status: 'FAILED',
      failureReason: 'CAA_ERROR',
      tags: { ...OWNER, [STATE_TAG.attempt]: '2' },
    });
    const p = plan({ hosts: [host('shop.example.com')], certificates: [failed] });
    const retryAfter = new Date(NOW.getTime() + 2 * HOUR).toISOString();
    expect(p.requests).toEqual([]);
    expect(p.tagging).toEqual([
      {
        arn: failed.arn,
        region: REGION,
        add: { [STATE_TAG.retryAfter]: retryAfter, [STATE_TAG.failureReason]: 'CAA_ERROR' },
      },
    ]);
    expect(p.report.waiting).toEqual([
      { host: 'shop.example.com', region: REGION, reason: 'backoff', arn: failed.arn, until: retryAfter },
    ]);
    expect(p.report.failed).toEqual([
      { arn: failed.arn, region: REGION, names: failed.names, reason: 'CAA_ERROR', attempt: 2, retryAfter },
    ]);
    expect(p.deletions).toEqual([]);
  });

  it('retries each name alone once the time has come, keeping the failed certificate for now', () => {
    const failed = cert(['a.example.com', 'b.example.com'], {
      ours: true,
      status: 'VALIDATION_TIMED_OUT',
      tags: {
        ...OWNER,
        [STATE_TAG.attempt]: '1',
        [STATE_TAG.retryAfter]: new Date(NOW.getTime() - 1).toISOString(),
      },
    });
    const p = plan({
      hosts: [host('a.example.com'), host('b.example.com'), host('c.example.com')],
      certificates: [failed],
    });
    expect(p.requests.map((r) => [r.names, r.attempt, r.retryOf])).toEqual([
      [['a.example.com'], 2, failed.arn],
      [['b.example.com'], 2, failed.arn],
      [['c.example.com'], 1, undefined],
    ]);
    expect(p.requests[0]!.tags[STATE_TAG.attempt]).toBe('2');
    expect(p.deletions).toEqual([]);
  });

  it('deletes a failed certificate once a newer one holds its names', () => {
    const failed = cert(['a.example.com'], {
      ours: true,
      status: 'FAILED',
      createdAt: new Date(NOW.getTime() - 3 * HOUR),
      tags: { ...OWNER, [STATE_TAG.retryAfter]: new Date(NOW.getTime() - HOUR).toISOString() },
    });
    const retry = cert(['a.example.com'], {
      ours: true,
      status: 'PENDING_VALIDATION',
      createdAt: new Date(NOW.getTime() - HOUR),
    });
    const p = plan({ hosts: [host('a.example.com')], certificates: [failed, retry] });
    expect(p.deletions).toEqual([
      {
        arn: failed.arn,
        region: REGION,
        names: ['a.example.com'],
        reason: 'superseded',
        validationRecords: [],
      },
    ]);
    expect(p.requests).toEqual([]);
  });

  it('counts attempts from the newest failure', () => {
    const older = cert(['a.example.com'], {
      ours: true,
      status: 'FAILED',
      createdAt: new Date(NOW.getTime() - 10 * HOUR),
      tags: { ...OWNER, [STATE_TAG.attempt]: '1', [STATE_TAG.retryAfter]: NOW.toISOString() },
    });
    const newer = cert(['a.example.com'], {
      ours: true,
      status: 'FAILED',
      createdAt: new Date(NOW.getTime() - 5 * HOUR),
      tags: { ...OWNER, [STATE_TAG.attempt]: '2', [STATE_TAG.retryAfter]: NOW.toISOString() },
    });
    const p = plan({ hosts: [host('a.example.com')], certificates: [older, newer] });
    expect(p.requests.map((r) => r.attempt)).toEqual([3]);
    expect(p.deletions.map((d) => d.arn)).toEqual([older.arn]);
  });
});

describe('cleanup', () => {
  const unneeded = (extra: Partial<KnownCertificate> = {}, since?: Date) =>
    cert(['gone.example.com'], {
      ours: true,
      inUse: false,
      ...extra,
      tags: { ...OWNER, ...(since ? { [STATE_TAG.unneededSince]: since.toISOString() } : {}) },
    });

  it('marks an unneeded certificate of ours and keeps it through the grace period', () => {
    const c = unneeded();
    const p = plan({ certificates: [c] });
    expect(p.tagging).toEqual([
      { arn: c.arn, region: REGION, add: { [STATE_TAG.unneededSince]: NOW.toISOString() } },
    ]);
    expect(p.deletions).toEqual([]);
    expect(p.report.kept).toEqual([
      expect.objectContaining({
        arn: c.arn,
        reason: 'grace',
        deleteAfter: new Date(NOW.getTime() + DAY).toISOString(),
      }),
    ]);
  });

  it('deletes it after the grace period, with its validation records', () => {
    const c = unneeded(
      { validationRecords: recordsFor(['gone.example.com']) },
      new Date(NOW.getTime() - DAY),
    );
    const p = plan({ certificates: [c] });
    expect(p.deletions).toEqual([
      {
        arn: c.arn,
        region: REGION,
        names: c.names,
        reason: 'unneeded',
        validationRecords: recordsFor(['gone.example.com']),
      },
    ]);
    expect(p.validationRecords).toEqual([]);
  });

  it('never deletes one in use', () => {
    const c = unneeded({ inUse: true }, new Date(NOW.getTime() - 2 * DAY));
    const p = plan({ certificates: [c] });
    expect(p.deletions).toEqual([]);
    expect(p.report.kept).toEqual([expect.objectContaining({ arn: c.arn, reason: 'in-use' })]);
  });

  it('never deletes a certificate that is not ours', () => {
    const c = cert(['gone.example.com'], { inUse: false });
    expect(plan({ certificates: [c] }).deletions).toEqual([]);
  });

  it('does nothing while the pass is partial', () => {
    const c = unneeded({}, new Date(NOW.getTime() - 2 * DAY));
    const failed = cert(['x.example.com'], {
      ours: true,
      status: 'FAILED',
      tags: { ...OWNER, [STATE_TAG.retryAfter]: NOW.toISOString() },
    });
    const p = plan({ certificates: [c, failed], cleanup: false });
    expect(p.deletions).toEqual([]);
    expect(p.tagging).toEqual([]);
  });

  it('clears the mark when a host needs the certificate again', () => {
    const c = unneeded({}, new Date(NOW.getTime() - HOUR));
    const p = plan({ certificates: [c], hosts: [host('gone.example.com')] });
    expect(p.untagging).toEqual([{ arn: c.arn, region: REGION, keys: [STATE_TAG.unneededSince] }]);
    expect(p.deletions).toEqual([]);
  });

  it('keeps an unneeded certificate whose validation record validates someone else’s live certificate', () => {
    const c = unneeded(
      { names: ['example.com'], validationRecords: recordsFor(['example.com']) },
      new Date(NOW.getTime() - 2 * DAY),
    );
    const foreign = cert(['*.example.com']);
    const p = plan({ certificates: [c, foreign] });
    expect(p.deletions).toEqual([]);
    expect(p.report.kept).toEqual([expect.objectContaining({ arn: c.arn, reason: 'validation-shared' })]);
    expect(p.validationRecords.map((r) => r.name)).toEqual([record('example.com').name]);
  });
});

describe('validation records', () => {
  it('are desired for our pending and issued certificates, from DescribeCertificate or our tags', () => {
    const pending = cert(['a.example.com'], {
      ours: true,
      status: 'PENDING_VALIDATION',
      validationRecords: recordsFor(['a.example.com']),
    });
    const issued = cert(['b.example.com'], {
      ours: true,
      tags: { ...OWNER, ...validationTags(recordsFor(['b.example.com'])) },
    });
    const foreign = cert(['c.example.com'], { validationRecords: recordsFor(['c.example.com']) });
    const p = plan({
      hosts: ['a', 'b', 'c'].map((x) => host(`${x}.example.com`)),
      certificates: [pending, issued, foreign],
    });
    expect(p.validationRecords).toEqual(
      [
        { ...record('a.example.com'), base: 'a.example.com', certificates: [pending.arn] },
        { ...record('b.example.com'), base: 'b.example.com', certificates: [issued.arn] },
      ].sort((x, y) => (x.name < y.name ? -1 : 1)),
    );
  });

  it('caches described records in tags once', () => {
    const records = recordsFor(['a.example.com']);
    const fresh = cert(['a.example.com'], { ours: true, validationRecords: records });
    expect(plan({ hosts: [host('a.example.com')], certificates: [fresh] }).tagging).toEqual([
      { arn: fresh.arn, region: REGION, add: validationTags(records) },
    ]);
    const cached = cert(['a.example.com'], {
      ours: true,
      validationRecords: records,
      tags: { ...OWNER, ...validationTags(records) },
    });
    expect(plan({ hosts: [host('a.example.com')], certificates: [cached] }).tagging).toEqual([]);
  });

  it('one record serves two certificates, and stays while either needs it', () => {
    const apex = cert(['example.com'], { ours: true, validationRecords: recordsFor(['example.com']) });
    const wildcard = cert(['*.example.com'], {
      ours: true,
      validationRecords: recordsFor(['*.example.com']),
    });
    const both = plan({
      hosts: [host('example.com'), host('a.example.com')],
      certificates: [apex, wildcard],
    });
    expect(both.validationRecords).toEqual([
      { ...record('example.com'), base: 'example.com', certificates: [apex.arn, wildcard.arn] },
    ]);

    // The apex is gone long enough for its certificate to go; the wildcard still needs the record.
    const stale = {
      ...apex,
      inUse: false,
      tags: { ...OWNER, [STATE_TAG.unneededSince]: new Date(NOW.getTime() - 2 * DAY).toISOString() },
    };
    const one = plan({ hosts: [host('a.example.com')], certificates: [stale, wildcard] });
    expect(one.deletions.map((d) => d.arn)).toEqual([apex.arn]);
    expect(one.validationRecords).toEqual([
      { ...record('example.com'), base: 'example.com', certificates: [wildcard.arn] },
    ]);
  });
});

describe('state report', () => {
  it('reports renewal at risk for an issued certificate serving hosts that nothing uses', () => {
    const unused = cert(['shop.example.com'], { inUse: false, issuedAt: new Date(NOW.getTime() - 2 * DAY) });
    const fresh = cert(['api.example.com'], { inUse: false, issuedAt: new Date(NOW.getTime() - HOUR) });
    const used = cert(['web.example.com'], { inUse: true });
    const p = plan({
      hosts: ['shop', 'api', 'web'].map((x) => host(`${x}.example.com`)),
      certificates: [unused, fresh, used],
    });
    expect(p.report.renewalAtRisk).toEqual([
      {
        arn: unused.arn,
        region: REGION,
        names: ['shop.example.com'],
        hosts: ['shop.example.com'],
        resources: ['prod:ingress/web/shop.example.com'],
      },
    ]);
  });

  it('reports certificates expiring within the warning days', () => {
    const soon = cert(['a.example.com'], { notAfter: new Date(NOW.getTime() + 10 * DAY + HOUR) });
    const later = cert(['b.example.com'], { notAfter: new Date(NOW.getTime() + 31 * DAY) });
    const p = plan({ hosts: [host('a.example.com'), host('b.example.com')], certificates: [soon, later] });
    expect(p.report.expiring).toEqual([
      { arn: soon.arn, region: REGION, names: ['a.example.com'], ours: false, daysLeft: 10 },
    ]);
  });
});

describe('certificates an NLB Service must name (report.notAttached)', () => {
  function nlbHost(
    name: string,
    arns: string[],
    resource = 'service/shop/web',
    cluster = 'prod',
  ): NeededHost {
    return {
      host: name,
      region: REGION,
      resources: [`${cluster}:${resource}`],
      attachments: [{ cluster, resource, arns }],
    };
  }

  it.each([
    ['names it already → nothing to add', (arn: string) => [arn], false],
    ['names it among others → nothing to add', (arn: string) => ['arn:other', arn], false],
    ['names no certificate → add it', () => [], true],
    [
      'names another certificate → add it',
      () => ['arn:aws:acm:eu-central-1:111111111111:certificate/old'],
      true,
    ],
  ])('a Service that %s', (_name, attached, reported) => {
    const issued = cert(['shop.example.com']);
    const p = plan({ hosts: [nlbHost('shop.example.com', attached(issued.arn))], certificates: [issued] });
    expect(p.report.notAttached).toEqual(
      reported
        ? [
            {
              cluster: 'prod',
              resource: 'service/shop/web',
              region: REGION,
              arn: issued.arn,
              hosts: ['shop.example.com'],
              attached: attached(issued.arn),
            },
          ]
        : [],
    );
  });

  it('one entry per Service and ARN, with every host it serves', () => {
    const wildcard = cert(['*.example.com']);
    const p = plan({
      hosts: [
        nlbHost('b.example.com', []),
        nlbHost('a.example.com', []),
        nlbHost('a.example.com', [], 'service/shop/api'),
      ],
      certificates: [wildcard],
    });
    expect(p.report.notAttached.map((n) => [n.resource, n.arn, n.hosts])).toEqual([
      ['service/shop/api', wildcard.arn, ['a.example.com']],
      ['service/shop/web', wildcard.arn, ['a.example.com', 'b.example.com']],
    ]);
  });

  it('nothing while the certificate is only pending, nor for an Ingress, whose controller finds it', () => {
    const pending = cert(['shop.example.com'], { status: 'PENDING_VALIDATION', ours: true });
    expect(
      plan({ hosts: [nlbHost('shop.example.com', [])], certificates: [pending] }).report.notAttached,
    ).toEqual([]);
    const issued = cert(['shop.example.com']);
    expect(plan({ hosts: [host('shop.example.com')], certificates: [issued] }).report.notAttached).toEqual(
      [],
    );
  });

  it('of several serving the host, names one ACM renews and that lasts longest', () => {
    const imported = cert(['shop.example.com'], {
      type: 'IMPORTED',
      notAfter: new Date(NOW.getTime() + 900 * DAY),
    });
    const shorter = cert(['shop.example.com'], { notAfter: new Date(NOW.getTime() + 100 * DAY) });
    const longer = cert(['*.example.com'], { notAfter: new Date(NOW.getTime() + 200 * DAY) });
    const p = plan({ hosts: [nlbHost('shop.example.com', [])], certificates: [imported, shorter, longer] });
    expect(p.report.notAttached.map((n) => n.arn)).toEqual([longer.arn]);
    // Naming any one of them is enough.
    const ok = plan({
      hosts: [nlbHost('shop.example.com', [shorter.arn])],
      certificates: [imported, shorter, longer],
    });
    expect(ok.report.notAttached).toEqual([]);
  });

  it('a host several clusters serve: each Service is judged by its own annotation', () => {
    const issued = cert(['shop.example.com']);
    const p = plan({
      hosts: [
        nlbHost('shop.example.com', [], 'service/shop/web', 'prod'),
        nlbHost('shop.example.com', [issued.arn], 'service/shop/web', 'dr'),
        nlbHost('shop.example.com', [], 'service/shop/web', 'staging'),
      ],
      certificates: [issued],
    });
    expect(p.report.notAttached.map((n) => [n.cluster, n.resource, n.arn])).toEqual([
      ['prod', 'service/shop/web', issued.arn],
      ['staging', 'service/shop/web', issued.arn],
    ]);
  });
});

// --- properties

const NAMES = [
  'example.com',
  '*.example.com',
  'a.example.com',
  'b.example.com',
  'a.b.example.com',
  '*.b.example.com',
  'b.example.com',
  'x.other.org',
];
const STATUSES = ['ISSUED', 'PENDING_VALIDATION', 'FAILED', 'VALIDATION_TIMED_OUT', 'EXPIRED', 'REVOKED'];
const REGIONS = ['eu-central-1', 'us-east-1'];

const certificateArb = fc.record({
  names: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }),
  status: fc.constantFrom(...STATUSES),
  region: fc.constantFrom(...REGIONS),
  ours: fc.boolean(),
  inUse: fc.boolean(),
  ageHours: fc.integer({ min: 0, max: 2000 }),
  attempt: fc.integer({ min: 1, max: 6 }),
  retryInHours: fc.option(fc.integer({ min: -50, max: 50 })),
  unneededHoursAgo: fc.option(fc.integer({ min: 0, max: 60 })),
  described: fc.boolean(),
  type: fc.constantFrom('AMAZON_ISSUED', 'AMAZON_ISSUED', 'IMPORTED'),
});

const worldArb = fc.record({
  hosts: fc.array(fc.record({ host: fc.constantFrom(...NAMES), region: fc.constantFrom(...REGIONS) }), {
    maxLength: 8,
  }),
  certificates: fc.array(certificateArb, { maxLength: 8 }),
  cleanup: fc.boolean(),
  maxNames: fc.integer({ min: 1, max: 4 }),
});

type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function world(w: World): PlanInput {
  const certificates = w.certificates.map((c, i): KnownCertificate => {
    const records = recordsFor(c.names);
    const tags: Record<string, string> = {};
    if (c.ours) {
      Object.assign(tags, OWNER, { [STATE_TAG.attempt]: String(c.attempt) });
      if (c.retryInHours !== null)
        tags[STATE_TAG.retryAfter] = new Date(NOW.getTime() + c.retryInHours * HOUR).toISOString();
      if (c.unneededHoursAgo !== null)
        tags[STATE_TAG.unneededSince] = new Date(NOW.getTime() - c.unneededHoursAgo * HOUR).toISOString();
      if (!c.described) Object.assign(tags, validationTags(records));
    }
    return {
      arn: `arn:aws:acm:${c.region}:111111111111:certificate/${i}`,
      region: c.region,
      names: c.names,
      status: c.status,
      // What we request is always ACM-issued.
      type: c.ours ? 'AMAZON_ISSUED' : c.type,
      inUse: c.inUse,
      createdAt: new Date(NOW.getTime() - c.ageHours * HOUR),
      notAfter: new Date(NOW.getTime() + 100 * DAY),
      tags,
      ...(c.described && (c.ours || c.type === 'AMAZON_ISSUED') ? { validationRecords: records } : {}),
    };
  });
  return {
    now: NOW,
    hosts: w.hosts.map((h) => ({ ...h, resources: ['r'] })),
    certificates,
    cleanup: w.cleanup,
    settings: { ...settings, maxNamesPerCertificate: w.maxNames },
  };
}

describe('planner properties', () => {
  it('never asks for a second certificate for a name already covered or pending, nor twice in one pass', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const input = world(w);
        const p = planCertificates(input);
        for (const r of p.requests) {
          const holders = input.certificates.filter(
            (c) => c.region === r.region && (c.status === 'ISSUED' || c.status === 'PENDING_VALIDATION'),
          );
          for (const n of r.names) {
            expect(holders.filter((c) => coversAny(c.names, n))).toEqual([]);
            const others = p.requests.filter((o) => o !== r && o.region === r.region);
            expect(others.filter((o) => coversAny(o.names, n))).toEqual([]);
          }
          expect(r.names.length).toBeLessThanOrEqual(w.maxNames);
        }
      }),
    );
  });

  it('never releases a validation record while a live certificate of ours that stays needs it', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const input = world(w);
        const p = planCertificates(input);
        const deleted = new Set(p.deletions.map((d) => d.arn));
        const desired = new Set(p.validationRecords.map((r) => `${r.name}=${r.value}`));
        for (const c of input.certificates) {
          const ours = c.tags?.['edge-reconciler:owner'] === 'certs';
          if (!ours || deleted.has(c.arn) || !['ISSUED', 'PENDING_VALIDATION'].includes(c.status)) continue;
          for (const r of recordsFor(c.names)) expect(desired).toContain(`${r.name}=${r.value}`);
        }
        // ... nor one an unneeded certificate of ours shares with someone else's live certificate.
        const foreignBases = new Set(
          input.certificates
            .filter((c) => c.tags?.['edge-reconciler:owner'] !== 'certs' && c.type === 'AMAZON_ISSUED')
            .filter((c) => ['ISSUED', 'PENDING_VALIDATION'].includes(c.status))
            .flatMap((c) => c.names.map(validationBase)),
        );
        for (const d of p.deletions) {
          expect(
            d.names.some(
              (n) =>
                foreignBases.has(validationBase(n)) &&
                !['FAILED', 'VALIDATION_TIMED_OUT'].includes(
                  input.certificates.find((c) => c.arn === d.arn)!.status,
                ),
            ),
          ).toBe(false);
        }
      }),
    );
  });

  it('deletes only our certificates, never one in use or serving a host, and nothing in a partial pass', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const input = world(w);
        const p = planCertificates(input);
        if (!input.cleanup) expect(p.deletions).toEqual([]);
        for (const d of p.deletions) {
          const c = input.certificates.find((x) => x.arn === d.arn)!;
          expect(c.tags?.['edge-reconciler:owner']).toBe('certs');
          expect(c.inUse && !['FAILED', 'VALIDATION_TIMED_OUT'].includes(c.status)).toBe(false);
          if (c.status === 'ISSUED') {
            expect(input.hosts.some((h) => h.region === c.region && coversAny(c.names, h.host))).toBe(false);
          }
        }
      }),
    );
  });
});
