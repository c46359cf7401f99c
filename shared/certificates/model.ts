/** ACM certificates as the planner sees them: what ListCertificates says, plus tags and details where read. */

export type CertificateStatus =
  | 'PENDING_VALIDATION'
  | 'ISSUED'
  | 'INACTIVE'
  | 'EXPIRED'
  | 'VALIDATION_TIMED_OUT'
  | 'REVOKED'
  | 'FAILED';

/** Statuses ACM will not leave by itself: a failed request, to be retried with backoff. */
export const FAILED_STATUSES: ReadonlySet<string> = new Set(['FAILED', 'VALIDATION_TIMED_OUT']);

/** A DNS validation CNAME, names without the trailing dot. */
export interface ValidationRecord {
  name: string;
  value: string;
}

export interface KnownCertificate {
  arn: string;
  region: string;
  /** Every name on the certificate, the DomainName first; normalized. */
  names: string[];
  status: CertificateStatus | string;
  /** AMAZON_ISSUED, IMPORTED or PRIVATE. */
  type: string;
  inUse: boolean;
  createdAt?: Date;
  issuedAt?: Date;
  notAfter?: Date;
  /** Read for certificates that could be ours; undefined when not read. */
  tags?: Record<string, string>;
  /** From DescribeCertificate, when it was called. */
  failureReason?: string;
  /** From DescribeCertificate, once ACM shows them. */
  validationRecords?: ValidationRecord[];
}

/** A hostname some TLS endpoint of the fleet serves, in the region its load balancers live in. */
export interface NeededHost {
  host: string;
  region: string;
  /** The objects asking for it (`ingress/ns/name` with the cluster), for the report. */
  resources: string[];
  /** Those among them whose load balancer takes certificates by ARN only (an NLB Service). */
  attachments?: CertificateAttachment[];
}

/** An object that names its load balancer's certificates by ARN, and the ARNs it names now. */
export interface CertificateAttachment {
  cluster: string;
  /** `service/<namespace>/<name>` */
  resource: string;
  arns: string[];
}
