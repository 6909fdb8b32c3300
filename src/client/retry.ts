// Pure retry decisions: what is retried, how long to wait, when to give up.
import type { SecrApiError } from "./errors.js";

export interface RetryPolicy {
  /** Retries after the first attempt (0 turns retrying off). */
  maxRetries: number;
  /** Backoff base: attempt n waits a random time in [0, min(max, base * 2^n)) ("full jitter"). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: we give up at once and report it. */
  maxRetryAfterMs: number;
  /** Upper bound on the sum of all waits of one call. */
  maxTotalWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2, // 3 attempts in all
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
  maxTotalWaitMs: 60_000,
};

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Idempotent methods retry on transient failures; POST (not idempotent) only when the server refused it with 429. */
export function isRetryable(method: string, error: SecrApiError): boolean {
  if (method === "POST") return error.statusCode === 429;
  if (error.statusCode === 0) return error.code === "network_error" || error.code === "timeout";
  return RETRYABLE_STATUS.has(error.statusCode);
}

export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * The wait before retry number `retry` (0-based), or undefined to give up now.
 * `waitedMs` is what this call has already slept.
 */
export function nextDelayMs(
  method: string,
  error: SecrApiError,
  retry: number,
  waitedMs: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (retry >= policy.maxRetries || !isRetryable(method, error)) return undefined;
  let delay: number;
  if (error.retryAfter !== undefined) {
    const floor = error.retryAfter * 1000;
    if (floor > policy.maxRetryAfterMs) return undefined;
    // Never before the server's time, then full jitter over half of it (or the backoff window,
    // if wider): a fleet told the same Retry-After must not come back in the same instant.
    delay =
      floor + Math.floor(random() * Math.max(floor / 2, Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry)));
  } else {
    delay = backoffDelayMs(retry, policy, random);
  }
  return waitedMs + delay > policy.maxTotalWaitMs ? undefined : delay;
}

/** Retry-After is delta-seconds or an HTTP-date (RFC 9110 §10.2.3); returns whole seconds ≥ 0. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!/[a-z]/i.test(text)) return undefined; // e.g. "1.5" or "-3": not a valid form
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
