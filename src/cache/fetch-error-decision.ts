// What to do when pulling from secr failed. Pure.
//
// - "fallback": secr could not be reached or is down (network error, timeout, 5xx, 429 once
//   the client's retries are spent): start from the snapshot if there is a fresh one.
// - "purge": secr answered that this token may not have these secrets (401, 403, 404): delete
//   the snapshot and fail, so a revoked token stops working from cache too.
// - "fail": anything else (bad request, invalid response, an answer over the client's size cap,
//   cancelled, a bug): fail without touching the snapshot; falling back would hide a problem
//   secr-run should report (a server that floods us must not steer us onto an old snapshot).
//
// The HTTP status decides first because servers may send their own `code` strings (the client
// keeps them); the contract's codes decide when there was no HTTP answer. Purge is checked
// before fallback so that a contradiction fails closed.

export type FetchErrorDecision = "fallback" | "purge" | "fail";

const PURGE_STATUSES = new Set([401, 403, 404]);
const PURGE_CODES = new Set(["unauthorized", "forbidden", "not_found"]);
const FALLBACK_CODES = new Set(["network_error", "timeout", "server_error", "rate_limited"]);

export interface FetchErrorContext {
  /**
   * The caller's own deadline (`--timeout` over the whole fetch) fired. The client then reports
   * `aborted`, since the cancel came from the caller's signal, but for us secr was too slow.
   * Never set this for a cancel caused by a terminating signal.
   */
  deadlineExpired?: boolean;
}

/** Accepts anything thrown; only `SecrApiError`-shaped values (`code`, `statusCode`) can fall back or purge. */
export function decideOnFetchError(error: unknown, { deadlineExpired = false }: FetchErrorContext = {}): FetchErrorDecision {
  const { code, statusCode } = error !== null && typeof error === "object" ? (error as { code?: unknown; statusCode?: unknown }) : {};
  const status = typeof statusCode === "number" ? statusCode : 0;
  const name = typeof code === "string" ? code : "";
  if (PURGE_STATUSES.has(status) || (status === 0 && PURGE_CODES.has(name))) return "purge";
  if (deadlineExpired) return "fallback";
  if (status === 429 || (status >= 500 && status <= 599)) return "fallback";
  if (status === 0 && FALLBACK_CODES.has(name)) return "fallback";
  return "fail";
}
