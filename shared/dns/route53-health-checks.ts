import {
  ChangeTagsForResourceCommand,
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  ListHealthChecksCommand,
  ListTagsForResourcesCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { HealthCheckSpec } from './fleet-routing.js';

/**
 * Route 53 health checks the reconciler creates for fleet-routed IP targets (`fleetRouting[].healthCheck`),
 * through the SDK. Ours are told by their tags (`HEALTH_CHECK_TAGS`); a health check is created
 * idempotently by its caller reference, so a pass that dies after creating one finds it again.
 */

/** provider.ts's CallOptions, spelled here: provider.ts names this file's API. */
interface CallOptions {
  signal?: AbortSignal;
}

export const HEALTH_CHECK_TAGS = {
  /** The TXT registry owner of the member record the health check serves. */
  owner: 'edge-reconciler:owner',
  /** The hosted zone of that record: each zone's pass cleans up only its own. */
  zone: 'edge-reconciler:zone',
  /** `name type [set identifier]` of the record, for people reading the console. */
  record: 'Name',
} as const;

export interface ExistingHealthCheck {
  id: string;
  callerReference: string;
  tags: Record<string, string>;
}

export interface HealthCheckApi {
  /** Every health check of the account that carries `HEALTH_CHECK_TAGS.zone`, with its tags. */
  listOurs(call?: CallOptions): Promise<ExistingHealthCheck[]>;
  /** Creates (or finds, same caller reference and config) a health check and tags it; its id. */
  create(
    callerReference: string,
    spec: HealthCheckSpec,
    tags: Record<string, string>,
    call?: CallOptions,
  ): Promise<string>;
  delete(id: string, call?: CallOptions): Promise<void>;
}

export class Route53HealthChecks implements HealthCheckApi {
  constructor(private readonly client: Route53Client) {}

  async listOurs(call: CallOptions = {}): Promise<ExistingHealthCheck[]> {
    const all: { id: string; callerReference: string }[] = [];
    let marker: string | undefined;
    do {
      const page = await this.client.send(
        new ListHealthChecksCommand({ ...(marker ? { Marker: marker } : {}) }),
        call.signal ? { abortSignal: call.signal } : {},
      );
      for (const h of page.HealthChecks ?? []) {
        if (h.Id && h.CallerReference) all.push({ id: h.Id, callerReference: h.CallerReference });
      }
      marker = page.IsTruncated ? page.NextMarker : undefined;
    } while (marker);
    const out: ExistingHealthCheck[] = [];
    for (let i = 0; i < all.length; i += 10) {
      const chunk = all.slice(i, i + 10);
      const tagged = await this.client.send(
        new ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: chunk.map((h) => h.id) }),
        call.signal ? { abortSignal: call.signal } : {},
      );
      for (const set of tagged.ResourceTagSets ?? []) {
        const tags = Object.fromEntries((set.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
        const check = chunk.find((h) => h.id === set.ResourceId);
        if (check && tags[HEALTH_CHECK_TAGS.zone] !== undefined) out.push({ ...check, tags });
      }
    }
    return out;
  }

  async create(
    callerReference: string,
    spec: HealthCheckSpec,
    tags: Record<string, string>,
    call: CallOptions = {},
  ): Promise<string> {
    const options = call.signal ? { abortSignal: call.signal } : {};
    const created = await this.client.send(
      new CreateHealthCheckCommand({
        CallerReference: callerReference,
        HealthCheckConfig: {
          Type: spec.type,
          IPAddress: spec.ipAddress,
          ...(spec.port !== undefined ? { Port: spec.port } : {}),
          ...(spec.resourcePath !== undefined ? { ResourcePath: spec.resourcePath } : {}),
          RequestInterval: spec.requestInterval,
          FailureThreshold: spec.failureThreshold,
        },
      }),
      options,
    );
    const id = created.HealthCheck?.Id;
    if (!id) throw new Error('CreateHealthCheck answered without a health check id');
    await this.client.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'healthcheck',
        ResourceId: id,
        AddTags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
      options,
    );
    return id;
  }

  async delete(id: string, call: CallOptions = {}): Promise<void> {
    await this.client.send(
      new DeleteHealthCheckCommand({ HealthCheckId: id }),
      call.signal ? { abortSignal: call.signal } : {},
    );
  }
}
