/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundle (an esbuild alias, set in
 * infra/lambda-bundle.ts). The Smithy protocols import it only when an operation streams events; no
 * operation the functions call does (ListResourceRecordSets, ChangeResourceRecordSets, the ACM, EKS,
 * ELB, EventBridge and STS calls are all plain request and response), so the codec's 15 KiB would only
 * be parsed at every cold start. Should a streaming operation ever be called, it fails loudly here
 * instead of misbehaving.
 */
function unbundled(): never {
  throw new Error(
    'event streams are not bundled into this Lambda (infra/lambda-bundle.ts lambdaAliases): a streaming AWS operation needs them',
  );
}

export const eventStreamSerdeProvider = unbundled;

export class EventStreamSerde {
  constructor() {
    unbundled();
  }
}

/**
 * The S3 client resolves its event-stream marshaller at construction (for SelectObjectContent, which the
 * sharded pass's shard store never calls), and the SDK then copies the whole config (so a getter that
 * throws would fail every S3 client): the marshaller is there, and fails only if used.
 */
export function resolveEventStreamSerdeConfig<T extends object>(input: T) {
  return Object.assign(input, { eventStreamMarshaller: { serialize: unbundled, deserialize: unbundled } });
}
