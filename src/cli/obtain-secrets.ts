// The single seam where secrets come from. Today: secr, through the embedded client (pull every
// page and validate the template, concurrently). The offline snapshot (src/cache) plugs in here.
// Errors become failures with secr-run's exit codes (69 / 77 / 78).
import type { SecrClient } from "../client/client.js";
import type { SecrApiError } from "../client/errors.js";
import type { TemplateValidation } from "../client/schemas.js";
import type { Settings } from "../config/settings.js";
import { exitCodeForApiError, ExitCode } from "./exit-codes.js";
import { Failure } from "./failure.js";
import type { Logger } from "./log.js";

export interface ObtainedSecrets {
  secrets: Record<string, string>;
  /** undefined when validation was skipped (--no-validate). */
  validation: TemplateValidation | undefined;
  source: "secr" | "snapshot";
  /** Age of the snapshot used, when source is "snapshot". */
  ageMs?: number;
}

export interface ObtainOptions {
  /** Aborted by the supervisor when a terminating signal arrives first. */
  signal?: AbortSignal | undefined;
  log: Logger;
  validate: boolean;
}

/** Every secret of the environment and (unless skipped) the template verdict, fetched concurrently. */
export async function obtainSecrets(settings: Settings, { signal, log, validate }: ObtainOptions): Promise<ObtainedSecrets> {
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
    const secrets: Record<string, string> = {};
    for (const secret of pulled) secrets[secret.key] = secret.value;
    log.redact(Object.values(secrets));
    return { secrets, validation, source: "secr" as const };
  });
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
  const where = `${settings.org}/${settings.project}/${settings.env}`;

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
    if (deadline.aborted && !signal?.aborted) {
      throw new Failure(ExitCode.UNAVAILABLE, `secr did not answer within ${settings.timeoutMs}ms (--timeout) for ${where} at ${settings.apiUrl}`);
    }
    if (isSecrApiError(error)) throw failureFor(error, where, settings);
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
  else if (exitCode === ExitCode.UNAVAILABLE) hint = ` (secr at ${settings.apiUrl} is unreachable or failing)`;
  return new Failure(exitCode, `${error.message}${hint}`);
}
