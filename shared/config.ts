import { RECORD_TYPES } from './endpoint/endpoint.js';
import { domainFilterProblem } from './endpoint/names.js';
import { DEFAULT_TIMEOUTS } from './timeouts.js';
import * as z from './zod.js';

/**
 * The reconciler's one config. Field names are ExternalDNS's flags in lowerCamelCase
 * (`--exclude-domains` → `excludeDomains`) so an operator's existing flags carry over.
 */

const recordType = z.enum(RECORD_TYPES);
const awsRegion = z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-central-1'));
const accountId = z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account id'));
const iamRoleArn = z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN'));
/** STS's ExternalId: 2 to 1,224 characters of letters, digits and `_+=,.@:/-` (AssumeRole API reference). */
const externalId = z
  .string()
  .check(z.regex(/^[\w+=,.@:/-]{2,1224}$/, '2 to 1224 letters, digits or _+=,.@:/- (STS ExternalId)'));

/** ExternalDNS's `--source` names this reconciler reads (each defined in shared/sources/definitions/). */
export const SOURCE_NAMES = [
  'service',
  'ingress',
  'gateway-httproute',
  'gateway-grpcroute',
  'gateway-tlsroute',
  'gateway-tcproute',
  'gateway-udproute',
  'traefik-proxy',
  'crd',
  'istio-gateway',
  'istio-virtualservice',
] as const;

/**
 * An owner id travels inside the TXT registry's value (`"heritage=external-dns,external-dns/owner=<id>,..."`):
 * a separator or quote in it would make the record say something else, or nothing, to every reader.
 */
const OWNER_ID = /^[\x21-\x7e]+$/;
const REGISTRY_SPECIALS = /[,"=\\]/;
const OWNER_ID_RULE = 'printable ASCII without whitespace or the TXT registry\'s , " = \\ characters';
function ownerIdProblem(id: string): string | undefined {
  if (!OWNER_ID.test(id) || REGISTRY_SPECIALS.test(id)) return `"${id}": ${OWNER_ID_RULE}`;
  return undefined;
}
const ownerId = z.string().check(
  z.minLength(1),
  z.maxLength(100),
  z.refine((id) => !ownerIdProblem(id), { error: (i) => ownerIdProblem(String(i.input)) ?? OWNER_ID_RULE }),
);

/** A `domainFilters` / `excludeDomains` entry: a domain, optionally with a leading dot (below it only). */
const domainEntry = z.string().check(
  z.superRefine((entry, ctx) => {
    const problem = domainFilterProblem(entry);
    if (problem) ctx.addIssue({ code: 'custom', message: `"${entry}" ${problem}` });
  }),
);

/** A regular expression that JavaScript compiles (as the domain filter will at every pass). */
const regexSource = z.string().check(
  z.superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression (${(err as Error).message})` });
    }
  }),
);

/**
 * Which names a cluster may publish. In the config's top level they bound the whole reconciler; on a
 * cluster they narrow that further for the cluster's own objects (a dev cluster kept to dev names).
 */
const domainFields = {
  domainFilters: z.array(domainEntry),
  excludeDomains: z.array(domainEntry),
  regexDomainFilter: regexSource,
  regexDomainExclusion: regexSource,
};

const clusterFields = {
  name: z.string().check(z.minLength(1), z.maxLength(100), z.describe('The EKS cluster name.')),
  region: awsRegion.check(z.describe('The region the cluster runs in.')),
  account: z
    .optional(accountId)
    .check(
      z.describe("The cluster's AWS account, when it is not the reconciler's own (then set `roleArn`)."),
    ),
  ownerId: z
    .optional(ownerId)
    .check(
      z.describe(
        "This cluster's TXT registry owner id (ExternalDNS `--txt-owner-id`); defaults to `name`. No whitespace " +
          'and none of the registry\'s `,` `"` `=` `\\` characters.',
      ),
    ),
  roleArn: z
    .optional(z.string().check(z.startsWith('arn:')))
    .check(
      z.describe('A role to assume for a cluster in another account (DescribeCluster and the EKS token).'),
    ),
  tags: z
    ._default(z.record(z.string(), z.string()), {})
    .check(z.describe('Labels for reports; discovery fills them from the cluster.')),
  endpoint: z
    .optional(z.url({ protocol: /^https$/ }))
    .check(
      z.describe(
        'The API server URL when known without DescribeCluster (a kubeconfig context); give ' +
          "`certificateAuthorityData` with it. The token is still EKS's, for `name` in `region`.",
      ),
    ),
  certificateAuthorityData: z
    .optional(z.base64())
    .check(z.describe("The API server's CA bundle (base64 PEM), with `endpoint` (required with it).")),
  domainFilters: z
    .optional(domainFields.domainFilters)
    .check(
      z.describe(
        "This cluster's own domains, inside the global `domainFilters`: a name of its objects outside them is " +
          'not published (a warning names the object, the cluster and the name).',
      ),
    ),
  excludeDomains: z
    .optional(domainFields.excludeDomains)
    .check(z.describe("Names under these domains are never published from this cluster's objects.")),
  regexDomainFilter: z
    .optional(domainFields.regexDomainFilter)
    .check(z.describe("This cluster's objects publish only names matching this regular expression.")),
  regexDomainExclusion: z
    .optional(domainFields.regexDomainExclusion)
    .check(z.describe("With this cluster's `regexDomainFilter`: names matching this are not published.")),
  weight: z
    .optional(z.number().check(z.int(), z.gte(0), z.lte(255)))
    .check(
      z.describe(
        "This cluster's Route 53 weight in `weighted` fleet routing (0–255); 1 when absent. An object's own set-identifier and routing annotations win.",
      ),
    ),
  failover: z
    .optional(z.enum(['PRIMARY', 'SECONDARY']))
    .check(
      z.describe(
        "This cluster's role in `failover` fleet routing; a cluster without one is left out of failover names (a warning says so).",
      ),
    ),
  drain: z
    .optional(z.boolean())
    .check(
      z.describe(
        'Take this cluster out of every fleet-routed name (weight 0; left out of latency and failover sets while another member remains), for a blue/green migration.',
      ),
    ),
};

/** What the cluster fields cannot say one at a time. */
function checkCluster(
  c: { name: string; ownerId?: string; endpoint?: string; certificateAuthorityData?: string },
  ctx: z.core.$RefinementCtx,
): void {
  // Without an ownerId the name is the owner id, and goes into the TXT registry the same way.
  const nameAsOwner = c.ownerId === undefined ? ownerIdProblem(c.name) : undefined;
  if (nameAsOwner) {
    ctx.addIssue({
      code: 'custom',
      path: ['name'],
      message: `is the owner id (no ownerId set): ${nameAsOwner}`,
    });
  }
  if (c.endpoint && !c.certificateAuthorityData) {
    ctx.addIssue({
      code: 'custom',
      path: ['certificateAuthorityData'],
      message: 'required with endpoint: the API server is trusted only through its own CA (base64 PEM)',
    });
  }
  if (c.certificateAuthorityData && !c.endpoint) {
    ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'required with certificateAuthorityData' });
  }
}

export const clusterConfigSchema = z.strictObject(clusterFields).check(z.superRefine(checkCluster));

export const discoveryAccountSchema = z.strictObject({
  id: accountId.check(z.describe('The account to search.')),
  roleArn: z
    .string()
    .check(
      z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN'),
      z.describe(
        'The role the reconciler assumes in that account (ListClusters, DescribeCluster, the EKS token).',
      ),
    ),
  regions: z
    .optional(z.array(awsRegion).check(z.minLength(1)))
    .check(z.describe("Regions to search in this account; the discovery's `regions` when absent.")),
});

export const clusterDiscoverySchema = z.strictObject({
  regions: z
    .array(awsRegion)
    .check(
      z.minLength(1),
      z.describe('Regions searched in the home account (and in each account without its own list).'),
    ),
  tags: z
    ._default(z.record(z.string(), z.string()), {})
    .check(z.describe('Tags a cluster must carry to join the fleet, every one with exactly this value.')),
  homeAccount: z._default(z.boolean(), true).check(z.describe("Search the reconciler's own account too.")),
  accounts: z
    ._default(z.array(discoveryAccountSchema), [])
    .check(z.describe('Other accounts to search, each through a role.')),
});

const duration = (example: string) =>
  z.string().check(z.regex(/^\d+(s|m|h|d)$/, `a duration such as ${example}`));

export const configSchema = z.strictObject({
  policy: z
    ._default(z.enum(['sync', 'upsert-only', 'create-only']), 'sync')
    .check(
      z.describe(
        'What a pass may do to records it owns: `sync` creates, updates and deletes; `upsert-only` never ' +
          'deletes; `create-only` only creates (ExternalDNS `--policy`).',
      ),
    ),
  region: z
    ._default(awsRegion, 'us-east-1')
    .check(z.describe('The home region: Route 53, EventBridge and STS calls go here.')),
  dryRun: z
    ._default(z.boolean(), false)
    .check(
      z.describe('Plan and report every pass without writing to Route 53 or ACM and without sending events.'),
    ),

  // --- which names we manage
  domainFilters: z
    ._default(domainFields.domainFilters, [])
    .check(
      z.describe(
        'Manage only names under these domains; every name when empty (ExternalDNS `--domain-filter`). ' +
          'Each a domain (`example.com`, or `.example.com` for names below it only): not `*`, empty or spaced.',
      ),
    ),
  excludeDomains: z
    ._default(domainFields.excludeDomains, [])
    .check(
      z.describe(
        'Never manage names under these domains, even inside `domainFilters` (`--exclude-domains`).',
      ),
    ),
  regexDomainFilter: z
    .optional(domainFields.regexDomainFilter)
    .check(
      z.describe(
        'Manage only names matching this regular expression, instead of `domainFilters` (`--regex-domain-filter`).',
      ),
    ),
  regexDomainExclusion: z
    .optional(domainFields.regexDomainExclusion)
    .check(
      z.describe(
        'With `regexDomainFilter`: skip names matching this regular expression (`--regex-domain-exclusion`).',
      ),
    ),

  fleetRouting: z
    ._default(
      z.array(
        z.strictObject({
          domains: z
            .array(domainEntry)
            .check(
              z.minLength(1),
              z.describe('Names under these domains (the domain itself included) are fleet-routed.'),
            ),
          policy: z
            .enum(['weighted', 'latency', 'failover'])
            .check(
              z.describe(
                "Route 53's routing policy for the names: `weighted` by each cluster's `weight`, `latency` by its `region`, `failover` by its `failover` role.",
              ),
            ),
          healthCheck: z
            .optional(
              z
                .strictObject({
                  type: z
                    .enum(['HTTP', 'HTTPS', 'TCP'])
                    .check(z.describe('What Route 53 checks: an HTTP(S) answer or a TCP connection.')),
                  port: z
                    .optional(z.number().check(z.int(), z.gte(1), z.lte(65535)))
                    .check(
                      z.describe(
                        'The port checked; Route 53 uses 80 for HTTP and TCP, 443 for HTTPS when absent.',
                      ),
                    ),
                  resourcePath: z
                    .optional(z.string().check(z.startsWith('/'), z.maxLength(255)))
                    .check(z.describe('The path requested (HTTP/HTTPS only), e.g. `/healthz`.')),
                  requestInterval: z
                    ._default(z.union([z.literal(10), z.literal(30)]), 30)
                    .check(z.describe('Seconds between checks: 30, or 10 (fast, billed higher).')),
                  failureThreshold: z
                    ._default(z.number().check(z.int(), z.gte(1), z.lte(10)), 3)
                    .check(z.describe('Failed checks in a row before the target counts as unhealthy.')),
                })
                .check(
                  z.superRefine((h, ctx) => {
                    if (h.type === 'TCP' && h.resourcePath !== undefined) {
                      ctx.addIssue({
                        code: 'custom',
                        path: ['resourcePath'],
                        message: 'a TCP health check takes no path',
                      });
                    }
                  }),
                ),
            )
            .check(
              z.describe(
                'Opt-in Route 53 health checks for members whose target is one IP address (load balancers are aliases with EvaluateTargetHealth and need none): the reconciler creates one per member, tags it as ours, and deletes it with the member.',
              ),
            ),
        }),
      ),
      [],
    )
    .check(
      z.describe(
        'One name served by many clusters: every cluster publishing a name under these domains gets its own record set (set identifier = its owner id) under the policy. The first entry whose domains hold a name applies.',
      ),
    ),

  // --- caps: what no sane workload reaches; past them nothing new is published and nothing deleted
  maxNamesPerObject: z
    ._default(z.number().check(z.int(), z.gte(1)), 100)
    .check(
      z.describe(
        'Host names one object may publish; past it the object publishes nothing new and its records stay as they are.',
      ),
    ),
  maxEndpointsPerCluster: z
    ._default(z.number().check(z.int(), z.gte(1)), 5000)
    .check(
      z.describe(
        'Endpoints one cluster may publish; past it the cluster is frozen like a failed one (nothing created, ' +
          'updated or deleted) and reported failed with the reason.',
      ),
    ),

  // --- which zones we write
  zoneIdFilters: z
    ._default(
      z.array(
        z
          .string()
          .check(
            z.regex(/^\S+$/, 'must be a hosted zone id such as Z0123456789ABCDEFGHIJ, not empty or spaced'),
          ),
      ),
      [],
    )
    .check(
      z.describe(
        'Write only to these hosted zone ids; every zone the account holds when empty (`--zone-id-filter`).',
      ),
    ),
  zoneType: z
    ._default(z.enum(['', 'public', 'private']), '')
    .check(z.describe('Write only to public or only to private zones; both when empty (`--aws-zone-type`).')),
  zoneTags: z
    ._default(z.array(z.string().check(z.regex(/^[^=]+=.*$/, 'key=value'))), [])
    .check(z.describe('`key=value` pairs a zone must carry to be written (ExternalDNS `--aws-zone-tags`).')),
  route53Roles: z
    ._default(
      z.array(
        z.strictObject({
          roleArn: iamRoleArn.check(
            z.describe('A role in the account holding the zones (the DNS-account stack makes it).'),
          ),
          externalId: z
            .optional(externalId)
            .check(z.describe("The role's `sts:ExternalId`, when its trust requires one.")),
        }),
      ),
      [],
    )
    .check(
      z.describe(
        "Hosted zones in other accounts, one role per account: each account's zones are listed and filtered " +
          "like the home account's, read once per pass and written through that account's session.",
      ),
    ),
  awsAssumeRole: z
    .optional(iamRoleArn)
    .check(
      z.describe(
        "ExternalDNS `--aws-assume-role`: Route 53 only in this role's account, not the home account " +
          '(for several accounts use `route53Roles`).',
      ),
    ),
  awsAssumeRoleExternalId: z
    .optional(externalId)
    .check(z.describe('ExternalDNS `--aws-assume-role-external-id`: the external id for `awsAssumeRole`.')),
  zoneConcurrency: z
    ._default(z.number().check(z.int(), z.gte(1), z.lte(10)), 2)
    .check(
      z.describe(
        'Zones read and written at once in each account: the accounts proceed side by side, each at its own ' +
          'Route 53 rate (5 requests a second per account).',
      ),
    ),

  // --- registry
  txtPrefix: z
    ._default(z.string(), '')
    .check(
      z.describe(
        'Prefix of the ownership TXT record names (`--txt-prefix`); `%{record_type}` is replaced by the type.',
      ),
    ),
  txtSuffix: z
    ._default(z.string(), '')
    .check(
      z.describe('Suffix of the ownership TXT record names (`--txt-suffix`); exclusive with `txtPrefix`.'),
    ),
  txtWildcardReplacement: z
    ._default(z.string(), '')
    .check(
      z.describe(
        'What replaces `*` in the TXT record name of a wildcard record (`--txt-wildcard-replacement`).',
      ),
    ),
  managedRecordTypes: z
    ._default(z.array(recordType), ['A', 'AAAA', 'CNAME'])
    .check(z.describe('Record types the reconciler creates and deletes (`--managed-record-types`).')),
  excludeRecordTypes: z
    ._default(z.array(recordType), [])
    .check(z.describe('Record types never touched, even if managed (`--exclude-record-types`).')),

  // --- sources
  sources: z
    ._default(z.array(z.enum(SOURCE_NAMES)), ['service', 'ingress'])
    .check(z.describe('The kinds of Kubernetes objects read, by ExternalDNS source name (`--source`).')),
  annotationPrefix: z
    ._default(z.string().check(z.endsWith('/')), 'external-dns.alpha.kubernetes.io/')
    .check(
      z.describe('The prefix of the annotations read (`hostname`, `ttl`, `target`, ...), ending in `/`.'),
    ),
  namespace: z
    ._default(z.array(z.string()), [])
    .check(z.describe('Read objects only in these namespaces; every namespace when empty (`--namespace`).')),
  ingressClass: z
    ._default(z.array(z.string()), [])
    .check(z.describe('Read only Ingresses of these classes; every class when empty (`--ingress-class`).')),
  labelFilter: z
    ._default(z.string(), '')
    .check(
      z.describe('A label selector objects must match, such as `team=edge,env!=dev` (`--label-filter`).'),
    ),
  annotationFilter: z
    ._default(z.string(), '')
    .check(
      z.describe(
        'An annotation selector objects must match, in label-selector syntax (`--annotation-filter`).',
      ),
    ),
  serviceTypeFilter: z
    ._default(z.array(z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'])), [])
    .check(z.describe('Read only Services of these types; every type when empty (`--service-type-filter`).')),
  ignoreHostnameAnnotation: z
    ._default(z.boolean(), false)
    .check(
      z.describe(
        "Ignore the `hostname` annotation; names come from the objects' specs only (`--ignore-hostname-annotation`).",
      ),
    ),
  ignoreIngressTlsSpec: z
    ._default(z.boolean(), false)
    .check(
      z.describe("Take no record names from an Ingress's `spec.tls` hosts (`--ignore-ingress-tls-spec`)."),
    ),
  ignoreIngressRulesSpec: z
    ._default(z.boolean(), false)
    .check(
      z.describe(
        "Take no record names from an Ingress's `spec.rules` hosts (`--ignore-ingress-rules-spec`).",
      ),
    ),
  publishInternalServices: z
    ._default(z.boolean(), false)
    .check(
      z.describe(
        'Give ClusterIP Services records too, pointing at their cluster IP (`--publish-internal-services`).',
      ),
    ),
  gatewayName: z
    ._default(z.string(), '')
    .check(
      z.describe(
        'Gateway API routes count only through a parent Gateway of this name (ExternalDNS `--gateway-name`).',
      ),
    ),
  gatewayNamespace: z
    ._default(z.string(), '')
    .check(
      z.describe(
        '... only through Gateways in this namespace; every namespace when empty (`--gateway-namespace`).',
      ),
    ),
  gatewayLabelFilter: z
    ._default(z.string(), '')
    .check(
      z.describe('... only through Gateways whose labels match this selector (`--gateway-label-filter`).'),
    ),
  traefikEnableLegacy: z
    .optional(z.boolean())
    .check(
      z.describe(
        "The traefik-proxy source also reads Traefik's old `traefik.containo.us` group (ExternalDNS ≥ 0.19 " +
          '`--traefik-enable-legacy`; off by default there too: Traefik v3 reads only `traefik.io`).',
      ),
    ),
  traefikDisableLegacy: z
    .optional(z.boolean())
    .check(
      z.describe(
        "ExternalDNS < 0.19's `--traefik-disable-legacy`, accepted so such a config reads the same: `false` " +
          'turns the old group on, `true` keeps it off. Unset, `traefikEnableLegacy` decides.',
      ),
    ),
  traefikDisableNew: z
    ._default(z.boolean(), false)
    .check(z.describe('The traefik-proxy source skips the `traefik.io` group (`--traefik-disable-new`).')),
  traefikService: z
    .optional(
      z
        .string()
        .check(
          z.regex(
            /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
            'namespace/name of the Service in front of Traefik',
          ),
        ),
    )
    .check(
      z.describe(
        'The Service in front of Traefik, as `namespace/name` (beyond ExternalDNS): an IngressRoute without ' +
          'a `target` annotation points at its load balancer (`status.loadBalancer`, or `spec.externalIPs`), ' +
          'so the NLB name is not copied into every route. Unset: such a route gets no record.',
      ),
    ),

  // --- Route 53
  preferCname: z
    ._default(z.boolean(), false)
    .check(
      z.describe(
        'Point at load balancers with CNAME records instead of ALIAS records (`--aws-prefer-cname`).',
      ),
    ),
  evaluateTargetHealth: z
    ._default(z.boolean(), true)
    .check(z.describe('Set EvaluateTargetHealth on ALIAS records (`--aws-evaluate-target-health`).')),
  batchChangeSize: z
    ._default(z.number().check(z.int(), z.gte(1), z.lte(1000)), 1000)
    .check(
      z.describe(
        "Changes per ChangeResourceRecordSets call, at most Route 53's 1,000 (`--aws-batch-change-size`).",
      ),
    ),
  defaultTtl: z
    ._default(z.number().check(z.int(), z.gte(0), z.lte(2147483647)), 300)
    .check(z.describe('TTL in seconds of records whose object sets no `ttl` annotation.')),

  zoneCacheSeconds: z
    ._default(z.number().check(z.int(), z.gte(0), z.lte(86400)), 0)
    .check(
      z.describe(
        'A warm function reads a zone whole at most this often and otherwise plans against its own copy, ' +
          'kept true by its own writes and audit passes; a change made outside shows up to this many seconds ' +
          'late (the drift window). 0: every pass reads every zone (as ExternalDNS does).',
      ),
    ),

  // --- guards
  deletionGuard: z
    .prefault(
      z.strictObject({
        maxShare: z
          ._default(z.number().check(z.gte(0), z.lte(1)), 0.5)
          .check(
            z.describe("Hold back a pass's deletions when they exceed this share of one owner's records."),
          ),
        minRecords: z
          ._default(z.number().check(z.int(), z.gte(0)), 4)
          .check(
            z.describe('Below this many owned records the share is not checked (deleting 1 of 1 is normal).'),
          ),
        allow: z
          ._default(z.boolean(), false)
          .check(z.describe('Let a large deletion through (a deliberate clean-up).')),
      }),
      {},
    )
    .check(z.describe("Holds back a pass that would delete too large a share of one owner's records.")),

  // --- the fleet
  clusters: z._default(z.array(clusterConfigSchema), []).check(z.describe('The clusters of the fleet.')),
  clusterConcurrency: z
    ._default(z.number().check(z.int(), z.gte(1), z.lte(64)), 8)
    .check(z.describe('Clusters read in parallel during a pass.')),
  clusterDiscovery: z
    .optional(clusterDiscoverySchema)
    .check(z.describe('Clusters found by ListClusters besides the listed ones; absent: only `clusters`.')),
  sharding: z
    .optional(
      z.strictObject({
        clustersPerShard: z
          ._default(z.number().check(z.int(), z.gte(1), z.lte(10000)), 250)
          .check(z.describe('Clusters one shard invocation reads (each shard is one Lambda invocation).')),
        maxConcurrency: z
          ._default(z.number().check(z.int(), z.gte(1), z.lte(1000)), 20)
          .check(z.describe("Shards read at once (the Distributed Map's MaxConcurrency).")),
      }),
    )
    .check(
      z.describe(
        'The scheduled pass (and a resync of the whole fleet) as a Step Functions workflow: the clusters read ' +
          'in shards across invocations, then one zone at a time through the reconciler function (docs/scale.md). ' +
          'Absent: one function per pass.',
      ),
    ),

  // --- ACM certificates for the TLS hosts (cert-manager's job, done once for the fleet)
  certificates: z
    .prefault(
      z.strictObject({
        enabled: z
          ._default(z.boolean(), false)
          .check(z.describe('Request and keep ACM certificates for every TLS host.')),
        region: z
          .optional(awsRegion)
          .check(
            z.describe(
              "Every certificate in this region (us-east-1 for CloudFront); absent: each cluster's own region.",
            ),
          ),
        ownerTagKey: z
          ._default(
            z.string().check(
              z.minLength(1),
              z.maxLength(128),
              z.regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, 'an ACM tag key'),
              z.refine((k) => !k.toLowerCase().startsWith('aws:'), 'must not start with aws:'),
            ),
            'edge-reconciler:owner',
          )
          .check(
            z.describe('Our certificates carry this tag, valued `ownerId`; only they are ever deleted.'),
          ),
        ownerId: z
          ._default(
            z
              .string()
              .check(
                z.minLength(1),
                z.maxLength(100),
                z.regex(
                  /^[\p{L}\p{N}_.:/+\-@]+$/u,
                  'letters, digits and _.:/+-@ only (an ACM tag value and a TXT label)',
                ),
              ),
            'edge-reconciler-certificates',
          )
          .check(z.describe('The value of the owner tag, and the TXT owner of the validation CNAMEs.')),
        maxNamesPerCertificate: z
          ._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 10)
          .check(z.describe('The account\'s "domain names per ACM certificate" quota.')),
        yearlyRequestQuota: z
          ._default(z.number().check(z.int(), z.gte(1)), 5000)
          .check(z.describe('ACM\'s "certificates per year (last 365 days)" quota for a region.')),
        maxRequestsPerPass: z
          ._default(z.number().check(z.int(), z.gte(0), z.lte(1000)), 20)
          .check(
            z.describe(
              'Certificate requests one pass may make, so a broken source cannot spend the yearly quota.',
            ),
          ),
        keyAlgorithm: z
          ._default(z.enum(['RSA_2048', 'EC_prime256v1', 'EC_secp384r1']), 'RSA_2048')
          .check(z.describe('The key algorithm of requested certificates.')),
        retryBackoff: z
          .prefault(
            z.strictObject({
              initial: z
                ._default(duration('1h'), '1h')
                .check(z.describe('The wait after the first failed request.')),
              max: z._default(duration('32h'), '32h').check(z.describe('The longest wait between attempts.')),
            }),
            {},
          )
          .check(
            z.describe(
              "After a failed request: wait `initial`, doubling per attempt up to `max` (cert-manager's).",
            ),
          ),
        cleanupGracePeriod: z
          ._default(duration('24h'), '24h')
          .check(
            z.describe('Our certificates no hostname needs and nothing uses are deleted after this long.'),
          ),
        expiryWarningDays: z
          ._default(z.number().check(z.int(), z.gte(0)), 30)
          .check(z.describe('Warn when a certificate in use expires within this many days.')),
        pendingWarningAfter: z
          ._default(duration('2h'), '2h')
          .check(
            z.describe('Warn when a requested certificate is still pending validation after this long.'),
          ),
        unusedWarningAfter: z
          ._default(duration('24h'), '24h')
          .check(
            z.describe(
              'An issued certificate nothing uses this long after issue will not be renewed by ACM: reported.',
            ),
          ),
        apiConcurrency: z
          ._default(z.number().check(z.int(), z.gte(1), z.lte(10)), 4)
          .check(
            z.describe(
              'Parallel ACM calls per region (ACM allows about 10 requests a second for most actions).',
            ),
          ),
      }),
      {},
    )
    .check(
      z.describe("ACM certificates for the fleet's TLS hosts (cert-manager's job, done once for the fleet)."),
    ),

  // --- deadlines: no call waits forever, and a pass ends before its Lambda does (docs/reliability.md)
  timeouts: z
    .prefault(
      z.strictObject({
        connectMs: z
          ._default(z.number().check(z.int(), z.gte(1), z.lte(60_000)), DEFAULT_TIMEOUTS.connectMs)
          .check(z.describe("Connecting (TCP and TLS) to an AWS endpoint or a cluster's API server, in ms.")),
        awsRequestMs: z
          ._default(z.number().check(z.int(), z.gte(1), z.lte(300_000)), DEFAULT_TIMEOUTS.awsRequestMs)
          .check(
            z.describe(
              "One AWS request attempt, sent to answered, in ms; each of the SDK's retries gets its own.",
            ),
          ),
        kubernetesRequestMs: z
          ._default(z.number().check(z.int(), z.gte(1), z.lte(300_000)), DEFAULT_TIMEOUTS.kubernetesRequestMs)
          .check(z.describe('One Kubernetes request (one page of a list), connect to last byte, in ms.')),
        applyReserveMs: z
          ._default(z.number().check(z.int(), z.gte(0), z.lte(900_000)), DEFAULT_TIMEOUTS.applyReserveMs)
          .check(
            z.describe(
              'Kept back from reading clusters to plan and apply what was read, in ms (at most a third of the time left).',
            ),
          ),
        reportReserveMs: z
          ._default(z.number().check(z.int(), z.gte(0), z.lte(900_000)), DEFAULT_TIMEOUTS.reportReserveMs)
          .check(
            z.describe(
              'Kept back from applying to report the pass, in ms (at most a tenth of the time left).',
            ),
          ),
        passMs: z
          ._default(z.number().check(z.int(), z.gte(1), z.lte(86_400_000)), DEFAULT_TIMEOUTS.passMs)
          .check(
            z.describe(
              "The pass's time outside Lambda (the CLI, `simulate`), in ms; in Lambda, the invocation's remaining time.",
            ),
          ),
      }),
      {},
    )
    .check(
      z.describe(
        'Deadlines: every AWS and Kubernetes call has one, and the pass has one cut from the time the invocation has left (docs/reliability.md).',
      ),
    ),

  // --- reporting
  events: z
    .prefault(
      z.strictObject({
        busName: z
          ._default(z.string().check(z.minLength(1), z.maxLength(256)), 'default')
          .check(
            z.describe(
              'The bus the "Reconcile Completed" summary goes to and "Resync Requested" is heard on.',
            ),
          ),
        enabled: z._default(z.boolean(), true).check(z.describe('Publish the summary event at all.')),
      }),
      {},
    )
    .check(z.describe('The EventBridge summary of each pass.')),
});

export type Config = z.infer<typeof configSchema>;
export type ClusterConfig = z.infer<typeof clusterConfigSchema>;
export type Timeouts = Config['timeouts'];
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
    route53RoleProblems(result.data, where);
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

/**
 * One role per account (two would list and write its zones twice), and ExternalDNS's single-role fields
 * used as ExternalDNS uses them.
 */
function route53RoleProblems(config: Config, where: string): void {
  const fail = (path: string, message: string) => {
    throw new ConfigError(`${where}.${path}: ${message}`, [{ path, message }]);
  };
  if (config.awsAssumeRoleExternalId !== undefined && config.awsAssumeRole === undefined) {
    fail('awsAssumeRoleExternalId', 'needs awsAssumeRole (the role it is the external id of)');
  }
  if (config.awsAssumeRole !== undefined && config.route53Roles.length > 0) {
    fail(
      'awsAssumeRole',
      'use route53Roles alone for several accounts (awsAssumeRole is the single-role form)',
    );
  }
  const seen = new Map<string, number>();
  for (const [i, role] of config.route53Roles.entries()) {
    const account = roleAccount(role.roleArn);
    const first = seen.get(account);
    if (first !== undefined) {
      fail(`route53Roles[${i}].roleArn`, `a second role in account ${account} (route53Roles[${first}])`);
    }
    seen.set(account, i);
  }
}

/** The account an IAM role ARN is in. */
export function roleAccount(roleArn: string): string {
  return /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1] ?? '';
}

/** The roles Route 53 is reached through: `route53Roles`, or ExternalDNS's `awsAssumeRole`. */
export function route53RolesOf(
  config: Pick<Config, 'route53Roles' | 'awsAssumeRole' | 'awsAssumeRoleExternalId'>,
): { roleArn: string; externalId?: string }[] {
  if (config.awsAssumeRole === undefined) return config.route53Roles;
  return [
    {
      roleArn: config.awsAssumeRole,
      ...(config.awsAssumeRoleExternalId !== undefined ? { externalId: config.awsAssumeRoleExternalId } : {}),
    },
  ];
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}
