// The single seam where secrets come from: secr (pull-secrets.ts), or the encrypted offline
// snapshot (snapshot-fallback.ts) when secr cannot be reached or --offline says not to try.
// What a failed fetch means (exit code, fallback or purge) is decided by the table in src/core/fetch-errors.ts.
import type { SnapshotData } from "../cache/index.js";
import type { TemplateValidation } from "../client/schemas.js";
import type { CacheSettings } from "../config/cache-settings.js";
import type { Settings } from "../config/settings.js";
import { FetchFailure } from "../core/failure.js";
import type { Logger } from "../core/logger.js";

export type { FetchStats } from "./pull-secrets.js";
export { validateOnly } from "./pull-secrets.js";
import { snapshotLayers } from "./snapshot-layers.js";
import { pullFromSecr, type FetchStats, type Pulled, type PulledLayer } from "./pull-secrets.js";
import { pullShared } from "./shared-fetch.js";
import { openSnapshotStore } from "./snapshot-fallback.js";

export interface ObtainedSecrets {
  /** Every secret of the environment (before --only and the name rules). */
  secrets: Record<string, string>;
  /** undefined when validation was skipped (--no-validate). */
  validation: TemplateValidation | undefined;
  /** Key → version of exactly these secrets (the --watch baseline): pulled now, or recorded in
   *  the snapshot they came from; undefined when unknown (a snapshot of an older version). */
  versions?: Record<string, number> | undefined;
  source: "secr" | "snapshot";
  /** Age of the snapshot used, when source is "snapshot". */
  ageMs?: number;
  /** Source "secr" through a caching agent that answered from its cache because secr failed:
   *  how long ago secr last confirmed the answer (pull-secrets.ts warns). */
  staleMs?: number;
  /** The snapshot write started after a pull: settles (never rejects) once it is on disk or has
   *  failed with a warning. secr-run must not exit before it settles (see supervisor.run). */
  saved?: Promise<void>;
  /** Each `--env` layer, when the run has several (the snapshot keeps them too). */
  layers?: PulledLayer[] | undefined;
  /** The snapshot was written by another secr-run's fetch that began after this run was
   *  launched (or within --share-window before), not used as a fallback. */
  shared?: boolean;
}

export interface ObtainOptions {
  /** Aborted by the supervisor when a terminating signal arrives first. */
  signal?: AbortSignal | undefined;
  log: Logger;
  validate: boolean;
  /** The offline snapshot; undefined: not used at all. */
  cache?: CacheSettings | undefined;
  stats?: FetchStats | undefined;
}

/** Every secret of the environment and (unless skipped) the template verdict. */
export async function obtainSecrets(settings: Settings, options: ObtainOptions): Promise<ObtainedSecrets> {
  const { signal, log, validate, cache, stats } = options;
  // Opened (src/cache loading) while the network works: the write after a pull then waits for nothing.
  const store = cache === undefined ? undefined : openSnapshotStore(settings, cache, log);
  if (cache?.offline) return { ...(await store!.fallback({ validate, failure: undefined })), source: "snapshot" };

  let pulled: Pulled;
  let saved: Promise<void> | undefined;
  try {
    // Sharing needs the snapshot: --no-cache fetches alone.
    if (cache !== undefined && cache.enabled) {
      const shared = await pullShared(settings, cache, store!, { signal, log, validate, stats });
      if (shared.kind === "snapshot") return { ...shared.snapshot, source: "snapshot", shared: true };
      ({ pulled, saved } = shared);
    } else pulled = await pullFromSecr(settings, signal, log, validate, stats);
  } catch (error) {
    if (!(error instanceof FetchFailure) || cache === undefined) throw error;
    if (error.decision === "purge") {
      // Fail closed even under --no-cache: a revoked token must not keep working from cache.
      await store!.purge();
      throw error;
    }
    if (error.decision !== "fallback" || !cache.enabled) throw error;
    return { ...(await store!.fallback({ validate, failure: error })), source: "snapshot" };
  }
  log.debug(`secrets from secr (${Object.keys(pulled.secrets).length})`);
  if (saved !== undefined) return { ...pulled, source: "secr", saved };
  if (cache === undefined || !cache.enabled) return { ...pulled, source: "secr" };
  // Only when the lock could not be used (shared-fetch.ts). The full pulled set, so an offline
  // run applies --only and the name rules to the same input. An agent's stale answer is as old
  // as secr's last confirmation, not as this pull.
  const data: SnapshotData = {
    secrets: pulled.secrets,
    validation: pulled.validation ?? null,
    fetchedAt: Date.now() - (pulled.staleMs ?? 0),
    versions: pulled.versions,
    ...snapshotLayers(pulled),
  };
  return { ...pulled, source: "secr", saved: store!.save(data) };
}
