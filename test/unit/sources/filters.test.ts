import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config.js';
import {
  compileSourceFilters,
  ingressClassMatches,
  parseSelector,
  selectorMatches,
} from '../../../shared/sources/filters.js';
import { codes, config, ingress, run, service, summary } from './helpers.js';

describe('parseSelector (Kubernetes label-selector syntax)', () => {
  it.each([
    ['', []],
    ['  ', []],
    ['app=web', [{ key: 'app', operator: 'in', values: ['web'] }]],
    ['app==web', [{ key: 'app', operator: 'in', values: ['web'] }]],
    ['app!=web', [{ key: 'app', operator: 'notin', values: ['web'] }]],
    ['app=', [{ key: 'app', operator: 'in', values: [''] }]],
    ['tier in (a, b)', [{ key: 'tier', operator: 'in', values: ['a', 'b'] }]],
    ['tier notin (a)', [{ key: 'tier', operator: 'notin', values: ['a'] }]],
    ['public', [{ key: 'public', operator: 'exists', values: [] }]],
    ['!private', [{ key: 'private', operator: '!exists', values: [] }]],
    ['rank>3', [{ key: 'rank', operator: 'gt', values: ['3'] }]],
    ['rank < 3', [{ key: 'rank', operator: 'lt', values: ['3'] }]],
    [
      'kubernetes.io/ingress.class=traefik,!skip',
      [
        { key: 'kubernetes.io/ingress.class', operator: 'in', values: ['traefik'] },
        { key: 'skip', operator: '!exists', values: [] },
      ],
    ],
  ])('%j', (text, requirements) => {
    expect(parseSelector(text, 'labelFilter').requirements).toEqual(requirements);
  });

  it.each([
    'app=web=x',
    'app in a,b',
    'app in (a',
    'app notin',
    '=web',
    ',',
    'app=web,',
    'app=has space',
    'app=-bad-',
    'Bad_Prefix!/x=y',
    'rank>three',
    'a b',
    `${'k'.repeat(64)}=v`,
  ])('%j is a config error naming the field', (text) => {
    expect(() => parseSelector(text, 'annotationFilter')).toThrow(ConfigError);
    try {
      parseSelector(text, 'annotationFilter');
    } catch (e) {
      expect((e as ConfigError).message).toMatch(/^annotationFilter: /);
      expect((e as ConfigError).issues[0]?.path).toBe('annotationFilter');
    }
  });
});

describe('selectorMatches (labels.Requirement.Matches)', () => {
  const set = { app: 'web', tier: 'front', rank: '5' };
  it.each([
    ['', true],
    ['app=web', true],
    ['app=api', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['missing=x', false],
    ['tier in (front,back)', true],
    ['tier notin (front)', false],
    ['missing notin (front)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['rank>4', true],
    ['rank<5', false],
    ['app>1', false],
    ['missing>1', false],
    ['app=web,tier=back', false],
    ['app=web,tier=front', true],
  ])('%j → %s', (text, matches) => {
    expect(selectorMatches(parseSelector(text, 'f'), set)).toBe(matches);
  });

  it('treats a missing map as empty', () => {
    expect(selectorMatches(parseSelector('!a', 'f'), undefined)).toBe(true);
    expect(selectorMatches(parseSelector('a', 'f'), undefined)).toBe(false);
  });
});

describe('compileSourceFilters', () => {
  it('rejects a bad labelFilter naming the field', () => {
    expect(() => compileSourceFilters(config({ labelFilter: 'a in' }))).toThrow(/^labelFilter: /);
  });
  it('rejects ingressClass with an annotation filter on kubernetes.io/ingress.class (ExternalDNS does too)', () => {
    expect(() =>
      compileSourceFilters(
        config({ ingressClass: ['traefik'], annotationFilter: 'kubernetes.io/ingress.class=nginx' }),
      ),
    ).toThrow(/^ingressClass: /);
  });
  it('endpointsFromObjects throws the same ConfigError rather than publishing nothing', () => {
    expect(() => run([service()], { annotationFilter: 'a in' })).toThrow(ConfigError);
  });
});

describe('ingressClassMatches (ExternalDNS --ingress-class)', () => {
  it.each([
    [{ ingressClassName: 'traefik' }, undefined, ['traefik'], true],
    [{ ingressClassName: 'nginx' }, undefined, ['traefik'], false],
    [{}, 'traefik', ['traefik', 'nginx'], true],
    [{}, 'nginx', ['traefik'], false],
    [{}, undefined, ['traefik'], false],
    // spec.ingressClassName wins over the annotation when both are set.
    [{ ingressClassName: 'nginx' }, 'traefik', ['traefik'], false],
    [{ ingressClassName: '' }, 'traefik', ['traefik'], true],
    [{ ingressClassName: 'anything' }, undefined, [], true],
  ])('spec %j, annotation %j, classes %j → %s', (spec, annotation, classes, matches) => {
    const ing = ingress({
      spec: { ...spec, rules: [{ host: 'a.example.com' }] },
      ...(annotation ? { annotations: { 'kubernetes.io/ingress.class': annotation } } : {}),
    });
    expect(ingressClassMatches(ing, classes)).toBe(matches);
  });
});

describe('object filters in a pass', () => {
  const hostname = { 'external-dns.alpha.kubernetes.io/hostname': 'a.example.com' };
  it.each([
    ['namespace (docs: --namespace)', { namespace: ['shop'] }, { namespace: 'shop' }, true],
    ['namespace elsewhere', { namespace: ['shop'] }, { namespace: 'blog' }, false],
    ['several namespaces', { namespace: ['blog', 'shop'] }, { namespace: 'shop' }, true],
    ['labelFilter (docs: --label-filter)', { labelFilter: 'team=edge' }, { labels: { team: 'edge' } }, true],
    ['labelFilter miss', { labelFilter: 'team=edge' }, { labels: { team: 'core' } }, false],
    [
      'annotationFilter (docs: --annotation-filter)',
      { annotationFilter: 'dns in (public)' },
      { annotations: { ...hostname, dns: 'public' } },
      true,
    ],
    ['annotationFilter miss', { annotationFilter: 'dns in (public)' }, { annotations: hostname }, false],
    ['being deleted is gone', {}, { deletionTimestamp: '2025-01-01T00:00:00Z' }, false],
  ])('%s', (_name, overrides, svc, kept) => {
    const result = run([service({ annotations: hostname, ...svc })], overrides);
    expect(summary(result).length > 0).toBe(kept);
  });

  it('a filtered-out object produces no warnings', () => {
    const bad = {
      'external-dns.alpha.kubernetes.io/hostname': 'a.example.com',
      'external-dns.alpha.kubernetes.io/ttl': 'x',
    };
    expect(codes(run([service({ annotations: bad, namespace: 'blog' })], { namespace: ['shop'] }))).toEqual(
      [],
    );
  });
});

describe('what ingressClass leaves out is an outcome, not silence', () => {
  it('names each Ingress of another class, with the cluster and the classes read', () => {
    const result = run(
      [
        ingress({
          name: 'public',
          spec: { ingressClassName: 'traefik', rules: [{ host: 'a.example.com' }] },
        }),
        ingress({
          name: 'admin',
          spec: { ingressClassName: 'nginx', rules: [{ host: 'admin.example.com' }] },
        }),
      ],
      { ingressClass: ['traefik', 'alb'] },
    );
    expect(result.filtered).toEqual([
      { filter: 'ingressClass', setting: 'traefik, alb', object: 'ingress/shop/admin', cluster: 'prod-eu' },
    ]);
    expect(summary(result)).toHaveLength(1);
  });

  it('says nothing about objects the other filters leave out, nor with no ingressClass set', () => {
    const nginx = { ingressClassName: 'nginx', rules: [{ host: 'admin.example.com' }] };
    expect(
      run([ingress({ namespace: 'blog', spec: nginx })], { namespace: ['shop'], ingressClass: ['traefik'] })
        .filtered,
    ).toEqual([]);
    expect(run([ingress({ spec: nginx })]).filtered).toEqual([]);
    expect(
      run([service({ annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'a.example.com' } })], {
        ingressClass: ['traefik'],
      }).filtered,
    ).toEqual([]);
  });
});
