import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deployConfigFrom } from '../../infra/deploy-config.js';
import { type Config, parseConfig } from '../../shared/config.js';
import { planChanges } from '../../shared/dns/plan.js';
import { DomainFilter } from '../../shared/endpoint/domain-filter.js';
import type { Endpoint, RecordType } from '../../shared/endpoint/endpoint.js';
import { planRegistryChanges, readOwnership, serializeOwnership } from '../../shared/registry/txt.js';
import { isInZone } from '../../shared/registry/txt-names.js';
import { recordNameCondition } from '../support/iam-policy.js';

/**
 * Issue 10 item 6, over generated filter shapes: domain filters (apex or subdomains-only, at or below the
 * zone), TXT prefixes and suffixes (with and without `%{record_type}`, with dots), wildcard replacements,
 * managed types and regex filters. For each shape the planner and the registry plan a zone — new names at
 * the filter's apex, under it and as wildcards, validation-style `_<hash>` CNAMEs, owned records that go
 * with their new- and old-format TXTs — and every name they write must pass the synthesized condition,
 * while names beside the filters must not.
 */

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
const ZONE_ID = 'Z0123456789EXAMPLEABC';
const OWNER = 'prod-eu';

const affix = fc.constantFrom(
  { txtPrefix: '', txtSuffix: '' },
  { txtPrefix: 'txt-', txtSuffix: '' },
  { txtPrefix: 'txt.', txtSuffix: '' },
  { txtPrefix: '%{record_type}-', txtSuffix: '' },
  { txtPrefix: '%{record_type}.', txtSuffix: '' },
  { txtPrefix: '_own.', txtSuffix: '' },
  { txtPrefix: '', txtSuffix: '-own' },
  { txtPrefix: '', txtSuffix: '.own' },
  { txtPrefix: '', txtSuffix: '-%{record_type}' },
);

const shape = fc.record({
  zone: fc.tuple(label, fc.constantFrom('com', 'org', 'io')).map((l) => l.join('.')),
  filters: fc.array(fc.record({ below: fc.array(label, { maxLength: 2 }), subdomainsOnly: fc.boolean() }), {
    minLength: 1,
    maxLength: 3,
  }),
  affix,
  wildcardReplacement: fc.constantFrom('', 'wild', 'any-name'),
  types: fc.subarray<RecordType>(['A', 'AAAA', 'CNAME', 'MX'], { minLength: 1 }),
  gone: fc.subarray(['apex-old', 'apex-new', 'below-old', 'below-new'] as const),
});
type Shape = typeof shape extends fc.Arbitrary<infer T> ? T : never;

const domainOf = (s: Shape, i: number) => [...(s.filters[i]?.below ?? []), s.zone].join('.');
const filtersOf = (s: Shape) => s.filters.map((f, i) => `${f.subdomainsOnly ? '.' : ''}${domainOf(s, i)}`);

const TARGETS: Partial<Record<RecordType, string>> = {
  A: '192.0.2.1',
  AAAA: '2001:db8::1',
  CNAME: 'lb.example.net',
  MX: '10 mail.example.net',
};

function endpoint(dnsName: string, recordType: RecordType, labels: Record<string, string>): Endpoint {
  return { dnsName, recordType, targets: [TARGETS[recordType] ?? ''], ttl: 300, labels, properties: {} };
}

function configOf(s: Shape, extra: Record<string, unknown> = {}): Config {
  return parseConfig({
    domainFilters: filtersOf(s),
    zoneIdFilters: [ZONE_ID],
    ...s.affix,
    txtWildcardReplacement: s.wildcardReplacement,
    managedRecordTypes: s.types,
    ...extra,
  });
}

/** Every name the planner and the registry write for the shape's zone, in the order they would be sent. */
function namesWritten(s: Shape, config: Config): string[] {
  const owned = { owner: OWNER, resource: 'service/edge/web' };
  const desired: Endpoint[] = [];
  const records: Endpoint[] = [];
  const txt = (name: string) => endpoint(name, 'TXT', {});
  s.filters.forEach((_, i) => {
    const d = domainOf(s, i);
    for (const [n, type] of s.types.entries()) {
      // One type per name (a CNAME shares its name with nothing), across the apex, below, wildcard.
      const name = [d, `web.${d}`, `*.${d}`, `a.b.${d}`][n % 4] as string;
      desired.push(endpoint(name, type, owned));
    }
    desired.push(endpoint(`_3f1c0b9e.${d}`, 'CNAME', owned));
    // Records this owner had and no longer wants: deleted with their ownership TXTs, old format included.
    for (const gone of s.gone) {
      const name = gone.startsWith('apex') ? d : `gone.${d}`;
      const type = s.types[0] as RecordType;
      if (gone.startsWith('apex') && s.types.length > 0) continue; // the apex is desired already
      records.push(endpoint(name, type, {}));
      const first = name.split('.')[0];
      const rest = name.slice((first?.length ?? 0) + 1);
      const bare = (a: string) => a.replaceAll('%{record_type}', '');
      const oldName = `${bare(s.affix.txtPrefix)}${first}${bare(s.affix.txtSuffix)}.${rest}`;
      const t = type.toLowerCase();
      const typed = s.affix.txtPrefix.includes('%{') || s.affix.txtSuffix.includes('%{');
      const newName = typed
        ? `${s.affix.txtPrefix.replaceAll('%{record_type}', t)}${first}${s.affix.txtSuffix.replaceAll('%{record_type}', t)}.${rest}`
        : `${s.affix.txtPrefix}${t}-${first}${s.affix.txtSuffix}.${rest}`;
      const ownerTxt = gone.endsWith('old') ? oldName : newName;
      if (isInZone(ownerTxt, s.zone)) {
        records.push({ ...txt(ownerTxt), targets: [serializeOwnership(owned)] });
      }
    }
  });
  const options = {
    prefix: config.txtPrefix,
    suffix: config.txtSuffix,
    wildcardReplacement: config.txtWildcardReplacement,
    zone: s.zone,
  };
  const current = readOwnership(records, options);
  const plan = planChanges({
    current: current.records,
    desired,
    policy: 'sync',
    managedRecordTypes: [...config.managedRecordTypes, 'CNAME'],
    excludeRecordTypes: [],
    domainFilter: new DomainFilter(config),
    knownOwners: new Set([OWNER]),
    frozenOwners: new Set(),
    held: [],
    deletionGuard: { maxShare: 1, minRecords: 0, allow: true },
  });
  return planRegistryChanges(plan, current.registry, options).groups.flatMap((g) =>
    g.map((c) => c.endpoint.dnsName),
  );
}

/** Names beside the filters: sharing a suffix but not at a label boundary, or in another domain. */
function namesBeside(s: Shape): string[] {
  const domains = s.filters.map((_, i) => domainOf(s, i));
  const managed = (n: string) => domains.some((d) => n === d || n.endsWith(`.${d}`));
  return domains.flatMap((d) => [`x${d}`, `${d}.evil.net`, 'evil.net']).filter((n) => !managed(n));
}

const escapeRegex = (d: string) => d.replaceAll('.', '\\.');

describe('the role allows every name the planner writes, for generated filter shapes', () => {
  it('domain filters, TXT affixes, wildcards and managed types', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const config = configOf(s);
        const condition = recordNameCondition(config);
        const written = namesWritten(s, config);
        expect(condition.refused(written), condition.patterns.join(' ')).toEqual([]);
        expect(condition.refused(namesBeside(s))).toEqual(namesBeside(s));
      }),
      { numRuns: 100 },
    );
  });

  it('a regex filter inside the domain filters: accepted at synth, and what it selects is allowed', () => {
    const regexes = (d: string, apexAllowed: boolean) =>
      fc.constantFrom(
        `^(web|a\\.b|_3f1c0b9e)\\.${escapeRegex(d)}$`,
        `\\.${escapeRegex(d)}$`,
        `[a-z]+\\.${escapeRegex(d)}$`,
        ...(apexAllowed ? [`^${escapeRegex(d)}$`] : []),
      );
    fc.assert(
      fc.property(
        shape.chain((s) => fc.tuple(fc.constant(s), regexes(domainOf(s, 0), !s.filters[0]?.subdomainsOnly))),
        ([s, regex]) => {
          const config = configOf(s, { regexDomainFilter: regex });
          expect(() => deployConfigFrom({ ...config })).not.toThrow();
          const written = namesWritten(s, config);
          expect(recordNameCondition(config).refused(written)).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a regex filter the condition cannot express, or outside the domain filters, is refused at synth', () => {
    const refused = (d: string) =>
      fc.constantFrom(
        '.*', // every name
        escapeRegex(d), // not anchored: `web.${d}.evil.net` matches
        `^web\\.${escapeRegex(d)}$|^web\\.example\\.net$`, // a top-level alternative outside
        `^(web|a)\\.${escapeRegex(d)}\\.?$`, // a quantifier at the end
        `\\.example\\.net$`, // anchored, but beside the filters
        `^(web|api)${escapeRegex(d)}$`, // no label boundary: `webx.${d}`... and `web${d}` beside it
      );
    fc.assert(
      fc.property(
        // One filter: with more, a regex beside one of them may well be inside another.
        shape
          .map((s) => ({ ...s, filters: s.filters.slice(0, 1) }))
          .chain((s) => fc.tuple(fc.constant(s), refused(domainOf(s, 0)))),
        ([s, regex]) => {
          const document = { ...configOf(s), regexDomainFilter: regex };
          expect(() => deployConfigFrom(document)).toThrow(/deploy config\.regexDomainFilter: /);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a regex exclusion without a regex filter is refused: the planner would then ignore domainFilters', () => {
    fc.assert(
      fc.property(shape, (s) => {
        expect(() => deployConfigFrom({ ...configOf(s), regexDomainExclusion: '^internal\\.' })).toThrow(
          /deploy config\.regexDomainExclusion: /,
        );
      }),
      { numRuns: 10 },
    );
  });
});
