import * as z from 'zod';
import { RECORD_TYPES } from './endpoint/endpoint.js';

/**
 * The reconciler's one config. Field names are ExternalDNS's flags in lowerCamelCase
 * (`--exclude-domains` → `excludeDomains`) so an operator's existing flags carry over.
 */

const recordType = z.enum(RECORD_TYPES);
const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-central-1');
const accountId = z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id');

export const clusterConfigSchema = z.strictObject({
  name: z.string().min(1).max(100),
  region: awsRegion,
  account: accountId.optional(),
  /** TXT registry owner id; defaults to the cluster name. */
  ownerId: z.string().min(1).optional(),
  /** A role to assume for a cluster in another account. */
  roleArn: z.string().startsWith('arn:').optional(),
  tags: z.record(z.string(), z.string()).default({}),
  /**
   * The API server, when known without DescribeCluster (a kubeconfig context): `endpoint` and
   * `certificateAuthorityData` (base64 PEM) together. The token is still EKS's, for `name` in `region`.
   */
  endpoint: z.url({ protocol: /^https$/ }).optional(),
  certificateAuthorityData: z.base64().optional(),
});

export const discoveryAccountSchema = z.strictObject({
  id: accountId,
  /** The role the reconciler assumes in that account (ListClusters, DescribeCluster, the EKS token). */
  roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN'),
  /** Regions to search in this account; the discovery's `regions` when absent. */
  regions: z.array(awsRegion).min(1).optional(),
});

export const clusterDiscoverySchema = z.strictObject({
  /** Regions searched in the home account (and in each account without its own list). */
  regions: z.array(awsRegion).min(1),
  /** Tags a cluster must carry, every one with exactly this value. */
  tags: z.record(z.string(), z.string()).default({}),
  /** Search the reconciler's own account too. */
  homeAccount: z.boolean().default(true),
  accounts: z.array(discoveryAccountSchema).default([]),
});

export const configSchema = z.strictObject({
  policy: z.enum(['sync', 'upsert-only', 'create-only']).default('sync'),
  /** The home region: Route 53, EventBridge and STS calls go here. */
  region: awsRegion.default('us-east-1'),
  dryRun: z.boolean().default(false),

  // --- which names we manage
  domainFilters: z.array(z.string()).default([]),
  excludeDomains: z.array(z.string()).default([]),
  regexDomainFilter: z.string().optional(),
  regexDomainExclusion: z.string().optional(),

  // --- which zones we write
  zoneIdFilters: z.array(z.string()).default([]),
  zoneType: z.enum(['', 'public', 'private']).default(''),
  /** `key=value` pairs a zone must carry (ExternalDNS `--aws-zone-tags`). */
  zoneTags: z.array(z.string().regex(/^[^=]+=.*$/, 'key=value')).default([]),

  // --- registry
  txtPrefix: z.string().default(''),
  txtSuffix: z.string().default(''),
  txtWildcardReplacement: z.string().default(''),
  managedRecordTypes: z.array(recordType).default(['A', 'AAAA', 'CNAME']),
  excludeRecordTypes: z.array(recordType).default([]),

  // --- sources
  sources: z
    .array(
      z.enum([
        'service',
        'ingress',
        'gateway-httproute',
        'gateway-grpcroute',
        'gateway-tlsroute',
        'gateway-tcproute',
        'gateway-udproute',
        'traefik-proxy',
      ]),
    )
    .default(['service', 'ingress']),
  annotationPrefix: z.string().endsWith('/').default('external-dns.alpha.kubernetes.io/'),
  namespace: z.array(z.string()).default([]),
  ingressClass: z.array(z.string()).default([]),
  labelFilter: z.string().default(''),
  annotationFilter: z.string().default(''),
  serviceTypeFilter: z.array(z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'])).default([]),
  ignoreHostnameAnnotation: z.boolean().default(false),
  ignoreIngressTlsSpec: z.boolean().default(false),
  ignoreIngressRulesSpec: z.boolean().default(false),
  publishInternalServices: z.boolean().default(false),
  /** Gateway API routes count only through a parent Gateway of this name (ExternalDNS `--gateway-name`). */
  gatewayName: z.string().default(''),
  /** ... only through Gateways in this namespace; every namespace when empty. */
  gatewayNamespace: z.string().default(''),
  /** ... only through Gateways whose labels match this selector. */
  gatewayLabelFilter: z.string().default(''),
  /**
   * The traefik-proxy source also reads Traefik's old `traefik.containo.us` group (ExternalDNS ≥ 0.19
   * `--traefik-enable-legacy`; off by default there too: Traefik v3 reads only `traefik.io`).
   */
  traefikEnableLegacy: z.boolean().optional(),
  /**
   * ExternalDNS < 0.19's `--traefik-disable-legacy`, accepted so such a config reads the same: `false`
   * turns the old group on, `true` keeps it off. Unset, `traefikEnableLegacy` decides.
   */
  traefikDisableLegacy: z.boolean().optional(),
  /** ... skips the `traefik.io` group (`--traefik-disable-new`). */
  traefikDisableNew: z.boolean().default(false),

  // --- Route 53
  preferCname: z.boolean().default(false),
  evaluateTargetHealth: z.boolean().default(true),
  batchChangeSize: z.number().int().min(1).max(1000).default(1000),
  defaultTtl: z.number().int().min(0).max(2147483647).default(300),

  // --- guards
  deletionGuard: z
    .strictObject({
      /** Hold back a pass's deletions when they exceed this share of one owner's records. */
      maxShare: z.number().min(0).max(1).default(0.5),
      /** Below this many owned records the share is not checked (deleting 1 of 1 is normal). */
      minRecords: z.number().int().min(0).default(4),
      /** Let a large deletion through (a deliberate clean-up). */
      allow: z.boolean().default(false),
    })
    .prefault({}),

  // --- the fleet
  clusters: z.array(clusterConfigSchema).default([]),
  clusterConcurrency: z.number().int().min(1).max(64).default(8),
  /** Clusters found by ListClusters besides the listed ones; absent: only `clusters`. */
  clusterDiscovery: clusterDiscoverySchema.optional(),

  // --- ACM certificates for the TLS hosts (cert-manager's job, done once for the fleet)
  certificates: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Every certificate in this region (us-east-1 for CloudFront); absent: each cluster's own region. */
      region: awsRegion.optional(),
      /** Our certificates carry this tag, valued `ownerId`; validation CNAMEs are owned by `ownerId`. */
      ownerTagKey: z
        .string()
        .min(1)
        .max(128)
        .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, 'an ACM tag key')
        .refine((k) => !k.toLowerCase().startsWith('aws:'), 'must not start with aws:')
        .default('edge-reconciler:owner'),
      ownerId: z
        .string()
        .min(1)
        .max(100)
        .regex(
          /^[\p{L}\p{N}_.:/+\-@]+$/u,
          'letters, digits and _.:/+-@ only (an ACM tag value and a TXT label)',
        )
        .default('edge-reconciler-certificates'),
      /** The account's "domain names per ACM certificate" quota. */
      maxNamesPerCertificate: z.number().int().min(1).max(100).default(10),
      /** ACM's "certificates per year (last 365 days)" quota for a region. */
      yearlyRequestQuota: z.number().int().min(1).default(5000),
      /** A broken source must not spend the yearly quota in one pass. */
      maxRequestsPerPass: z.number().int().min(0).max(1000).default(20),
      keyAlgorithm: z.enum(['RSA_2048', 'EC_prime256v1', 'EC_secp384r1']).default('RSA_2048'),
      /** After a failed request: wait `initial`, doubling per attempt up to `max` (cert-manager's 1 h doubling). */
      retryBackoff: z
        .strictObject({
          initial: z
            .string()
            .regex(/^\d+(s|m|h|d)$/, 'a duration such as 1h')
            .default('1h'),
          max: z
            .string()
            .regex(/^\d+(s|m|h|d)$/, 'a duration such as 32h')
            .default('32h'),
        })
        .prefault({}),
      /** Our certificates no hostname needs and nothing uses are deleted after this long. */
      cleanupGracePeriod: z
        .string()
        .regex(/^\d+(s|m|h|d)$/, 'a duration such as 24h')
        .default('24h'),
      expiryWarningDays: z.number().int().min(0).default(30),
      pendingWarningAfter: z
        .string()
        .regex(/^\d+(s|m|h|d)$/, 'a duration such as 2h')
        .default('2h'),
      /** An issued certificate nothing uses this long after issue will not be renewed by ACM: reported. */
      unusedWarningAfter: z
        .string()
        .regex(/^\d+(s|m|h|d)$/, 'a duration such as 24h')
        .default('24h'),
      /** Parallel ACM calls per region (ACM allows about 10 requests a second for most actions). */
      apiConcurrency: z.number().int().min(1).max(10).default(4),
    })
    .prefault({}),

  // --- reporting
  events: z
    .strictObject({
      /** The bus the "Reconcile Completed" summary goes to. */
      busName: z.string().min(1).max(256).default('default'),
      /** Publish the summary event at all. */
      enabled: z.boolean().default(true),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ClusterConfig = z.infer<typeof clusterConfigSchema>;
/** Whether the traefik-proxy source reads the old `traefik.containo.us` group. */
export function readsTraefikLegacy(
  config: Pick<Config, 'traefikEnableLegacy' | 'traefikDisableLegacy'>,
): boolean {
  return config.traefikEnableLegacy ?? config.traefikDisableLegacy === false;
}

export type ClusterDiscovery = z.infer<typeof clusterDiscoverySchema>;
export type DiscoveryAccount = z.infer<typeof discoveryAccountSchema>;

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validates a config; a bad one is rejected with a message that names each bad field. */
export function parseConfig(input: unknown, where = 'config'): Config {
  const result = configSchema.safeParse(input ?? {});
  if (result.success) {
    for (const [i, c] of result.data.clusters.entries()) {
      if (result.data.clusters.findIndex((o) => o.name === c.name && o.region === c.region) !== i) {
        throw new ConfigError(`${where}.clusters[${i}].name: duplicate cluster ${c.name} in ${c.region}`, [
          { path: `clusters[${i}].name`, message: 'duplicate cluster' },
        ]);
      }
    }
    const { sources, traefikEnableLegacy, traefikDisableLegacy, traefikDisableNew } = result.data;
    if (traefikEnableLegacy === true && traefikDisableLegacy === true) {
      const message = 'contradicts traefikEnableLegacy: true; keep one of the two';
      throw new ConfigError(`${where}.traefikDisableLegacy: ${message}`, [
        { path: 'traefikDisableLegacy', message },
      ]);
    }
    // Reading neither group would find no routes, and the pass would delete every record they own.
    if (sources.includes('traefik-proxy') && traefikDisableNew && !readsTraefikLegacy(result.data)) {
      const message =
        'leaves the traefik-proxy source nothing to read: the old group is off too (set traefikEnableLegacy)';
      throw new ConfigError(`${where}.traefikDisableNew: ${message}`, [
        { path: 'traefikDisableNew', message },
      ]);
    }
    return result.data;
  }
  const issues = result.error.issues.map((i) => ({
    path: formatPath(i.code === 'unrecognized_keys' ? [...i.path, ...i.keys] : i.path),
    message: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
  }));
  throw new ConfigError(
    issues.map((i) => `${where}${i.path ? `.${i.path}` : ''}: ${i.message}`).join('; '),
    issues,
  );
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}
