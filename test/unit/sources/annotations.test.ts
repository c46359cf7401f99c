import { describe, expect, it } from 'vitest';
import { LABEL_ANNOTATED_WEIGHT } from '../../../shared/endpoint/endpoint.js';
import {
  AnnotationReader,
  type Issue,
  parseGoDurationSeconds,
  parseTtl,
  readEndpointSettings,
} from '../../../shared/sources/annotations.js';
import { ALPHA, GA } from './helpers.js';

function settingsOf(annotations: Record<string, string>) {
  const issues: Issue[] = [];
  const reader = new AnnotationReader(annotations, ALPHA, (i) => issues.push(i));
  return { settings: readEndpointSettings(reader, (i) => issues.push(i)), issues };
}

describe('parseTtl (ExternalDNS annotations.parseTTL: Go duration first, then integer seconds)', () => {
  it.each([
    ['600', 600],
    ['+600', 600],
    ['0600', 600],
    ['10m', 600],
    ['1m30s', 90],
    ['1h', 3600],
    ['1.5s', 1],
    ['1.9m', 114],
    ['1500ms', 1],
    ['2147483647', 2147483647],
  ])('%s → %i seconds', (text, seconds) => {
    expect(parseTtl(text)).toEqual({ ok: true, ttl: seconds });
  });

  it.each(['0', '0s', '00'])('%s means "not set" (docs: a TTL of 0 uses the default)', (text) => {
    expect(parseTtl(text)).toEqual({ ok: true, ttl: undefined });
  });

  it.each(['', 'ten', '10 m', '10d', '1e3', '-5', '-1m', '500ms', '2147483648', '600s ', '1m-30s'])(
    '%j is rejected with a reason',
    (text) => {
      const r = parseTtl(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problem).toContain(JSON.stringify(text).slice(1, -1));
    },
  );
});

describe('parseGoDurationSeconds (time.ParseDuration)', () => {
  it.each([
    ['1h2m3s', 3723],
    ['.5h', 1800],
    ['2us', 2e-6],
    ['3µs', 3e-6],
    ['-1s', -1],
  ])('%s → %d', (text, seconds) => {
    expect(parseGoDurationSeconds(text)).toBeCloseTo(seconds, 9);
  });
  it.each(['', '1', 'h', '1x', '1.s.s'])('%j is not a duration', (text) => {
    expect(parseGoDurationSeconds(text)).toBeUndefined();
  });
});

describe('AnnotationReader prefixes', () => {
  it('reads exactly the configured prefix, as ExternalDNS reads its --annotation-prefix', () => {
    const issues: Issue[] = [];
    const reader = new AnnotationReader(
      { [`${ALPHA}ttl`]: '60', [`${GA}ttl`]: '120', [`${GA}hostname`]: 'x.example.com' },
      ALPHA,
      (i) => issues.push(i),
    );
    expect(reader.get('ttl')).toEqual({ key: `${ALPHA}ttl`, value: '60' });
    expect(reader.get('hostname')).toBeUndefined();
    expect(issues).toEqual([]);
  });

  it('two installs with two prefixes (split horizon) each see only their own', () => {
    const annotations = {
      [`${ALPHA}hostname`]: 'public.example.com',
      [`${GA}hostname`]: 'private.example.com',
    };
    expect(new AnnotationReader(annotations, ALPHA, () => {}).get('hostname')?.value).toBe(
      'public.example.com',
    );
    expect(new AnnotationReader(annotations, GA, () => {}).get('hostname')?.value).toBe(
      'private.example.com',
    );
  });

  it('a custom prefix replaces the alpha one (ExternalDNS --annotation-prefix)', () => {
    const reader = new AnnotationReader(
      { [`${ALPHA}hostname`]: 'old.example.com', 'dns.acme.io/hostname': 'new.example.com' },
      'dns.acme.io/',
      () => {},
    );
    expect(reader.get('hostname')?.value).toBe('new.example.com');
    expect(
      new AnnotationReader({ [`${ALPHA}hostname`]: 'x' }, 'dns.acme.io/', () => {}).get('hostname'),
    ).toBe(undefined);
  });

  it('takes numbers and booleans from hand-written YAML as text and reports other shapes', () => {
    const issues: Issue[] = [];
    const reader = new AnnotationReader(
      { [`${ALPHA}ttl`]: 60, [`${ALPHA}alias`]: true, [`${ALPHA}target`]: { a: 1 } },
      ALPHA,
      (i) => issues.push(i),
    );
    expect(reader.get('ttl')?.value).toBe('60');
    expect(reader.get('alias')?.value).toBe('true');
    expect(reader.get('target')).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ code: 'bad-annotation', field: `${ALPHA}target` })]);
  });

  it.each([null, 'x', 42, ['a']])('annotations that are not a map (%j) read as none', (annotations) => {
    expect(new AnnotationReader(annotations, ALPHA, () => {}).get('hostname')).toBeUndefined();
  });
});

describe('readEndpointSettings: good values', () => {
  it.each([
    ['ttl', { ttl: '5m' }, { ttl: 300 }],
    ['alias true', { alias: 'true' }, { properties: { alias: true } }],
    ['alias false', { alias: 'false' }, { properties: {} }],
    ['set-identifier', { 'set-identifier': 'blue', 'aws-weight': '1' }, { setIdentifier: 'blue' }],
    [
      'weight',
      { 'set-identifier': 'blue', 'aws-weight': '10' },
      { setIdentifier: 'blue', properties: { weight: 10 } },
    ],
    ['weight 0', { 'set-identifier': 'b', 'aws-weight': '0' }, { properties: { weight: 0 } }],
    [
      'region',
      { 'set-identifier': 'b', 'aws-region': 'eu-central-1' },
      { properties: { region: 'eu-central-1' } },
    ],
    [
      'failover',
      { 'set-identifier': 'b', 'aws-failover': 'secondary' },
      { properties: { failover: 'SECONDARY' } },
    ],
    [
      'continent',
      { 'set-identifier': 'b', 'aws-geolocation-continent-code': 'eu' },
      { properties: { geolocation: { continentCode: 'EU' } } },
    ],
    [
      'country + subdivision',
      {
        'set-identifier': 'b',
        'aws-geolocation-country-code': 'US',
        'aws-geolocation-subdivision-code': 'NY',
      },
      { properties: { geolocation: { countryCode: 'US', subdivisionCode: 'NY' } } },
    ],
    [
      'default location *',
      { 'set-identifier': 'b', 'aws-geolocation-country-code': '*' },
      { properties: { geolocation: { countryCode: '*' } } },
    ],
    [
      'multi-value empty',
      { 'set-identifier': 'b', 'aws-multi-value-answer': '' },
      { properties: { multiValueAnswer: true } },
    ],
    [
      'multi-value true',
      { 'set-identifier': 'b', 'aws-multi-value-answer': 'true' },
      { properties: { multiValueAnswer: true } },
    ],
    [
      'health check',
      { 'aws-health-check-id': 'abcdef01-2345-6789-abcd-ef0123456789' },
      { properties: { healthCheckId: 'abcdef01-2345-6789-abcd-ef0123456789' } },
    ],
    [
      'evaluate target health',
      { 'aws-evaluate-target-health': 'false' },
      { properties: { evaluateTargetHealth: false } },
    ],
    ['target list', { target: 'lb.example.net., 192.0.2.1' }, { targets: ['lb.example.net', '192.0.2.1'] }],
  ])('%s', (_name, annotations, expected) => {
    const prefixed = Object.fromEntries(Object.entries(annotations).map(([k, v]) => [ALPHA + k, v]));
    const { settings, issues } = settingsOf(prefixed);
    expect(issues).toEqual([]);
    expect(settings).toMatchObject({ ok: true, ...expected });
  });
});

describe('readEndpointSettings: every bad value is reported with its full annotation key', () => {
  it.each([
    ['ttl', 'ten'],
    ['ttl', '0.5s'],
    ['ttl', '99999999999'],
    ['alias', 'yes'],
    ['alias', 'True'],
    ['set-identifier', 'x'.repeat(129)],
    ['aws-weight', 'heavy'],
    ['aws-weight', '-1'],
    ['aws-weight', '256'],
    ['aws-weight', '1.5'],
    ['aws-region', 'Frankfurt'],
    ['aws-failover', 'TERTIARY'],
    ['aws-geolocation-continent-code', 'XX'],
    ['aws-geolocation-country-code', 'DEU'],
    ['aws-multi-value-answer', 'false'],
    ['aws-health-check-id', 'not a uuid!'],
    ['aws-evaluate-target-health', 'maybe'],
    ['target', 'not a host!'],
    ['target', '*.example.com'],
  ])('%s=%j', (suffix, value) => {
    const { settings, issues } = settingsOf({ [`${ALPHA}set-identifier`]: 'blue', [ALPHA + suffix]: value });
    expect(settings.ok).toBe(false);
    expect(issues).toContainEqual(expect.objectContaining({ code: 'bad-annotation', field: ALPHA + suffix }));
  });

  it('a set identifier without a routing policy is bad: Route 53 refuses it alone', () => {
    const { settings, issues } = settingsOf({ [`${ALPHA}set-identifier`]: 'blue' });
    expect(settings.ok).toBe(false);
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'bad-annotation',
        field: `${ALPHA}set-identifier`,
        message: expect.stringContaining('needs a routing policy annotation'),
      }),
    ]);
  });

  it("ExternalDNS's geoproximity annotations are not read yet: their records are held, and the reason says so", () => {
    const { settings, issues } = settingsOf({
      [`${ALPHA}set-identifier`]: 'blue',
      [`${ALPHA}aws-geoproximity-region`]: 'eu-west-1',
      [`${ALPHA}aws-geoproximity-bias`]: '10',
    });
    expect(settings.ok).toBe(false);
    expect(issues).toContainEqual(
      expect.objectContaining({
        code: 'bad-annotation',
        field: `${ALPHA}set-identifier`,
        message: expect.stringContaining(
          'geoproximity routing (aws-geoproximity-bias, aws-geoproximity-region) is not supported yet',
        ),
      }),
    );
  });

  it('two routing policies at once are bad: Route 53 takes exactly one per record set', () => {
    const { settings, issues } = settingsOf({
      [`${ALPHA}set-identifier`]: 'blue',
      [`${ALPHA}aws-weight`]: '10',
      [`${ALPHA}aws-multi-value-answer`]: 'true',
    });
    expect(settings.ok).toBe(false);
    expect(issues).toEqual([
      expect.objectContaining({
        field: `${ALPHA}set-identifier`,
        message: expect.stringContaining('aws-weight, aws-multi-value-answer are set together'),
      }),
    ]);
  });

  it('a subdivision without a country is bad', () => {
    const { settings, issues } = settingsOf({
      [`${ALPHA}set-identifier`]: 'b',
      [`${ALPHA}aws-geolocation-subdivision-code`]: 'NY',
    });
    expect(settings.ok).toBe(false);
    expect(issues[0]?.field).toBe(`${ALPHA}aws-geolocation-subdivision-code`);
  });
});

describe('readEndpointSettings: values ExternalDNS ignores are reported but do not hold the records', () => {
  it('routing policies without a set identifier are ignored (ExternalDNS sends them, and Route 53 refuses)', () => {
    const { settings, issues } = settingsOf({
      [`${ALPHA}aws-weight`]: '10',
      [`${ALPHA}aws-region`]: 'eu-west-1',
    });
    expect(settings).toMatchObject({ ok: true, properties: {} });
    expect(issues.map((i) => `${i.code} ${i.field}`)).toEqual([
      `ignored-annotation ${ALPHA}aws-weight`,
      `ignored-annotation ${ALPHA}aws-region`,
    ]);
  });

  it('an aws-weight without a set identifier is kept as a label for fleet routing, and the warning says where it counts', () => {
    const { settings, issues } = settingsOf({ [`${ALPHA}aws-weight`]: '7' });
    expect(settings).toMatchObject({ ok: true, properties: {}, labels: { [LABEL_ANNOTATED_WEIGHT]: '7' } });
    expect(issues[0]?.message).toContain('only where fleetRouting routes the name by weight');
    const bad = settingsOf({ [`${ALPHA}aws-weight`]: '300' });
    expect(bad.settings.labels).toBeUndefined();
    expect(bad.issues[0]?.message).toContain('is ignored');
  });

  it('a continent code shadows country and subdivision (ExternalDNS reads the continent first)', () => {
    const { settings, issues } = settingsOf({
      [`${ALPHA}set-identifier`]: 'b',
      [`${ALPHA}aws-geolocation-continent-code`]: 'EU',
      [`${ALPHA}aws-geolocation-country-code`]: 'DE',
    });
    expect(settings.properties.geolocation).toEqual({ continentCode: 'EU' });
    expect(issues).toEqual([
      expect.objectContaining({ code: 'ignored-annotation', field: `${ALPHA}aws-geolocation-country-code` }),
    ]);
  });

  it('an empty set identifier is ignored', () => {
    const { settings, issues } = settingsOf({ [`${ALPHA}set-identifier`]: '' });
    expect(settings.ok).toBe(true);
    expect(settings.setIdentifier).toBeUndefined();
    expect(issues[0]).toMatchObject({ code: 'ignored-annotation', field: `${ALPHA}set-identifier` });
  });

  it('an unknown aws- annotation is reported as unknown', () => {
    const { settings, issues } = settingsOf({ [`${ALPHA}aws-wieght`]: '10' });
    expect(settings.ok).toBe(true);
    expect(issues[0]).toMatchObject({ code: 'unknown-annotation', field: `${ALPHA}aws-wieght` });
  });
});
