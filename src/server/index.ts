// The local secr-compatible API server (`secr-run serve`).
export { startServer, DATA_FILE, KEY_FILE, type RunningServer, type ServerOptions } from "./start-server.js";
export { DataFileError } from "./persistence/crypto.js";
export { UnsafeDataDirError } from "./persistence/data-file.js";
export { KeyError } from "./persistence/key.js";
export { LockError, lockHolder } from "./persistence/lock.js";
export { generateAdminToken } from "./store/tokens.js";
export { parseSeed, type ParsedSeed, type Seed } from "./store/seed.js";
export {
  startAgent,
  UpstreamUrlError,
  DEFAULT_CACHE_MAX_BYTES,
  DEFAULT_MAX_STALE_MS,
  DEFAULT_REVALIDATE_MS,
  type AgentOptions,
  type RunningAgent,
} from "./upstream/start-agent.js";
export type { TlsFiles } from "./http/listen.js";
