// One HTTP exchange over undici, bounded by a timeout that covers headers and body, and
// cancellable by the caller. Failures without a usable answer become SecrApiError with status 0.
import { SecrApiError } from "./errors.js";
import { redact, terminalSafe } from "./redact.js";
import type { Socket } from "node:net";
import { Agent, buildConnector, EnvHttpProxyAgent, type Connector, type Dispatcher } from "./undici.js";

export interface HttpRequest {
  method: "GET" | "PUT" | "POST" | "DELETE";
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Strings that must not appear in an error message (token, values sent). */
  sensitive: readonly string[];
  /** Reading stops, and the exchange fails with `response_too_large`, past this many body bytes. */
  maxResponseBytes: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Requests in flight on the one connection (docs/design/wire-contract.md, "Connections"). */
export const PIPELINING = 16;
/** Node's default limit on a response's header section (undici reads it from node:http otherwise). */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * One keep-alive connection per client, with HTTP/1.1 pipelining: the pull, the template check
 * and every later page go out together on it, so a start pays one connection setup (and TLS
 * handshake) and about one round trip per step, not one per request. undici sends only
 * idempotent requests (GET, PUT, DELETE) down a busy connection; a POST waits for the ones
 * before it. Proxies come from HTTPS_PROXY/HTTP_PROXY/NO_PROXY, except for loopback hosts,
 * which are always reached directly (as Go's net/http does): a proxy cannot reach our
 * loopback, and a local `secr-run serve` must work under a corporate proxy.
 */
export function createDispatcher(
  loopback: boolean,
  timeoutMs: number,
  adoptSocket?: SocketAdopter,
  ca?: string | Buffer,
): Dispatcher {
  // A private CA (say, a node agent's) is trusted besides the system's, for this client only.
  // node:tls is loaded only then: a static import would cost every start (docs/design/startup.md).
  const tls = ca === undefined ? {} : { ca: [...process.getBuiltinModule("node:tls").rootCertificates, ca] };
  const connect =
    adoptSocket === undefined
      ? { timeout: timeoutMs, ...tls }
      : adoptingConnector(adoptSocket, buildConnector({ timeout: timeoutMs, ...tls }));
  const options = { connect, connections: 1, pipelining: PIPELINING, maxHeaderSize: MAX_HEADER_BYTES };
  return loopback ? new Agent(options) : new EnvHttpProxyAgent(options);
}

export type SocketAdopter = (origin: {
  protocol: string;
  hostname: string;
  port: string;
}) => Promise<Socket | undefined>;

/** A connection takes the adopted socket when there is one, else (or when adopting fails) connects as usual. */
function adoptingConnector(adopt: SocketAdopter, fallback: Connector): Connector {
  return (options, callback) => {
    adopt({ protocol: options.protocol, hostname: options.hostname, port: options.port }).then(
      (socket) => (socket === undefined ? fallback(options, callback) : callback(null, socket)),
      () => fallback(options, callback),
    );
  };
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
      // Otherwise undici holds the next request back until this one's headers arrive, and the
      // pipelined connection carries one request at a time.
      blocking: false,
    });
    // Reading the body stays under the same timer and signal: a stalled body is a timeout too.
    const body = await readCapped(res.body, header(res.headers["content-length"]), req.maxResponseBytes, route);
    return { status: res.statusCode, headers: res.headers, body };
  } catch (error) {
    if (error instanceof SecrApiError) throw error;
    if (controller.signal.reason === CANCELLED) throw abortedError(route);
    const code = (error as { code?: unknown } | null)?.code;
    if (controller.signal.reason === TIMEOUT || (typeof code === "string" && TIMEOUT_CODES.has(code))) {
      throw new SecrApiError(`secr API ${route} timed out after ${req.timeoutMs} ms`, 0, "timeout");
    }
    const detail = error instanceof Error ? terminalSafe(redact(error.message, req.sensitive)) : "unknown error";
    const label = typeof code === "string" ? ` (${code})` : "";
    throw new SecrApiError(`secr API ${route} failed: network error${label}: ${detail}`, 0, "network_error", {
      cause: safeCause(error, code, detail),
    });
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener("abort", onAbort);
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/**
 * The body as text, or `response_too_large` as soon as it exceeds `limit` (before reading at all
 * when Content-Length says so). A server, proxy or impostor sending an endless or huge body must
 * cost at most `limit` bytes of memory, and that is not a network failure: no retry, no fallback.
 */
async function readCapped(
  body: Dispatcher.ResponseData["body"],
  declared: string | undefined,
  limit: number,
  route: string,
): Promise<string> {
  const tooLarge = () => {
    body.destroy();
    return new SecrApiError(
      `secr API ${route} answered with more than ${formatBytes(limit)} (maxResponseBytes); reading stopped there`,
      0,
      "response_too_large",
    );
  };
  if (declared !== undefined && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  // TextDecoder drops a leading BOM, as undici's body.text() does.
  return new TextDecoder().decode(Buffer.concat(chunks, size));
}

/** Keep the low-level error's identity for debugging but not objects that might hold request data. */
function safeCause(error: unknown, code: unknown, message: string): unknown {
  if (!(error instanceof Error)) return undefined;
  const cause = new Error(message);
  cause.name = error.name;
  if (typeof code === "string") (cause as Error & { code?: string }).code = code;
  return cause;
}
