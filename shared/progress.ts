/**
 * How far a pass has got, for a person waiting at a terminal (the CLI draws it on stderr). The pass
 * calls it as each cluster is listed and each zone read; nothing else depends on it.
 */
export interface PassProgress {
  clusterListed(done: number, total: number): void;
  zoneRead(done: number, total: number): void;
}
