// Settings of the offline snapshot (README, "When secr is down"; docs/design/snapshot.md), pure: flag > environment variable > default.
// Kept apart from settings.ts: `check` never uses the snapshot, and none of these belong in
// .secr.json (a cache location or a passphrase is per machine, not per project).
import { parseDuration } from "./duration.js";

/** `--cache-max-age` default: 7 days (the same value as src/cache/defaults.ts, which tests pin). */
export const DEFAULT_CACHE_MAX_AGE = "7d";

export interface CacheFlags {
  /** `--offline`; undefined when not given. */
  offline?: boolean | undefined;
  /** `--cache` / `--no-cache`; undefined when not given. */
  cache?: boolean | undefined;
  cacheDir?: string | undefined;
  cacheMaxAge?: string | undefined;
  passphrase?: string | undefined;
  /** `--share-window`; undefined when not given. */
  shareWindow?: string | undefined;
}

export interface CacheSettings {
  /** false with --no-cache / SECR_NO_CACHE=1: the snapshot is neither read nor written. */
  enabled: boolean;
  /** --offline / SECR_OFFLINE=1: never contact secr. */
  offline: boolean;
  /** --cache-dir / SECR_CACHE_DIR, undefined for the default location (resolveCacheDir). */
  dir: string | undefined;
  /** 0 = no limit. */
  maxAgeMs: number;
  passphrase: string | undefined;
  passphraseFromFlag: boolean;
  /** --share-window / SECR_SHARE_WINDOW: a run may also start from another run's fetch that
   *  began up to this long before it was launched; 0 (the default): only from one that began
   *  after (docs/design/insights.md, "One fetch for many runs"). */
  shareWindowMs: number;
}

export const CACHE_ENV_VARS = {
  offline: "SECR_OFFLINE",
  noCache: "SECR_NO_CACHE",
  cacheDir: "SECR_CACHE_DIR",
  cacheMaxAge: "SECR_CACHE_MAX_AGE",
  passphrase: "SECR_PASSPHRASE",
  shareWindow: "SECR_SHARE_WINDOW",
} as const;

/** `--share-window` default: runs launched together still share one fetch (any that began after
 *  they were launched); reusing an older one costs freshness, so it is opt-in. */
export const DEFAULT_SHARE_WINDOW = "0";
/** A longer window would let a start use secrets minutes old; --cache-max-age is for that. */
export const MAX_SHARE_WINDOW_MS = 10 * 60_000;

export type CacheResolveResult =
  | { ok: true; settings: CacheSettings }
  /** `usage`: a flag is wrong (exit 64); otherwise an environment variable (exit 78). */
  | { ok: false; usage: boolean; message: string };

export function resolveCacheSettings(flags: CacheFlags, env: Record<string, string | undefined>): CacheResolveResult {
  const offlineEnv = envBoolean(env, CACHE_ENV_VARS.offline);
  const noCacheEnv = envBoolean(env, CACHE_ENV_VARS.noCache);
  if (offlineEnv instanceof Error) return { ok: false, usage: false, message: offlineEnv.message };
  if (noCacheEnv instanceof Error) return { ok: false, usage: false, message: noCacheEnv.message };
  const offline = flags.offline ?? offlineEnv;
  const enabled = flags.cache ?? !noCacheEnv;

  if (offline && !enabled) {
    // Both from flags is a usage error; otherwise one of them came from the environment.
    const usage = flags.offline !== undefined && flags.cache !== undefined;
    const what = `${flags.offline !== undefined ? "--offline" : `${CACHE_ENV_VARS.offline}=1`} and ${flags.cache !== undefined ? "--no-cache" : `${CACHE_ENV_VARS.noCache}=1`}`;
    return { ok: false, usage, message: `${what} exclude each other: offline runs start from the snapshot` };
  }

  const fromFlag = flags.cacheMaxAge !== undefined;
  const rawAge = flags.cacheMaxAge ?? nonEmpty(env[CACHE_ENV_VARS.cacheMaxAge]) ?? DEFAULT_CACHE_MAX_AGE;
  const parsed = parseDuration(rawAge);
  const where = fromFlag ? "--cache-max-age" : CACHE_ENV_VARS.cacheMaxAge;
  if (parsed instanceof Error) return { ok: false, usage: fromFlag, message: `${where}: ${parsed.message}` };
  const maxAgeMs = parsed;

  const shareFromFlag = flags.shareWindow !== undefined;
  const shareWhere = shareFromFlag ? "--share-window" : CACHE_ENV_VARS.shareWindow;
  const shareWindowMs = parseDuration(
    flags.shareWindow ?? nonEmpty(env[CACHE_ENV_VARS.shareWindow]) ?? DEFAULT_SHARE_WINDOW,
  );
  if (shareWindowMs instanceof Error)
    return { ok: false, usage: shareFromFlag, message: `${shareWhere}: ${shareWindowMs.message}` };
  if (shareWindowMs > MAX_SHARE_WINDOW_MS)
    return {
      ok: false,
      usage: shareFromFlag,
      message: `${shareWhere} must be at most 10m (0, the default: share only fetches begun after the run was launched)`,
    };

  const dir = flags.cacheDir ?? nonEmpty(env[CACHE_ENV_VARS.cacheDir]);
  // An empty passphrase means none, as src/cache/identity.ts reads it.
  const passphrase = flags.passphrase ?? nonEmpty(env[CACHE_ENV_VARS.passphrase]);
  return {
    ok: true,
    settings: {
      enabled,
      offline,
      dir,
      maxAgeMs,
      passphrase,
      passphraseFromFlag: flags.passphrase !== undefined,
      shareWindowMs,
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** Unset, "", "0" and "false" are off; "1" and "true" are on; anything else is a mistake worth naming. */
function envBoolean(env: Record<string, string | undefined>, name: string): boolean | Error {
  const value = (env[name] ?? "").trim().toLowerCase();
  if (value === "" || value === "0" || value === "false") return false;
  if (value === "1" || value === "true") return true;
  return new Error(`${name} must be 1 or 0 (got ${JSON.stringify(env[name])})`);
}
