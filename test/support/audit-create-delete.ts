import { expect } from 'vitest';
import { createAuditEventsHandler } from '../../functions/audit-events.js';
import { auditTrigger } from '../../sandbox/audit-log.js';
import type { KubernetesObject } from '../../shared/sources/objects.js';
import { type SourceWorld, zoneRecords } from './source-world.js';

type Records = ReturnType<typeof zoneRecords>;

/**
 * The audit path's create-then-delete flow every source's end-to-end test checks: `object` is applied
 * (its audit event gets the handler's partial pass, bounded by the `names` it publishes) and then deleted
 * (with a finalizer, so the delete answers with the object and its names bound that pass too), leaving
 * the zone as it was. The caller checks what the created object published (`published`). Run it after a
 * scheduled pass that put the owner's other records in: the deletion guard judges the whole zone.
 */
export async function createThenDeleteThroughAudit(
  world: SourceWorld,
  object: KubernetesObject,
  opts: { cluster: string; names: number; published: (records: Records) => void },
): Promise<void> {
  const { sandbox, deps } = world;
  const before = zoneRecords(sandbox);
  const handler = createAuditEventsHandler(() => deps);
  const withFinalizer = {
    ...object,
    metadata: { ...object.metadata, finalizers: ['example.com/cleanup'] },
  } as KubernetesObject;

  const created = await handler(
    await auditTrigger(sandbox, { cluster: opts.cluster, apply: [withFinalizer] }),
  );
  expect(created.touched).toEqual([
    { cluster: opts.cluster, scope: 'touched', objects: 1, names: opts.names, unbounded: [] },
  ]);
  expect(created.passes[0]?.errors).toEqual([]);
  opts.published(zoneRecords(sandbox));

  const deleted = await handler(
    await auditTrigger(sandbox, {
      cluster: opts.cluster,
      delete: [
        {
          kind: object.kind,
          ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
          name: object.metadata.name,
        },
      ],
    }),
  );
  expect(deleted.touched[0]).toMatchObject({ scope: 'touched', names: opts.names, unbounded: [] });
  expect(deleted.passes[0]?.errors).toEqual([]);
  expect(zoneRecords(sandbox)).toEqual(before);
}
