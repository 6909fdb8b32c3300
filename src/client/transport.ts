// One HTTP exchange over undici, bounded by a timeout that covers headers and body, and
// cancellable by the caller. Failures without a usable answer become SecrApiError with status 0.
import { setImmediate as nextTurn } from "node:timers/promises";
import { SecrApiError } from "./errors.js";
import { redact, terminalSafe } from "./redact.js";
import { Agent, EnvHttpProxyAgent, type Dispatcher } from "./undici.js";

export interface HttpRequest {
  method: "GET" | "PUT" | "POST" | "DELETE";
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Strings that must not appear in an error message (token, values sent). */
  sensitive: readonly string[];
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One keep-alive pool per client. Proxies come from HTTPS_PROXY/HTTP_PROXY/NO_PROXY, except
 * for loopback hosts, which are always reached directly (as Go's net/http does): a proxy
 * cannot reach our loopback, and a local `secr-run serve` must work under a corporate proxy.
 */
export function createDispatcher(loopback: boolean, timeoutMs: number): Dispatcher {
  const options = { connect: { timeout: timeoutMs } };
  return loopback ? new Agent(options) : new EnvHttpProxyAgent(options);
}

const TIMEOUT = Symbol("timeout");
const CANCELLED = Symbol("cancelled");
const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

export function abortedError(route: string): SecrApiError {
  return new SecrApiError(`secr API ${route} was aborted by the caller`, 0, "aborted");
}

export async function send(dispatcher: Dispatcher, origin: string, req: HttpRequest): Promise<HttpResponse> {
  const route = `${req.method} ${req.path}`;
  if (req.signal?.aborted) throw abortedError(route);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(TIMEOUT), req.timeoutMs);
  const onAbort = (): void => controller.abort(CANCELLED);
  req.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const res = await dispatcher.request({
      origin,
      path: req.path,
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
    });
    // Reading the body stays under the same timer and signal: a stalled body is a timeout too.
    const body = await res.body.text();
    // undici frees a keep-alive socket one event-loop turn after the response ends (it checks
    // the server did not close it); without this wait, the caller's next request (the next
    // page of pullAllSecrets) would open a second connection, a second TLS handshake.
    await nextTurn();
    return { status: res.statusCode, headers: res.headers, body };
  } catch (error) {
    if (controller.signal.reason === CANCELLED) throw abortedError(route);
    const code = (error as { code?: unknown } | null)?.code;
    if (controller.signal.reason === TIMEOUT || (typeof code === "string" && TIMEOUT_CODES.has(code))) {
      throw new SecrApiError(`secr API ${route} timed out after ${req.timeoutMs} ms`, 0, "timeout");
    }
    const detail = error instanceof Error ? terminalSafe(redact(error.message, req.sensitive)) : "unknown error";
    const label = typeof code === "string" ? ` (${code})` : "";
    throw new SecrApiError(`secr API ${route} failed: network error${label}: ${detail}`, 0, "network_error", { cause: safeCause(error, code, detail) });
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener("abort", onAbort);
  }
}

/** Keep the low-level error's identity for debugging but not objects that might hold request data. */
function safeCause(error: unknown, code: unknown, message: string): unknown {
  if (!(error instanceof Error)) return undefined;
  const cause = new Error(message);
  cause.name = error.name;
  if (typeof code === "string") (cause as Error & { code?: string }).code = code;
  return cause;
}
