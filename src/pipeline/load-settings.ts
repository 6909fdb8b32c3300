// Settings for a command: read the environment and .secr.json, resolve with precedence, and turn
// problems into failures with their exit codes (64 for a bad flag, 78 for configuration).
// Every command reads its settings here, so every one gets the project file's ownership and
// trust checks (docs/design/trust.md) before anything is sent.
import { resolveCacheSettings, type CacheFlags, type CacheSettings } from "../config/cache-settings.js";
import { loadProjectFile, PROJECT_FILE_KEYS, unknownKeysMessage } from "../config/project-file.js";
import { resolveSettings, type ScopeSetting, type SettingFlags, type Settings } from "../config/settings.js";
import { apiUrlNeedsTrust, ignoredProjectFileMessage, isTrusted, untrustedApiUrlMessage } from "../config/trust.js";
import { readTrustStore, resolveConfigDir } from "../config/trust-store.js";
import { closest } from "../core/suggest.js";
import { ExitCode } from "../core/exit-codes.js";
import { Failure } from "../core/failure.js";
import type { Logger } from "../core/logger.js";

export function loadSettings(
  flags: SettingFlags,
  log: Logger,
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
  needs?: readonly ScopeSetting[],
  /** Several `--env` layers accepted (run, export, explain, check). */
  layered = false,
): Settings {
  const lookup = loadProjectFile(cwd);
  if (lookup instanceof Error) throw new Failure(ExitCode.CONFIG, lookup.message);
  if (lookup.kind === "unsafe") log.warn(ignoredProjectFileMessage(lookup.path, lookup.reason, "ignoring", lookup.fix));
  const projectFile = lookup.kind === "loaded" ? lookup.file : undefined;
  if (projectFile?.unknownKeys !== undefined) {
    log.warn(unknownKeysMessage(projectFile.path, projectFile.unknownKeys, (key) => closest(key, PROJECT_FILE_KEYS)));
  }
  const result = resolveSettings({ flags, env, projectFile, layered, ...(needs === undefined ? {} : { needs }) });
  if (!result.ok) throw new Failure(result.usage ? ExitCode.USAGE : ExitCode.CONFIG, result.message);
  const { settings } = result;
  if (projectFile !== undefined && apiUrlNeedsTrust(settings)) {
    const store = readTrustStore(resolveConfigDir({ env }));
    if (store instanceof Error) throw new Failure(ExitCode.CONFIG, store.message);
    if (!isTrusted(store, projectFile)) {
      throw new Failure(
        ExitCode.CONFIG,
        untrustedApiUrlMessage(projectFile.path, projectFile.data.apiUrl ?? settings.apiUrl),
      );
    }
  }
  log.redact([settings.token, settings.token.trim()]);
  if (settings.sources.token === "flag") {
    log.warn("--token is visible to every user of this machine (ps, /proc); prefer SECR_TOKEN");
  }
  if (log.verbose) {
    const from = (name: keyof Settings["sources"]) => settings.sources[name];
    log.debug(
      `settings: org ${settings.org} (${from("org")}), project ${settings.project} (${from("project")}), ` +
        `env ${settings.env} (${from("env")}), api ${settings.apiUrl} (${from("apiUrl")}), token (${from("token")}), ` +
        `timeout ${settings.timeoutMs}ms (${from("timeout")})${settings.projectFile ? `, project file ${settings.projectFile}` : ""}`,
    );
  }
  return settings;
}

/**
 * Settings plus the offline snapshot's (run and export). A bad flag of either is reported (64)
 * before any configuration problem (78), as loadSettings does on its own.
 */
export function loadSettingsWithCache(
  flags: SettingFlags,
  cacheFlags: CacheFlags,
  log: Logger,
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): { settings: Settings; cache: CacheSettings } {
  const result = resolveCacheSettings(cacheFlags, env);
  if (!result.ok && result.usage) throw new Failure(ExitCode.USAGE, result.message);
  const settings = loadSettings(flags, log, env, cwd, undefined, true);
  if (!result.ok) throw new Failure(ExitCode.CONFIG, result.message);
  const cache = result.settings;
  if (cache.passphrase !== undefined) log.redact([cache.passphrase]);
  if (cache.passphraseFromFlag) {
    log.warn("--passphrase is visible to every user of this machine (ps, /proc); prefer SECR_PASSPHRASE");
  }
  return { settings, cache };
}
