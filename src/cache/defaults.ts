/** `--cache-max-age` default: 7 days. A week covers a long weekend's outage or a trip offline. */
export const DEFAULT_CACHE_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
