// The agent's request pipeline (`secr-run serve --upstream`, docs/guide/fleet.md): health and metrics
// without a token; reads of the cacheable routes answered from the per-token cache, coalesced,
// revalidated after --revalidate and served stale (marked) within --max-stale when upstream
// fails; everything else passed through, a write dropping the cached answers of its project.
import type { IncomingMessage, ServerResponse } from "node:http";
import { SecrApiError } from "../../client/errors.js";
import { parseRetryAfter } from "../../client/retry.js";
import { send } from "../../client/transport.js";
import type { Dispatcher } from "../../client/undici.js";
import { VERSION } from "../../client/version.js";
import { logAccess } from "../http/access-log.js";
import { readBodyBytes } from "../http/body.js";
import { ifNoneMatchHits } from "../http/etag.js";
import type { RateLimiter } from "../http/rate-limit.js";
import { answerFailure, sendPayload } from "../http/respond.js";
import { matchRoute, type RouteMatch, type RouteName } from "../http/routes.js";
import { ApiError } from "../store/errors.js";
import type { InFlightLimit } from "./admission.js";
import type { SharedBackoff } from "./backoff.js";
import { entryKey, type CacheStore, type Entry } from "./cache-store.js";
import type { Coalescer } from "./coalesce.js";
import { invalidationAfterWrite, scopeOf } from "./invalidation.js";
import { renderMetrics, type Counters } from "./metrics.js";
import { STALE_HEADER } from "../../client/stale.js";
import { bearerToken, type TokenId } from "./token-id.js";

export interface ProxyContext {
  /** Upstream origin ("https://api.secr.dev") and path prefix ("" or "/secr"): the only place requests go. */
  origin: string;
  basePath: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
  revalidateMs: number;
  maxStaleMs: number;
  store: CacheStore;
  coalescer: Coalescer<Outcome>;
  backoff: SharedBackoff;
  counters: Counters;
  hashToken(token: string): TokenId;
  /** Per client address: tokens upstream rejected (guessing through the agent costs the machine's quota). */
  rejectLimiter: RateLimiter;
  /** Per client address: requests upstream of tokens the cache holds nothing for. */
  unconfirmed: InFlightLimit;
  /** Per token: requests upstream, so that no single pod can spend the node's upstream quota. */
  tokenLimiter: RateLimiter;
  now(): number;
  log?: NodeJS.WritableStream | undefined;
  accessLog: boolean;
  closing(): boolean;
}

/** What one upstream exchange (shared by coalesced callers) gives them to answer with. */
export type Outcome =
  | { kind: "entry"; entry: Entry; stale: boolean }
  | { kind: "pass"; status: number; headers: Record<string, string>; body: Buffer };

// The routes whose answer depends only on the token and the request (as in the server's read cache).
const CACHEABLE = new Set<RouteName>(["pull", "keys", "listTemplates", "validate", "listEnvironments"]);
// Response headers passed back to the pod; everything else (hop-by-hop, cookies, server's own) stays.
const PASSED_HEADERS = ["content-type", "etag", "retry-after", "allow"] as const;
/** A request body forwarded upstream is at most this (as the local server accepts). */
const MAX_FORWARD_BODY = 1024 * 1024;
/** Largest upstream answer read (as the client's default). */
const MAX_UPSTREAM_BYTES = 64 * 1024 * 1024;
const USER_AGENT = `secr-run-agent/${VERSION} node/${process.versions.node}`;

function splitUrl(url: string): { pathname: string; search: string } {
  const q = url.indexOf("?");
  return q < 0 ? { pathname: url, search: "" } : { pathname: url.slice(0, q), search: url.slice(q) };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function passedHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PASSED_HEADERS) {
    const value = headerValue(headers[name]);
    if (value !== undefined && /^[\x20-\x7e]*$/.test(value)) out[name] = value;
  }
  return out;
}

function localError(status: number, code: string, message: string, headers: Record<string, string> = {}): Outcome {
  return {
    kind: "pass",
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body: Buffer.from(JSON.stringify({ error: code, message })),
  };
}

export function createProxyHandler(ctx: ProxyContext) {
  const fresh = (entry: Entry): boolean => ctx.now() - entry.confirmedAt < ctx.revalidateMs;

  /** The cached answer within --max-stale, marked stale; else what upstream said. Only while the
   *  cache still holds it: a token rejected (or a project written) meanwhile is never answered stale. */
  const staleOr = (key: string, entry: Entry | undefined, otherwise: () => Outcome): Outcome => {
    if (
      entry !== undefined &&
      ctx.store.peek(key) === entry &&
      ctx.maxStaleMs > 0 &&
      ctx.now() - entry.confirmedAt <= ctx.maxStaleMs
    ) {
      ctx.counters.staleServed++;
      return { kind: "entry", entry, stale: true };
    }
    return otherwise();
  };

  /** Upstream work is limited per token (one pod must not spend the node's upstream quota, which
   *  would hold every token back after upstream's 429), and for a token the cache holds nothing
   *  for, per client address too: the token may be a guess. */
  const admitted = async (address: string, tokenId: TokenId, work: () => Promise<Outcome>): Promise<Outcome> => {
    const confirmed = ctx.store.holdsToken(tokenId);
    const rejects = confirmed ? 0 : ctx.rejectLimiter.wait(address);
    if (rejects > 0)
      return localError(429, "rate_limited", `too many rejected tokens from this address; retry in ${rejects} s`, {
        "retry-after": String(rejects),
      });
    const spent = ctx.tokenLimiter.wait(tokenId);
    if (spent > 0)
      return localError(429, "rate_limited", `too many upstream requests for this token; retry in ${spent} s`, {
        "retry-after": String(spent),
      });
    if (!confirmed && !ctx.unconfirmed.enter(address))
      return localError(
        429,
        "rate_limited",
        "too many requests of new tokens in flight from this address; retry in 1 s",
        { "retry-after": "1" },
      );
    ctx.tokenLimiter.take(tokenId);
    try {
      return await work();
    } finally {
      if (!confirmed) ctx.unconfirmed.leave(address);
    }
  };

  const headersFor = (token: string, extra: Record<string, string> = {}): Record<string, string> => ({
    authorization: `Bearer ${token}`,
    accept: "application/json",
    "user-agent": USER_AGENT,
    ...extra,
  });

  /** One upstream GET for a cache key: fills, confirms or (on failure) falls back to the entry. */
  const refresh = async (
    key: string,
    path: string,
    token: string,
    tokenId: TokenId,
    scope: string,
    entry: Entry | undefined,
    address: string,
  ): Promise<Outcome> => {
    const wait = ctx.backoff.remainingMs();
    if (wait > 0)
      return staleOr(key, entry, () =>
        localError(429, "rate_limited", `upstream asked to wait; retry in ${Math.ceil(wait / 1000)} s`, {
          "retry-after": String(Math.ceil(wait / 1000)),
        }),
      );
    ctx.counters.upstreamRequests++;
    if (entry?.etag !== undefined) ctx.counters.revalidations++;
    const stamp = ctx.store.stamp(tokenId, scope);
    let res;
    try {
      res = await send(ctx.dispatcher, ctx.origin, {
        method: "GET",
        path,
        headers: headersFor(token, entry?.etag === undefined ? {} : { "if-none-match": entry.etag }),
        timeoutMs: ctx.timeoutMs,
        sensitive: [token],
        maxResponseBytes: MAX_UPSTREAM_BYTES,
      });
    } catch (error) {
      ctx.counters.upstreamErrors++;
      const reason = error instanceof SecrApiError ? error.code : "network_error";
      return staleOr(key, entry, () =>
        localError(502, "upstream_unavailable", `the agent could not reach upstream secr (${reason})`),
      );
    }
    const now = ctx.now();
    if (res.status === 200) {
      const fetched: Entry = {
        status: 200,
        body: Buffer.from(res.body),
        etag: headerValue(res.headers.etag),
        contentType: headerValue(res.headers["content-type"]),
        tokenId,
        scope,
        confirmedAt: now,
      };
      ctx.store.set(key, fetched, stamp);
      return { kind: "entry", entry: fetched, stale: false };
    }
    if (res.status === 304 && entry !== undefined) {
      ctx.counters.notModified++;
      entry.confirmedAt = now;
      ctx.store.set(key, entry, stamp);
      return { kind: "entry", entry, stale: false };
    }
    const passed: Outcome = {
      kind: "pass",
      status: res.status,
      headers: passedHeaders(res.headers),
      body: Buffer.from(res.body),
    };
    if (res.status === 401 || res.status === 403) {
      // A rejected token is never answered from the cache again, not even stale.
      ctx.counters.tokenDrops++;
      ctx.store.dropToken(tokenId);
      ctx.rejectLimiter.take(address);
      return passed;
    }
    if (res.status === 429) {
      ctx.counters.rateLimited++;
      ctx.backoff.hold(parseRetryAfter(headerValue(res.headers["retry-after"])));
      return staleOr(key, entry, () => passed);
    }
    if (res.status >= 500) {
      ctx.counters.upstreamErrors++;
      return staleOr(key, entry, () => passed);
    }
    ctx.store.delete(key); // 404 and the like: what was cached no longer holds
    return passed;
  };

  const read = async (req: IncomingMessage, url: string, token: string, match: RouteMatch): Promise<Outcome> => {
    const tokenId = ctx.hashToken(token);
    const key = entryKey(tokenId, url);
    const entry = ctx.store.get(key);
    if (entry !== undefined && fresh(entry)) {
      ctx.counters.hits++;
      return { kind: "entry", entry, stale: false };
    }
    const address = req.socket.remoteAddress ?? "unknown";
    const { result, joined } = ctx.coalescer.run(key, () =>
      admitted(address, tokenId, () =>
        refresh(key, ctx.basePath + url, token, tokenId, scopeOf(match), entry, address),
      ),
    );
    if (joined) ctx.counters.coalesced++;
    else ctx.counters.misses++;
    return result;
  };

  /** Writes and uncached reads: forwarded as they are, then the project's cached answers dropped. */
  const pass = async (req: IncomingMessage, url: string, token: string, match: RouteMatch): Promise<Outcome> => {
    const method = req.method as "GET" | "PUT" | "POST" | "DELETE";
    const body =
      method === "GET" || method === "DELETE"
        ? undefined
        : (await readBodyBytes(req, MAX_FORWARD_BODY)).toString("utf8");
    return admitted(req.socket.remoteAddress ?? "unknown", ctx.hashToken(token), () =>
      forward(req, method, url, body, token, match),
    );
  };

  const forward = async (
    req: IncomingMessage,
    method: "GET" | "PUT" | "POST" | "DELETE",
    url: string,
    body: string | undefined,
    token: string,
    match: RouteMatch,
  ): Promise<Outcome> => {
    const wait = ctx.backoff.remainingMs();
    if (wait > 0)
      return localError(429, "rate_limited", `upstream asked to wait; retry in ${Math.ceil(wait / 1000)} s`, {
        "retry-after": String(Math.ceil(wait / 1000)),
      });
    const contentType = headerValue(req.headers["content-type"]);
    ctx.counters.upstreamRequests++;
    let res: Awaited<ReturnType<typeof send>> | undefined;
    try {
      res = await send(ctx.dispatcher, ctx.origin, {
        method,
        path: ctx.basePath + url,
        headers: headersFor(
          token,
          body !== undefined && contentType !== undefined ? { "content-type": contentType } : {},
        ),
        body,
        timeoutMs: ctx.timeoutMs,
        sensitive: [token],
        maxResponseBytes: MAX_UPSTREAM_BYTES,
      });
    } catch (error) {
      ctx.counters.upstreamErrors++;
      return localError(
        502,
        "upstream_unavailable",
        `the agent could not reach upstream secr (${error instanceof SecrApiError ? error.code : "network_error"})`,
      );
    } finally {
      // A write may have happened even when its answer was lost: drop what it could have changed.
      const invalidation = method === "GET" ? ({ kind: "none" } as const) : invalidationAfterWrite(match, res?.status);
      if (invalidation.kind !== "none") ctx.counters.invalidations++;
      if (invalidation.kind === "all") ctx.store.clear();
      else if (invalidation.kind === "scope") ctx.store.dropScope(invalidation.scope);
    }
    if (res.status === 401 || res.status === 403) {
      ctx.counters.tokenDrops++;
      ctx.store.dropToken(ctx.hashToken(token));
      ctx.rejectLimiter.take(req.socket.remoteAddress ?? "unknown");
    } else if (res.status === 429) {
      ctx.counters.rateLimited++;
      ctx.backoff.hold(parseRetryAfter(headerValue(res.headers["retry-after"])));
    } else if (res.status >= 500) ctx.counters.upstreamErrors++;
    return { kind: "pass", status: res.status, headers: passedHeaders(res.headers), body: Buffer.from(res.body) };
  };

  const answer = (req: IncomingMessage, res: ServerResponse, outcome: Outcome): void => {
    if (ctx.closing()) res.setHeader("connection", "close");
    if (outcome.kind === "pass") return sendPayload(res, outcome.status, outcome.body, outcome.headers);
    const { entry, stale } = outcome;
    const headers: Record<string, string> = {};
    if (entry.etag !== undefined) headers.etag = entry.etag;
    if (entry.contentType !== undefined) headers["content-type"] = entry.contentType;
    // Seconds since upstream last confirmed the answer: the client warns as for its own snapshot.
    if (stale) headers[STALE_HEADER] = String(Math.max(0, Math.floor((ctx.now() - entry.confirmedAt) / 1000)));
    if (entry.etag !== undefined && ifNoneMatchHits(headerValue(req.headers["if-none-match"]), entry.etag)) {
      res.writeHead(304, { ...headers, "cache-control": "no-store" });
      res.end();
      return;
    }
    sendPayload(res, entry.status, entry.body, headers);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    if (ctx.log && ctx.accessLog) {
      const log = ctx.log;
      res.once("finish", () => logAccess(log, req, res, started));
    }
    try {
      const url = req.url ?? "/";
      // Origin-form only: an absolute URL ("GET http://elsewhere/...") never picks the destination.
      if (!url.startsWith("/") || url.startsWith("//"))
        throw new ApiError("bad_request", "the request target must be a path (origin-form)");
      const { pathname } = splitUrl(url);
      const method = req.method ?? "GET";
      if (pathname === "/healthz" && method === "GET") {
        return sendPayload(res, 200, JSON.stringify({ status: "ok" }));
      }
      if (pathname === "/metrics" && method === "GET") {
        const text = renderMetrics(ctx.counters, {
          entries: ctx.store.size,
          bytes: ctx.store.bytes,
          maxBytes: ctx.store.maxBytes,
          backoffSeconds: Math.ceil(ctx.backoff.remainingMs() / 1000),
        });
        return sendPayload(res, 200, text, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      }
      const token = bearerToken(headerValue(req.headers.authorization));
      if (token === undefined) throw new ApiError("unauthorized", "missing or malformed Authorization: Bearer token");
      const match = matchRoute(method, pathname);
      if (Object.values(match.params).some((segment) => segment === "." || segment === ".."))
        throw new ApiError("bad_request", "a path segment cannot be . or ..");
      const outcome =
        method === "GET" && CACHEABLE.has(match.name)
          ? await read(req, url, token, match)
          : await pass(req, url, token, match);
      answer(req, res, outcome);
    } catch (error) {
      answerFailure(res, error, ctx);
    }
  };
}
