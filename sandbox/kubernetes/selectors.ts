import type { KubernetesObject } from '../../shared/sources/objects.js';

/**
 * `labelSelector` and `fieldSelector` as the API server parses them. A selector that does not parse is the
 * caller's mistake: the server answers 400 BadRequest with the parser's message.
 */
export type Matcher = (o: KubernetesObject) => boolean;

export class SelectorError extends Error {}

const KEY = '(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?';
const VALUE = '(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?';

const EXISTS = new RegExp(`^(${KEY})$`);
const NOT_EXISTS = new RegExp(`^!\\s*(${KEY})$`);
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const NUMERIC = new RegExp(`^(${KEY})\\s*(>|<)\\s*(-?\\d+)$`);
const SET_VALUE = new RegExp(`^${VALUE}$`);

/** Splits on commas outside parentheses: `a in (x,y),b` has two requirements. */
function requirements(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(selector.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(selector.slice(start).trim());
  return out;
}

function label(o: KubernetesObject, key: string): string | undefined {
  const labels = o.metadata.labels;
  return labels && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

function labelRequirement(text: string): Matcher {
  let m = EXISTS.exec(text);
  if (m) {
    const key = m[1]!;
    return (o) => label(o, key) !== undefined;
  }
  m = NOT_EXISTS.exec(text);
  if (m) {
    const key = m[1]!;
    return (o) => label(o, key) === undefined;
  }
  m = EQUALITY.exec(text);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    return op === '!=' ? (o) => label(o, key) !== value : (o) => label(o, key) === value;
  }
  m = SET.exec(text);
  if (m) {
    const [, key, op, list] = m as unknown as [string, string, string, string];
    const values = list.split(',').map((v) => v.trim());
    const bad = values.find((v) => !SET_VALUE.test(v));
    if (bad !== undefined)
      throw new SelectorError(`unable to parse requirement: invalid label value: "${bad}"`);
    const set = new Set(values);
    const has = (o: KubernetesObject) => {
      const v = label(o, key);
      return v !== undefined && set.has(v);
    };
    return op === 'in' ? has : (o) => !has(o);
  }
  m = NUMERIC.exec(text);
  if (m) {
    const [, key, op, bound] = m as unknown as [string, string, string, string];
    const limit = Number(bound);
    return (o) => {
      const raw = label(o, key);
      if (raw === undefined || !/^-?\d+$/.test(raw)) return false;
      return op === '>' ? Number(raw) > limit : Number(raw) < limit;
    };
  }
  throw new SelectorError(`unable to parse requirement: found '${text}', expected a label requirement`);
}

export function parseLabelSelector(selector: string | null): Matcher {
  if (!selector?.trim()) return () => true;
  const matchers = requirements(selector).map(labelRequirement);
  return (o) => matchers.every((m) => m(o));
}

const FIELD = /^([A-Za-z0-9.]+)\s*(==|=|!=)\s*(.*)$/;
const FIELDS: Record<string, (o: KubernetesObject) => string> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};

export function parseFieldSelector(selector: string | null): Matcher {
  if (!selector?.trim()) return () => true;
  const matchers = requirements(selector).map((text): Matcher => {
    const m = FIELD.exec(text);
    if (!m) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${text}'`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const read = FIELDS[field];
    if (!read) throw new SelectorError(`field label not supported: ${field}`);
    return op === '!=' ? (o) => read(o) !== value : (o) => read(o) === value;
  });
  return (o) => matchers.every((m) => m(o));
}
