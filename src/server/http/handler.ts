// The request pipeline: authenticate → rate limit → route → authorize → validate → store
// operation → (writes) wait until durable → answer.
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate } from "../auth/authenticate.js";
import { authorize, authorizeTokenAdmin, type Access } from "../auth/authorize.js";
import { ApiError } from "../store/errors.js";
import type { State, TokenRecord } from "../store/model.js";
import { createEnvironment, createProject, deleteEnvironment, listEnvironments } from "../store/projects.js";
import { bulkSecrets, deleteSecret, listKeys, listSecrets, promoteSecrets, putSecret } from "../store/secrets.js";
import { createToken, listTokens, revokeToken } from "../store/token-admin.js";
import { createTemplate, deleteTemplate, listTemplates, validateEnvironment } from "../store/templates.js";
import type { Change, Touch } from "../persistence/changes.js";
import { logAccess } from "./access-log.js";
import { readJsonBody } from "./body.js";
import type { AuthFailureLimit } from "./auth-failure-limit.js";
import type { RateLimiter } from "./rate-limit.js";
import type { ReadCache } from "./read-cache.js";
import { answerFailure, sendNotModified, sendPayload } from "./respond.js";
import { matchRoute, type RouteMatch, type RouteName } from "./routes.js";
import { etagOf, ifNoneMatchHits } from "./etag.js";
import {
  bulkBody,
  createTokenBody,
  listQuery,
  parseWith,
  promoteBody,
  putBody,
  slugBody,
  templateBody,
} from "./schemas.js";

export interface HandlerContext {
  state(): State;
  findToken(hash: string): TokenRecord | undefined;
  /** Call before a change: what it touches, so it can be journaled and undone. */
  capture(touches: Touch[]): Change;
  /** Resolves once this change (and every one made before it) is durable. */
  commit(change: Change): Promise<void>;
  /** Serialised read answers; must be invalidated by every change of the state. */
  readCache: ReadCache;
  /** Per token: authenticated requests. */
  rateLimiter?: RateLimiter;
  /** Per client (loopback as one, IPv6 by /64) and in all: failed authentications (token guessing, floods of bad requests). */
  authFailureLimiter: AuthFailureLimit;
  /** Internal errors go here, and the access log when `accessLog`. */
  log?: NodeJS.WritableStream;
  accessLog: boolean;
  /** True once shutdown started: answers close their connection. */
  closing(): boolean;
}

type Answer = { status: number; body: unknown };

/** What a route touches; "tokens" for token administration, checked on its own. */
function accessFor(match: RouteMatch): Access | "tokens" {
  const { org = "", project = "", env = "" } = match.params;
  switch (match.name) {
    case "pull":
    case "keys":
    case "validate":
      return { write: false, org, project, envs: [env] };
    case "listTemplates":
    case "listEnvironments":
      return { write: false, org, project, envs: [] };
    case "createProject":
      return { write: true, org, envs: "project" };
    case "createEnvironment":
    case "deleteEnvironment":
      return { write: true, org, project, envs: "project" };
    case "createToken":
    case "listTokens":
    case "revokeToken":
      return "tokens";
    case "put":
    case "bulk":
    case "deleteSecret":
      return { write: true, org, project, envs: [env] };
    case "promote":
    case "createTemplate":
    case "deleteTemplate":
      return { write: true, org, project, envs: "project" };
  }
}

// Read answers that depend only on the path and query (never on who asks), so they may be shared.
const CACHEABLE = new Set<RouteName>(["pull", "keys", "listTemplates", "validate", "listEnvironments"]);
// Read answers with an ETag (If-None-Match → 304).
const TAGGED = new Set<RouteName>(["pull", "keys"]);

async function answer(
  ctx: HandlerContext,
  req: IncomingMessage,
  match: RouteMatch,
  query: URLSearchParams,
  actor: TokenRecord,
): Promise<Answer> {
  const { org = "", project = "", env = "", key = "", id = "" } = match.params;
  const ref = { org, project, env };
  const write = async <T>(touches: Touch[], change: () => T, status = 200): Promise<Answer> => {
    const captured = ctx.capture(touches);
    let body: T;
    try {
      body = change();
    } finally {
      ctx.readCache.invalidate();
    }
    await ctx.commit(captured);
    return { status, body };
  };
  switch (match.name) {
    case "pull":
      return {
        status: 200,
        body: listSecrets(ctx.state(), ref, parseWith(listQuery, Object.fromEntries(query), "query")),
      };
    case "keys":
      return {
        status: 200,
        body: listKeys(ctx.state(), ref, parseWith(listQuery, Object.fromEntries(query), "query")),
      };
    case "put": {
      const input = parseWith(putBody, await readJsonBody(req), "body");
      return write([{ kind: "keys", ...ref, keys: [input.key] }], () => putSecret(ctx.state(), ref, input));
    }
    case "bulk": {
      const input = parseWith(bulkBody, await readJsonBody(req), "body");
      return write([{ kind: "keys", ...ref, keys: input.secrets.map((s) => s.key) }], () =>
        bulkSecrets(ctx.state(), ref, input.secrets),
      );
    }
    case "deleteSecret":
      return write([{ kind: "keys", ...ref, keys: [key] }], () => deleteSecret(ctx.state(), ref, key));
    case "promote": {
      const input = parseWith(promoteBody, await readJsonBody(req), "body");
      return write([{ kind: "env", org, project, env: input.toEnv }], () =>
        promoteSecrets(ctx.state(), org, project, input),
      );
    }
    case "listTemplates":
      return { status: 200, body: listTemplates(ctx.state(), org, project) };
    case "createTemplate": {
      const input = parseWith(templateBody, await readJsonBody(req), "body");
      return write([{ kind: "project", org, project }], () => createTemplate(ctx.state(), org, project, input), 201);
    }
    case "deleteTemplate":
      return write([{ kind: "project", org, project }], () => deleteTemplate(ctx.state(), org, project, key));
    case "validate":
      return { status: 200, body: validateEnvironment(ctx.state(), org, project, env) };
    case "createToken": {
      const input = parseWith(createTokenBody, await readJsonBody(req), "body");
      return write([{ kind: "tokens" }], () => createToken(ctx.state(), actor, input), 201);
    }
    case "listTokens":
      return { status: 200, body: listTokens(ctx.state(), actor) };
    case "revokeToken":
      return write([{ kind: "tokens" }], () => revokeToken(ctx.state(), actor, id));
    case "createProject": {
      const input = parseWith(slugBody, await readJsonBody(req), "body");
      return write(
        [{ kind: "project", org, project: input.slug }],
        () => createProject(ctx.state(), org, input.slug),
        201,
      );
    }
    case "listEnvironments":
      return { status: 200, body: listEnvironments(ctx.state(), org, project) };
    case "createEnvironment": {
      const input = parseWith(slugBody, await readJsonBody(req), "body");
      return write(
        [{ kind: "project", org, project }],
        () => createEnvironment(ctx.state(), org, project, input.slug),
        201,
      );
    }
    case "deleteEnvironment":
      return write([{ kind: "project", org, project }], () => deleteEnvironment(ctx.state(), org, project, env));
  }
}

function rateLimited(wait: number): ApiError {
  return new ApiError("rate_limited", `rate limit exceeded; retry in ${wait} s`, { "retry-after": String(wait) });
}

/**
 * A client (or all clients together) that used up its failed authentications is refused before
 * its token is even looked at, so guessing cannot go on at full speed (a right guess would also
 * get a 429). Good tokens never consume the failure budget.
 */
function authenticateLimited(ctx: HandlerContext, req: IncomingMessage): TokenRecord {
  const address = req.socket.remoteAddress;
  const wait = ctx.authFailureLimiter.wait(address);
  if (wait > 0) throw rateLimited(wait);
  try {
    return authenticate(req.headers, ctx.findToken);
  } catch (error) {
    ctx.authFailureLimiter.fail(address);
    throw error;
  }
}

function splitUrl(url: string): { pathname: string; query: URLSearchParams } {
  const q = url.indexOf("?");
  return q < 0
    ? { pathname: url, query: new URLSearchParams() }
    : { pathname: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

export function createHandler(ctx: HandlerContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    if (ctx.log && ctx.accessLog) {
      const log = ctx.log;
      res.once("finish", () => logAccess(log, req, res, started));
    }
    try {
      const token = authenticateLimited(ctx, req);
      const wait = ctx.rateLimiter?.take(token.hash) ?? 0;
      if (wait > 0) throw rateLimited(wait);
      const { pathname, query } = splitUrl(req.url ?? "/");
      const match = matchRoute(req.method ?? "GET", pathname);
      const access = accessFor(match);
      if (access === "tokens") authorizeTokenAdmin(token);
      else authorize(token, access);
      const readKey = CACHEABLE.has(match.name)
        ? `${match.name}\0${Object.values(match.params).join("\0")}\0${query}`
        : undefined;
      let payload = readKey === undefined ? undefined : ctx.readCache.get(readKey);
      let status = 200;
      if (!payload) {
        const generation = ctx.readCache.generation;
        const answered = await answer(ctx, req, match, query, token);
        status = answered.status;
        payload = Buffer.from(JSON.stringify(answered.body));
        if (readKey !== undefined) ctx.readCache.set(readKey, payload, generation);
      }
      // Decided at answer time: a request that started before shutdown must not leave an idle keep-alive connection.
      if (ctx.closing()) res.setHeader("connection", "close");
      if (TAGGED.has(match.name)) {
        const etag = etagOf(payload);
        if (ifNoneMatchHits(req.headers["if-none-match"], etag)) return sendNotModified(res, etag);
        sendPayload(res, status, payload, { etag });
      } else sendPayload(res, status, payload);
    } catch (error) {
      answerFailure(res, error, ctx);
    }
  };
}
