import { parseArgs } from 'node:util';
import { formatFigures, runSoak } from './soak.js';

/**
 * `npm run soak [-- --seed N --passes N]`: the long soak, not part of `npm test` (which runs a short
 * one). Prints the figures; exits 1 on the first broken invariant, naming the seed and the pass.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    passes: { type: 'string', default: '300' },
    verbose: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const passes = Number(values.passes);
if (!Number.isInteger(seed) || !Number.isInteger(passes) || passes < 1) {
  process.stderr.write('--seed and --passes take whole numbers (--passes at least 1)\n');
  process.exit(2);
}
try {
  const figures = await runSoak({
    seed,
    passes,
    ...(values.verbose ? { onProgress: (line: string) => process.stderr.write(`${line}\n`) } : {}),
  });
  process.stdout.write(`npm run soak -- --seed ${seed} --passes ${passes}\n${formatFigures(figures)}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
