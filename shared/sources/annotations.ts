import {
  type FailoverRole,
  type GeoLocation,
  LABEL_ANNOTATED_WEIGHT,
  type Route53Properties,
} from '../endpoint/endpoint.js';
import { splitNameList, targetProblem } from '../endpoint/names.js';
import type { PassWarning } from '../warnings.js';

/**
 * ExternalDNS's annotations, read the way `source/annotations` reads them, with one difference the
 * house rule asks for: a value ExternalDNS would log and quietly ignore (a TTL of `ten`, a weight of
 * `heavy`) is reported here, and the endpoints it would have shaped are held back instead of being
 * published with a silently different meaning.
 *
 * Prefix: exactly the configured `annotationPrefix` (default `external-dns.alpha.kubernetes.io/`) is
 * read, as ExternalDNS reads exactly its `--annotation-prefix`: a split-horizon setup runs two installs
 * with two prefixes, and each must see only its own. Objects annotated under another prefix are not
 * this install's (set `annotationPrefix` to the one the clusters use).
 */

/**
 * ExternalDNS's other default prefix (its `--annotation-prefix` default in recent releases). Not read as
 * annotations; the audit filter counts hostnames under it only to decide which names an event touches.
 */
export const GA_ANNOTATION_PREFIX = 'external-dns.kubernetes.io/';

/**
 * Opts a LoadBalancer Service into certificates for its `hostname` names. An Ingress asks through
 * `spec.tls`; a Service has no such field, so nothing in it says which names are served over TLS, and
 * requesting for every Service would spend the yearly ACM quota on plain TCP. Our own key rather than
 * an ExternalDNS prefix: ExternalDNS has no such annotation, and must not take this one for its own.
 */
export const CERTIFICATE_ANNOTATION = 'edge-reconciler.io/certificate';

/**
 * The certificates a Service's load balancer listens with, as ARNs. The AWS Load Balancer Controller
 * discovers certificates by host for an Ingress, never for a Service: an NLB gets exactly these.
 */
export const SSL_CERT_ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-ssl-cert';
/** The only `controller` annotation value that leaves an object to us (ExternalDNS `ControllerValue`). */
export const CONTROLLER_VALUE = 'dns-controller';

export const TTL_MIN = 1;
export const TTL_MAX = 2_147_483_647;
const WEIGHT_MAX = 255;
const SET_IDENTIFIER_MAX = 128;
const CONTINENT_CODES = new Set(['AF', 'AN', 'AS', 'EU', 'OC', 'NA', 'SA']);

/** A warning before the object and cluster are attached to it. */
export type Issue = Omit<PassWarning, 'object' | 'cluster'>;
export type Report = (issue: Issue) => void;

export interface Annotation {
  /** The full key the value was read from, as warnings name it. */
  key: string;
  value: string;
}

/** Reads one object's annotations under the configured prefix; construct one per object. */
export class AnnotationReader {
  private readonly values: ReadonlyMap<string, string>;

  constructor(
    annotations: unknown,
    readonly prefix: string,
    report: Report,
  ) {
    this.values = stringValues(annotations, prefix, report);
  }

  /** The annotation `<prefix><suffix>`. */
  get(suffix: string): Annotation | undefined {
    const key = this.prefix + suffix;
    const value = this.values.get(key);
    return value === undefined ? undefined : { key, value };
  }

  /** Every suffix starting with `start`, sorted. */
  suffixesStartingWith(start: string): string[] {
    return [...this.values.keys()]
      .filter((key) => key.startsWith(this.prefix + start))
      .map((key) => key.slice(this.prefix.length))
      .sort();
  }
}

/**
 * Only our annotations, as strings. The API always sends strings, but objects written by hand in a
 * scenario or fixture can carry `ttl: 60`; scalars are taken as their text, anything else is reported.
 */
function stringValues(annotations: unknown, prefix: string, report: Report): Map<string, string> {
  const out = new Map<string, string>();
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) return out;
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(prefix)) continue;
    const text = scalarText(value);
    if (text !== undefined) out.set(key, text);
    else report({ code: 'bad-annotation', field: key, message: `${key} is not a string` });
  }
  return out;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** One annotation outside ExternalDNS's prefixes, read by the same rules as theirs. */
export function readAnnotation(annotations: unknown, key: string, report: Report): Annotation | undefined {
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) return undefined;
  if (!Object.hasOwn(annotations, key)) return undefined;
  const text = scalarText((annotations as Record<string, unknown>)[key]);
  if (text !== undefined) return { key, value: text };
  report({ code: 'bad-annotation', field: key, message: `${key} is not a string` });
  return undefined;
}

/** The object is another controller's: ExternalDNS skips it when `controller` is set to anything else. */
export function isForeignController(reader: AnnotationReader): boolean {
  const controller = reader.get('controller');
  return controller !== undefined && controller.value !== CONTROLLER_VALUE;
}

// --- TTL

const GO_DURATION_UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};
const GO_DURATION = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const GO_DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/** Seconds in a Go duration string (`1m30s`, `1.5h`, `0`), or undefined when Go would reject it. */
export function parseGoDurationSeconds(text: string): number | undefined {
  if (text === '0' || text === '+0' || text === '-0') return 0;
  if (!GO_DURATION.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(GO_DURATION_PART)) {
    seconds += Number(amount) * (GO_DURATION_UNITS[unit as string] ?? 0);
  }
  return text.startsWith('-') ? -seconds : seconds;
}

export type TtlResult = { ok: true; ttl: number | undefined } | { ok: false; problem: string };

/**
 * ExternalDNS's `parseTTL`: a Go duration first, then a plain integer; fractions of a second are
 * dropped (`1.5s` is 1). Zero (`0`, `0s`) means "not set", the documented way to ask for the default.
 */
export function parseTtl(text: string): TtlResult {
  let seconds = parseGoDurationSeconds(text);
  if (seconds === undefined && /^[+-]?\d+$/.test(text)) seconds = Number(text);
  if (seconds === undefined)
    return { ok: false, problem: `"${text}" is neither a number of seconds nor a duration` };
  if (seconds === 0) return { ok: true, ttl: undefined };
  const ttl = Math.trunc(seconds);
  if (ttl < TTL_MIN || ttl > TTL_MAX) {
    return { ok: false, problem: `"${text}" is ${ttl} seconds, outside ${TTL_MIN}..${TTL_MAX}` };
  }
  return { ok: true, ttl };
}

// --- per-object endpoint settings

/** What an object's annotations say about every endpoint it produces. */
export interface EndpointSettings {
  /** False when an annotation value is bad: the object's endpoints are held back, not published. */
  ok: boolean;
  ttl?: number;
  setIdentifier?: string;
  properties: Route53Properties;
  /** The `target` annotation's values (trailing dots dropped), which replace every other target. */
  targets?: string[];
  /** Labels the object's endpoints carry for the planner (an `aws-weight` without a set identifier). */
  labels?: Record<string, string>;
}

const ROUTING_SUFFIXES = [
  'aws-weight',
  'aws-region',
  'aws-failover',
  'aws-geolocation-continent-code',
  'aws-geolocation-country-code',
  'aws-geolocation-subdivision-code',
  'aws-multi-value-answer',
] as const;
const KNOWN_AWS_SUFFIXES = new Set<string>([
  ...ROUTING_SUFFIXES,
  'aws-health-check-id',
  'aws-evaluate-target-health',
]);

/** A Route 53 weight (a whole number 0–255), or undefined. */
function wholeWeight(text: string): number | undefined {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return Number.isInteger(n) && n <= WEIGHT_MAX ? n : undefined;
}

/**
 * TTL, set identifier, target override and Route 53 properties from one object's annotations.
 * Every bad value is reported with its full key; any bad value makes `ok` false.
 */
export function readEndpointSettings(reader: AnnotationReader, report: Report): EndpointSettings {
  const settings: EndpointSettings = { ok: true, properties: {} };
  const bad = (a: Annotation, problem: string): void => {
    settings.ok = false;
    report({ code: 'bad-annotation', field: a.key, message: `${a.key}: ${problem}` });
  };

  const ttl = reader.get('ttl');
  if (ttl) {
    const parsed = parseTtl(ttl.value);
    if (parsed.ok) settings.ttl = parsed.ttl;
    else bad(ttl, parsed.problem);
  }

  const target = reader.get('target');
  if (target) {
    const targets = splitNameList(target.value).map((t) => t.replace(/\.$/, ''));
    for (const t of targets) {
      const problem = targetProblem(t);
      if (problem) bad(target, `target "${t}" ${problem}`);
    }
    if (targets.length > 0) settings.targets = targets;
  }

  const alias = reader.get('alias');
  if (alias) {
    if (alias.value === 'true') settings.properties.alias = true;
    else if (alias.value !== 'false') bad(alias, `"${alias.value}" is not true or false`);
  }

  const setIdentifier = reader.get('set-identifier');
  if (setIdentifier) {
    if (setIdentifier.value === '') {
      report({
        code: 'ignored-annotation',
        field: setIdentifier.key,
        message: `${setIdentifier.key} is empty: the records get no set identifier`,
      });
    } else if (setIdentifier.value.length > SET_IDENTIFIER_MAX) {
      bad(setIdentifier, `is longer than ${SET_IDENTIFIER_MAX} characters`);
    } else settings.setIdentifier = setIdentifier.value;
  }

  readHealthProperties(reader, settings.properties, bad);
  readRoutingProperties(reader, settings, bad, report);

  for (const suffix of reader.suffixesStartingWith('aws-')) {
    if (KNOWN_AWS_SUFFIXES.has(suffix)) continue;
    const a = reader.get(suffix) as Annotation;
    report({ code: 'unknown-annotation', field: a.key, message: `${a.key} is not a Route 53 annotation` });
  }
  return settings;
}

type Bad = (a: Annotation, problem: string) => void;

function readHealthProperties(reader: AnnotationReader, properties: Route53Properties, bad: Bad): void {
  const healthCheck = reader.get('aws-health-check-id');
  if (healthCheck) {
    if (/^[A-Za-z0-9-]{1,64}$/.test(healthCheck.value)) properties.healthCheckId = healthCheck.value;
    else bad(healthCheck, `"${healthCheck.value}" is not a Route 53 health check id`);
  }
  const evaluate = reader.get('aws-evaluate-target-health');
  if (evaluate) {
    if (evaluate.value === 'true' || evaluate.value === 'false') {
      properties.evaluateTargetHealth = evaluate.value === 'true';
    } else bad(evaluate, `"${evaluate.value}" is not true or false`);
  }
}

/**
 * Route 53 routing policies: a set identifier and exactly one policy, or neither (Route 53 answers
 * InvalidInput to one without the other).
 *
 * - Routing annotations without a set identifier are ignored, reported, and the simple record is
 *   published. ExternalDNS differs: its AWS provider sets Weight, Region, Failover... whatever the set
 *   identifier, so Route 53 refuses that record every pass ("Missing field 'SetIdentifier'").
 * - Several routing policies at once hold the object's names, reported: Route 53 takes exactly one.
 * - A set identifier without a routing policy holds the object's names, reported: Route 53 refuses the
 *   set identifier alone ("Expected exactly one of [Weight, Region, ...], but found none"). This covers
 *   ExternalDNS's `aws-geoproximity-*` annotations, which this project does not read yet: a
 *   geoproximity record is held rather than published as something else.
 */
function readRoutingProperties(
  reader: AnnotationReader,
  settings: EndpointSettings,
  bad: Bad,
  report: Report,
): void {
  const present = ROUTING_SUFFIXES.map((s) => reader.get(s)).filter((a): a is Annotation => a !== undefined);
  if (present.length === 0) {
    const setIdentifier = reader.get('set-identifier');
    if (settings.setIdentifier !== undefined && setIdentifier) {
      const geoproximity = reader.suffixesStartingWith('aws-geoproximity-');
      bad(
        setIdentifier,
        geoproximity.length > 0
          ? `geoproximity routing (${geoproximity.join(', ')}) is not supported yet; the records are held, not published without their policy`
          : 'a set identifier needs a routing policy annotation (aws-weight, aws-region, aws-failover, aws-geolocation-*, aws-multi-value-answer); Route 53 refuses it alone',
      );
    }
    return;
  }
  if (settings.setIdentifier === undefined) {
    for (const a of present) {
      const weight = a.key.endsWith('/aws-weight') ? wholeWeight(a.value) : undefined;
      if (weight !== undefined) settings.labels = { [LABEL_ANNOTATED_WEIGHT]: String(weight) };
      report({
        code: 'ignored-annotation',
        field: a.key,
        message:
          weight !== undefined
            ? `${a.key} needs a set-identifier annotation: it counts only where fleetRouting routes the name by weight`
            : `${a.key} is ignored: routing policies need a set-identifier annotation`,
      });
    }
    return;
  }
  const p = settings.properties;

  const weight = reader.get('aws-weight');
  if (weight) {
    const n = wholeWeight(weight.value);
    if (n !== undefined) p.weight = n;
    else bad(weight, `"${weight.value}" is not a whole number from 0 to ${WEIGHT_MAX}`);
  }

  const region = reader.get('aws-region');
  if (region) {
    if (/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region.value)) p.region = region.value;
    else bad(region, `"${region.value}" is not an AWS region`);
  }

  const failover = reader.get('aws-failover');
  if (failover) {
    const role = failover.value.toUpperCase();
    if (role === 'PRIMARY' || role === 'SECONDARY') p.failover = role as FailoverRole;
    else bad(failover, `"${failover.value}" is not PRIMARY or SECONDARY`);
  }

  const multiValue = reader.get('aws-multi-value-answer');
  if (multiValue) {
    // ExternalDNS turns multi-value answers on whenever the annotation is present, whatever its value;
    // `false` meaning "on" would surprise, so only the values that clearly mean "on" are taken.
    if (multiValue.value === '' || multiValue.value === 'true') p.multiValueAnswer = true;
    else bad(multiValue, `"${multiValue.value}" is not true (remove the annotation to turn it off)`);
  }

  const geo = readGeolocation(reader, bad, report);
  if (geo) p.geolocation = geo;

  // Route 53 takes exactly one policy per record set ("Expected exactly one of [Weight, Region, ...], but
  // found more than one"); ExternalDNS would send them all and be refused every pass.
  const policies = (['weight', 'region', 'failover', 'geolocation', 'multiValueAnswer'] as const).filter(
    (k) => p[k] !== undefined,
  );
  if (policies.length > 1) {
    bad(
      reader.get('set-identifier')!,
      `routing policies ${present.map((a) => a.key.slice(a.key.lastIndexOf('/') + 1)).join(', ')} are set together; Route 53 takes exactly one per record set`,
    );
  }
}

function readGeolocation(reader: AnnotationReader, bad: Bad, report: Report): GeoLocation | undefined {
  const continent = reader.get('aws-geolocation-continent-code');
  const country = reader.get('aws-geolocation-country-code');
  const subdivision = reader.get('aws-geolocation-subdivision-code');
  if (continent) {
    // ExternalDNS reads the continent first and then ignores country and subdivision.
    for (const shadowed of [country, subdivision]) {
      if (shadowed) {
        report({
          code: 'ignored-annotation',
          field: shadowed.key,
          message: `${shadowed.key} is ignored: ${continent.key} is set and takes precedence`,
        });
      }
    }
    const code = continent.value.toUpperCase();
    if (CONTINENT_CODES.has(code)) return { continentCode: code };
    bad(continent, `"${continent.value}" is not one of ${[...CONTINENT_CODES].join(', ')}`);
    return undefined;
  }
  const geo: GeoLocation = {};
  if (country) {
    const code = country.value.toUpperCase();
    // `*` is Route 53's default location: it answers where no other geolocation record matches.
    if (code === '*' || /^[A-Z]{2}$/.test(code)) geo.countryCode = code;
    else bad(country, `"${country.value}" is not a two-letter country code or *`);
  }
  if (subdivision) {
    const code = subdivision.value.toUpperCase();
    if (!country) bad(subdivision, 'a subdivision needs aws-geolocation-country-code too');
    else if (/^[A-Z0-9]{1,3}$/.test(code)) geo.subdivisionCode = code;
    else bad(subdivision, `"${subdivision.value}" is not a subdivision code`);
  }
  return geo.countryCode || geo.subdivisionCode ? geo : undefined;
}
