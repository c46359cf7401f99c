import { randomUUID } from 'node:crypto';
import type { SandboxClock } from '../clock.js';
import { isPlainObject, jsonRpcService } from './json-protocol.js';
import type { ServiceHandler } from './protocol.js';
import { ServiceError } from './service-error.js';

/**
 * EventBridge (JSON 1.1, `AWSEvents.*`): PutEvents, keeping every accepted event so the sandbox can
 * report what a pass published. Entries fail one by one the way EventBridge fails them (the response
 * says which); only a request that breaks the call's own limits fails as a whole.
 */

export const MAX_ENTRIES_PER_PUT = 10;
/** EventBridge's limit on a PutEvents request's entries, counted as its docs count them. */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

export interface PublishedEvent {
  eventId: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  eventBusName: string;
  resources: string[];
  /** ISO 8601: the entry's Time, or the sandbox clock when it was put. */
  time: string;
  region: string;
}

export class EventBridgeState {
  readonly clock: SandboxClock;
  private readonly published: PublishedEvent[] = [];

  constructor(opts: { clock: SandboxClock }) {
    this.clock = opts.clock;
  }

  record(event: PublishedEvent): void {
    this.published.push(structuredClone(event));
  }

  /** Every event accepted so far, oldest first. */
  entries(): PublishedEvent[] {
    return structuredClone(this.published);
  }

  clear(): void {
    this.published.length = 0;
  }
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

function utf8Bytes(s: string | undefined): number {
  return s === undefined ? 0 : Buffer.byteLength(s, 'utf8');
}

function invalidArgument(member: string): EntryResult {
  return {
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${member} is not valid. Reason: ${member} is a required argument.`,
  };
}

export function eventBridgeHandler(state: EventBridgeState): ServiceHandler {
  return jsonRpcService('AWSEvents', {
    PutEvents: (input, req) => {
      const entries = input.objectList('Entries', { min: 1, max: MAX_ENTRIES_PER_PUT });
      if (!entries)
        throw new ServiceError(
          'ValidationException',
          "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
        );
      const read = entries.map((e) => ({
        source: e.string('Source'),
        detailType: e.string('DetailType'),
        detail: e.string('Detail'),
        eventBusName: e.string('EventBusName', { min: 1, max: 1600 }),
        resources: e.stringList('Resources') ?? [],
        time: e.timestamp('Time'),
      }));
      const size = read.reduce(
        (sum, e) =>
          sum +
          (e.time ? 14 : 0) +
          utf8Bytes(e.source) +
          utf8Bytes(e.detailType) +
          utf8Bytes(e.detail) +
          e.resources.reduce((n, r) => n + utf8Bytes(r), 0),
        0,
      );
      if (size > MAX_PUT_EVENTS_BYTES) {
        throw new ServiceError(
          'ValidationException',
          'Total size of the entries in the request is over the limit.',
        );
      }
      const now = state.clock.now();
      const results: EntryResult[] = read.map((e) => {
        if (!e.source) return invalidArgument('Source');
        if (!e.detailType) return invalidArgument('DetailType');
        if (e.detail === undefined) return invalidArgument('Detail');
        if (e.source.startsWith('aws.')) {
          return {
            ErrorCode: 'NotAuthorizedForSourceException',
            ErrorMessage: 'Not authorized for the source.',
          };
        }
        let detail: unknown;
        try {
          detail = JSON.parse(e.detail);
        } catch {
          detail = undefined;
        }
        if (!isPlainObject(detail))
          return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
        const eventId = randomUUID();
        state.record({
          eventId,
          source: e.source,
          detailType: e.detailType,
          detail,
          eventBusName: e.eventBusName ?? 'default',
          resources: e.resources,
          time: (e.time ?? now).toISOString(),
          region: req.region,
        });
        return { EventId: eventId };
      });
      return {
        FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length,
        Entries: results,
      };
    },
  });
}
