import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { literalTraitKeys } from '../../infra/lambda-bundle.js';

describe('literalTraitKeys (the Lambda build rewrites the SDK schema tables)', () => {
  it('writes a computed trait key as the string constant it names', () => {
    const source = [
      'const _hH = "httpHeader";',
      'const _xA = "X-Amz-Target";',
      'export var In$ = [3, n0, _I, { [_hH]: _xA, [_e]: _c }, [_a], [() => Other$]];',
      'export var Err$ = [-3, n0, _E,',
      '    { [_hH]: 400 }',
      '];',
    ].join('\n');
    const out = literalTraitKeys(source);
    expect(out).toContain('{ "httpHeader": _xA, [_e]: _c }');
    expect(out).toContain('{ "httpHeader": 400 }');
    // Identifiers the file does not declare as string constants, and everything else, stay as they were.
    expect(out.replace(/"httpHeader":/g, '[_hH]:')).toBe(source);
  });

  it('leaves no computed key behind in the clients the functions bundle', () => {
    const root = join(import.meta.dirname, '../../node_modules/@aws-sdk');
    const clients = readdirSync(root).filter((d) => d.startsWith('client-'));
    expect(clients.length).toBeGreaterThan(0);
    for (const client of clients) {
      const source = readFileSync(join(root, client, 'dist-es/schemas/schemas_0.js'), 'utf8');
      // Every trait key is one of the file's string constants, so the rewrite is exact for all of them.
      expect(literalTraitKeys(source), client).not.toMatch(/[{,]\s*\[_\w+\]:/);
    }
  });
});
