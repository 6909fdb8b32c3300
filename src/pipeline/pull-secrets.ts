// Pulling from secr through the embedded client: every page of secrets and (unless skipped) the
// template verdict, concurrently, under one --timeout deadline. A failure becomes a FetchFailure
// (fetch-failure.ts) carrying its exit code and snapshot decision.
import type { SecrClient } from "../client/client.js";
import type { TemplateValidation } from "../client/schemas.js";
import type { Settings } from "../config/settings.js";
import { target } from "../config/target.js";
import type { PlanLayer } from "../plan/compose.js";
import { dictionary } from "../plan/dictionary.js";
import { checkLayeredTemplates } from "../plan/layered-template.js";
import { mergeLayers } from "../plan/layers.js";
import { combineVersions } from "../watch/layered-versions.js";
import { classifyFetchError } from "../core/fetch-errors.js";
import { environmentHint } from "./env-suggestion.js";
import { FetchFailure, fetchFailure } from "./fetch-failure.js";
import { liftoffOnly } from "./liftoff.js";
import { since, type Logger } from "../core/logger.js";
import { clientFor, loadClient } from "./secr-client.js";
import { delayedStatusLine } from "./status-line.js";
import { formatAge } from "../cache/format-age.js";

export interface Pulled {
  /** Every secret; with several layers, merged (later wins), before --expand and renames. */
  secrets: Record<string, string>;
  /** undefined when validation was skipped (--no-validate). With several layers, the verdict
   *  over the merged result (src/plan/layered-template.ts). */
  validation: TemplateValidation | undefined;
  /** Key → version as pulled (the --watch baseline; several layers: combineVersions). */
  versions?: Record<string, number>;
  /** A caching agent answered from its cache because secr failed: this long since secr confirmed it. */
  staleMs?: number;
  /** Each layer as pulled, when the run has several (docs/guide/layers.md). */
  layers?: PulledLayer[];
}

/** One `--env` layer as pulled: what the plan needs (src/plan/compose.ts) and its env. */
export interface PulledLayer extends PlanLayer {
  env: string;
  versions?: Record<string, number> | undefined;
  staleMs?: number | undefined;
}

/** What the fetch cost, for --report-json; filled in as it happens. */
export interface FetchStats {
  /** HTTP requests sent to secr, retries included. */
  requests: number;
  /** Pulling every page of secrets. */
  fetchMs?: number;
  /** The template validation request (concurrent with the pull). */
  validationMs?: number;
}

/** Every layer's secrets: one request pipeline per layer (pages and pipelining as for one), all
 *  at once; the first failure cancels the others and is the run's. */
export async function pullFromSecr(
  settings: Settings,
  signal: AbortSignal | undefined,
  log: Logger,
  validate: boolean,
  stats?: FetchStats,
): Promise<Pulled> {
  if (settings.layers.length <= 1) return pullOne(settings, signal, log, validate, stats);
  const failed = new AbortController();
  const layerSignal = signal === undefined ? failed.signal : AbortSignal.any([failed.signal, signal]);
  const layers = await Promise.all(
    settings.layers.map(async (layer): Promise<PulledLayer> => {
      try {
        const pulled = await pullOne(
          { ...settings, project: layer.project, env: layer.env, layers: [layer] },
          layerSignal,
          log,
          validate,
          stats,
        );
        return {
          label: layer.label,
          project: layer.project,
          env: layer.env,
          secrets: pulled.secrets,
          validation: pulled.validation,
          versions: pulled.versions,
          staleMs: pulled.staleMs,
        };
      } catch (error) {
        failed.abort();
        throw error;
      }
    }),
  );
  // The layered set is as old as its oldest layer (an agent's stale answer, docs/guide/fleet.md).
  const staleMs = Math.max(0, ...layers.map((layer) => layer.staleMs ?? 0));
  return staleMs > 0 ? { ...combineLayers(layers), staleMs } : combineLayers(layers);
}

/** The layers as one pulled set: merged secrets, the verdict over them, the combined versions. */
export function combineLayers(layers: PulledLayer[]): Pulled {
  const { secrets } = mergeLayers(layers);
  const template = checkLayeredTemplates(layers, secrets);
  const validation =
    template === undefined ? undefined : { valid: !template.failed, missing: template.missing, extra: template.extra };
  const versions = layers.every((layer) => layer.versions !== undefined)
    ? combineVersions(layers.map((layer) => layer.versions!))
    : undefined;
  return { secrets, validation, ...(versions === undefined ? {} : { versions }), layers };
}

async function pullOne(
  settings: Settings,
  signal: AbortSignal | undefined,
  log: Logger,
  validate: boolean,
  stats?: FetchStats,
): Promise<Pulled> {
  const started = performance.now();
  return withClient(settings, signal, log, stats, async (client, requestSignal, where) => {
    const pull = client
      .pullAllSecrets(settings.org, settings.project, settings.env, { signal: requestSignal })
      .then((list) => {
        if (stats) stats.fetchMs = performance.now() - started;
        log.debug(`pulled ${list.length} secrets of ${where} in ${since(started)}`);
        return list;
      });
    const check = validate
      ? client
          .validateTemplate(settings.org, settings.project, settings.env, { signal: requestSignal })
          .then((result) => {
            if (stats) stats.validationMs = performance.now() - started;
            log.debug(
              `template checked in ${since(started)}: ${result.missing.length} missing, ${result.extra.length} extra`,
            );
            return result;
          })
      : Promise.resolve(undefined);
    const [pulled, validation] = await Promise.all([pull, check]);
    // No prototype: a secret may be named __proto__ (src/plan/dictionary.ts).
    const secrets = dictionary(pulled.map((secret) => [secret.key, secret.value] as const));
    log.redact(Object.values(secrets));
    const versions = dictionary(pulled.map((secret) => [secret.key, secret.version] as const));
    if (client.staleSeconds === undefined) return { secrets, validation, versions };
    const staleMs = client.staleSeconds * 1000;
    log.warn(
      `the agent at ${hostOf(settings.apiUrl)} could not reach secr: starting from its cached copy of ${where}, confirmed ${formatAge(staleMs)} ago`,
    );
    return { secrets, validation, versions, staleMs };
  });
}

/** Only the template verdict (secr-run check). */
export async function validateOnly(
  settings: Settings,
  { signal, log, stats }: { signal?: AbortSignal | undefined; log: Logger; stats?: FetchStats | undefined },
): Promise<TemplateValidation> {
  const started = performance.now();
  return withClient(settings, signal, log, stats, async (client, requestSignal) => {
    const result = await client.validateTemplate(settings.org, settings.project, settings.env, {
      signal: requestSignal,
    });
    log.debug(`template checked in ${since(started)}`);
    return result;
  });
}

async function withClient<T>(
  settings: Settings,
  signal: AbortSignal | undefined,
  log: Logger,
  stats: FetchStats | undefined,
  work: (client: SecrClient, signal: AbortSignal, where: string) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const module = await loadClient();
  log.debug(`client loaded in ${since(started)}`);

  // --timeout bounds the whole fetch, retries included (the client's per-attempt timeout is the same).
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  // When one request fails, the other is cancelled rather than left running.
  const failed = new AbortController();
  const requestSignal = AbortSignal.any([deadline, failed.signal, ...(signal ? [signal] : [])]);
  const where = target(settings);

  const client = clientFor(settings, module);
  // A slow fetch says what secr-run waits for (a terminal only; erased before anything else).
  const stopStatus = delayedStatusLine(`fetching secrets of ${where} from ${hostOf(settings.apiUrl)}…`);
  // Loaded with the default V8 flags, so the built-ins undici needs come from Node's code cache;
  // its WebAssembly is compiled on the first connection, under the flag.
  const defaultFlags = liftoffOnly();
  try {
    return await work(client, requestSignal, where);
  } catch (error) {
    stopStatus();
    failed.abort();
    // The deadline aborts the request, so the client reports "aborted": say it was too slow
    // (a fallback) rather than cancelled. A terminating signal is never a deadline.
    const deadlineExpired = deadline.aborted && !signal?.aborted;
    const failure = fetchFailure(error, settings, where, deadlineExpired);
    if (failure === undefined) throw error;
    if (classifyFetchError(error).code !== "not_found") throw failure;
    const hint = await environmentsOf(client, settings, AbortSignal.any([deadline, ...(signal ? [signal] : [])])).then(
      (names) => environmentHint(settings.env, names),
    );
    throw hint === ""
      ? failure
      : new FetchFailure(failure.exitCode, `${failure.message}${hint}`, failure.decision, failure.reason);
  } finally {
    stopStatus();
    if (stats) stats.requests += client.requestsSent;
    await client.close().catch(() => undefined);
    defaultFlags();
  }
}

/** The project's environments, or [] when secr will not say (a viewer token: 403; no such project: 404). */
async function environmentsOf(client: SecrClient, settings: Settings, signal: AbortSignal): Promise<string[]> {
  try {
    return (await client.listEnvironments(settings.org, settings.project, { signal })).map(
      (environment) => environment.slug,
    );
  } catch {
    return [];
  }
}

/** `api.secr.dev`, `127.0.0.1:4317`: where the status line says secr-run is fetching from. */
function hostOf(apiUrl: string): string {
  try {
    return new URL(apiUrl).host;
  } catch {
    return apiUrl;
  }
}
