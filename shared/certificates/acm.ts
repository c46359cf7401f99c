import {
  type ACMClient,
  AddTagsToCertificateCommand,
  type CertificateSummary,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  KeyAlgorithm,
  ListTagsForCertificateCommand,
  paginateListCertificates,
  RemoveTagsFromCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { normalizeCertificateName } from './coverage.js';
import type { KnownCertificate, ValidationRecord } from './model.js';
import type { PlannedRequest } from './plan.js';

/** Every key type: without `Includes.keyTypes`, ListCertificates shows RSA-1024/2048 certificates only. */
const ALL_KEY_TYPES = Object.values(KeyAlgorithm);

/** What DescribeCertificate adds to the listing. */
export interface CertificateDetail {
  names: string[];
  status?: string;
  failureReason?: string;
  /** Empty until ACM shows them (a few seconds after the request) and for non-DNS validation. */
  validationRecords: ValidationRecord[];
}

/**
 * ACM for one region, thin: pagination here, retries and throttling in the SDK client (adaptive retry).
 * `hasMoreNames` marks summaries whose names ListCertificates cut short (over 100): describe those.
 */
export class AcmCertificates {
  constructor(
    private readonly client: ACMClient,
    readonly region: string,
  ) {}

  async list(): Promise<(KnownCertificate & { hasMoreNames: boolean })[]> {
    const out: (KnownCertificate & { hasMoreNames: boolean })[] = [];
    const pages = paginateListCertificates(
      { client: this.client, pageSize: 1000 },
      { Includes: { keyTypes: ALL_KEY_TYPES } },
    );
    for await (const page of pages) {
      for (const s of page.CertificateSummaryList ?? []) {
        const c = this.fromSummary(s);
        if (c) out.push(c);
      }
    }
    return out;
  }

  private fromSummary(s: CertificateSummary): (KnownCertificate & { hasMoreNames: boolean }) | undefined {
    if (!s.CertificateArn) return undefined;
    return {
      arn: s.CertificateArn,
      region: this.region,
      names: uniqueNames([s.DomainName ?? '', ...(s.SubjectAlternativeNameSummaries ?? [])]),
      status: s.Status ?? 'UNKNOWN',
      type: s.Type ?? 'UNKNOWN',
      inUse: s.InUse === true,
      ...(s.CreatedAt ? { createdAt: s.CreatedAt } : {}),
      ...(s.IssuedAt ? { issuedAt: s.IssuedAt } : {}),
      ...(s.NotAfter ? { notAfter: s.NotAfter } : {}),
      hasMoreNames: s.HasAdditionalSubjectAlternativeNames === true,
    };
  }

  async tags(arn: string): Promise<Record<string, string>> {
    const out = await this.client.send(new ListTagsForCertificateCommand({ CertificateArn: arn }));
    return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  }

  async describe(arn: string): Promise<CertificateDetail> {
    const out = await this.client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    const c = out.Certificate ?? {};
    const records = new Map<string, ValidationRecord>();
    for (const o of c.DomainValidationOptions ?? []) {
      const r = o.ResourceRecord;
      if (r?.Type !== 'CNAME' || !r.Name || !r.Value) continue;
      const name = normalizeCertificateName(r.Name);
      records.set(name, { name, value: normalizeCertificateName(r.Value) });
    }
    return {
      names: uniqueNames([c.DomainName ?? '', ...(c.SubjectAlternativeNames ?? [])]),
      ...(c.Status ? { status: c.Status } : {}),
      ...(c.FailureReason ? { failureReason: c.FailureReason } : {}),
      validationRecords: [...records.values()],
    };
  }

  /** DNS validation, our tags from the first moment, and the plan's idempotency token. */
  async request(r: PlannedRequest, keyAlgorithm: KeyAlgorithm): Promise<string> {
    const out = await this.client.send(
      new RequestCertificateCommand({
        DomainName: r.domainName,
        ...(r.names.length > 1 ? { SubjectAlternativeNames: r.names } : {}),
        ValidationMethod: 'DNS',
        IdempotencyToken: r.idempotencyToken,
        KeyAlgorithm: keyAlgorithm,
        Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    if (!out.CertificateArn) throw new Error(`RequestCertificate for ${r.domainName} returned no ARN`);
    return out.CertificateArn;
  }

  async addTags(arn: string, tags: Record<string, string>): Promise<void> {
    await this.client.send(
      new AddTagsToCertificateCommand({
        CertificateArn: arn,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  }

  async removeTags(arn: string, keys: readonly string[]): Promise<void> {
    await this.client.send(
      new RemoveTagsFromCertificateCommand({ CertificateArn: arn, Tags: keys.map((Key) => ({ Key })) }),
    );
  }

  async delete(arn: string): Promise<void> {
    await this.client.send(new DeleteCertificateCommand({ CertificateArn: arn }));
  }
}

function uniqueNames(names: readonly string[]): string[] {
  return [...new Set(names.map(normalizeCertificateName).filter((n) => n !== ''))];
}
