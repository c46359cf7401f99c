/**
 * What a pass reports instead of failing: a bad annotation, a naming conflict, a held deletion.
 * `object` names the Kubernetes object (`kind/namespace/name`), `field` the annotation or field,
 * `cluster` the cluster it is in, `zone` the hosted zone a record concerns.
 */
export interface PassWarning {
  code: WarningCode;
  message: string;
  cluster?: string;
  object?: string;
  field?: string;
  dnsName?: string;
  zone?: string;
}

/** Every warning a pass can report, by the stage that finds it. */
export type WarningCode =
  | SourceWarningCode
  | ClusterWarningCode
  | DnsWarningCode
  | CertificateWarningCode
  | TriggerWarningCode;

/** One Kubernetes object's: its source read it and skipped what is wrong (the pass adds the cluster). */
export type SourceWarningCode =
  | 'bad-annotation'
  | 'bad-object'
  | 'cname-conflict'
  | 'cname-multiple-targets'
  | 'ignored-address'
  | 'ignored-annotation'
  | 'invalid-hostname'
  | 'invalid-target'
  | 'missing-target'
  | 'outside-cluster-domains'
  | 'shadowed-object'
  | 'txt-name-too-long'
  | 'unknown-annotation'
  | 'unmanaged-record-type'
  | 'unmatched-hostname'
  | 'unreadable-addresses'
  | 'unsupported-service';

/** A cluster's as a whole, or (`cap-exceeded` with `object`) one object over `maxNamesPerObject`. */
export type ClusterWarningCode = 'api-not-served' | 'cap-exceeded';

/** A record's in a zone: the DNS planner, the TXT registry, Route 53. */
export type DnsWarningCode =
  | 'alias-target-not-found'
  | 'conflict'
  | 'deletions-held'
  | 'drain-held'
  | 'drained'
  | 'elbv2-lookup'
  | 'fleet-routing'
  | 'health-check-failed'
  | 'frozen'
  | 'needs-health-check'
  | 'no-owner'
  | 'no-zone'
  | 'ownership-txt-name-taken'
  | 'route53-change-rejected'
  | 'route53-change-too-large'
  | 'routing-policy-conflict'
  | 'txt-name-invalid'
  | 'txt-name-is-ownership-record'
  | 'txt-of-another-owner'
  | 'txt-outside-zone'
  | 'txt-reads-as-ownership'
  | 'zone-unreachable';

/** A TLS host's or a certificate's. */
export type CertificateWarningCode =
  | 'certificate-host-skipped'
  | 'certificate-not-attached'
  | 'certificate-validation-record';

/** An event a handler took and did nothing with. */
export type TriggerWarningCode = 'event-ignored';
