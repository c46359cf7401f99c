import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Sandbox } from '../sandbox/sandbox.js';
import { parseScenario } from '../sandbox/scenario.js';
import { systemClock } from '../shared/clock.js';
import { silentLog } from '../shared/log.js';
import { reconcile } from '../shared/reconcile.js';

/**
 * Route 53 throttles each account apart (docs/scale.md, "Route 53 calls per account per hour"): the same
 * zones, spread over 1, 2 or 3 accounts (the others reached through `route53Roles`), read by a steady
 * scheduled pass against the sandbox throttling every account with its own token bucket. Wall time,
 * Route 53 calls and throttles, in all and per account (the pass report's `route53.accounts`).
 *
 *   npx tsx bench/route53-accounts.ts [--zones 12] [--records 3000] [--accounts 1,2,3]
 *     [--zone-concurrency 1,2] [--burst 50] [--rate 5] [--json]
 */

const HOME = '000000000000';
const OTHER_ACCOUNTS = ['222222222222', '555555555555', '666666666666', '777777777777'];

interface Shape {
  zones: number;
  records: number;
  accounts: number;
  zoneConcurrency: number;
}

/** The account of zone `z`: round robin over the home account and `accounts - 1` others. */
function accountOf(z: number, accounts: number): string {
  const i = z % accounts;
  return i === 0 ? HOME : (OTHER_ACCOUNTS[i - 1] as string);
}

export function accountsScenario(shape: Shape): Record<string, unknown> {
  const others = OTHER_ACCOUNTS.slice(0, shape.accounts - 1);
  const zones = Array.from({ length: shape.zones }, (_, z) => {
    const name = `z${z}.example.com`;
    const account = accountOf(z, shape.accounts);
    return {
      name,
      ...(account === HOME ? {} : { account }),
      // Nobody's records: the steady pass reads every page and changes nothing.
      records: Array.from({ length: shape.records }, (_, r) => ({
        name: `r${r}.${name}`,
        type: 'A',
        ttl: 300,
        values: [`10.${z}.${r >> 8}.${r & 255}`],
      })),
    };
  });
  return {
    config: {
      policy: 'sync',
      domainFilters: ['example.com'],
      zoneConcurrency: shape.zoneConcurrency,
      route53Roles: others.map((a) => ({ roleArn: `arn:aws:iam::${a}:role/edge-reconciler-dns` })),
    },
    // One cluster with nothing published: its owner is known, so every zone is read whole.
    clusters: [{ name: 'bench', region: 'eu-central-1', objects: [] }],
    route53: { zones },
  };
}

interface Figures extends Shape {
  wallMs: number;
  errors: number;
  route53Calls: number;
  route53Throttles: number;
  /** Per account: calls (every attempt) and throttles, as the pass reported them. */
  perAccount: Record<string, { calls: number; throttles: number }>;
}

async function measure(shape: Shape, bucket: { burst: number; ratePerSecond: number }): Promise<Figures> {
  const sandbox = await Sandbox.start({ throttle: bucket });
  try {
    const scenario = await parseScenario(accountsScenario(shape), process.cwd());
    await sandbox.load(scenario);
    const aws = sandbox.awsClients(scenario.config.region);
    const config = { ...scenario.config, events: { ...scenario.config.events, enabled: false } };
    const started = performance.now();
    const result = await reconcile(
      { trigger: 'schedule' },
      { config, aws, clock: systemClock, log: silentLog },
    );
    const wallMs = Math.round(performance.now() - started);
    aws.destroy();
    const usage = result.route53 ?? { calls: 0, throttles: 0 };
    return {
      ...shape,
      wallMs,
      errors: result.errors.length,
      route53Calls: usage.calls,
      route53Throttles: usage.throttles,
      perAccount: usage.accounts ?? { home: { calls: usage.calls, throttles: usage.throttles } },
    };
  } finally {
    await sandbox.close();
  }
}

const { values } = parseArgs({
  options: {
    zones: { type: 'string', default: '12' },
    records: { type: 'string', default: '3000' },
    accounts: { type: 'string', default: '1,2,3' },
    'zone-concurrency': { type: 'string', default: '1,2' },
    burst: { type: 'string', default: '50' },
    rate: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const bucket = { burst: Number(values.burst), ratePerSecond: Number(values.rate) };
const rows: Figures[] = [];
for (const accounts of values.accounts.split(',').map(Number)) {
  for (const zoneConcurrency of values['zone-concurrency'].split(',').map(Number)) {
    const f = await measure(
      { zones: Number(values.zones), records: Number(values.records), accounts, zoneConcurrency },
      bucket,
    );
    rows.push(f);
    if (!values.json) process.stderr.write(`${JSON.stringify(f)}\n`);
  }
}
if (values.json) {
  console.log(
    JSON.stringify({ node: process.version, at: new Date().toISOString(), bucket, passes: rows }, null, 2),
  );
} else {
  console.log(
    `node ${process.version}, ${new Date().toISOString()}, bucket per account: burst ${bucket.burst}, ${bucket.ratePerSecond}/s`,
  );
  console.log(
    '| zones × records | accounts | zoneConcurrency | wall ms | errors | Route 53 calls | throttled | calls per account (throttled) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const per = Object.entries(r.perAccount)
      .map(([a, u]) => `${a} ${u.calls} (${u.throttles})`)
      .join(', ');
    console.log(
      `| ${r.zones} × ${r.records} | ${r.accounts} | ${r.zoneConcurrency} | ${r.wallMs} | ${r.errors} | ${r.route53Calls} | ${r.route53Throttles} | ${per} |`,
    );
  }
}
