import { describe, expect, it } from 'vitest';
import {
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from '../../../sandbox/kubernetes/selectors.js';
import type { KubernetesObject } from '../../../shared/sources/objects.js';

const object = (labels: Record<string, string>, namespace = 'shop', name = 'web'): KubernetesObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace, labels },
});

describe('the sandbox API server label selectors', () => {
  it.each<[string, Record<string, string>, boolean]>([
    ['', {}, true],
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'api' }, false],
    ['app!=web', {}, true],
    ['app', { app: '' }, true],
    ['app', {}, false],
    ['!app', { app: 'x' }, false],
    ['constructor', {}, false],
    ['app in (web, api)', { app: 'api' }, true],
    ['app in (web,api)', {}, false],
    ['app notin (web,api)', {}, true],
    ['app notin (web,api),tier=front', { app: 'x', tier: 'front' }, true],
    ['example.com/team=edge', { 'example.com/team': 'edge' }, true],
    ['replicas>2', { replicas: '3' }, true],
    ['replicas<2', { replicas: 'x' }, false],
    ['app=', { app: '' }, true],
  ])('%j on %j → %s', (selector, labels, expected) => {
    expect(parseLabelSelector(selector)(object(labels))).toBe(expected);
  });

  it.each(['app===web', 'app in web', 'app in (a b)', '=web', 'a,,b', 'app=we b'])(
    'refuses %j with a SelectorError',
    (selector) => {
      expect(() => parseLabelSelector(selector)).toThrow(SelectorError);
    },
  );
});

describe('the sandbox API server field selectors', () => {
  it.each<[string, boolean]>([
    ['metadata.namespace=shop', true],
    ['metadata.namespace==blog', false],
    ['metadata.namespace!=blog,metadata.name=web', true],
    ['metadata.name=api', false],
  ])('%j → %s', (selector, expected) => {
    expect(parseFieldSelector(selector)(object({}))).toBe(expected);
  });

  it('refuses a field the server does not index, naming it', () => {
    expect(() => parseFieldSelector('spec.type=LoadBalancer')).toThrow(
      'field label not supported: spec.type',
    );
  });
});
