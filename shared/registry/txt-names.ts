import type { RecordType } from '../endpoint/endpoint.js';
import { nameLengthProblem } from '../endpoint/names.js';

/**
 * How ExternalDNS's TXT registry names the ownership record of a DNS record, both ways
 * (registry/mapper in kubernetes-sigs/external-dns). The affix goes next to the first label only:
 *   new format  `<prefix><type>-<first label><suffix>.<rest>`   (`a-shop.example.com`)
 *   old format  `<prefix><first label><suffix>.<rest>`          (no type: claims every type at the name)
 * A `%{record_type}` template in the prefix or suffix replaces the `<type>-` marker.
 */

export interface TxtNameOptions {
  prefix: string;
  suffix: string;
  /** Replaces a leading `*` label in TXT names (`*` is not valid inside a TXT owner label for most DNS hosts). */
  wildcardReplacement: string;
}

export const RECORD_TYPE_TEMPLATE = '%{record_type}';

/** Types ExternalDNS recognises in a TXT name; a name starting with anything else is old format. */
const TYPES_IN_NAMES: readonly RecordType[] = [
  'A',
  'AAAA',
  'CNAME',
  'NS',
  'MX',
  'PTR',
  'SRV',
  'NAPTR',
  'TXT',
];

export interface TxtNameMapper {
  /** The new-format TXT name that holds the ownership of `dnsName`/`recordType`. */
  txtName(dnsName: string, recordType: RecordType): string;
  /**
   * The record name and type a TXT name speaks for; `recordType` is undefined for an old-format name.
   * Undefined when the name does not carry this registry's affix. A wildcard comes back as its replacement.
   */
  recordFor(txtName: string): { dnsName: string; recordType?: RecordType } | undefined;
  /** The name a record is looked up under: its leading `*` replaced as the TXT names replace it. */
  lookupName(dnsName: string): string;
  /**
   * Every TXT name the registry may write or delete for records of these types at `dnsName`: the
   * new-format name of each type, and the old-format one (no type) it deletes with the last record that
   * relies on it. What the IAM record-name condition has to allow next to the record names themselves.
   */
  ownershipNames(dnsName: string, recordTypes: readonly RecordType[]): string[];
}

export function txtNameMapper(options: TxtNameOptions): TxtNameMapper {
  return new AffixedNames(options);
}

/** The mapper for one prefix or suffix (lower-cased), the type as a `<type>-` marker or in a template. */
class AffixedNames implements TxtNameMapper {
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly wildcard: string;
  private readonly suffixMode: boolean;
  private readonly typeInAffix: boolean;

  constructor(options: TxtNameOptions) {
    this.prefix = options.prefix.toLowerCase();
    this.suffix = options.suffix.toLowerCase();
    this.wildcard = options.wildcardReplacement.toLowerCase();
    if (this.prefix && this.suffix)
      throw new Error('txtPrefix and txtSuffix: set one or the other, not both');
    this.suffixMode = this.suffix !== '';
    this.typeInAffix =
      this.prefix.includes(RECORD_TYPE_TEMPLATE) || this.suffix.includes(RECORD_TYPE_TEMPLATE);
  }

  txtName(dnsName: string, recordType: RecordType): string {
    return this.nameWithAffix(dnsName, recordType.toLowerCase());
  }

  ownershipNames(dnsName: string, recordTypes: readonly RecordType[]): string[] {
    const names = recordTypes.map((t) => this.nameWithAffix(dnsName, t.toLowerCase()));
    return [...new Set([...names, this.nameWithAffix(dnsName, undefined)])];
  }

  recordFor(txtName: string): { dnsName: string; recordType?: RecordType } | undefined {
    const name = txtName.toLowerCase();
    if (!this.suffixMode) {
      const r = this.dropAffix(name);
      return r?.rest ? { dnsName: r.rest, ...(r.recordType ? { recordType: r.recordType } : {}) } : undefined;
    }
    // The suffix sits after the first label, so the affixed part spans the suffix's own dots too.
    const dotsInSuffix = this.suffix.split('.').length - 1;
    const labels = name.split('.');
    if (labels.length <= dotsInSuffix) return undefined;
    const affixed = labels.slice(0, dotsInSuffix + 1).join('.');
    const domain = labels.slice(dotsInSuffix + 1).join('.');
    const r = this.dropAffix(affixed);
    if (!r?.rest) return undefined;
    return {
      dnsName: domain ? `${r.rest}.${domain}` : r.rest,
      ...(r.recordType ? { recordType: r.recordType } : {}),
    };
  }

  lookupName(dnsName: string): string {
    const dot = dnsName.indexOf('.');
    if (dot < 0) return this.replaceWildcard(dnsName);
    return this.replaceWildcard(dnsName.slice(0, dot)) + dnsName.slice(dot);
  }

  private replaceWildcard(label: string): string {
    return this.wildcard && label === '*' ? this.wildcard : label;
  }

  private withoutAffix(name: string, pre: string, suf: string): string | undefined {
    if (this.suffixMode) return name.endsWith(suf) ? name.slice(0, name.length - suf.length) : undefined;
    return name.startsWith(pre) ? name.slice(pre.length) : undefined;
  }

  /** Strips the affix from the part of a TXT name that carries it and reads the record type. */
  private dropAffix(name: string): { rest: string; recordType?: RecordType } | undefined {
    if (this.typeInAffix) {
      for (const t of TYPES_IN_NAMES) {
        const lower = t.toLowerCase();
        const rest = this.withoutAffix(
          name,
          this.prefix.replaceAll(RECORD_TYPE_TEMPLATE, lower),
          this.suffix.replaceAll(RECORD_TYPE_TEMPLATE, lower),
        );
        if (rest !== undefined) return { rest, recordType: t };
      }
    }
    // Without a template (or for records written before one was configured) the type is a `<type>-` marker.
    const rest = this.withoutAffix(
      name,
      this.prefix.replaceAll(RECORD_TYPE_TEMPLATE, ''),
      this.suffix.replaceAll(RECORD_TYPE_TEMPLATE, ''),
    );
    if (rest === undefined) return undefined;
    const dash = rest.indexOf('-');
    const head = dash < 0 ? rest : rest.slice(0, dash);
    const marked = TYPES_IN_NAMES.find((t) => t.toLowerCase() === head);
    if (marked && dash >= 0) return { rest: rest.slice(dash + 1), recordType: marked };
    return { rest };
  }

  /** `type` undefined: the old format, with neither a `<type>-` marker nor a type in the affix. */
  private nameWithAffix(dnsName: string, type: string | undefined): string {
    const dot = dnsName.indexOf('.');
    let host = this.replaceWildcard(dot < 0 ? dnsName : dnsName.slice(0, dot));
    const domain = dot < 0 ? '' : dnsName.slice(dot + 1);
    if (type !== undefined && !this.typeInAffix) host = `${type}-${host}`;
    const label =
      this.prefix.replaceAll(RECORD_TYPE_TEMPLATE, type ?? '') +
      host +
      this.suffix.replaceAll(RECORD_TYPE_TEMPLATE, type ?? '');
    return domain ? `${label}.${domain}` : label;
  }
}

/** True when `name` is `zone` or a name inside it. */
export function isInZone(name: string, zone: string): boolean {
  const z = zone.toLowerCase().replace(/\.$/, '');
  return name === z || name.endsWith(`.${z}`);
}

/** The record types a source publishes (and, after ALIAS resolution, A/AAAA for a CNAME target). */
const PUBLISHED_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME'];

/**
 * Why the ownership TXT names this registry would write for `dnsName` (`a-`, `aaaa-`, `cname-` with the
 * prefix or suffix) break DNS's length limits, though the name itself does not. Route 53 would refuse
 * that TXT, and with it the whole batch, every pass.
 */
export function ownershipNameProblem(mapper: TxtNameMapper, dnsName: string): string | undefined {
  for (const type of PUBLISHED_TYPES) {
    const txtName = mapper.txtName(dnsName, type);
    const problem = nameLengthProblem(txtName);
    if (problem) return `its ownership TXT name ${txtName} ${problem}`;
  }
  return undefined;
}
