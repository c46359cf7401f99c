import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { type Config, clusterConfigSchema, formatPath, parseConfig } from '../shared/config.js';
import { checkConfig } from '../shared/config-source.js';
import { RECORD_TYPES } from '../shared/endpoint/endpoint.js';
import type { KubernetesObject } from '../shared/sources/objects.js';
import { safeExtend } from '../shared/zod.js';
import { CERTIFICATE_STATUSES } from './aws/acm.js';
import { faultRuleSchema } from './faults.js';

/** The scenario file of docs/scenarios.md: a whole world before a reconcile. */

const kubernetesObject = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }),
});

/**
 * A scenario cluster is a config cluster (`clusters[]` of the config, every field of it) plus what the
 * sandbox's cluster holds. Its region is checked where the config is, so the message names config.
 */
const clusterSchema = safeExtend(clusterConfigSchema, {
  region: z.string().min(1).describe('The region the cluster runs in (checked as the config checks it).'),
  unreachable: z
    .union([z.boolean(), z.literal('hang')])
    .default(false)
    .describe(
      "true: the cluster's API server answers every request with an error (drops the connection); hang: it accepts connections and never answers.",
    ),
  objects: z
    .array(kubernetesObject)
    .default([])
    .describe('Kubernetes objects as the API would list them, status included.'),
  objectFiles: z
    .array(z.string())
    .default([])
    .describe('Multi-document YAML manifests, relative to the scenario file.'),
});

const recordSchema = z
  .strictObject({
    name: z.string().min(1),
    type: z.enum(RECORD_TYPES),
    ttl: z.number().int().min(0).optional(),
    values: z.array(z.string()).min(1).optional(),
    alias: z
      .strictObject({
        dnsName: z.string().min(1),
        hostedZoneId: z.string().min(1),
        evaluateTargetHealth: z.boolean().default(false),
      })
      .optional(),
    setIdentifier: z.string().optional(),
    weight: z.number().int().min(0).max(255).optional(),
    region: z.string().optional(),
    failover: z.enum(['PRIMARY', 'SECONDARY']).optional(),
    geoLocation: z
      .strictObject({
        continentCode: z.string().optional(),
        countryCode: z.string().optional(),
        subdivisionCode: z.string().optional(),
      })
      .optional(),
    multiValueAnswer: z.boolean().optional(),
    healthCheckId: z.string().optional(),
  })
  .refine((r) => (r.alias ? !r.values && r.ttl === undefined : r.values && r.ttl !== undefined), {
    message: 'a record has either ttl and values, or alias',
  });

const accountIdSchema = z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id');

const zoneSchema = z.strictObject({
  name: z.string().min(1),
  account: accountIdSchema
    .optional()
    .describe(
      "The account that owns the zone (default: the sandbox's own); another account's zone is reachable only through a role there (config route53Roles).",
    ),
  private: z.boolean().default(false),
  vpcs: z.array(z.strictObject({ id: z.string(), region: z.string() })).default([]),
  tags: z.record(z.string(), z.string()).default({}),
  records: z.array(recordSchema).default([]),
});

const roleSchema = z.strictObject({
  roleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'an IAM role ARN')
    .describe('The role (in any account).'),
  externalId: z
    .string()
    .min(2)
    .optional()
    .describe(
      'The sts:ExternalId its trust requires; AssumeRole without it (or with another) is AccessDenied.',
    ),
  principals: z
    .array(z.string().min(1))
    .optional()
    .describe(
      "Who may assume it (role or user ARNs, or an account's `arn:aws:iam::<account>:root`); default: anyone. " +
        'The reconciler in the sandbox is arn:aws:iam::000000000000:role/edge-reconciler.',
    ),
});

const certificateSchema = z.strictObject({
  domain: z.string().min(1),
  sans: z.array(z.string()).default([]),
  status: z.enum(CERTIFICATE_STATUSES),
  notAfter: z.coerce.date().optional(),
  inUseBy: z.array(z.string()).default([]),
  tags: z.record(z.string(), z.string()).default({}),
  type: z.enum(['AMAZON_ISSUED', 'IMPORTED', 'PRIVATE']).default('AMAZON_ISSUED'),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-central-1')
    .optional()
    .describe("The region the certificate is in; default: the first cluster's region."),
});

const loadBalancerSchema = z.strictObject({
  dnsName: z.string().min(1),
  type: z.enum(['application', 'network', 'gateway']).default('network'),
  canonicalHostedZoneId: z.string().min(1),
});

const durationSchema = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 10m or 2d');

const triggerSchema = z.union([
  z.strictObject({ schedule: z.strictObject({}) }),
  z.strictObject({
    audit: z.strictObject({
      cluster: z.string().min(1),
      apply: z.array(kubernetesObject).default([]),
      delete: z
        .array(z.strictObject({ kind: z.string(), namespace: z.string().optional(), name: z.string() }))
        .default([]),
    }),
  }),
  z.strictObject({ manual: z.strictObject({ payload: z.unknown() }) }),
  z.strictObject({ resyncEvent: z.strictObject({ detail: z.unknown() }) }),
  z.strictObject({
    clusterDeleted: z.strictObject({
      cluster: z.string().min(1),
      /** The cluster stays in EKS (a forged or mistaken event): nothing may be released. */
      keep: z.boolean().default(false),
      /** The event's account; the cluster's own when absent. */
      account: accountIdSchema.optional(),
    }),
  }),
  z.strictObject({ clusterCreated: z.strictObject({ cluster: z.string().min(1) }) }),
  z.strictObject({ advance: durationSchema }),
  z.strictObject({
    configure: z.strictObject({
      config: z
        .record(z.string(), z.unknown())
        .default({})
        .describe('Config fields that take these values from here on (each field replaced whole).'),
      clusters: z
        .array(z.looseObject({ name: z.string().min(1) }))
        .default([])
        .describe('Fields set on config clusters, each found by name (drain, weight, failover, ...).'),
    }),
  }),
]);

export type ScenarioConfigure = Extract<z.infer<typeof triggerSchema>, { configure: unknown }>['configure'];

/**
 * The config after a `configure` trigger: its fields replaced, its clusters' fields set by name, checked as
 * the scenario's own config is (a message names `triggers[i].configure...`). The clusters themselves, and
 * what they hold, stay: a step changes how the fleet is reconciled, not the world.
 */
export function configuredConfig(config: Config, patch: ScenarioConfigure, where: string): Config {
  const clusters = config.clusters.map((c) => {
    const fields = patch.clusters.find((p) => p.name === c.name);
    return fields ? { ...c, ...fields } : c;
  });
  for (const [i, p] of patch.clusters.entries()) {
    if (!config.clusters.some((c) => c.name === p.name)) {
      throw new ScenarioError(`${where}.clusters[${i}].name: no cluster ${p.name} in the config`);
    }
  }
  try {
    return checkConfig(parseConfig({ ...config, clusters, ...patch.config }, `${where}.config`), where);
  } catch (err) {
    throw new ScenarioError((err as Error).message);
  }
}

export const scenarioSchema = z.strictObject({
  config: z
    .unknown()
    .optional()
    .describe("The reconciler's config (docs/configuration.md); its clusters default to the scenario's."),
  clusters: z.array(clusterSchema).default([]).describe('The clusters and the objects they hold.'),
  route53: z
    .strictObject({ zones: z.array(zoneSchema).default([]) })
    .prefault({})
    .describe('The hosted zones and the records they hold before the first pass.'),
  roles: z
    .array(roleSchema)
    .default([])
    .describe(
      "Roles' trust policies as STS checks them on AssumeRole (a role not listed is assumable by anyone).",
    ),
  acm: z
    .strictObject({ certificates: z.array(certificateSchema).default([]) })
    .prefault({})
    .describe('ACM certificates that exist before the first pass.'),
  loadBalancers: z
    .array(loadBalancerSchema)
    .default([])
    .describe('ELBv2 load balancers the sandbox knows (DNS name → canonical hosted zone).'),
  triggers: z
    .array(triggerSchema)
    .optional()
    .describe('Handlers to run in order instead of scheduled passes.'),
  faults: z
    .array(faultRuleSchema)
    .default([])
    .describe('Faults the sandbox injects during the passes (docs/reliability.md).'),
});

export type ScenarioCluster = Omit<z.infer<typeof clusterSchema>, 'objects'> & {
  objects: KubernetesObject[];
  /** Where each object was written (`clusters[0].objects[3]`, a file's document), for load errors. */
  objectPaths?: string[];
};
export type ScenarioZone = z.infer<typeof zoneSchema>;
export type ScenarioTrigger = z.infer<typeof triggerSchema>;
export type Scenario = Omit<z.infer<typeof scenarioSchema>, 'config' | 'clusters'> & {
  config: Config;
  clusters: ScenarioCluster[];
};

/** A scenario that cannot be loaded; `simulate` exits 2 with this message, which names the field. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(`${path}: cannot read: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ScenarioError(`${path}: not valid YAML: ${(err as Error).message}`);
  }
  // An empty file is more likely a wrong path or a truncated write than a wish for an empty world.
  if (raw == null) throw new ScenarioError(`${path}: (root): the file is empty (no YAML document)`);
  return parseScenario(raw, dirname(resolve(path)), path);
}

export async function parseScenario(raw: unknown, baseDir: string, where = 'scenario'): Promise<Scenario> {
  const parsed = scenarioSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ScenarioError(
      parsed.error.issues
        .map((i) => {
          const path = i.code === 'unrecognized_keys' ? [...i.path, ...i.keys] : i.path;
          const message = i.code === 'unrecognized_keys' ? 'unknown field' : i.message;
          return `${where}: ${formatPath(path) || '(root)'}: ${message}`;
        })
        .join('; '),
    );
  }
  const s = parsed.data;
  const clusters: ScenarioCluster[] = [];
  for (const [i, c] of s.clusters.entries()) {
    const objects = [...c.objects] as KubernetesObject[];
    const objectPaths = objects.map((_, j) => `clusters[${i}].objects[${j}]`);
    for (const [j, file] of c.objectFiles.entries()) {
      const path = resolve(baseDir, file);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        throw new ScenarioError(
          `${where}: clusters[${i}].objectFiles[${j}]: cannot read ${file}: ${(err as Error).message}`,
        );
      }
      for (const [k, doc] of parseAllDocuments(text).entries()) {
        if (doc.errors.length > 0) {
          throw new ScenarioError(
            `${where}: clusters[${i}].objectFiles[${j}]: ${file}: ${doc.errors[0]?.message}`,
          );
        }
        const obj = doc.toJS();
        if (obj == null) continue;
        const ok = kubernetesObject.safeParse(obj);
        if (!ok.success) {
          throw new ScenarioError(
            `${where}: clusters[${i}].objectFiles[${j}]: ${file}: ${formatPath(ok.error.issues[0]?.path ?? [])}: ${ok.error.issues[0]?.message}`,
          );
        }
        objects.push(obj as KubernetesObject);
        objectPaths.push(`clusters[${i}].objectFiles[${j}] (${file}, document ${k + 1})`);
      }
    }
    clusters.push({ ...c, objects, objectPaths });
  }
  const names = new Set<string>();
  for (const [i, c] of clusters.entries()) {
    if (names.has(c.name))
      throw new ScenarioError(`${where}: clusters[${i}].name: duplicate cluster ${c.name}`);
    names.add(c.name);
  }

  for (const [i, t] of (s.triggers ?? []).entries()) {
    const named =
      'audit' in t
        ? ['audit', t.audit.cluster]
        : 'clusterCreated' in t
          ? ['clusterCreated', t.clusterCreated.cluster]
          : 'clusterDeleted' in t
            ? ['clusterDeleted', t.clusterDeleted.cluster]
            : undefined;
    if (named && !names.has(named[1] as string)) {
      throw new ScenarioError(
        `${where}: triggers[${i}].${named[0]}.cluster: no cluster ${named[1]} in clusters`,
      );
    }
  }

  for (const [i, f] of s.faults.entries()) {
    if (f.cluster && !names.has(f.cluster)) {
      throw new ScenarioError(`${where}: faults[${i}].cluster: no cluster ${f.cluster} in clusters`);
    }
  }

  // The scenario's clusters are the fleet: the config lists them unless it names its own.
  const rawConfig = (s.config ?? {}) as Record<string, unknown>;
  const withClusters =
    rawConfig.clusters === undefined
      ? {
          ...rawConfig,
          clusters: clusters.map(
            ({ unreachable, objects, objectFiles, objectPaths, ...asConfigured }) => asConfigured,
          ),
        }
      : rawConfig;
  let config: Config;
  try {
    config = checkConfig(parseConfig(withClusters, 'config'), 'config');
  } catch (err) {
    throw new ScenarioError(`${where}: ${(err as Error).message}`);
  }
  // Each step's config is checked now, so a bad one fails the scenario before any pass runs.
  let stepConfig = config;
  for (const [i, t] of (s.triggers ?? []).entries()) {
    if (!('configure' in t)) continue;
    try {
      stepConfig = configuredConfig(stepConfig, t.configure, `triggers[${i}].configure`);
    } catch (err) {
      throw new ScenarioError(`${where}: ${(err as Error).message}`);
    }
  }
  return { ...s, config, clusters };
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10m`, `2d`, ... in milliseconds; throws naming the flag on anything else. */
export function parseDuration(text: string, field = '--advance'): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new ScenarioError(`${field}: "${text}" is not a duration such as 10m or 2d`);
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}
