// SecrClient: the typed client of the secr API (wire contract: docs/design/wire-contract.md).
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_API_URL, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS } from "./defaults.js";
import { errorFromResponse, isSecrApiError, SecrApiError } from "./errors.js";
import { DEFAULT_RETRY_POLICY, nextDelayMs, parseRetryAfter, type RetryPolicy } from "./retry.js";
import {
  bulkSetSecretsSchema,
  deleteSchema,
  describeIssues,
  listKeysSchema,
  listTemplatesSchema,
  promoteSchema,
  pullSecretsSchema,
  setSecretSchema,
  templateSchema,
  templateValidationSchema,
  type BulkSetSecretsResult,
  type DeleteSecretResult,
  type DeleteTemplateResult,
  type ListKeysResult,
  type PromoteResult,
  type PullSecretsResult,
  type Schema,
  type Secret,
  type SetSecretResult,
  type Template,
  type TemplateValidation,
  createdTokenSchema,
  deleteEnvironmentSchema,
  environmentSchema,
  listEnvironmentsSchema,
  listTokensSchema,
  projectSchema,
  revokeTokenSchema,
  type Conditional,
  type CreatedToken,
  type DeleteEnvironmentResult,
  type EnvironmentInfo,
  type ProjectInfo,
  type RevokeTokenResult,
  type TokenInfo,
  type TokenRole,
} from "./schemas.js";
import { abortedError, createDispatcher, PIPELINING, send, type HttpRequest, type SocketAdopter } from "./transport.js";
import type { Dispatcher } from "./undici.js";
import { addPage, newPageState } from "./paging.js";
import { buildPath, parseBaseUrl, type QueryValue } from "./url.js";
import { VERSION } from "./version.js";
import { parseStale, STALE_HEADER } from "./stale.js";

export interface SecrClientOptions {
  /** API token, sent as `Authorization: Bearer <token>`; any prefix is accepted. */
  token: string;
  /** Default `https://api.secr.dev`. `http://` only for loopback hosts or with `allowInsecureHttp`. */
  apiUrl?: string;
  /** Per-attempt timeout in ms covering connect, headers and body. Default 30000. */
  timeout?: number;
  /** Retries after the first attempt. Default 2 (3 attempts); 0 turns retrying off. */
  maxRetries?: number;
  /** Appended to the User-Agent `secr-run/<version> node/<version>`. */
  userAgent?: string;
  /** Allow `http://` to a non-loopback host: the token then travels in clear text. */
  allowInsecureHttp?: boolean;
  /** Backoff base in ms (default 250): retry n waits a random time below min(max, base·2ⁿ). */
  retryBaseDelayMs?: number;
  /** Cap of one backoff wait in ms (default 4000). */
  retryMaxDelayMs?: number;
  /** Longest Retry-After honoured, in ms (default 30000); a longer one ends the retries at once. */
  maxRetryAfterMs?: number;
  /** Upper bound of all waits between attempts of one call, in ms (default 60000). */
  maxRetryWaitMs?: number;
  /** Largest response body read, in bytes (default 64 MiB); a larger one fails with
   *  `response_too_large` and is not retried. */
  maxResponseBytes?: number;
  /**
   * A socket opened earlier for the client's origin (say, while the program was still loading),
   * to use instead of a new connection: called on each new connection with its origin; resolve
   * to the socket (connected; for https, TLS established) or to undefined to connect as usual.
   */
  adoptSocket?: SocketAdopter;
  /** PEM CA certificate(s) trusted for the API besides the system's (a private CA, e.g. a node agent's). */
  ca?: string | Buffer;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface ListOptions extends RequestOptions {
  limit?: number;
  offset?: number;
  /** Case-insensitive key substring. */
  search?: string;
}

export interface SetSecretOptions extends RequestOptions {
  description?: string;
}

export interface SecretInput {
  key: string;
  value: string;
}

export interface PromoteOptions extends RequestOptions {
  fromEnv: string;
  toEnv: string;
  /** Only these keys (default: all active secrets of fromEnv). */
  keys?: string[];
  /** Update keys that already exist in toEnv (default false: skip them). */
  overwrite?: boolean;
}

export interface ConditionalListOptions extends ListOptions {
  /** The ETag of the copy you have: a 304 (no body) comes back while it is still current. */
  ifNoneMatch?: string;
}

export interface CreateTokenInput {
  name: string;
  role: TokenRole;
  /** Scope: an org, optionally a project in it, optionally an environment of that project. */
  org?: string;
  project?: string;
  env?: string;
  /** ISO-8601 date-time in the future, or a Date. */
  expiresAt?: string | Date;
}

export interface CreateTemplateOptions extends RequestOptions {
  description?: string;
  /** Default true. */
  required?: boolean;
}

/** Page size pullAllSecrets asks for; a server may cap it lower. */
export const PULL_PAGE_SIZE = 1000;
/** How often pullAllSecrets starts over when the set changed under it. */
const PULL_RESTARTS = 2;
export { DEFAULT_MAX_RESPONSE_BYTES };

type Method = HttpRequest["method"];

interface Call<T, R = T> {
  query?: Record<string, QueryValue>;
  body?: unknown;
  schema: Schema<T>;
  signal?: AbortSignal | undefined;
  /** Values in the body, kept out of error messages. */
  sensitive?: readonly string[];
  /** A conditional GET: sends If-None-Match, accepts 304, and builds the result with the ETag. */
  conditional?: { ifNoneMatch: string | undefined; result(data: T | undefined, etag: string | undefined): R };
}

function closedError(route: string): SecrApiError {
  return new SecrApiError(`secr API ${route}: the client is closed`, 0, "client_closed");
}

function invalidArgument(message: string): SecrApiError {
  return new SecrApiError(message, 0, "invalid_argument");
}

function nonNegativeInt(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0))
    throw invalidArgument(`${name} must be a non-negative integer`);
  return value;
}

/** Node timers overflow above 2^31-1 ms (≈ 24.8 days) and then fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function milliseconds(name: string, value: number | undefined): number | undefined {
  if (nonNegativeInt(name, value) !== undefined && value! > MAX_TIMER_MS)
    throw invalidArgument(`${name} must be at most ${MAX_TIMER_MS} ms`);
  return value;
}

function positiveMilliseconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value > 0 && value <= MAX_TIMER_MS))
    throw invalidArgument(`${name} must be a positive number of milliseconds up to ${MAX_TIMER_MS}`);
  return value;
}

/** Request options: undefined or an object; a signal, when given, must be an AbortSignal. */
function requestOptions<T extends RequestOptions>(method: string, value: T | undefined): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== "object") throw invalidArgument(`${method} options must be an object`);
  if (value.signal !== undefined && !(value.signal instanceof AbortSignal))
    throw invalidArgument(`${method} options.signal must be an AbortSignal`);
  return value;
}

function text(name: string, value: unknown): string {
  if (typeof value !== "string") throw invalidArgument(`${name} must be a string`);
  return value;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A path segment must be non-empty and not a dot segment, which URL parsers would resolve away. */
function segment(name: string, value: unknown): string {
  if (typeof value !== "string" || value === "") throw invalidArgument(`${name} must be a non-empty string`);
  if (value === "." || value === "..")
    throw invalidArgument(`${name} ${JSON.stringify(value)} cannot be used in a URL path`);
  // encodeURIComponent throws on a lone surrogate: say so in our terms.
  if (LONE_SURROGATE.test(value)) throw invalidArgument(`${name} is not well-formed Unicode (lone surrogate)`);
  return value;
}

/**
 * Typed client of the secr API. One keep-alive connection pool per instance: reuse the client,
 * and close it (`close()`, or `await using`) when done so the process can exit promptly.
 *
 * Every method rejects with {@link SecrApiError} only. Idempotent calls (GET, PUT, DELETE) are
 * retried on network errors, timeouts, 429, 502, 503 and 504; POST only on 429.
 *
 * @example
 * await using client = new SecrClient({ token: process.env.SECR_TOKEN! });
 * const secrets = await client.pullAllSecrets("acme", "api", "production");
 */
export class SecrClient implements AsyncDisposable {
  readonly apiUrl: string;
  readonly timeout: number;
  readonly #token: string;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #userAgent: string;
  readonly #policy: RetryPolicy;
  readonly #maxResponseBytes: number;
  readonly #dispatcher: Dispatcher;
  #requestsSent = 0;
  #staleSeconds: number | undefined;
  #closed = false;

  constructor(options: SecrClientOptions) {
    if (options === null || typeof options !== "object")
      throw invalidArgument("SecrClient needs an options object with a token");
    const token = typeof options.token === "string" ? options.token.trim() : "";
    if (token === "") throw invalidArgument("token is required (got an empty or missing token)");
    // Never echo the token: only say what is wrong with it.
    if (!/^[\x21-\x7e]+$/.test(token))
      throw invalidArgument("token contains whitespace or characters not allowed in an HTTP header");
    this.#token = token;
    const base = parseBaseUrl(options.apiUrl ?? DEFAULT_API_URL, options.allowInsecureHttp === true);
    this.#origin = base.origin;
    this.#basePath = base.basePath;
    this.apiUrl = base.origin + base.basePath;
    this.timeout = positiveMilliseconds("timeout", options.timeout, DEFAULT_TIMEOUT_MS);
    this.#policy = {
      maxRetries: nonNegativeInt("maxRetries", options.maxRetries) ?? DEFAULT_RETRY_POLICY.maxRetries,
      baseDelayMs: milliseconds("retryBaseDelayMs", options.retryBaseDelayMs) ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: milliseconds("retryMaxDelayMs", options.retryMaxDelayMs) ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      maxRetryAfterMs: milliseconds("maxRetryAfterMs", options.maxRetryAfterMs) ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
      maxTotalWaitMs: milliseconds("maxRetryWaitMs", options.maxRetryWaitMs) ?? DEFAULT_RETRY_POLICY.maxTotalWaitMs,
    };
    const maxBytes = options.maxResponseBytes;
    if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes > 0))
      throw invalidArgument("maxResponseBytes must be a positive integer");
    this.#maxResponseBytes = maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const extra = options.userAgent?.trim();
    if (extra !== undefined && !/^[\x20-\x7e]*$/.test(extra))
      throw invalidArgument("userAgent must be printable ASCII");
    this.#userAgent = `secr-run/${VERSION} node/${process.versions.node}${extra ? ` ${extra}` : ""}`;
    if (options.adoptSocket !== undefined && typeof options.adoptSocket !== "function")
      throw invalidArgument("adoptSocket must be a function");
    if (options.ca !== undefined && typeof options.ca !== "string" && !Buffer.isBuffer(options.ca))
      throw invalidArgument("ca must be a PEM string or Buffer");
    this.#dispatcher = createDispatcher(base.loopback, this.timeout, options.adoptSocket, options.ca);
  }

  // ---- secrets ----

  /** One page (or, without `limit`, possibly the whole set) of an environment's secrets. */
  async pullSecrets(org: string, project: string, env: string, options: ListOptions = {}): Promise<PullSecretsResult> {
    requestOptions("pullSecrets", options);
    return this.#call("GET", ["secrets", segment("org", org), segment("project", project), segment("env", env)], {
      query: listQuery(options),
      schema: pullSecretsSchema,
      signal: options.signal,
    });
  }

  /**
   * Every secret of an environment, following pages until `total` is reached. If the set shifts
   * between pages (total changes, a key repeats, a page comes back short), the pull starts over
   * (at most twice more), then fails with `inconsistent_data`: never a partial or duplicated set.
   * The first page tells the total; the later ones are then requested together (up to
   * PIPELINING at a time, on the one connection) and checked in order. A listing over the caps
   * of src/client/paging.ts (items, pages, `maxResponseBytes` characters in all) fails at once
   * with `response_too_large`.
   */
  async pullAllSecrets(
    org: string,
    project: string,
    env: string,
    options: RequestOptions & { search?: string } = {},
  ): Promise<Secret[]> {
    requestOptions("pullAllSecrets", options);
    let reason = "";
    for (let pull = 0; pull <= PULL_RESTARTS; pull++) {
      const result = await this.#pullOnce(org, project, env, options);
      if (Array.isArray(result)) return result;
      // Too much is no accident of timing: starting over would only fetch it again.
      if (result.tooLarge)
        throw new SecrApiError(`secrets of ${org}/${project}/${env}: ${result.reason}`, 0, "response_too_large");
      reason = result.reason;
    }
    const where = `${org}/${project}/${env}`;
    throw new SecrApiError(
      `secrets of ${where} kept changing while being pulled (${reason}; ${PULL_RESTARTS + 1} tries)`,
      200,
      "inconsistent_data",
    );
  }

  /** One pass over the pages: every secret, or why the set looked inconsistent. */
  async #pullOnce(
    org: string,
    project: string,
    env: string,
    options: RequestOptions & { search?: string },
  ): Promise<Secret[] | { reason: string; tooLarge: boolean }> {
    const page = (offset: number, signal: AbortSignal | undefined) =>
      this.pullSecrets(org, project, env, { limit: PULL_PAGE_SIZE, offset, search: options.search, signal });
    const state = newPageState<Secret>(this.#maxResponseBytes);
    const first = await page(0, options.signal);
    let verdict = addPage(state, 0, first);
    // "more" means the first page was full and not empty: its length is the server's page size.
    const step = first.secrets.length;
    while (verdict.next === "more") {
      const offsets: number[] = [];
      for (let offset = verdict.offset; offset < (state.total ?? 0); offset += step) offsets.push(offset);
      // Pages not needed any more (an error, or the set shifted) are cancelled, not left running.
      const stop = new AbortController();
      const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
      const inFlight = new Map<number, Promise<PullSecretsResult>>();
      const launch = (index: number): void => {
        if (index >= offsets.length || inFlight.has(index)) return;
        const request = page(offsets[index]!, signal);
        request.catch(() => undefined); // awaited below, or cancelled and no longer wanted
        inFlight.set(index, request);
      };
      try {
        for (let index = 0; index < offsets.length; index++) {
          // The server capped later pages differently: plan again from where the set stands.
          if (verdict.next !== "more" || verdict.offset !== offsets[index]) break;
          for (let ahead = index; ahead < index + PIPELINING; ahead++) launch(ahead);
          const result = await inFlight.get(index)!;
          inFlight.delete(index);
          verdict = addPage(state, offsets[index]!, result);
        }
      } finally {
        if (inFlight.size > 0) stop.abort();
      }
    }
    // Each pass of the loop adds at least one non-empty page or ends in "inconsistent".
    return verdict.next === "done" ? state.secrets : { reason: verdict.reason, tooLarge: verdict.next === "too-large" };
  }

  async listKeys(org: string, project: string, env: string, options: ListOptions = {}): Promise<ListKeysResult> {
    requestOptions("listKeys", options);
    return this.#call(
      "GET",
      ["secrets", segment("org", org), segment("project", project), segment("env", env), "keys"],
      {
        query: listQuery(options),
        schema: listKeysSchema,
        signal: options.signal,
      },
    );
  }

  async setSecret(
    org: string,
    project: string,
    env: string,
    key: string,
    value: string,
    options: SetSecretOptions = {},
  ): Promise<SetSecretResult> {
    requestOptions("setSecret", options);
    segment("key", key);
    if (typeof value !== "string") throw invalidArgument(`value of ${key} must be a string`);
    const body: Record<string, string> = { key, value };
    if (options.description !== undefined) body.description = text("description", options.description);
    return this.#call("PUT", ["secrets", segment("org", org), segment("project", project), segment("env", env)], {
      body,
      schema: setSecretSchema,
      signal: options.signal,
      sensitive: [value],
    });
  }

  /** Creates or updates every entry, atomically as a whole. */
  async bulkSetSecrets(
    org: string,
    project: string,
    env: string,
    secrets: readonly SecretInput[],
    options: RequestOptions = {},
  ): Promise<BulkSetSecretsResult> {
    requestOptions("bulkSetSecrets", options);
    if (!Array.isArray(secrets)) throw invalidArgument("secrets must be an array of { key, value }");
    const entries = secrets.map((s, i) => {
      if (
        s === null ||
        typeof s !== "object" ||
        typeof s.key !== "string" ||
        s.key === "" ||
        typeof s.value !== "string"
      ) {
        throw invalidArgument(`secrets[${i}] must be { key: non-empty string, value: string }`);
      }
      return { key: s.key, value: s.value };
    });
    return this.#call(
      "POST",
      ["secrets", segment("org", org), segment("project", project), segment("env", env), "bulk"],
      {
        body: { secrets: entries },
        schema: bulkSetSecretsSchema,
        signal: options.signal,
        sensitive: entries.map((e) => e.value),
      },
    );
  }

  async deleteSecret(
    org: string,
    project: string,
    env: string,
    key: string,
    options: RequestOptions = {},
  ): Promise<DeleteSecretResult> {
    requestOptions("deleteSecret", options);
    return this.#call(
      "DELETE",
      ["secrets", segment("org", org), segment("project", project), segment("env", env), segment("key", key)],
      {
        schema: deleteSchema,
        signal: options.signal,
      },
    );
  }

  async promoteSecrets(org: string, project: string, options: PromoteOptions): Promise<PromoteResult> {
    if (options === null || typeof options !== "object")
      throw invalidArgument("promoteSecrets needs { fromEnv, toEnv }");
    requestOptions("promoteSecrets", options);
    const body: Record<string, unknown> = {
      fromEnv: segment("fromEnv", options.fromEnv),
      toEnv: segment("toEnv", options.toEnv),
    };
    if (options.keys !== undefined) {
      if (!Array.isArray(options.keys) || options.keys.some((k) => typeof k !== "string"))
        throw invalidArgument("keys must be an array of strings");
      body.keys = options.keys;
    }
    if (options.overwrite !== undefined) body.overwrite = options.overwrite === true;
    return this.#call("POST", ["secrets", segment("org", org), segment("project", project), "promote"], {
      body,
      schema: promoteSchema,
      signal: options.signal,
    });
  }

  // ---- templates ----

  async listTemplates(org: string, project: string, options: RequestOptions = {}): Promise<Template[]> {
    requestOptions("listTemplates", options);
    return this.#call("GET", ["templates", segment("org", org), segment("project", project)], {
      schema: listTemplatesSchema,
      signal: options.signal,
    });
  }

  async createTemplate(
    org: string,
    project: string,
    key: string,
    options: CreateTemplateOptions = {},
  ): Promise<Template> {
    requestOptions("createTemplate", options);
    const body: Record<string, unknown> = { key: segment("key", key) };
    if (options.description !== undefined) body.description = text("description", options.description);
    if (options.required !== undefined) body.required = options.required === true;
    return this.#call("POST", ["templates", segment("org", org), segment("project", project)], {
      body,
      schema: templateSchema,
      signal: options.signal,
    });
  }

  async deleteTemplate(
    org: string,
    project: string,
    key: string,
    options: RequestOptions = {},
  ): Promise<DeleteTemplateResult> {
    requestOptions("deleteTemplate", options);
    return this.#call("DELETE", ["templates", segment("org", org), segment("project", project), segment("key", key)], {
      schema: deleteSchema,
      signal: options.signal,
    });
  }

  /** Which required template keys the environment lacks (`missing`) and which it has beyond the template (`extra`). */
  async validateTemplate(
    org: string,
    project: string,
    env: string,
    options: RequestOptions = {},
  ): Promise<TemplateValidation> {
    requestOptions("validateTemplate", options);
    return this.#call(
      "GET",
      ["templates", segment("org", org), segment("project", project), "validate", segment("env", env)],
      {
        schema: templateValidationSchema,
        signal: options.signal,
      },
    );
  }

  // ---- conditional reads (ETag / If-None-Match) ----

  /** pullSecrets, but with `ifNoneMatch` answers `{ notModified: true }` (no body) while nothing changed. */
  pullSecretsIfChanged(
    org: string,
    project: string,
    env: string,
    options: ConditionalListOptions = {},
  ): Promise<Conditional<PullSecretsResult>> {
    return this.#call("GET", ["secrets", segment("org", org), segment("project", project), segment("env", env)], {
      query: listQuery(options),
      schema: pullSecretsSchema,
      signal: options.signal,
      conditional: conditional(options.ifNoneMatch),
    });
  }

  /** listKeys, but with `ifNoneMatch` answers `{ notModified: true }` (no body) while nothing changed. */
  listKeysIfChanged(
    org: string,
    project: string,
    env: string,
    options: ConditionalListOptions = {},
  ): Promise<Conditional<ListKeysResult>> {
    return this.#call(
      "GET",
      ["secrets", segment("org", org), segment("project", project), segment("env", env), "keys"],
      {
        query: listQuery(options),
        schema: listKeysSchema,
        signal: options.signal,
        conditional: conditional(options.ifNoneMatch),
      },
    );
  }

  // ---- tokens ----

  /** Creates a token; the result's `token` is shown this once. Needs an unscoped or org-scoped admin token. */
  createToken(input: CreateTokenInput, options: RequestOptions = {}): Promise<CreatedToken> {
    if (input === null || typeof input !== "object") throw invalidArgument("createToken needs { name, role }");
    const body: Record<string, string> = { name: text("name", input.name), role: text("role", input.role) };
    for (const field of ["org", "project", "env"] as const)
      if (input[field] !== undefined) body[field] = segment(field, input[field]);
    if (input.expiresAt !== undefined) {
      const expiresAt =
        input.expiresAt instanceof Date ? input.expiresAt : new Date(text("expiresAt", input.expiresAt));
      if (Number.isNaN(expiresAt.getTime())) throw invalidArgument("expiresAt must be an ISO-8601 date-time or a Date");
      body.expiresAt = expiresAt.toISOString();
    }
    return this.#call("POST", ["tokens"], { body, schema: createdTokenSchema, signal: options.signal });
  }

  /** Tokens without their secrets: id, name, role, scope, dates and state. */
  listTokens(options: RequestOptions = {}): Promise<TokenInfo[]> {
    return this.#call("GET", ["tokens"], { schema: listTokensSchema, signal: options.signal });
  }

  /** Revokes a token by id: from now on it gets 401. */
  revokeToken(id: string, options: RequestOptions = {}): Promise<RevokeTokenResult> {
    return this.#call("DELETE", ["tokens", segment("id", id)], { schema: revokeTokenSchema, signal: options.signal });
  }

  // ---- projects and environments ----

  /** Creates a project (with development, staging and production environments). */
  createProject(org: string, slug: string, options: RequestOptions = {}): Promise<ProjectInfo> {
    return this.#call("POST", ["projects", segment("org", org)], {
      body: { slug: segment("slug", slug) },
      schema: projectSchema,
      signal: options.signal,
    });
  }

  listEnvironments(org: string, project: string, options: RequestOptions = {}): Promise<EnvironmentInfo[]> {
    return this.#call("GET", ["projects", segment("org", org), segment("project", project), "environments"], {
      schema: listEnvironmentsSchema,
      signal: options.signal,
    });
  }

  createEnvironment(
    org: string,
    project: string,
    slug: string,
    options: RequestOptions = {},
  ): Promise<EnvironmentInfo> {
    return this.#call("POST", ["projects", segment("org", org), segment("project", project), "environments"], {
      body: { slug: segment("slug", slug) },
      schema: environmentSchema,
      signal: options.signal,
    });
  }

  /** Deletes an environment and every secret in it. */
  deleteEnvironment(
    org: string,
    project: string,
    env: string,
    options: RequestOptions = {},
  ): Promise<DeleteEnvironmentResult> {
    return this.#call(
      "DELETE",
      ["projects", segment("org", org), segment("project", project), "environments", segment("env", env)],
      {
        schema: deleteEnvironmentSchema,
        signal: options.signal,
      },
    );
  }

  /**
   * Set once an answer came from a caching agent's cache because upstream secr failed
   * (docs/design/wire-contract.md, "Stale answers from an agent"): the oldest such answer's age in
   * seconds since secr last confirmed it. undefined while every answer was fresh.
   */
  get staleSeconds(): number | undefined {
    return this.#staleSeconds;
  }

  /** HTTP requests this client has sent, retries included (for secr-run's --report-json). */
  get requestsSent(): number {
    return this.#requestsSent;
  }

  // ---- lifecycle ----

  /** Destroys the connection pool; in-flight requests fail. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#dispatcher.destroy();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- the one request path ----

  async #call<T, R = T>(method: Method, segments: string[], call: Call<T, R>): Promise<R> {
    const path = buildPath(this.#basePath, segments, call.query);
    const route = `${method} ${path}`;
    if (this.#closed) throw closedError(route);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#token}`,
      accept: "application/json",
      "user-agent": this.#userAgent,
    };
    if (call.conditional?.ifNoneMatch !== undefined) headers["if-none-match"] = call.conditional.ifNoneMatch;
    let body: string | undefined;
    if (call.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(call.body);
    }
    const sensitive = [this.#token, ...(call.sensitive ?? [])];
    const request: HttpRequest = {
      method,
      path,
      headers,
      body,
      timeoutMs: this.timeout,
      signal: call.signal,
      sensitive,
      maxResponseBytes: this.#maxResponseBytes,
    };

    let waitedMs = 0;
    for (let retry = 0; ; retry++) {
      let error: SecrApiError;
      try {
        this.#requestsSent++;
        const res = await send(this.#dispatcher, this.#origin, request);
        const stale = parseStale(header(res.headers, STALE_HEADER));
        if (stale !== undefined && (res.status < 300 || res.status === 304))
          this.#staleSeconds = Math.max(this.#staleSeconds ?? 0, stale);
        if (call.conditional && (res.status === 304 || (res.status >= 200 && res.status < 300))) {
          const data = res.status === 304 ? undefined : parseBody(res.status, res.body, call.schema, route);
          return call.conditional.result(data, header(res.headers, "etag"));
        }
        if (res.status >= 200 && res.status < 300)
          return parseBody(res.status, res.body, call.schema, route) as unknown as R;
        error = errorFromResponse({
          status: res.status,
          location: header(res.headers, "location"),
          route,
          body: res.body,
          retryAfter: parseRetryAfter(header(res.headers, "retry-after")),
          sensitive,
        });
      } catch (thrown) {
        if (!isSecrApiError(thrown) || thrown.code === "invalid_response") throw thrown;
        // close() destroyed the pool under this request: say so rather than "network error".
        if (this.#closed && thrown.code === "network_error") throw closedError(route);
        error = thrown;
      }
      const delay = nextDelayMs(method, error, retry, waitedMs, this.#policy);
      if (delay === undefined) throw retry === 0 ? error : withAttempts(error, retry + 1);
      try {
        await sleep(delay, undefined, { signal: call.signal });
      } catch {
        throw abortedError(route);
      }
      if (this.#closed) throw closedError(route);
      waitedMs += delay;
    }
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function conditional<T>(ifNoneMatch: string | undefined): NonNullable<Call<T, Conditional<T>>["conditional"]> {
  if (ifNoneMatch !== undefined && !/^[\x20-\x7e]+$/.test(text("ifNoneMatch", ifNoneMatch))) {
    throw invalidArgument("ifNoneMatch must be a non-empty ETag of printable ASCII");
  }
  return {
    ifNoneMatch,
    result(data, etag) {
      if (data !== undefined) return { notModified: false, etag, ...data };
      // 304 carries the ETag; a server that omits it still means "your copy is current".
      return { notModified: true, etag: etag ?? ifNoneMatch ?? "" };
    },
  };
}

function listQuery(options: ListOptions): Record<string, QueryValue> {
  return {
    limit: nonNegativeInt("limit", options.limit),
    offset: nonNegativeInt("offset", options.offset),
    search: options.search === undefined || options.search === "" ? undefined : String(options.search),
  };
}

function parseBody<T>(status: number, text: string, schema: Schema<T>, route: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SecrApiError(
      `secr API ${route} returned ${status} with a body that is not JSON`,
      status,
      "invalid_response",
    );
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new SecrApiError(
      `secr API ${route} returned ${status} with an unexpected body: ${describeIssues(result.error.issues)}`,
      status,
      "invalid_response",
    );
  }
  return result.data;
}

function withAttempts(error: SecrApiError, attempts: number): SecrApiError {
  return new SecrApiError(`${error.message} (gave up after ${attempts} attempts)`, error.statusCode, error.code, {
    retryAfter: error.retryAfter,
    cause: error.cause,
  });
}
