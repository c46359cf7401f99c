import { createHash, randomUUID } from 'node:crypto';
import type { SandboxClock } from '../clock.js';
import { SANDBOX_ACCOUNT } from '../credentials.js';
import { type JsonInput, jsonRpcService } from './json-protocol.js';
import type { AwsRequest, ServiceHandler } from './protocol.js';
import { constraintViolation, ServiceError } from './service-error.js';

/**
 * ACM (JSON 1.1, `CertificateManager.*`) with the rules a certificate reconciler can trip on:
 * - a DNS-validated certificate is ISSUED only once every name's validation CNAME, with the right value,
 *   resolves from a public zone (checked lazily whenever certificates are read, through an injected
 *   lookup); it times out (VALIDATION_TIMED_OUT) after 72 hours of trying;
 * - the validation CNAME is not in DescribeCertificate until a few seconds after the request;
 * - the CNAME is the same for `x` and `*.x`, and across certificates (per account), as in ACM;
 * - omitting ValidationMethod means EMAIL validation, which the sandbox never completes;
 * - ListCertificates without `Includes.keyTypes` lists only RSA_1024/RSA_2048 certificates;
 * - a certificate in use cannot be deleted; names per certificate are limited by a quota (10 by default);
 * - an IdempotencyToken repeated within one hour returns the first certificate.
 */

export const CERTIFICATE_STATUSES = [
  'PENDING_VALIDATION',
  'ISSUED',
  'INACTIVE',
  'EXPIRED',
  'VALIDATION_TIMED_OUT',
  'REVOKED',
  'FAILED',
] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];
export type CertificateType = 'AMAZON_ISSUED' | 'IMPORTED' | 'PRIVATE';
export type ValidationMethod = 'DNS' | 'EMAIL' | 'HTTP';
export type DomainValidationStatus = 'PENDING_VALIDATION' | 'SUCCESS' | 'FAILED';

export const KEY_ALGORITHMS = [
  'RSA_1024',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'EC_prime256v1',
  'EC_secp384r1',
  'EC_secp521r1',
] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];
/** The algorithms RequestCertificate accepts; the others exist only on imported certificates. */
const REQUESTABLE_KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['RSA_2048', 'EC_prime256v1', 'EC_secp384r1'];
/** What ListCertificates shows when the caller does not ask for other key types. */
const DEFAULT_LISTED_KEY_TYPES: readonly KeyAlgorithm[] = ['RSA_1024', 'RSA_2048'];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const VALIDATION_TIMEOUT_MS = 72 * HOUR_MS;
export const IDEMPOTENCY_WINDOW_MS = HOUR_MS;
/** An ACM public certificate's validity. */
export const CERTIFICATE_VALIDITY_MS = 395 * DAY_MS;
export const DEFAULT_VALIDATION_RECORD_LAG_MS = 5_000;
export const DEFAULT_MAX_DOMAINS_PER_CERTIFICATE = 10;
const MAX_TAGS = 50;

/** From ACM's API model. */
const DOMAIN_NAME = /^(\*\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])$/;
const CERTIFICATE_ARN = /^arn:[\w+=/,.@-]+:acm:[\w+=/,.@-]*:[0-9]+:[\w+=,.@-]+(\/[\w+=,.@-]+)*$/;
const IDEMPOTENCY_TOKEN = /^\w+$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Answers what a public resolver gets for a name from Route 53 (Route53State.findPublicRecordValues). */
export type PublicRecordLookup = (name: string, type: string) => string[] | undefined;

export interface ValidationRecord {
  name: string;
  type: 'CNAME';
  value: string;
}

function stripDot(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

function letters(hex: string, count: number): string {
  let out = '';
  for (let i = 0; out.length < count; i += 2) {
    out += String.fromCharCode(97 + (Number.parseInt(hex.slice(i, i + 2), 16) % 26));
  }
  return out;
}

/**
 * The DNS validation record ACM asks for: a function of the account and the name only, so `x` and `*.x`
 * share it and every certificate for the name reuses it.
 */
export function validationRecordFor(account: string, domain: string): ValidationRecord {
  const base = stripDot(domain).replace(/^\*\./, '');
  const digest = (purpose: string) =>
    createHash('sha256').update(`${purpose}\n${account}\n${base}`).digest('hex');
  return {
    name: `_${digest('name').slice(0, 32)}.${base}.`,
    type: 'CNAME',
    value: `_${digest('value').slice(0, 32)}.${letters(digest('target'), 10)}.acm-validations.aws.`,
  };
}

interface DomainValidation {
  domain: string;
  status: DomainValidationStatus;
}

interface StoredCertificate {
  arn: string;
  region: string;
  domainName: string;
  /** Every name on the certificate, the domain name first (the API's SubjectAlternativeNames). */
  names: string[];
  status: CertificateStatus;
  type: CertificateType;
  keyAlgorithm: KeyAlgorithm;
  validationMethod?: ValidationMethod;
  domainValidations: DomainValidation[];
  createdAt: Date;
  issuedAt?: Date;
  importedAt?: Date;
  notBefore?: Date;
  notAfter?: Date;
  inUseBy: string[];
  tags: Map<string, string>;
  failureReason?: string;
  serial?: string;
  transparencyLogging: 'ENABLED' | 'DISABLED';
}

/** A certificate as the scenario loader or a test states it. */
export interface ExistingCertificate {
  domain: string;
  /** Names besides `domain`. */
  sans?: string[];
  status: CertificateStatus;
  type?: CertificateType;
  region?: string;
  notBefore?: Date;
  notAfter?: Date;
  createdAt?: Date;
  inUseBy?: string[];
  tags?: Record<string, string>;
  keyAlgorithm?: KeyAlgorithm;
  /** DNS for AMAZON_ISSUED certificates unless told otherwise. */
  validationMethod?: ValidationMethod;
  failureReason?: string;
}

/** One certificate in the docs/scenarios.md `certificates` output shape. */
export interface CertificateExport {
  arn: string;
  domain: string;
  sans: string[];
  status: CertificateStatus;
  tags: Record<string, string>;
}

export interface CertificateView extends CertificateExport {
  region: string;
  type: CertificateType;
  keyAlgorithm: KeyAlgorithm;
  inUseBy: string[];
  createdAt: Date;
  issuedAt?: Date;
  notBefore?: Date;
  notAfter?: Date;
  /** The validation records of the names, once ACM shows them. */
  validationRecords: ValidationRecord[];
}

export interface AcmStateOptions {
  clock: SandboxClock;
  account?: string;
  /** The region of a scenario certificate that names none. */
  defaultRegion?: string;
  lookupPublicRecord?: PublicRecordLookup;
  /** How long after a request its validation CNAMEs appear in DescribeCertificate (0 allowed). */
  validationRecordLagMs?: number;
  /** The account's "domain names per certificate" quota. */
  maxDomainsPerCertificate?: number;
}

export interface RequestCertificateInput {
  region: string;
  domainName: string;
  subjectAlternativeNames?: string[];
  validationMethod?: ValidationMethod;
  idempotencyToken?: string;
  tags?: { key: string; value?: string }[];
  keyAlgorithm?: KeyAlgorithm;
  certificateAuthorityArn?: string;
  transparencyLogging?: 'ENABLED' | 'DISABLED';
}

function hexSerial(): string {
  return (randomUUID().replace(/-/g, '').match(/../g) as string[]).join(':');
}

function validateTags(tags: { key: string; value?: string }[]): void {
  for (const [i, t] of tags.entries()) {
    if (t.key.length < 1 || t.key.length > 128 || !TAG_KEY.test(t.key)) {
      throw constraintViolation(
        `tags.${i + 1}.member.key`,
        t.key,
        'Member must satisfy the tag key constraints',
      );
    }
    if (t.value !== undefined && (t.value.length > 256 || !TAG_KEY.test(t.value))) {
      throw constraintViolation(
        `tags.${i + 1}.member.value`,
        t.value,
        'Member must satisfy the tag value constraints',
      );
    }
    if (t.key.toLowerCase().startsWith('aws:')) {
      throw new ServiceError('InvalidTagException', `Tag key '${t.key}' uses the reserved prefix aws:`);
    }
  }
}

export class AcmState {
  readonly clock: SandboxClock;
  readonly account: string;
  readonly defaultRegion: string;
  validationRecordLagMs: number;
  maxDomainsPerCertificate: number;
  private lookup: PublicRecordLookup | undefined;
  private readonly byArn = new Map<string, StoredCertificate>();
  private readonly idempotency = new Map<string, { arn: string; at: number }>();

  constructor(opts: AcmStateOptions) {
    this.clock = opts.clock;
    this.account = opts.account ?? SANDBOX_ACCOUNT;
    this.defaultRegion = opts.defaultRegion ?? 'us-east-1';
    this.lookup = opts.lookupPublicRecord;
    this.validationRecordLagMs = opts.validationRecordLagMs ?? DEFAULT_VALIDATION_RECORD_LAG_MS;
    this.maxDomainsPerCertificate = opts.maxDomainsPerCertificate ?? DEFAULT_MAX_DOMAINS_PER_CERTIFICATE;
  }

  /** Wires DNS validation to the sandbox's public zones (Route53State.findPublicRecordValues). */
  setPublicRecordLookup(lookup: PublicRecordLookup | undefined): void {
    this.lookup = lookup;
  }

  private newArn(region: string): string {
    return `arn:aws:acm:${region}:${this.account}:certificate/${randomUUID()}`;
  }

  /** Adds a certificate that exists before the reconciler runs; returns its ARN. */
  importExisting(c: ExistingCertificate): string {
    const now = this.clock.now();
    const region = c.region ?? this.defaultRegion;
    const type = c.type ?? 'AMAZON_ISSUED';
    const names = uniqueNames(c.domain, c.sans ?? []);
    for (const name of names) {
      if (!DOMAIN_NAME.test(name))
        throw new Error(`ACM certificate ${c.domain}: '${name}' is not a valid domain name`);
    }
    const live =
      c.status === 'ISSUED' || c.status === 'EXPIRED' || c.status === 'INACTIVE' || c.status === 'REVOKED';
    let notAfter = c.notAfter;
    let notBefore = c.notBefore;
    if (live) {
      if (!notAfter && c.status === 'EXPIRED') notAfter = now;
      notBefore ??= notAfter ? new Date(notAfter.getTime() - CERTIFICATE_VALIDITY_MS) : now;
      notAfter ??= new Date(notBefore.getTime() + CERTIFICATE_VALIDITY_MS);
    }
    // A pending certificate from a scenario already shows its validation records.
    const createdAt =
      c.createdAt ?? (live && notBefore ? notBefore : new Date(now.getTime() - this.validationRecordLagMs));
    const domainStatus: DomainValidationStatus =
      c.status === 'PENDING_VALIDATION' ? 'PENDING_VALIDATION' : live ? 'SUCCESS' : 'FAILED';
    const arn = this.newArn(region);
    this.byArn.set(arn, {
      arn,
      region,
      domainName: c.domain,
      names,
      status: c.status,
      type,
      keyAlgorithm: c.keyAlgorithm ?? 'RSA_2048',
      validationMethod: type === 'AMAZON_ISSUED' ? (c.validationMethod ?? 'DNS') : undefined,
      domainValidations:
        type === 'AMAZON_ISSUED' ? names.map((domain) => ({ domain, status: domainStatus })) : [],
      createdAt,
      issuedAt: live && type !== 'IMPORTED' ? notBefore : undefined,
      importedAt: type === 'IMPORTED' ? createdAt : undefined,
      notBefore,
      notAfter,
      inUseBy: [...(c.inUseBy ?? [])],
      tags: new Map(Object.entries(c.tags ?? {})),
      failureReason: c.failureReason ?? (c.status === 'FAILED' ? 'OTHER' : undefined),
      serial: live ? hexSerial() : undefined,
      transparencyLogging: 'ENABLED',
    });
    return arn;
  }

  /** RequestCertificate's rules; returns the new (or, for a repeated idempotency token, the first) ARN. */
  request(input: RequestCertificateInput): string {
    const now = this.clock.now();
    if (input.idempotencyToken) {
      const key = `${input.region}\n${input.idempotencyToken}`;
      const earlier = this.idempotency.get(key);
      if (earlier && now.getTime() - earlier.at < IDEMPOTENCY_WINDOW_MS && this.byArn.has(earlier.arn)) {
        return earlier.arn;
      }
    }
    if (input.domainName.length > 64) {
      throw new ServiceError(
        'InvalidParameterException',
        `DomainName '${input.domainName}' is longer than 64 octets; put longer names in SubjectAlternativeNames`,
      );
    }
    const names = uniqueNames(input.domainName, input.subjectAlternativeNames ?? []);
    if (names.length > this.maxDomainsPerCertificate) {
      throw new ServiceError('LimitExceededException', 'Certificate has too many domains.');
    }
    const keyAlgorithm = input.keyAlgorithm ?? 'RSA_2048';
    if (!REQUESTABLE_KEY_ALGORITHMS.includes(keyAlgorithm)) {
      throw new ServiceError(
        'InvalidParameterException',
        `KeyAlgorithm ${keyAlgorithm} cannot be requested; use one of ${REQUESTABLE_KEY_ALGORITHMS.join(', ')}`,
      );
    }
    const tags = input.tags ?? [];
    validateTags(tags);
    if (tags.length > MAX_TAGS)
      throw new ServiceError('TooManyTagsException', `A certificate can have at most ${MAX_TAGS} tags`);
    const isPrivate = input.certificateAuthorityArn !== undefined;
    const arn = this.newArn(input.region);
    this.byArn.set(arn, {
      arn,
      region: input.region,
      domainName: input.domainName,
      names,
      status: isPrivate ? 'ISSUED' : 'PENDING_VALIDATION',
      type: isPrivate ? 'PRIVATE' : 'AMAZON_ISSUED',
      keyAlgorithm,
      // ACM's default when a request names no method.
      validationMethod: isPrivate ? undefined : (input.validationMethod ?? 'EMAIL'),
      domainValidations: isPrivate ? [] : names.map((domain) => ({ domain, status: 'PENDING_VALIDATION' })),
      createdAt: now,
      issuedAt: isPrivate ? now : undefined,
      notBefore: isPrivate ? now : undefined,
      notAfter: isPrivate ? new Date(now.getTime() + CERTIFICATE_VALIDITY_MS) : undefined,
      inUseBy: [],
      tags: new Map(tags.map((t) => [t.key, t.value ?? ''])),
      serial: isPrivate ? hexSerial() : undefined,
      transparencyLogging: input.transparencyLogging ?? 'ENABLED',
    });
    if (input.idempotencyToken) {
      this.idempotency.set(`${input.region}\n${input.idempotencyToken}`, { arn, at: now.getTime() });
    }
    return arn;
  }

  /** The services using a certificate (load balancer listeners, ...); non-empty blocks DeleteCertificate. */
  setInUseBy(arn: string, inUseBy: string[]): void {
    this.stored(arn).inUseBy = [...inUseBy];
  }

  /** The certificate, its status brought up to date; throws ResourceNotFoundException when unknown. */
  stored(arn: string, region?: string): StoredCertificate {
    const c = this.byArn.get(arn);
    if (!c || (region !== undefined && c.region !== region)) {
      throw new ServiceError('ResourceNotFoundException', `Could not find certificate ${arn}.`);
    }
    this.refresh(c);
    return c;
  }

  /** Certificates of a region (every region when omitted), statuses brought up to date, oldest first. */
  all(region?: string): StoredCertificate[] {
    return (
      [...this.byArn.values()]
        .filter((c) => region === undefined || c.region === region)
        .map((c) => {
          this.refresh(c);
          return c;
        })
        // Stable sort: certificates created in the same millisecond keep the order they were created in
        // (a random ARN as tie-break made the listing order a coin toss).
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    );
  }

  delete(arn: string, region?: string): void {
    const c = this.stored(arn, region);
    if (c.inUseBy.length > 0)
      throw new ServiceError('ResourceInUseException', `Certificate ${arn} is in use.`);
    this.byArn.delete(arn);
  }

  /** When a name's validation record is shown (and can first be checked). */
  recordsVisibleAt(c: StoredCertificate): number {
    return c.createdAt.getTime() + this.validationRecordLagMs;
  }

  validationRecord(domain: string): ValidationRecord {
    return validationRecordFor(this.account, domain);
  }

  view(c: StoredCertificate): CertificateView {
    const shown = c.validationMethod === 'DNS' && this.clock.now().getTime() >= this.recordsVisibleAt(c);
    return {
      arn: c.arn,
      domain: c.domainName,
      sans: c.names.slice(1),
      status: c.status,
      tags: Object.fromEntries(c.tags),
      region: c.region,
      type: c.type,
      keyAlgorithm: c.keyAlgorithm,
      inUseBy: [...c.inUseBy],
      createdAt: c.createdAt,
      issuedAt: c.issuedAt,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      validationRecords: shown
        ? uniqueRecords(c.domainValidations.map((d) => this.validationRecord(d.domain)))
        : [],
    };
  }

  /** Every certificate, for tests and the loader. */
  certificates(region?: string): CertificateView[] {
    return this.all(region).map((c) => this.view(c));
  }

  /** Every certificate in the docs/scenarios.md `certificates` output shape. */
  exportCertificates(): CertificateExport[] {
    return this.all().map((c) => ({
      arn: c.arn,
      domain: c.domainName,
      sans: c.names.slice(1),
      status: c.status,
      tags: Object.fromEntries(c.tags),
    }));
  }

  private cnameInPublicDns(domain: string): boolean {
    if (!this.lookup) return false;
    const record = this.validationRecord(domain);
    const values = this.lookup(record.name, 'CNAME') ?? [];
    return values.some((v) => stripDot(v) === stripDot(record.value));
  }

  /** ACM's background work, done when someone looks: validation, time-out, expiry. */
  private refresh(c: StoredCertificate): void {
    const now = this.clock.now().getTime();
    if (c.status === 'PENDING_VALIDATION' && c.type === 'AMAZON_ISSUED') {
      const checkableFrom = this.recordsVisibleAt(c);
      if (c.validationMethod === 'DNS' && now >= checkableFrom) {
        for (const d of c.domainValidations) {
          if (d.status === 'PENDING_VALIDATION' && this.cnameInPublicDns(d.domain)) d.status = 'SUCCESS';
        }
        if (c.domainValidations.every((d) => d.status === 'SUCCESS')) {
          c.status = 'ISSUED';
          c.issuedAt = new Date(now);
          c.notBefore = new Date(now);
          c.notAfter = new Date(now + CERTIFICATE_VALIDITY_MS);
          c.serial = hexSerial();
        }
      }
      if (c.status === 'PENDING_VALIDATION' && now >= checkableFrom + VALIDATION_TIMEOUT_MS) {
        c.status = 'VALIDATION_TIMED_OUT';
        for (const d of c.domainValidations) if (d.status !== 'SUCCESS') d.status = 'FAILED';
      }
    }
    if (c.status === 'ISSUED' && c.notAfter && c.notAfter.getTime() <= now) c.status = 'EXPIRED';
  }
}

/** The domain first, then the other names, without repeats (names compare case-insensitively). */
function uniqueNames(domain: string, sans: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of [domain, ...sans]) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
}

function uniqueRecords(records: ValidationRecord[]): ValidationRecord[] {
  return [...new Map(records.map((r) => [r.name, r])).values()];
}

/** The API shows key algorithms with a hyphen (`RSA-2048`), though requests and filters use `RSA_2048`. */
function shownKeyAlgorithm(k: KeyAlgorithm): string {
  return k.replace('_', '-');
}

function renewalEligibility(c: StoredCertificate): 'ELIGIBLE' | 'INELIGIBLE' {
  return c.type !== 'IMPORTED' && c.status === 'ISSUED' && c.inUseBy.length > 0 ? 'ELIGIBLE' : 'INELIGIBLE';
}

function keyUsages(c: StoredCertificate): string[] {
  return c.serial ? ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'] : [];
}

function extendedKeyUsages(c: StoredCertificate): { Name: string; OID: string }[] {
  return c.serial
    ? [
        { Name: 'TLS_WEB_SERVER_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.1' },
        { Name: 'TLS_WEB_CLIENT_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.2' },
      ]
    : [];
}

function emailsFor(domain: string): string[] {
  const base = stripDot(domain).replace(/^\*\./, '');
  return ['admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster'].map((u) => `${u}@${base}`);
}

function certificateDetail(state: AcmState, c: StoredCertificate): Record<string, unknown> {
  const recordsShown = state.clock.now().getTime() >= state.recordsVisibleAt(c);
  return {
    CertificateArn: c.arn,
    DomainName: c.domainName,
    SubjectAlternativeNames: c.names,
    DomainValidationOptions:
      c.type === 'AMAZON_ISSUED'
        ? c.domainValidations.map((d) => ({
            DomainName: d.domain,
            ValidationDomain: d.domain,
            ValidationStatus: d.status,
            ValidationMethod: c.validationMethod,
            ValidationEmails: c.validationMethod === 'EMAIL' ? emailsFor(d.domain) : undefined,
            ResourceRecord:
              c.validationMethod === 'DNS' && recordsShown
                ? (({ name, type, value }) => ({ Name: name, Type: type, Value: value }))(
                    state.validationRecord(d.domain),
                  )
                : undefined,
          }))
        : undefined,
    Serial: c.serial,
    Subject: `CN=${c.domainName}`,
    Issuer: c.serial ? 'Amazon' : undefined,
    CreatedAt: c.type === 'IMPORTED' ? undefined : c.createdAt,
    IssuedAt: c.issuedAt,
    ImportedAt: c.importedAt,
    Status: c.status,
    NotBefore: c.notBefore,
    NotAfter: c.notAfter,
    KeyAlgorithm: shownKeyAlgorithm(c.keyAlgorithm),
    SignatureAlgorithm: c.keyAlgorithm.startsWith('EC') ? 'SHA256WITHECDSA' : 'SHA256WITHRSA',
    InUseBy: c.inUseBy,
    FailureReason: c.failureReason,
    Type: c.type,
    KeyUsages: keyUsages(c).map((Name) => ({ Name })),
    ExtendedKeyUsages: extendedKeyUsages(c),
    RenewalEligibility: renewalEligibility(c),
    Options: { CertificateTransparencyLoggingPreference: c.transparencyLogging },
  };
}

function certificateSummary(c: StoredCertificate): Record<string, unknown> {
  return {
    CertificateArn: c.arn,
    DomainName: c.domainName,
    SubjectAlternativeNameSummaries: c.names.slice(0, 100),
    HasAdditionalSubjectAlternativeNames: c.names.length > 100,
    Status: c.status,
    Type: c.type,
    KeyAlgorithm: shownKeyAlgorithm(c.keyAlgorithm),
    KeyUsages: keyUsages(c),
    ExtendedKeyUsages: extendedKeyUsages(c).map((e) => e.Name),
    InUse: c.inUseBy.length > 0,
    RenewalEligibility: renewalEligibility(c),
    NotBefore: c.notBefore,
    NotAfter: c.notAfter,
    CreatedAt: c.type === 'IMPORTED' ? undefined : c.createdAt,
    IssuedAt: c.issuedAt,
    ImportedAt: c.importedAt,
  };
}

function certificateArn(input: JsonInput): string {
  return input.string('CertificateArn', { required: true, min: 20, max: 2048, pattern: CERTIFICATE_ARN });
}

function readTags(
  input: JsonInput,
  rule: { min?: number; required?: boolean },
): { key: string; value?: string }[] {
  const tags = input.objectList('Tags', { min: rule.min, max: MAX_TAGS });
  if (!tags) {
    if (rule.required) throw constraintViolation('tags', undefined, 'Member must not be null');
    return [];
  }
  return tags.map((t) => ({ key: t.string('Key', { required: true }), value: t.string('Value') }));
}

function encodeNextToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

function decodeNextToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the error below
  }
  throw new ServiceError('InvalidArgsException', `The NextToken '${token}' is not valid`);
}

export function acmHandler(state: AcmState): ServiceHandler {
  const domainRule = { min: 1, max: 253, pattern: DOMAIN_NAME };
  return jsonRpcService('CertificateManager', {
    RequestCertificate: (input, req: AwsRequest) => {
      const arn = state.request({
        region: req.region,
        domainName: input.string('DomainName', { required: true, ...domainRule }),
        subjectAlternativeNames: input.stringList('SubjectAlternativeNames', {
          min: 1,
          max: 100,
          each: domainRule,
        }),
        validationMethod: input.string('ValidationMethod', { oneOf: ['EMAIL', 'DNS', 'HTTP'] }) as
          | ValidationMethod
          | undefined,
        idempotencyToken: input.string('IdempotencyToken', { min: 1, max: 32, pattern: IDEMPOTENCY_TOKEN }),
        tags: readTags(input, { min: 1 }),
        keyAlgorithm: input.string('KeyAlgorithm', { oneOf: KEY_ALGORITHMS }) as KeyAlgorithm | undefined,
        certificateAuthorityArn: input.string('CertificateAuthorityArn', { min: 20, max: 2048 }),
        transparencyLogging: input
          .object('Options')
          ?.string('CertificateTransparencyLoggingPreference', { oneOf: ['ENABLED', 'DISABLED'] }) as
          | 'ENABLED'
          | 'DISABLED'
          | undefined,
      });
      return { CertificateArn: arn };
    },
    DescribeCertificate: (input, req) => {
      const c = state.stored(certificateArn(input), req.region);
      return { Certificate: certificateDetail(state, c) };
    },
    ListCertificates: (input, req) => {
      const statuses = input.stringList('CertificateStatuses', { each: { oneOf: CERTIFICATE_STATUSES } });
      const keyTypes =
        input.object('Includes')?.stringList('keyTypes', { each: { oneOf: KEY_ALGORITHMS } }) ??
        DEFAULT_LISTED_KEY_TYPES;
      const maxItems = input.integer('MaxItems', { min: 1, max: 1000 }) ?? 1000;
      const token = input.string('NextToken', { min: 1, max: 10000 });
      const sortOrder = input.string('SortOrder', { oneOf: ['ASCENDING', 'DESCENDING'] });
      input.string('SortBy', { oneOf: ['CREATED_AT'] });
      let matching = state
        .all(req.region)
        .filter((c) => (statuses?.length ? statuses.includes(c.status) : true))
        .filter((c) => keyTypes.includes(c.keyAlgorithm));
      if (sortOrder === 'DESCENDING') matching = matching.reverse();
      const offset = token ? decodeNextToken(token) : 0;
      const page = matching.slice(offset, offset + maxItems);
      return {
        CertificateSummaryList: page.map(certificateSummary),
        NextToken: offset + maxItems < matching.length ? encodeNextToken(offset + maxItems) : undefined,
      };
    },
    ListTagsForCertificate: (input, req) => {
      const c = state.stored(certificateArn(input), req.region);
      return { Tags: [...c.tags].map(([Key, Value]) => ({ Key, Value })) };
    },
    AddTagsToCertificate: (input, req) => {
      const c = state.stored(certificateArn(input), req.region);
      const tags = readTags(input, { min: 1, required: true });
      validateTags(tags);
      const next = new Map(c.tags);
      for (const t of tags) next.set(t.key, t.value ?? '');
      if (next.size > MAX_TAGS) {
        throw new ServiceError('TooManyTagsException', `A certificate can have at most ${MAX_TAGS} tags`);
      }
      c.tags = next;
      return {};
    },
    RemoveTagsFromCertificate: (input, req) => {
      const c = state.stored(certificateArn(input), req.region);
      for (const t of readTags(input, { min: 1, required: true })) {
        // A tag given with a value is removed only when the value matches, as in ACM.
        if (t.value === undefined || c.tags.get(t.key) === t.value) c.tags.delete(t.key);
      }
      return {};
    },
    DeleteCertificate: (input, req) => {
      state.delete(certificateArn(input), req.region);
      return {};
    },
  });
}
