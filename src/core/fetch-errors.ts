// What a failed fetch from secr means, in one table (docs/design/errors.md): for each error code of
// the client, secr-run's exit code, what to do with the offline snapshot, and the hint printed
// after the client's message. Pure; the CLI (exit code, hint) and the cache (decision) both read it.
//
// The HTTP status decides first: servers may send their own `code` strings (the client keeps
// them), and a 401 must mean the same whatever its body says. The code decides when there was
// no HTTP answer (status 0) or the status has no row of its own.
import { ExitCode, type ExitCodeValue } from "./exit-codes.js";

/**
 * - "fallback": secr could not be reached or is down: start from a fresh snapshot if there is one.
 * - "purge": secr said this token may not have these secrets: delete the snapshot and fail, so a
 *   revoked token stops working from cache too.
 * - "fail": anything else: fail, snapshot untouched; falling back would hide a problem to report
 *   (and a server that misbehaves must not steer us onto an old snapshot).
 */
export type FetchErrorDecision = "fallback" | "purge" | "fail";

export interface HintContext {
  /** `org/project/env`, as messages name it. */
  where: string;
  apiUrl: string;
  /** The client's message (transport details such as ECONNREFUSED). */
  message?: string;
}

export interface FetchErrorRow {
  /** The client's error code (SecrApiError.code). */
  readonly code: string;
  /** HTTP statuses that select this row whatever the code. */
  readonly statuses?: readonly number[] | ((status: number) => boolean);
  readonly exitCode: ExitCodeValue;
  readonly decision: FetchErrorDecision;
  /** What it means, for docs/design/errors.md. */
  readonly meaning: string;
  /** Printed in parentheses after the message; none when undefined or empty. */
  readonly hint?: (context: HintContext) => string;
}

const unreachable = ({ apiUrl }: HintContext) => `secr at ${apiUrl} is unreachable or failing`;

export const FETCH_ERRORS = [
  {
    code: "unauthorized",
    statuses: [401],
    exitCode: ExitCode.NOPERM,
    decision: "purge",
    meaning: "the token was rejected",
    hint: () => "the token was rejected: check SECR_TOKEN",
  },
  {
    code: "forbidden",
    statuses: [403],
    exitCode: ExitCode.NOPERM,
    decision: "purge",
    meaning: "the token may not read this environment",
    hint: ({ where }) => `the token may not read ${where}`,
  },
  {
    code: "not_found",
    statuses: [404],
    exitCode: ExitCode.CONFIG,
    decision: "purge",
    meaning: "no such org, project or environment (for this token)",
    hint: ({ where }) => `check --org, --project and --env: ${where}`,
  },
  {
    code: "rate_limited",
    statuses: [429],
    exitCode: ExitCode.UNAVAILABLE,
    decision: "fallback",
    meaning: "429 once the client's retries are spent",
    hint: unreachable,
  },
  {
    code: "server_error",
    statuses: (status) => status >= 500 && status <= 599,
    exitCode: ExitCode.UNAVAILABLE,
    decision: "fallback",
    meaning: "5xx once the client's retries are spent",
    hint: unreachable,
  },
  {
    code: "network_error",
    exitCode: ExitCode.UNAVAILABLE,
    decision: "fallback",
    meaning: "no connection (refused, reset, DNS, TLS)",
    hint: (context) => {
      if (context.message?.includes("ECONNREFUSED"))
        return `nothing listens at ${context.apiUrl}: check --api-url / SECR_API_URL; for a local server, is secr-run serve running?`;
      if (context.message?.includes("plain HTTP")) return ""; // the message says it all
      return unreachable(context);
    },
  },
  {
    code: "timeout",
    exitCode: ExitCode.UNAVAILABLE,
    decision: "fallback",
    meaning: "an attempt took longer than the timeout",
    hint: unreachable,
  },
  {
    code: "bad_request",
    exitCode: ExitCode.CONFIG,
    decision: "fail",
    meaning: "400: secr refused the request (a slug it does not accept)",
  },
  {
    code: "validation_error",
    exitCode: ExitCode.CONFIG,
    decision: "fail",
    meaning: "422: secr refused the request's content",
  },
  {
    code: "invalid_argument",
    exitCode: ExitCode.CONFIG,
    decision: "fail",
    meaning: "a setting the client refuses before sending anything",
  },
  {
    code: "response_too_large",
    exitCode: ExitCode.UNAVAILABLE,
    decision: "fail",
    meaning: "an answer over the client's size cap (maxResponseBytes), or a listing over its item, page or size cap",
    hint: ({ apiUrl }) => `no secr answer is that large: check that ${apiUrl} is secr`,
  },
  {
    code: "invalid_response",
    exitCode: ExitCode.UNAVAILABLE,
    decision: "fail",
    meaning: "an answer that is not what the wire contract says",
    hint: unreachable,
  },
  {
    code: "inconsistent_data",
    exitCode: ExitCode.UNAVAILABLE,
    decision: "fail",
    meaning: "the secrets changed between pages, again and again",
    hint: unreachable,
  },
  {
    code: "aborted",
    exitCode: ExitCode.UNAVAILABLE,
    decision: "fail",
    meaning: "cancelled (a terminating signal)",
    hint: unreachable,
  },
  {
    code: "client_closed",
    exitCode: ExitCode.UNAVAILABLE,
    decision: "fail",
    meaning: "the client was closed during the request",
    hint: unreachable,
  },
  // Writes only (secrets, templates, admin commands): a read never gets these.
  {
    code: "conflict",
    statuses: [409],
    exitCode: ExitCode.CONFIG,
    decision: "fail",
    meaning: "409: what a command would create exists already (a project, an environment, a template key)",
    hint: () => "it exists already",
  },
  {
    code: "payload_too_large",
    statuses: [413],
    exitCode: ExitCode.DATA,
    decision: "fail",
    meaning: "413: a request over the server's size limit (an import, a value)",
  },
  // Last: what no other row describes (418, a 3xx, codes of a newer server).
  {
    code: "http_error",
    exitCode: ExitCode.UNAVAILABLE,
    decision: "fail",
    meaning: "any other answer (another status, an unknown code, a redirect)",
    hint: unreachable,
  },
] as const satisfies readonly FetchErrorRow[];

/** Not a code of the client: secr-run's own --timeout (the whole fetch) expired first. */
export const DEADLINE_ROW: FetchErrorRow = {
  code: "deadline",
  exitCode: ExitCode.UNAVAILABLE,
  decision: "fallback",
  meaning: "--timeout (the whole fetch, retries included) expired",
};

const FALLBACK_ROW: FetchErrorRow = FETCH_ERRORS.at(-1)!;

function statusMatches(row: FetchErrorRow, status: number): boolean {
  if (row.statuses === undefined) return false;
  return typeof row.statuses === "function" ? row.statuses(status) : row.statuses.includes(status);
}

export interface FetchErrorContext {
  /**
   * The caller's own deadline (`--timeout` over the whole fetch) fired: the client then reports
   * `aborted` (the cancel came from the caller's signal), but for us secr was too slow. Never
   * set this for a cancel caused by a terminating signal.
   */
  deadlineExpired?: boolean;
}

/** The row for anything thrown; only `SecrApiError`-shaped values (`code`, `statusCode`) have a row of their own. */
export function classifyFetchError(error: unknown, { deadlineExpired = false }: FetchErrorContext = {}): FetchErrorRow {
  const { code, statusCode } =
    error !== null && typeof error === "object" ? (error as { code?: unknown; statusCode?: unknown }) : {};
  const status = typeof statusCode === "number" ? statusCode : 0;
  const rows: readonly FetchErrorRow[] = FETCH_ERRORS;
  const byStatus = status === 0 ? undefined : rows.find((row) => statusMatches(row, status));
  // A 401/403/404 purges even when the deadline fired too: fail closed.
  if (byStatus?.decision === "purge") return byStatus;
  if (deadlineExpired) return DEADLINE_ROW;
  if (byStatus !== undefined) return byStatus;
  return rows.find((row) => row.code === code) ?? FALLBACK_ROW;
}
