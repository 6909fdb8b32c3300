// The client's defaults, which the CLI's settings also show and apply (one definition).
export const DEFAULT_API_URL = "https://api.secr.dev";
/** Per-attempt timeout, ms; the CLI uses the same value as its whole-fetch deadline. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** 64 MiB: hundreds of times a 1,000-secret pull, yet a bound on what a server can make us hold
 *  (one response; and one whole listing of pages, src/client/paging.ts). */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
