import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  FORWARDED_AUDIT_DETAIL_TYPE,
  FORWARDED_AUDIT_SOURCE,
  forwardedDetails,
} from '../shared/audit/forwarded.js';
import { RETRY_POLICY, retryStrategy } from '../shared/retry-policy.js';
import * as z from '../shared/zod.js';
import { parseEvent } from './middleware.js';
import { lambdaHandler, logger } from './runtime.js';

/**
 * The member account's audit-log forwarder (deployed by the member-access stack): its clusters' audit log
 * subscriptions deliver here, and each delivery goes, in order and unopened, to the reconciler's central
 * bus (`EDGE_RECONCILER_EVENT_BUS_ARN`). It holds no config and reads no cluster: what the delivery means
 * is the reconciler's to decide. A failed put throws, so Lambda retries the delivery.
 */

const subscriptionDelivery = z.looseObject({
  awslogs: z.looseObject({ data: z.string().check(z.minLength(1)) }),
});

/** PutEvents takes at most 10 entries. */
const ENTRIES_PER_PUT = 10;

export interface ForwarderDeps {
  events: EventBridgeClient;
  busArn: string;
  region: string;
}

export function createAuditForwarder(depsFn: () => ForwarderDeps) {
  return async (event: unknown): Promise<{ forwarded: number }> => {
    const { awslogs } = parseEvent(subscriptionDelivery, event, 'event');
    const deps = depsFn();
    const entries: PutEventsRequestEntry[] = forwardedDetails(awslogs.data, deps.region).map((detail) => ({
      EventBusName: deps.busArn,
      Source: FORWARDED_AUDIT_SOURCE,
      DetailType: FORWARDED_AUDIT_DETAIL_TYPE,
      Detail: JSON.stringify(detail),
    }));
    for (let i = 0; i < entries.length; i += ENTRIES_PER_PUT) {
      const out = await deps.events.send(
        new PutEventsCommand({ Entries: entries.slice(i, i + ENTRIES_PER_PUT) }),
      );
      if (out.FailedEntryCount) {
        const codes = (out.Entries ?? []).flatMap((e) =>
          e.ErrorCode ? [`${e.ErrorCode}: ${e.ErrorMessage}`] : [],
        );
        throw new Error(
          `PutEvents to ${deps.busArn} refused ${out.FailedEntryCount} entries: ${codes.join('; ')}`,
        );
      }
    }
    return { forwarded: entries.length };
  };
}

let deps: ForwarderDeps | undefined;

function forwarderDeps(): ForwarderDeps {
  if (deps) return deps;
  const busArn = process.env.EDGE_RECONCILER_EVENT_BUS_ARN;
  const region = process.env.AWS_REGION;
  if (!busArn || !region) throw new Error('EDGE_RECONCILER_EVENT_BUS_ARN and AWS_REGION must be set');
  // The central bus may be in another region: the client goes where the bus is.
  const busRegion = busArn.split(':')[3] || region;
  deps = {
    events: new EventBridgeClient({
      region: busRegion,
      retryStrategy: retryStrategy({ maxAttempts: RETRY_POLICY.maxAttempts }),
    }),
    busArn,
    region,
  };
  logger.info('forwarding audit logs', { busArn });
  return deps;
}

export const handler = lambdaHandler(createAuditForwarder(forwarderDeps));
