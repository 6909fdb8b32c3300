// SecrApiError and the pure mapping from an HTTP error answer to it.
import { redact, terminalSafe } from "./redact.js";
// Messages are built from the status, the route and the server's own text, never from
// request bodies, and pass through `redact` so an echoed token or value is removed.

/** Codes of the wire contract, plus those the client raises itself. Servers may send others. */
export type SecrErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "validation_error"
  | "rate_limited"
  | "server_error"
  | "http_error" // any other non-2xx status without a usable code
  | "timeout"
  | "network_error"
  | "aborted"
  | "invalid_response"
  | "response_too_large" // a body over maxResponseBytes: reading stopped, nothing retried
  | "inconsistent_data" // the data changed between the pages of pullAllSecrets
  | "invalid_argument" // bad constructor option or method argument (nothing was sent)
  | "client_closed"
  | (string & {});

export interface SecrApiErrorOptions {
  retryAfter?: number | undefined;
  cause?: unknown;
}

export class SecrApiError extends Error {
  override readonly name = "SecrApiError";
  /** HTTP status, or 0 when there was no usable HTTP answer. */
  readonly statusCode: number;
  readonly code: SecrErrorCode;
  /** Seconds the server asked us to wait (Retry-After), when known. */
  readonly retryAfter: number | undefined;

  constructor(message: string, statusCode: number, code: SecrErrorCode, options: SecrApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.statusCode = statusCode;
    this.code = code;
    this.retryAfter = options.retryAfter;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      statusCode: this.statusCode,
      code: this.code,
      ...(this.retryAfter === undefined ? {} : { retryAfter: this.retryAfter }),
    };
  }
}

export function isSecrApiError(error: unknown): error is SecrApiError {
  return error instanceof SecrApiError;
}

const STATUS_CODES: Record<number, SecrErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  422: "validation_error",
  429: "rate_limited",
};

export function codeForStatus(status: number): SecrErrorCode {
  return STATUS_CODES[status] ?? (status >= 500 ? "server_error" : "http_error");
}

/** Longest server message we keep: enough for a human, not a dump. */
const MAX_SERVER_MESSAGE = 300;

function asText(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * Reads `{ error, message }`, `{ error: { code, message } }`, `{ code, message }` or `{ error }`;
 * anything else (non-JSON, other shapes) yields nothing and the status decides.
 */
export function parseErrorBody(body: string): { code?: string; message?: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return {};
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) return {};
  const obj = json as Record<string, unknown>;
  const nested = obj.error;
  if (nested !== null && typeof nested === "object" && !Array.isArray(nested)) {
    const inner = nested as Record<string, unknown>;
    return { code: asText(inner.code), message: asText(inner.message) ?? asText(obj.message) };
  }
  return { code: asText(obj.error) ?? asText(obj.code), message: asText(obj.message) };
}

export { redact, MIN_REDACT_LENGTH } from "./redact.js";

export interface HttpErrorInput {
  status: number;
  /** The Location header of a 3xx: redirects are not followed (the token must not go elsewhere). */
  location?: string | undefined;
  route: string; // "GET /v1/secrets/acme/web/production"
  body: string;
  retryAfter: number | undefined;
  sensitive: readonly string[];
}

export function errorFromResponse({
  status,
  location,
  route,
  body,
  retryAfter,
  sensitive,
}: HttpErrorInput): SecrApiError {
  if (status >= 300 && status < 400) {
    // Only the origin: enough to spot a wrong apiUrl, and a path or query could carry anything.
    const target = originOf(location);
    const where = target === undefined ? "" : ` to ${redact(target, sensitive)}`;
    return new SecrApiError(
      `secr API ${route} failed: ${status} redirect${where}, not followed (check apiUrl)`,
      status,
      "http_error",
    );
  }
  const parsed = parseErrorBody(body);
  const code =
    parsed.code !== undefined && /^[a-z][a-z0-9_.-]{0,63}$/i.test(parsed.code) ? parsed.code : codeForStatus(status);
  let detail = parsed.message === undefined ? undefined : terminalSafe(redact(parsed.message, sensitive));
  if (detail !== undefined && detail.length > MAX_SERVER_MESSAGE) detail = `${detail.slice(0, MAX_SERVER_MESSAGE)}…`;
  const wait = retryAfter === undefined ? "" : ` (retry after ${retryAfter}s)`;
  const message = `secr API ${route} failed: ${status} ${code}${detail === undefined ? "" : `: ${detail}`}${wait}`;
  return new SecrApiError(message, status, code, { retryAfter });
}

function originOf(location: string | undefined): string | undefined {
  if (location === undefined) return undefined;
  try {
    const origin = new URL(location).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined; // relative or garbage: say nothing rather than echo it
  }
}
