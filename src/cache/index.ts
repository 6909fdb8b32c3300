// The encrypted offline snapshot (docs/design/snapshot.md): the launcher's whole interface to it.
export type { SnapshotIdentity, SnapshotLocator, SnapshotOwner } from "./identity.js";
export type { SnapshotData } from "./payload.js";
export type { UnreadableReason } from "./seal.js";
export { resolveCacheDir, UnsafeCacheDirError, type CacheDirSources } from "./cache-dir.js";
export { readSnapshot, type ReadSnapshotOptions, type ReadSnapshotResult } from "./read.js";
export { writeSnapshot, type WriteSnapshotOptions } from "./write.js";
export { purgeSnapshot, type PurgeSnapshotOptions } from "./purge.js";
export { decideOnFetchError, type FetchErrorContext, type FetchErrorDecision } from "./fetch-error-decision.js";
export { DEFAULT_CACHE_MAX_AGE_MS } from "./defaults.js";
export { formatAge } from "./format-age.js";
export { fetchLockPath } from "./lock-path.js";
export {
  singleFlight,
  type SharedResult,
  type SingleFlightOptions,
  type SingleFlightResult,
  type SingleFlightRole,
} from "./single-flight.js";
export { mayShare, type ShareFacts, type ShareVerdict } from "./share-rule.js";
