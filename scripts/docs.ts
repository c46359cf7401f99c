import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { deploySchema } from '../infra/deploy-config.js';
import { scenarioSchema } from '../sandbox/scenario.js';
import { configSchema } from '../shared/config.js';
import { extend } from '../shared/zod.js';
import { withSourceTable } from './source-table.js';

/**
 * `npm run docs`: the configuration reference and the published JSON Schemas, generated from the zod
 * schemas the code validates with, so neither can say something the code does not. A field without a
 * `.describe()` fails the generation: an undocumented field is a bug here.
 */

export const REGENERATE = 'npm run docs';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  [key: string]: unknown;
};

/** Formats editors and validators know; zod's own (`ends_with`, ...) are dropped, their pattern stays. */
const STANDARD_FORMATS = new Set(['date-time', 'email', 'uri', 'uuid', 'ipv4', 'ipv6', 'hostname']);

function toJsonSchema(schema: z.core.$ZodType, title: string, id: string): JsonSchema {
  const out = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-07',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const def = (zodSchema as unknown as { _zod: { def: { type: string } } })._zod.def;
      // A YAML timestamp reaches the code as a string; dates are written as ISO 8601.
      if (def.type === 'date') Object.assign(jsonSchema, { type: 'string', format: 'date-time' });
      if (typeof jsonSchema.format === 'string' && !STANDARD_FORMATS.has(jsonSchema.format)) {
        delete jsonSchema.format;
      }
    },
  }) as JsonSchema;
  return { $schema: out.$schema, $id: id, title, ...out };
}

/** The deploy file: the reconciler config plus the `deploy:` section only the stack reads. */
const deployFileSchema = extend(configSchema, { deploy: deploySchema.optional() });
/** A scenario file, its `config` held to the config schema (the code checks it the same way). */
const scenarioFileSchema = scenarioSchema.extend({ config: z.optional(configSchema) });

export function configJsonSchema(): JsonSchema {
  return toJsonSchema(
    deployFileSchema,
    'edge-reconciler config (the reconciler config, and the deploy file with its deploy section)',
    'https://edge-reconciler.invalid/schemas/config.schema.json',
  );
}

export function scenarioJsonSchema(): JsonSchema {
  return toJsonSchema(
    scenarioFileSchema,
    'edge-reconciler simulate scenario',
    'https://edge-reconciler.invalid/schemas/scenario.schema.json',
  );
}

interface Row {
  path: string;
  type: string;
  required: boolean;
  default: unknown;
  description: string;
}

function typeOf(s: JsonSchema): string {
  if (s.anyOf) return s.anyOf.map(typeOf).join(' or ');
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' | ');
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'any'} list`;
  if (s.type === 'object' && !s.properties) {
    const values = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    return `map of ${values ? typeOf(values) : 'any'}`;
  }
  let text = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  // zod writes the safe-integer range on every integer; only a real bound says something.
  const min =
    s.minimum !== undefined && Math.abs(s.minimum) < Number.MAX_SAFE_INTEGER ? s.minimum : undefined;
  const max =
    s.maximum !== undefined && Math.abs(s.maximum) < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
  if (min !== undefined && max !== undefined) text += ` (${min}–${max})`;
  else if (min !== undefined) text += ` (≥ ${min})`;
  else if (max !== undefined) text += ` (≤ ${max})`;
  if (s.format) text += ` (${s.format})`;
  return text;
}

/** Every field of an object schema, depth first: nested objects, list items and map values too. */
function rows(schema: JsonSchema, prefix: string, out: Row[]): Row[] {
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    if (!field.description) {
      throw new Error(`config field ${path} has no description: add .describe('...') where it is defined`);
    }
    out.push({
      path,
      type: typeOf(field),
      required: schema.required?.includes(name) ?? false,
      default: field.default,
      description: field.description,
    });
    if (field.properties) rows(field, `${path}.`, out);
    if (field.items?.properties) rows(field.items, `${path}[].`, out);
    const values = field.additionalProperties;
    if (typeof values === 'object' && values.properties) rows(values, `${path}.<name>.`, out);
  }
  return out;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function table(list: Row[]): string {
  const lines = ['| field | type | default | description |', '| --- | --- | --- | --- |'];
  for (const r of list) {
    const fallback =
      r.default !== undefined ? `\`${JSON.stringify(r.default)}\`` : r.required ? '**required**' : '—';
    lines.push(`| \`${r.path}\` | ${cell(r.type)} | ${cell(fallback)} | ${cell(r.description)} |`);
  }
  return lines.join('\n');
}

export function configurationReference(): string {
  const schema = configJsonSchema();
  const { deploy, ...configFields } = schema.properties ?? {};
  const config = rows({ ...schema, properties: configFields }, '', []);
  const deployRows = deploy ? rows(deploy, 'deploy.', []) : [];
  return `<!-- Generated by \`${REGENERATE}\` from shared/config.ts and infra/deploy-config.ts. Do not edit by hand. -->

# Configuration reference

One validated object configures the reconciler. The deployed functions get it from the deploy file
(see [deploy.md](deploy.md)); \`plan\` and \`reconcile\` read it with \`--config <file>\`; a scenario holds it
under \`config:\` (see [scenarios.md](scenarios.md)). Field names are ExternalDNS's flags in lowerCamelCase
(\`--exclude-domains\` → \`excludeDomains\`), so an operator's flags carry over. A field that is not listed
here is refused, and every refusal names the field.

Editors validate and complete the file with the published JSON Schema
[schemas/config.schema.json](../schemas/config.schema.json): put this first line in it (the path is
relative to the file):

\`\`\`yaml
# yaml-language-server: $schema=../schemas/config.schema.json
\`\`\`

[examples/edge-reconciler.config.yaml](../examples/edge-reconciler.config.yaml) is a complete deploy file.

## Reconciler fields

${table(config)}

## The \`deploy:\` section

Only the deploy file has it: the CDK app reads it, the functions never see it.

${table(deployRows)}
`;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every generated file, by path relative to the repository root. */
export function generatedFiles(): Map<string, string> {
  return new Map([
    ['docs/configuration.md', configurationReference()],
    ['schemas/config.schema.json', json(configJsonSchema())],
    ['schemas/scenario.schema.json', json(scenarioJsonSchema())],
    // Only the README's source table is generated; the rest of it is written by hand.
    ['README.md', withSourceTable(readFileSync(`${root}README.md`, 'utf8'))],
  ]);
}

export async function staleFiles(): Promise<string[]> {
  const stale: string[] = [];
  for (const [path, text] of generatedFiles()) {
    const current = await readFile(`${root}${path}`, 'utf8').catch(() => undefined);
    if (current !== text) stale.push(path);
  }
  return stale;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [path, text] of generatedFiles()) {
    await writeFile(`${root}${path}`, text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
