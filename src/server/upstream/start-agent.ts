// Composition of the caching agent (`secr-run serve --upstream`, docs/guide/fleet.md): the cache,
// the upstream connection pool, the listener (HTTP or HTTPS), and a graceful close.
import { rootCertificates } from "node:tls";
import { parseBaseUrl } from "../../client/url.js";
import { Agent, EnvHttpProxyAgent } from "../../client/undici.js";
import { drainServer, trackConnections } from "../http/connections.js";
import { createListener, listen, urlOf, type TlsFiles } from "../http/listen.js";
import { RateLimiter } from "../http/rate-limit.js";
import { InFlightLimit } from "./admission.js";
import { SharedBackoff } from "./backoff.js";
import { CacheStore } from "./cache-store.js";
import { Coalescer } from "./coalesce.js";
import { newCounters, type Counters } from "./metrics.js";
import { createProxyHandler, type Outcome } from "./proxy-handler.js";
import { tokenHasher } from "./token-id.js";

export const DEFAULT_REVALIDATE_MS = 30_000;
export const DEFAULT_MAX_STALE_MS = 3600_000;
export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024;
/** Connections to upstream: enough for a deploy's misses, few enough for one NAT address. */
const UPSTREAM_CONNECTIONS = 8;
/** Rejected tokens per second per client address before the agent answers 429 itself: a guessing
 *  pod spends at most 60 upstream requests a minute, a tenth of a typical per-address limit. */
const REJECTS_PER_SECOND = 1;
/** Requests of tokens the cache holds nothing for, in flight upstream per client address (a pod's
 *  start needs 2: pull and template check). */
const UNCONFIRMED_IN_FLIGHT = 8;
/** Upstream requests per token per second, after a burst: a pod's start costs 2, and repeats are
 *  answered from memory; a pod asking for ever new answers spends at most 60 a minute. */
const TOKEN_UPSTREAM_PER_SECOND = 1;
const TOKEN_UPSTREAM_BURST = 30;

export interface AgentOptions {
  /** Upstream secr base URL: https://, or http:// to a loopback host. */
  upstream: string;
  host?: string;
  port?: number;
  tls?: TlsFiles;
  /** PEM CA certificates trusted for upstream (besides the system's). */
  upstreamCa?: Buffer;
  revalidateMs?: number;
  maxStaleMs?: number;
  cacheMaxBytes?: number;
  /** Per upstream request. Default 30 s. */
  timeoutMs?: number;
  log?: NodeJS.WritableStream;
  accessLog?: boolean;
  shutdownTimeout?: number;
}

export interface RunningAgent {
  url: string;
  port: number;
  /** The upstream origin and path, as requests go to it. */
  upstream: string;
  counters: Counters;
  close(): Promise<void>;
}

export class UpstreamUrlError extends Error {}

export function checkUpstream(url: string): { origin: string; basePath: string; loopback: boolean } {
  try {
    return parseBaseUrl(url, false);
  } catch (error) {
    // The library's hint about allowInsecureHttp means nothing here.
    throw new UpstreamUrlError(
      `--upstream: ${(error as Error).message.replace(/apiUrl/g, "the URL").replace(/,? or set allowInsecureHttp[^,;]*/, "")}`,
    );
  }
}

/** TLS options for upstream: a private CA is trusted besides Node's roots, not instead of them
 *  (a `ca` option alone replaces them, and api.secr.dev would no longer verify). */
export function upstreamConnect(
  timeoutMs: number,
  ca: Buffer | undefined,
): { timeout: number; ca?: (string | Buffer)[] } {
  return ca === undefined ? { timeout: timeoutMs } : { timeout: timeoutMs, ca: [...rootCertificates, ca] };
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const upstream = checkUpstream(options.upstream);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const poolOptions = {
    connect: upstreamConnect(timeoutMs, options.upstreamCa),
    connections: UPSTREAM_CONNECTIONS,
    pipelining: 1,
  };
  const dispatcher = upstream.loopback ? new Agent(poolOptions) : new EnvHttpProxyAgent(poolOptions);
  const counters = newCounters();
  const store = new CacheStore(options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES);
  let closing = false;
  const handler = createProxyHandler({
    origin: upstream.origin,
    basePath: upstream.basePath,
    dispatcher,
    timeoutMs,
    revalidateMs: options.revalidateMs ?? DEFAULT_REVALIDATE_MS,
    maxStaleMs: options.maxStaleMs ?? DEFAULT_MAX_STALE_MS,
    store,
    coalescer: new Coalescer<Outcome>(),
    backoff: new SharedBackoff(),
    counters,
    hashToken: tokenHasher(),
    rejectLimiter: new RateLimiter(REJECTS_PER_SECOND),
    unconfirmed: new InFlightLimit(UNCONFIRMED_IN_FLIGHT),
    tokenLimiter: new RateLimiter(TOKEN_UPSTREAM_PER_SECOND, undefined, TOKEN_UPSTREAM_BURST),
    now: Date.now,
    log: options.log,
    accessLog: options.accessLog ?? true,
    closing: () => closing,
  });
  const server = createListener((req, res) => void handler(req, res), options.tls);
  const connections = trackConnections(server);
  let address;
  try {
    address = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  } catch (error) {
    await dispatcher.destroy();
    throw error;
  }
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      closing = true;
      await drainServer(server, connections, options.shutdownTimeout ?? 10);
      store.clear();
      await dispatcher.destroy();
    })());
  return {
    url: urlOf(address, options.tls !== undefined),
    port: address.port,
    upstream: upstream.origin + upstream.basePath,
    counters,
    close,
  };
}
