import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

/**
 * The published JSON Schemas are what editors validate with: every example names its schema on its first
 * line and validates against it, and the schemas refuse what the code refuses.
 */

const root = resolve(import.meta.dirname, '../..');
const SCHEMA_LINE = /^# yaml-language-server: \$schema=(\S+)$/m;

async function validatorFor(schemaPath: string) {
  const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
  // The schemas use only standard formats; `email` and `date-time` are checked by the code, not here.
  return new Ajv({ allErrors: true, strict: true, validateFormats: false }).compile(schema);
}

async function yamlFiles(dir: string): Promise<string[]> {
  return (await readdir(join(root, dir))).filter((f) => f.endsWith('.yaml')).map((f) => join(root, dir, f));
}

const files = [...(await yamlFiles('examples')), ...(await yamlFiles('test/fixtures/scenarios'))];

describe('published schemas', () => {
  it.each(files.map((f) => [relative(root, f)]))(
    '%s names its schema and validates against it',
    async (rel) => {
      const path = join(root, rel);
      const text = await readFile(path, 'utf8');
      const schemaRef = SCHEMA_LINE.exec(text)?.[1];
      expect(
        schemaRef,
        `${rel}: first line should be "# yaml-language-server: $schema=<path>"`,
      ).toBeDefined();
      expect(text.split('\n')[0]).toMatch(SCHEMA_LINE);
      const schemaPath = resolve(dirname(path), schemaRef as string);
      expect(relative(root, schemaPath)).toMatch(/^schemas\/(config|scenario)\.schema\.json$/);
      const validate = await validatorFor(schemaPath);
      const ok = validate(parseYaml(text));
      expect(validate.errors ?? [], rel).toEqual([]);
      expect(ok).toBe(true);
    },
  );

  it('refuse in a config what the code refuses: an unknown field, a bad enum, a missing cluster region', async () => {
    const validate = await validatorFor(join(root, 'schemas/config.schema.json'));
    expect(validate({ policy: 'sync', clusters: [{ name: 'a', region: 'eu-central-1' }] })).toBe(true);
    expect(validate({ polcy: 'sync' })).toBe(false);
    expect(validate({ policy: 'delete-everything' })).toBe(false);
    expect(validate({ clusters: [{ name: 'a' }] })).toBe(false);
    expect(validate({ deploy: { scheduleMinutes: 0 } })).toBe(false);
  });

  it('refuse in a scenario a config field the config schema refuses', async () => {
    const validate = await validatorFor(join(root, 'schemas/scenario.schema.json'));
    expect(validate({ config: { domainFilters: ['example.com'] }, clusters: [] })).toBe(true);
    expect(validate({ config: { domainFilter: ['example.com'] } })).toBe(false);
    expect(
      validate({ route53: { zones: [{ name: 'example.com', records: [{ name: 'a', type: 'BOGUS' }] }] } }),
    ).toBe(false);
  });
});
