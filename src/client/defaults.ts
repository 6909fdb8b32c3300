// The client's defaults, which the CLI's settings also show and apply (one definition).
export const DEFAULT_API_URL = "https://api.secr.dev";
/** Per-attempt timeout, ms; the CLI uses the same value as its whole-fetch deadline. */
export const DEFAULT_TIMEOUT_MS = 30_000;
