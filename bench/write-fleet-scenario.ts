import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { fleetScenario } from './fleet-scenario.js';

/**
 * Writes the generated fleet as a scenario file, so `simulate` shows the fleet-wide numbers to a person:
 *   npx tsx bench/write-fleet-scenario.ts --clusters 30 --services 50 --existing 3000 > fleet.yaml
 *   npm run --silent cli -- simulate fleet.yaml --rounds 2 --json | jq '.passes[].apiCalls.route53'
 */
const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '30' },
    services: { type: 'string', default: '50' },
    existing: { type: 'string', default: '3000' },
  },
});
const shape = {
  clusters: Number(values.clusters),
  servicesPerCluster: Number(values.services),
  existingRecords: Number(values.existing),
};
for (const [flag, n] of Object.entries(shape)) {
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${flag}: not a whole number\n`);
    process.exit(2);
  }
}
process.stdout.write(stringify(fleetScenario(shape)));
