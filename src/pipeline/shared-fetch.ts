// One fetch for many runs: secr-runs started together for one target share a pull through the
// fetch lock in the cache directory and the snapshot the leader writes (docs/insights.md).
import type { SnapshotData } from "../cache/index.js";
import type { CacheSettings } from "../config/cache-settings.js";
import type { Settings } from "../config/settings.js";
import type { Logger } from "../core/logger.js";
import { pullFromSecr, type FetchStats, type Pulled } from "./pull-secrets.js";
import { errorText, type FromSnapshot, type SnapshotStore } from "./snapshot-fallback.js";
import { pulledLayers, snapshotLayers } from "./snapshot-layers.js";

/**
 * The fetch shared by secr-runs started together for one target (docs/insights.md): the first
 * takes the fetch lock and pulls; the others wait and start from the snapshot it writes, if at
 * most --share-window old. Any problem with the lock itself only costs the sharing.
 */
export async function pullShared(
  settings: Settings,
  cache: CacheSettings,
  store: SnapshotStore,
  { signal, log, validate, stats }: { signal: AbortSignal | undefined; log: Logger; validate: boolean; stats: FetchStats | undefined },
): Promise<{ kind: "pulled"; pulled: Pulled; saved: Promise<void> | undefined } | { kind: "snapshot"; snapshot: FromSnapshot }> {
  const { singleFlight } = await import("../cache/index.js");
  let lockPath: string;
  try {
    lockPath = await store.lockPath();
  } catch (error) {
    log.debug(`fetching without sharing: ${errorText(error)}`);
    return { kind: "pulled", pulled: await pullFromSecr(settings, signal, log, validate, stats), saved: undefined };
  }
  const maxAgeMs = cache.maxAgeMs === 0 ? cache.shareWindowMs : Math.min(cache.shareWindowMs, cache.maxAgeMs);
  type Value = { kind: "pulled"; pulled: Pulled } | { kind: "snapshot"; data: SnapshotData; ageMs: number };
  const flight = await singleFlight<Value>({
    lockPath,
    deadline: Date.now() + settings.timeoutMs,
    // The leader's own deadline plus the snapshot write (bounded by the supervisor's settle).
    leaseMs: settings.timeoutMs + 5_000,
    signal,
    readShared: async () => {
      const read = await store.readFresh(maxAgeMs);
      if (read === undefined || (validate && read.data.validation === null)) return undefined;
      return { kind: "snapshot", data: read.data, ageMs: read.ageMs };
    },
    fetch: async () => {
      const pulled = await pullFromSecr(settings, signal, log, validate, stats);
      const data: SnapshotData = { secrets: pulled.secrets, validation: pulled.validation ?? null, fetchedAt: Date.now(), ...snapshotLayers(pulled) };
      return { value: { kind: "pulled", pulled }, saved: store.save(data) };
    },
  });
  log.debug(`shared fetch: ${flight.role}${flight.why ? ` (${flight.why})` : ""}, waited ${flight.waitedMs}ms`);
  const value = flight.value;
  if (value.kind === "pulled") return { kind: "pulled", pulled: value.pulled, saved: flight.saved };
  log.redact(Object.values(value.data.secrets));
  log.debug(`secrets from the snapshot another secr-run wrote ${value.ageMs}ms ago (${Object.keys(value.data.secrets).length})`);
  return {
    kind: "snapshot",
    snapshot: { secrets: value.data.secrets, validation: validate ? (value.data.validation ?? undefined) : undefined, ageMs: value.ageMs, ...pulledLayers(value.data, validate) },
  };
}
