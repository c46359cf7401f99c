/**
 * The default deadlines, in one place for the config schema and for clients built without a config.
 * A hung endpoint costs one attempt's `awsRequestMs` (or `kubernetesRequestMs`) per attempt; a host that
 * does not accept connections costs `connectMs`.
 */
export const DEFAULT_TIMEOUTS = {
  connectMs: 3_000,
  awsRequestMs: 10_000,
  kubernetesRequestMs: 10_000,
  applyReserveMs: 60_000,
  reportReserveMs: 5_000,
  passMs: 900_000,
} as const;
