import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../shared/audit/decode.js';
import { classify, WATCHED_RESOURCES, WRITE_VERBS } from '../../../shared/audit/filter.js';
import { type FixtureName, fixture } from './fixtures.js';

function event(overrides: Partial<AuditEvent> & { objectRef?: AuditEvent['objectRef'] }): AuditEvent {
  return {
    ...fixture('service-create'),
    requestObject: undefined,
    responseObject: undefined,
    ...overrides,
  };
}

describe('classify', () => {
  it.each<[FixtureName, ReturnType<typeof classify>['relevant'], string | undefined]>([
    ['service-create', true, undefined],
    ['service-status-patch', true, undefined],
    ['ingress-delete-status', true, undefined],
    ['ingress-delete-finalizer', true, undefined],
    ['ingress-deletecollection', true, undefined],
    ['httproute-patch-metadata', true, undefined],
    ['service-get', false, 'verb'],
    ['service-proxy', false, 'subresource'],
    ['service-create-dry-run', false, 'dry-run'],
    ['service-create-request-received', false, 'stage'],
    ['ingress-update-conflict', false, 'failed'],
    ['configmap-update', false, 'resource'],
  ])('fixture %s: relevant=%s (%s)', (name, relevant, because) => {
    const c = classify(fixture(name));
    expect(c.relevant).toBe(relevant);
    if (!c.relevant) expect(c.because).toBe(because);
  });

  const cases = WATCHED_RESOURCES.flatMap((r) => WRITE_VERBS.map((verb) => ({ ...r, verb })));
  it.each(cases)('a $verb of $group/$resource is a write to a $kind', ({ group, resource, kind, verb }) => {
    const c = classify(
      event({
        verb,
        objectRef: {
          resource,
          namespace: 'web',
          ...(verb === 'deletecollection' ? {} : { name: 'front' }),
          ...(group ? { apiGroup: group } : {}),
          apiVersion: 'v1',
        },
      }),
    );
    expect(c).toEqual({
      relevant: true,
      write: {
        kind,
        verb,
        namespace: 'web',
        ...(verb === 'deletecollection' ? {} : { name: 'front' }),
        status: false,
        event: expect.anything(),
      },
    });
  });

  it.each(['get', 'list', 'watch', 'post', 'proxy', 'impersonate', 'bind'])('ignores the %s verb', (verb) => {
    expect(classify(event({ verb }))).toEqual({ relevant: false, because: 'verb' });
  });

  it.each([
    ['status', true],
    ['', true],
    ['proxy', false],
    ['scale', false],
    ['finalize', false],
    ['ephemeralcontainers', false],
  ])('subresource %j counts: %s', (subresource, counts) => {
    const c = classify(
      event({ verb: 'patch', objectRef: { resource: 'services', namespace: 'a', name: 'b', subresource } }),
    );
    expect(c.relevant).toBe(counts);
    if (c.relevant) expect(c.write.status).toBe(subresource === 'status');
  });

  it.each([
    [200, true],
    [201, true],
    [202, true],
    [undefined, true],
    [400, false],
    [403, false],
    [404, false],
    [409, false],
    [422, false],
    [429, false],
    [500, false],
    [504, false],
  ])('a write answered %s counts: %s', (code, counts) => {
    const c = classify(event({ responseStatus: code === undefined ? undefined : { code } }));
    expect(c.relevant).toBe(counts);
    if (!c.relevant) expect(c.because).toBe('failed');
  });

  it.each(['RequestReceived', 'ResponseStarted', 'Panic'] as const)('ignores the %s stage', (stage) => {
    expect(classify(event({ stage }))).toEqual({ relevant: false, because: 'stage' });
  });

  it.each([
    ['services in another group', { resource: 'services', apiGroup: 'serving.knative.dev' }],
    ['ingresses in the core group', { resource: 'ingresses' }],
    ['ingresses in the removed extensions group', { resource: 'ingresses', apiGroup: 'extensions' }],
    ['endpoints', { resource: 'endpoints' }],
    ['no objectRef (a non-resource request)', undefined],
  ])('ignores %s', (_label, objectRef) => {
    expect(classify(event({ objectRef }))).toEqual({ relevant: false, because: 'resource' });
  });

  it('takes an empty apiGroup as the core group', () => {
    expect(classify(event({ objectRef: { resource: 'services', apiGroup: '', name: 'x' } })).relevant).toBe(
      true,
    );
  });

  it.each([
    ['/api/v1/namespaces/a/services?dryRun=All', false],
    ['/api/v1/namespaces/a/services?fieldManager=x&dryRun=All', false],
    ['/api/v1/namespaces/a/services?dryRun=', true],
    ['/api/v1/namespaces/a/services?fieldManager=dryRun', true],
    ['/api/v1/namespaces/a/services', true],
  ])('requestURI %s counts: %s', (requestURI, counts) => {
    expect(classify(event({ requestURI })).relevant).toBe(counts);
  });
});
