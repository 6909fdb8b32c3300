// The offline snapshot seen from a command, as one store object per target: start from it
// (--offline, or when secr could not be reached), write it after a pull, delete it when secr
// refuses the token, and what the shared fetch reads. It loads src/cache itself, on open, so the
// module is ready by the time a pull has finished.
import type { SnapshotData, SnapshotIdentity } from "../cache/index.js";
import type { TemplateValidation } from "../client/schemas.js";
import type { CacheSettings } from "../config/cache-settings.js";
import { formatDuration } from "../config/duration.js";
import type { Settings } from "../config/settings.js";
import { target } from "../config/target.js";
import { ExitCode } from "../core/exit-codes.js";
import { Failure, type FetchFailure } from "../core/failure.js";
import { since, type Logger } from "../core/logger.js";
import type { PulledLayer } from "./pull-secrets.js";
import { pulledLayers, snapshotValues } from "./snapshot-layers.js";

type CacheModule = typeof import("../cache/index.js");

export interface FromSnapshot {
  secrets: Record<string, string>;
  validation: TemplateValidation | undefined;
  /** Key → version of these secrets, when the snapshot recorded them (the --watch baseline). */
  versions: Record<string, number> | undefined;
  ageMs: number;
  /** Each `--env` layer of a layered snapshot. */
  layers?: PulledLayer[] | undefined;
}

export interface SnapshotStore {
  /** Start from the snapshot: `failure` is why secr was not used (undefined under --offline). */
  fallback(options: { validate: boolean; failure: FetchFailure | undefined }): Promise<FromSnapshot>;
  /** Write it after a pull; never rejects (see saveSnapshot). */
  save(data: SnapshotData): Promise<void>;
  /** After a 401/403/404: delete this token's snapshot of the target (src/cache/purge.ts). */
  purge(): Promise<void>;
  /** This token's snapshot if readable and at most `maxAgeMs` old, for the shared fetch; undefined otherwise. */
  readFresh(maxAgeMs: number): Promise<{ data: SnapshotData; ageMs: number } | undefined>;
  /** The shared fetch's lock file for this target and token (throws when the cache directory is unusable). */
  lockPath(): Promise<string>;
}

export function openSnapshotStore(settings: Settings, cache: CacheSettings, log: Logger): SnapshotStore {
  const cacheModule = import("../cache/index.js");
  cacheModule.catch(() => {}); // a failure surfaces where it is awaited
  const identity = identityOf(settings, cache);
  const cacheDir = (m: CacheModule) => m.resolveCacheDir({ override: cache.dir });
  return {
    fallback: async ({ validate, failure }) =>
      fromSnapshot(settings, cache, await cacheModule, { validate, log, failure }),
    save: (data) => saveSnapshot(settings, cache, cacheModule, data, log),
    purge: async () => purgeSnapshotOf(settings, await cacheModule, cache, log),
    readFresh: async (maxAgeMs) => {
      const m = await cacheModule;
      const read = await m.readSnapshot(identity, { cacheDir: cacheDir(m), maxAgeMs }).catch(() => undefined);
      return read?.kind === "ok" ? { data: read.data, ageMs: read.ageMs } : undefined;
    },
    lockPath: async () => {
      const m = await cacheModule;
      return m.fetchLockPath(identity, { cacheDir: cacheDir(m) });
    },
  };
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
): Promise<FromSnapshot> {
  const where = target(settings);
  const why = failure === undefined ? "--offline" : `secr is unreachable (${failure.reason})`;
  const unavailable = (detail: string) =>
    failure === undefined
      ? new Failure(ExitCode.UNAVAILABLE, `--offline: ${detail}`)
      : new Failure(ExitCode.UNAVAILABLE, `${failure.message}; ${detail}`);
  const started = performance.now();
  let read: Awaited<ReturnType<typeof readSnapshot>>;
  try {
    read = await readSnapshot(identityOf(settings, cache), {
      cacheDir: resolveCacheDir({ override: cache.dir }),
      maxAgeMs: cache.maxAgeMs,
    });
  } catch (error) {
    read = { kind: "unreadable", reason: "io_error", message: `snapshot cannot be read (${errorText(error)})` };
  }
  log.debug(`snapshot looked up in ${since(started)}: ${read.kind}`);
  switch (read.kind) {
    case "missing":
      if (failure !== undefined)
        throw new Failure(failure.exitCode, `${failure.message}; no snapshot of ${where} to start from`);
      throw unavailable(
        `no snapshot of ${where} in the cache (run once while secr is reachable, with the same token and --cache-dir)`,
      );
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
  log.redact(snapshotValues(data));
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
    versions: data.versions,
    ageMs,
    ...pulledLayers(data, validate),
  };
}

/**
 * Never rejects: a snapshot that cannot be written costs one warning, never the run. Starts on
 * the next turn of the event loop: the child is spawned in this one (the write's first steps
 * load node:fs/promises and its seven modules, which would otherwise come first).
 */
function saveSnapshot(
  settings: Settings,
  cache: CacheSettings,
  cacheModule: Promise<CacheModule>,
  data: SnapshotData,
  log: Logger,
): Promise<void> {
  const started = performance.now();
  return Promise.all([cacheModule, new Promise((resolve) => setImmediate(resolve))])
    .then(([{ writeSnapshot, resolveCacheDir }]) =>
      writeSnapshot(identityOf(settings, cache), data, { cacheDir: resolveCacheDir({ override: cache.dir }) }),
    )
    .then(
      () => log.debug(`snapshot written in ${since(started)}`),
      (error: unknown) => log.warn(`could not write the offline snapshot: ${errorText(error)}`),
    );
}

/** After a 401/403/404: delete this token's snapshot of the target (src/cache/purge.ts). */
async function purgeSnapshotOf(
  settings: Settings,
  { purgeSnapshot, resolveCacheDir }: CacheModule,
  cache: CacheSettings,
  log: Logger,
): Promise<void> {
  try {
    if (await purgeSnapshot(settings, { cacheDir: resolveCacheDir({ override: cache.dir }) }))
      log.debug("deleted the offline snapshot");
  } catch (error) {
    log.warn(`could not delete the offline snapshot: ${errorText(error)}`);
  }
}

/** fs errors name a path and a code, never contents. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
