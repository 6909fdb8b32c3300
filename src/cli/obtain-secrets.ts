// The single seam where secrets come from: secr, through the embedded client (pull every page
// and validate the template, concurrently), or the encrypted offline snapshot (src/cache) when
// secr cannot be reached or --offline says not to try. Errors become failures with secr-run's
// exit codes (69 / 77 / 78).
import type { SnapshotData, SnapshotIdentity } from "../cache/index.js";
import { decideOnFetchError, type FetchErrorDecision } from "../cache/fetch-error-decision.js";
import type { SecrClient } from "../client/client.js";
import type { SecrApiError } from "../client/errors.js";
import type { TemplateValidation } from "../client/schemas.js";
import type { CacheSettings } from "../config/cache-settings.js";
import { formatDuration } from "../config/duration.js";
import type { Settings } from "../config/settings.js";
import { dictionary } from "../launcher/dictionary.js";
import { target } from "../config/target.js";
import { exitCodeForApiError, ExitCode } from "./exit-codes.js";
import { Failure } from "./failure.js";
import type { Logger } from "./log.js";

export interface ObtainedSecrets {
  /** Every secret of the environment (before --only and the name rules). */
  secrets: Record<string, string>;
  /** undefined when validation was skipped (--no-validate). */
  validation: TemplateValidation | undefined;
  source: "secr" | "snapshot";
  /** Age of the snapshot used, when source is "snapshot". */
  ageMs?: number;
  /** The snapshot write started after a pull: settles (never rejects) once it is on disk or has
   *  failed with a warning. secr-run must not exit before it settles (see supervisor.run). */
  saved?: Promise<void>;
}

export interface ObtainOptions {
  /** Aborted by the supervisor when a terminating signal arrives first. */
  signal?: AbortSignal | undefined;
  log: Logger;
  validate: boolean;
  /** The offline snapshot; undefined: not used at all. */
  cache?: CacheSettings | undefined;
}

/** A failed fetch, with what the snapshot logic should do about it and a short cause for the warning. */
class FetchFailure extends Failure {
  constructor(
    exitCode: Failure["exitCode"],
    message: string,
    readonly decision: FetchErrorDecision,
    readonly reason: string,
  ) {
    super(exitCode, message);
  }
}

type CacheModule = typeof import("../cache/index.js");

/** Every secret of the environment and (unless skipped) the template verdict. */
export async function obtainSecrets(settings: Settings, options: ObtainOptions): Promise<ObtainedSecrets> {
  const { signal, log, validate, cache } = options;
  // Loaded while the network works: the write after a pull (or a fallback) then waits for nothing.
  const cacheModule = cache === undefined ? undefined : import("../cache/index.js");
  cacheModule?.catch(() => {}); // a failure surfaces where it is awaited
  if (cache?.offline) return fromSnapshot(settings, cache, await cacheModule!, { validate, log, failure: undefined });

  let pulled: { secrets: Record<string, string>; validation: TemplateValidation | undefined };
  try {
    pulled = await pullFromSecr(settings, signal, log, validate);
  } catch (error) {
    if (!(error instanceof FetchFailure) || cache === undefined) throw error;
    if (error.decision === "purge") {
      // Fail closed even under --no-cache: a revoked token must not keep working from cache.
      await purge(settings, await cacheModule!, cache, log);
      throw error;
    }
    if (error.decision !== "fallback" || !cache.enabled) throw error;
    return fromSnapshot(settings, cache, await cacheModule!, { validate, log, failure: error });
  }
  log.debug(`secrets from secr (${Object.keys(pulled.secrets).length})`);
  if (cache === undefined || !cache.enabled) return { ...pulled, source: "secr" };
  // The full pulled set, so an offline run applies --only and the name rules to the same input.
  const data: SnapshotData = { secrets: pulled.secrets, validation: pulled.validation ?? null, fetchedAt: Date.now() };
  return { ...pulled, source: "secr", saved: save(settings, cache, cacheModule!, data, log) };
}

async function pullFromSecr(
  settings: Settings,
  signal: AbortSignal | undefined,
  log: Logger,
  validate: boolean,
): Promise<{ secrets: Record<string, string>; validation: TemplateValidation | undefined }> {
  const started = performance.now();
  return withClient(settings, signal, log, async (client, requestSignal, where) => {
    const pull = client.pullAllSecrets(settings.org, settings.project, settings.env, { signal: requestSignal }).then((list) => {
      log.debug(`pulled ${list.length} secrets of ${where} in ${since(started)}`);
      return list;
    });
    const check = validate
      ? client.validateTemplate(settings.org, settings.project, settings.env, { signal: requestSignal }).then((result) => {
          log.debug(`template checked in ${since(started)}: ${result.missing.length} missing, ${result.extra.length} extra`);
          return result;
        })
      : Promise.resolve(undefined);
    const [pulled, validation] = await Promise.all([pull, check]);
    const secrets = dictionary(pulled.map((secret) => [secret.key, secret.value] as const));
    log.redact(Object.values(secrets));
    return { secrets, validation };
  });
}

function identityOf(settings: Settings, cache: CacheSettings): SnapshotIdentity {
  const { apiUrl, org, project, env, token } = settings;
  return { apiUrl, org, project, env, token, passphrase: cache.passphrase };
}

/**
 * Start from the snapshot: `failure` is why secr was not used (undefined under --offline).
 * One warning when it is used; a missing, expired or unreadable snapshot fails with 69.
 */
async function fromSnapshot(
  settings: Settings,
  cache: CacheSettings,
  { readSnapshot, resolveCacheDir, formatAge }: CacheModule,
  { validate, log, failure }: { validate: boolean; log: Logger; failure: FetchFailure | undefined },
): Promise<ObtainedSecrets> {
  const where = target(settings);
  const why = failure === undefined ? "--offline" : `secr is unreachable (${failure.reason})`;
  const unavailable = (detail: string) =>
    failure === undefined ? new Failure(ExitCode.UNAVAILABLE, `--offline: ${detail}`) : new Failure(ExitCode.UNAVAILABLE, `${failure.message}; ${detail}`);
  const started = performance.now();
  let read: Awaited<ReturnType<typeof readSnapshot>>;
  try {
    read = await readSnapshot(identityOf(settings, cache), { cacheDir: resolveCacheDir({ override: cache.dir }), maxAgeMs: cache.maxAgeMs });
  } catch (error) {
    read = { kind: "unreadable", reason: "io_error", message: `snapshot cannot be read (${errorText(error)})` };
  }
  log.debug(`snapshot looked up in ${since(started)}: ${read.kind}`);
  switch (read.kind) {
    case "missing":
      if (failure !== undefined) throw failure;
      throw unavailable(`no snapshot of ${where} in the cache (run once while secr is reachable, with the same token and --cache-dir)`);
    case "unreadable":
      log.warn(`ignoring the snapshot of ${where}: ${read.message}`);
      if (failure !== undefined) throw failure;
      throw unavailable(`no usable snapshot of ${where}`);
    case "expired":
      throw unavailable(
        read.ageMs < 0
          ? `a snapshot of ${where} exists but is dated ${formatAge(-read.ageMs)} in the future (check the clock), so its age is unknown and --cache-max-age refuses it`
          : `a snapshot of ${where} exists but is older than --cache-max-age (${formatAge(read.ageMs)} > ${formatDuration(cache.maxAgeMs)})`,
      );
    case "ok":
      break;
  }
  const { data, ageMs } = read;
  log.redact(Object.values(data.secrets));
  // Fail-fast must not be skipped silently: a snapshot written with --no-validate has no verdict to apply.
  if (validate && data.validation === null) {
    throw new Failure(
      ExitCode.CONFIG,
      `${why}, and the snapshot of ${where} holds no template result (it was written by a run with --no-validate): pass --no-validate to start from it`,
    );
  }
  log.warn(`${why}: using the snapshot of ${where} from ${formatAge(ageMs)} ago`);
  log.debug(`secrets from the snapshot (${Object.keys(data.secrets).length}), ${formatAge(ageMs)} old`);
  return {
    secrets: data.secrets,
    validation: validate ? (data.validation ?? undefined) : undefined,
    source: "snapshot",
    ageMs,
  };
}

/** Never rejects: a snapshot that cannot be written costs one warning, never the run. */
function save(settings: Settings, cache: CacheSettings, cacheModule: Promise<CacheModule>, data: SnapshotData, log: Logger): Promise<void> {
  const started = performance.now();
  return cacheModule
    .then(({ writeSnapshot, resolveCacheDir }) => writeSnapshot(identityOf(settings, cache), data, { cacheDir: resolveCacheDir({ override: cache.dir }) }))
    .then(
      () => log.debug(`snapshot written in ${since(started)}`),
      (error: unknown) => log.warn(`could not write the offline snapshot: ${errorText(error)}`),
    );
}

/** After a 401/403/404: delete the snapshot of this org/project/env whatever token wrote it. */
async function purge(settings: Settings, { purgeSnapshot, resolveCacheDir }: CacheModule, cache: CacheSettings, log: Logger): Promise<void> {
  try {
    if (await purgeSnapshot(settings, { cacheDir: resolveCacheDir({ override: cache.dir }) })) log.debug("deleted the offline snapshot");
  } catch (error) {
    log.warn(`could not delete the offline snapshot: ${errorText(error)}`);
  }
}

/** fs errors name a path and a code, never contents. */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Only the template verdict (secr-run check). */
export async function validateOnly(settings: Settings, { signal, log }: Omit<ObtainOptions, "validate">): Promise<TemplateValidation> {
  const started = performance.now();
  return withClient(settings, signal, log, async (client, requestSignal) => {
    const result = await client.validateTemplate(settings.org, settings.project, settings.env, { signal: requestSignal });
    log.debug(`template checked in ${since(started)}`);
    return result;
  });
}

async function withClient<T>(
  settings: Settings,
  signal: AbortSignal | undefined,
  log: Logger,
  work: (client: SecrClient, signal: AbortSignal, where: string) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  // undici parses HTTP with a WebAssembly module that V8 would also recompile with its optimising
  // tier on background threads; a one-shot CLI never benefits, and on a busy 2-core machine that
  // work held the exit back by 150-400 ms. Liftoff (the baseline tier) runs the same code; the
  // flag only changes how this process compiles WebAssembly, never the child.
  (await import("node:v8")).setFlagsFromString("--liftoff-only");
  // Loaded here, not at the top: --help, --version and usage errors never pay for undici.
  const [{ SecrClient }, { isSecrApiError }] = await Promise.all([import("../client/client.js"), import("../client/errors.js")]);
  log.debug(`client loaded in ${since(started)}`);

  // --timeout bounds the whole fetch, retries included (the client's per-attempt timeout is the same).
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  // When one request fails, the other is cancelled rather than left running.
  const failed = new AbortController();
  const requestSignal = AbortSignal.any([deadline, failed.signal, ...(signal ? [signal] : [])]);
  const where = target(settings);

  let client: SecrClient;
  try {
    client = new SecrClient({ token: settings.token, apiUrl: settings.apiUrl, timeout: settings.timeoutMs });
  } catch (error) {
    // Token with characters HTTP cannot carry, http:// to a remote host: configuration.
    // The library's hint about its allowInsecureHttp option means nothing on the command line.
    const message = isSecrApiError(error) ? error.message.replace(/,? or set allowInsecureHttp[^,;]*/, "") : String(error);
    throw new Failure(ExitCode.CONFIG, message);
  }
  try {
    return await work(client, requestSignal, where);
  } catch (error) {
    failed.abort();
    // The deadline aborts the request, so the client reports "aborted": say it was too slow
    // (a fallback) rather than cancelled. A terminating signal is never a deadline.
    const deadlineExpired = deadline.aborted && !signal?.aborted;
    const decision = decideOnFetchError(error, { deadlineExpired });
    if (deadlineExpired) {
      throw new FetchFailure(
        ExitCode.UNAVAILABLE,
        `secr did not answer within ${settings.timeoutMs}ms (--timeout) for ${where} at ${settings.apiUrl}`,
        decision,
        `no answer within ${formatDuration(settings.timeoutMs)}, --timeout`,
      );
    }
    if (isSecrApiError(error)) {
      const failure = failureFor(error, where, settings);
      throw new FetchFailure(failure.exitCode, failure.message, decision, error.message);
    }
    throw error;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function since(start: number): string {
  return `${Math.round(performance.now() - start)}ms`;
}

/** One line saying what went wrong and what to check; the client's messages carry no secrets. */
function failureFor(error: SecrApiError, where: string, settings: Settings): Failure {
  const exitCode = exitCodeForApiError(error.code, error.statusCode);
  let hint = "";
  if (error.statusCode === 401 || error.code === "unauthorized") hint = " (the token was rejected: check SECR_TOKEN)";
  else if (error.statusCode === 403 || error.code === "forbidden") hint = ` (the token may not read ${where})`;
  else if (error.statusCode === 404 || error.code === "not_found") hint = ` (check --org, --project and --env: ${where})`;
  else if (error.code === "response_too_large") hint = ` (no secr answer is that large: check that ${settings.apiUrl} is secr)`;
  else if (exitCode === ExitCode.UNAVAILABLE) hint = ` (secr at ${settings.apiUrl} is unreachable or failing)`;
  return new Failure(exitCode, `${error.message}${hint}`);
}
