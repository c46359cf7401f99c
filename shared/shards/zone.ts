import { type Config, route53RolesOf } from '../config.js';
import { passDeadline } from '../deadline.js';
import { fleetMembers } from '../dns/fleet-routing.js';
import type { HeldKind } from '../dns/plan.js';
import { listZoneOnce } from '../dns/provider.js';
import { type DnsOutcome, emptyDnsOutcome, reconcileZones } from '../dns/reconcile-zones.js';
import type { Endpoint } from '../endpoint/endpoint.js';
import { type PassError, passError } from '../errors.js';
import { withCertificateOwner, withClusters } from '../reconcile.js';
import type { HeldName } from '../sources/index.js';
import { Route53Meters } from '../telemetry/api-usage.js';
import { readManifest, type StageDeps } from './deps.js';
import type { CertificatesOutput, PassManifest, ZoneOutput } from './model.js';
import { passRoute53 } from './route53.js';
import { readShardOutputs } from './shard-outputs.js';
import { passKeys, type ShardStore } from './store.js';

export interface ZoneSummary {
  passId: string;
  zone: string;
  changes: number;
  errors: number;
}

/**
 * One zone of a sharded pass, its only writer: read it once, merge the shards' desired endpoints for it,
 * plan against the TXT registry, guard and apply — `reconcileZones` for this one zone. An owner whose
 * shard left no output, or with a failed cluster in any shard, is frozen here: never deleted on doubt.
 */
export async function runZoneStage(
  item: { passId: string; zone: string },
  deps: StageDeps,
): Promise<ZoneSummary> {
  const { config, store } = deps;
  const manifest = await readManifest(store, item.passId);
  const zone = manifest.zones.zones?.find((z) => z.id === item.zone);
  if (!zone) throw new Error(`pass ${item.passId}: zone ${item.zone} is not among the zones the pass listed`);
  const meters = new Route53Meters();
  meters.meter('home', deps.aws.route53());
  const deadline = passDeadline(deps.remainingTimeMs?.() ?? config.timeouts.passMs, config.timeouts);
  const inputs = await zoneInputs(store, manifest, item.zone, config);
  const listErrors: PassError[] = [];
  const dns = passRoute53(
    deps,
    item.passId,
    (message) => listErrors.push(passError('zones-unlisted', message)),
    (account, clients) => meters.meter(account, clients.route53()),
  );
  // Across accounts the provider writes only zones it listed itself (each through its account's client),
  // so it lists them again; the home account's provider reads and writes the manifest's zone as it is.
  const listing =
    route53RolesOf(config).length > 0 ? await listZoneOnce(dns, config, deadline.apply) : { zones: [zone] };
  const listed = listing.zones?.find((z) => z.id === zone.id);
  const outcome: DnsOutcome = listed
    ? await reconcileZones(
        {
          ...inputs,
          zones: { zones: [listed] },
          dryRun: manifest.dryRun,
          deadline: deadline.apply,
          fleetMembers: fleetMembers(manifest.shards.flat()),
        },
        { ...deps, dns },
      )
    : {
        ...emptyDnsOutcome(),
        errors: [
          passError(
            'zone-failed',
            `zone ${zone.name}: ${listing.error ?? 'no longer listed'}; left for the next pass`,
            {
              zone: zone.name,
            },
          ),
        ],
      };
  const out: ZoneOutput = {
    ...outcome,
    zoneId: item.zone,
    // The domains no listed zone holds were reported once, by the fleet stage: a listing of this one zone
    // would name every other domain here again.
    errors: [...listErrors, ...outcome.errors.filter((e) => e.code !== 'zone-unreachable')],
    warnings: withClusters(outcome.warnings, inputs.desired),
    route53: meters.usage(config.awsAssumeRole === undefined),
  };
  await store.put(passKeys.zoneOutcome(item.passId, item.zone), out);
  return { passId: item.passId, zone: item.zone, changes: out.changes.length, errors: out.errors.length };
}

interface ZoneInputs {
  desired: Endpoint[];
  held: HeldName[];
  heldKinds: HeldKind[];
  knownOwners: Set<string>;
  frozenOwners: Set<string>;
}

/**
 * The DNS stage's inputs for one zone from every shard: the zone's partition of each finished shard's
 * desired endpoints (and of the certificates'), every shard's held names and kinds, and the owners —
 * frozen wins, as in one pass an owner shared with a failed cluster stays frozen.
 */
async function zoneInputs(
  store: ShardStore,
  manifest: PassManifest,
  zoneId: string,
  config: Config,
): Promise<ZoneInputs> {
  const { passId } = manifest;
  const [shards, certificates, keys] = await Promise.all([
    readShardOutputs(store, manifest),
    store.get<CertificatesOutput>(passKeys.certificates(passId)),
    store.list(passKeys.zonePrefix(passId, zoneId)),
  ]);
  const known = new Set<string>();
  const frozen = new Set<string>();
  const held: HeldName[] = [];
  const heldKinds: HeldKind[] = [];
  const finished = new Set<number>();
  for (const s of shards) {
    if (s.missing) {
      for (const o of s.missing.owners) frozen.add(o);
      continue;
    }
    finished.add(s.shard);
    for (const o of s.owners.knownOwners) known.add(o);
    for (const o of s.owners.frozenOwners) frozen.add(o);
    held.push(...s.owners.held);
    heldKinds.push(...s.owners.heldKinds);
  }
  for (const o of frozen) known.delete(o);
  // Endpoints only from shards that finished (their owners file is written last), in the fleet's order
  // as one pass has them, then the certificates'.
  const present = new Set(keys);
  const wanted = [
    ...[...finished].sort((a, b) => a - b).map((shard) => passKeys.zoneDesired(passId, zoneId, shard)),
    passKeys.zoneDesired(passId, zoneId, 'certificates'),
  ].filter((k) => present.has(k));
  const desired = (await Promise.all(wanted.map((k) => store.get<Endpoint[]>(k)))).flatMap((e) => e ?? []);
  // A certificate stage that left no answer (certificates on) freezes its owner's validation records.
  const certs: Pick<CertificatesOutput, 'owner' | 'ownerState'> = certificates ?? {
    owner: config.certificates.ownerId,
    ownerState: config.certificates.enabled ? 'frozen' : 'untouched',
  };
  const owners = withCertificateOwner({ knownOwners: known, frozenOwners: frozen }, certs);
  return { desired, held, heldKinds, ...owners };
}
