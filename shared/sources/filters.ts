import { type Config, ConfigError } from '../config.js';
import type { FilteredOut } from '../filtered.js';
import type { KubernetesObject } from './objects.js';

/**
 * Which listed objects a source looks at: ExternalDNS's `--namespace`, `--label-filter`,
 * `--annotation-filter`, `--ingress-class` and `--gateway-label-filter`, plus "an object being deleted
 * is already gone".
 *
 * Selectors use the Kubernetes label-selector syntax (`a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, comma-joined; every requirement must hold).
 */

export type Operator = 'in' | 'notin' | 'exists' | '!exists' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: Operator;
  /** The allowed (`in`) or excluded (`notin`) values; for `gt`/`lt` the one bound. */
  values: string[];
}

export interface Selector {
  /** The text it was parsed from, for messages. */
  source: string;
  requirements: Requirement[];
}

/** `kubernetes.io/ingress.class`: the class annotation older Ingresses use instead of `spec.ingressClassName`. */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

// --- parsing

type Token =
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: '=' | '==' | '!=' | '!' | ',' | '(' | ')' | '>' | '<' };

const SPECIAL = new Set(['=', '!', ',', '(', ')', '>', '<']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === '!') {
      const two = text.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ kind: 'op', text: two });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: c });
        i++;
      }
    } else if (SPECIAL.has(c)) {
      tokens.push({ kind: 'op', text: c as ',' | '(' | ')' | '>' | '<' });
      i++;
    } else {
      let j = i;
      while (j < text.length && !SPECIAL.has(text[j] as string) && !/\s/.test(text[j] as string)) j++;
      tokens.push({ kind: 'id', text: text.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

const NAME_PART = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

function keyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `key "${key}" has an invalid prefix`;
  }
  if (name.length === 0 || name.length > 63 || !NAME_PART.test(name)) return `"${key}" is not a valid key`;
  return undefined;
}

function valueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !NAME_PART.test(value)) return `"${value}" is not a valid value`;
  return undefined;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token | undefined {
    return this.tokens[this.pos++];
  }

  private isOp(t: Token | undefined, text: string): boolean {
    return t?.kind === 'op' && t.text === text;
  }

  private expectId(what: string): string {
    const t = this.next();
    if (t?.kind !== 'id') throw new Error(`expected ${what}${t ? ` but found "${t.text}"` : ' at the end'}`);
    return t.text;
  }

  parse(): Requirement[] {
    const out: Requirement[] = [];
    if (this.tokens.length === 0) return out;
    for (;;) {
      out.push(this.requirement());
      const t = this.next();
      if (t === undefined) return out;
      if (!this.isOp(t, ',')) throw new Error(`expected "," but found "${t.text}"`);
    }
  }

  private requirement(): Requirement {
    if (this.isOp(this.peek(), '!')) {
      this.next();
      return { key: this.key(), operator: '!exists', values: [] };
    }
    const key = this.key();
    const t = this.peek();
    if (t === undefined || this.isOp(t, ',')) return { key, operator: 'exists', values: [] };
    this.next();
    if (t.kind === 'id' && (t.text === 'in' || t.text === 'notin')) {
      return { key, operator: t.text, values: this.valueSet() };
    }
    if (this.isOp(t, '=') || this.isOp(t, '==')) return { key, operator: 'in', values: [this.singleValue()] };
    if (this.isOp(t, '!=')) return { key, operator: 'notin', values: [this.singleValue()] };
    if (this.isOp(t, '>') || this.isOp(t, '<')) {
      const bound = this.expectId('a number');
      if (!/^-?\d+$/.test(bound)) throw new Error(`"${bound}" is not a whole number`);
      return { key, operator: t.text === '>' ? 'gt' : 'lt', values: [bound] };
    }
    throw new Error(`expected an operator after "${key}" but found "${t.text}"`);
  }

  private key(): string {
    const key = this.expectId('a key');
    const problem = keyProblem(key);
    if (problem) throw new Error(problem);
    return key;
  }

  private singleValue(): string {
    const t = this.peek();
    // `a=` selects an empty value, as in Kubernetes.
    const value = t?.kind === 'id' ? (this.next() as Token).text : '';
    const problem = valueProblem(value);
    if (problem) throw new Error(problem);
    return value;
  }

  private valueSet(): string[] {
    if (!this.isOp(this.next(), '(')) throw new Error('expected "(" after in/notin');
    const values: string[] = [];
    for (;;) {
      const t = this.peek();
      const value = t?.kind === 'id' ? (this.next() as Token).text : '';
      const problem = valueProblem(value);
      if (problem) throw new Error(problem);
      values.push(value);
      const sep = this.next();
      if (this.isOp(sep, ')')) return values;
      if (!this.isOp(sep, ',')) throw new Error('expected "," or ")" in a value list');
    }
  }
}

/**
 * Parses a label or annotation selector. A bad one is a config error that names `field`, so the config
 * loader can call this and refuse to start.
 */
export function parseSelector(text: string, field: string): Selector {
  try {
    return { source: text, requirements: new Parser(tokenize(text)).parse() };
  } catch (e) {
    const message = `not a valid selector "${text}": ${(e as Error).message}`;
    throw new ConfigError(`${field}: ${message}`, [{ path: field, message }]);
  }
}

// --- matching

function requirementMatches(r: Requirement, set: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(set, r.key);
  const value = has ? String(set[r.key]) : undefined;
  switch (r.operator) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case 'in':
      return value !== undefined && r.values.includes(value);
    case 'notin':
      return value === undefined || !r.values.includes(value);
    case 'gt':
    case 'lt': {
      if (value === undefined || !/^-?\d+$/.test(value)) return false;
      const n = Number(value);
      const bound = Number(r.values[0]);
      return r.operator === 'gt' ? n > bound : n < bound;
    }
  }
}

/** Whether a label or annotation map satisfies every requirement (an empty selector matches all). */
export function selectorMatches(
  selector: Selector,
  set: Readonly<Record<string, string>> | undefined,
): boolean {
  const map = set !== null && typeof set === 'object' ? set : {};
  return selector.requirements.every((r) => requirementMatches(r, map));
}

// --- the filters of one pass

export interface SourceFilters {
  namespaces: ReadonlySet<string>;
  labels: Selector;
  annotations: Selector;
  ingressClasses: readonly string[];
  /** ExternalDNS's `--gateway-label-filter`: which Gateways a route's names may come through. */
  gatewayLabels: Selector;
}

/**
 * Parses and cross-checks the source filters of a config. Throws ConfigError naming the field: a bad
 * selector, or `ingressClass` together with an annotation filter on `kubernetes.io/ingress.class`
 * (ExternalDNS refuses that combination too: the two would disagree about which Ingresses to read).
 */
export function compileSourceFilters(config: Config): SourceFilters {
  const annotations = parseSelector(config.annotationFilter, 'annotationFilter');
  if (
    config.ingressClass.length > 0 &&
    annotations.requirements.some((r) => r.key === INGRESS_CLASS_ANNOTATION)
  ) {
    const message = `cannot be combined with an annotationFilter on ${INGRESS_CLASS_ANNOTATION}`;
    throw new ConfigError(`ingressClass: ${message}`, [{ path: 'ingressClass', message }]);
  }
  return {
    namespaces: new Set(config.namespace),
    labels: parseSelector(config.labelFilter, 'labelFilter'),
    annotations,
    ingressClasses: config.ingressClass,
    gatewayLabels: parseSelector(config.gatewayLabelFilter, 'gatewayLabelFilter'),
  };
}

/** The filters every kind shares: deletion, namespace, labels, annotations. */
export function passesCommonFilters(o: KubernetesObject, filters: SourceFilters): boolean {
  if (o.metadata.deletionTimestamp) return false;
  if (filters.namespaces.size > 0 && !filters.namespaces.has(o.metadata.namespace ?? '')) return false;
  return (
    selectorMatches(filters.labels, o.metadata.labels) &&
    selectorMatches(filters.annotations, o.metadata.annotations)
  );
}

/**
 * An Ingress the common filters pass and `ingressClass` leaves out, as an outcome to explain; undefined
 * for anything else (another kind, or an object the other filters already leave out, silently as ExternalDNS).
 */
export function filteredByIngressClass(
  o: KubernetesObject,
  filters: SourceFilters,
): Omit<FilteredOut, 'cluster'> | undefined {
  if (o.kind !== 'Ingress' || !passesCommonFilters(o, filters)) return undefined;
  if (ingressClassMatches(o, filters.ingressClasses)) return undefined;
  const namespace = o.metadata.namespace ? `${o.metadata.namespace}/` : '';
  return {
    filter: 'ingressClass',
    setting: filters.ingressClasses.join(', '),
    object: `ingress/${namespace}${o.metadata.name}`,
  };
}

/**
 * ExternalDNS's `--ingress-class`: `spec.ingressClassName` when set, otherwise the
 * `kubernetes.io/ingress.class` annotation, must be one of the classes (no classes: every Ingress).
 */
export function ingressClassMatches(ingress: KubernetesObject, classes: readonly string[]): boolean {
  if (classes.length === 0) return true;
  const spec = ingress.spec as { ingressClassName?: unknown } | undefined;
  const className = spec?.ingressClassName;
  if (typeof className === 'string' && className !== '') return classes.includes(className);
  const annotation = ingress.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
  return typeof annotation === 'string' && classes.includes(annotation);
}
