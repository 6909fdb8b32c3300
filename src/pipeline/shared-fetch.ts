// One fetch for many runs: secr-runs launched together for one target and token share a pull
// through the fetch lock in the cache directory and the snapshot the leader writes. A run never
// uses a fetch that began before it was launched, unless --share-window says it may
// (src/cache/share-rule.ts, docs/design/insights.md, "One fetch for many runs").
import type { SnapshotData } from "../cache/index.js";
import type { CacheSettings } from "../config/cache-settings.js";
import { formatDuration } from "../config/duration.js";
import type { Settings } from "../config/settings.js";
import type { Logger } from "../core/logger.js";
import { pullFromSecr, type FetchStats, type Pulled } from "./pull-secrets.js";
import { errorText, type FromSnapshot, type SnapshotStore } from "./snapshot-fallback.js";
import { pulledLayers, snapshotLayers, snapshotValues } from "./snapshot-layers.js";

/** When this run was launched: Node's start in this process (the launcher script before it
 *  takes a few ms), fixed before any of our code runs. */
export const launchedAt = (): number => performance.timeOrigin;

/**
 * The fetch shared by secr-runs launched together for one target (docs/design/insights.md): the first
 * takes the fetch lock and pulls; the others wait and start from the snapshot it writes, if its
 * fetch began after they were launched (or within an explicit --share-window before). Any
 * problem with the lock itself only costs the sharing.
 */
export async function pullShared(
  settings: Settings,
  cache: CacheSettings,
  store: SnapshotStore,
  {
    signal,
    log,
    validate,
    stats,
  }: { signal: AbortSignal | undefined; log: Logger; validate: boolean; stats: FetchStats | undefined },
): Promise<
  { kind: "pulled"; pulled: Pulled; saved: Promise<void> | undefined } | { kind: "snapshot"; snapshot: FromSnapshot }
> {
  const { mayShare, singleFlight } = await import("../cache/index.js");
  let lockPath: string;
  try {
    lockPath = await store.lockPath();
  } catch (error) {
    log.debug(`fetching without sharing: ${errorText(error)}`);
    return { kind: "pulled", pulled: await pullFromSecr(settings, signal, log, validate, stats), saved: undefined };
  }
  const launched = launchedAt();
  let notReused: string | undefined;
  type Value = { kind: "pulled"; pulled: Pulled } | { kind: "snapshot"; data: SnapshotData; beforeLaunchMs: number };
  const flight = await singleFlight<Value>({
    lockPath,
    deadline: Date.now() + settings.timeoutMs,
    // The leader's own deadline plus the snapshot write (bounded by the supervisor's settle).
    leaseMs: settings.timeoutMs + 5_000,
    signal,
    readShared: async () => {
      const read = await store.readFresh(cache.maxAgeMs);
      if (read === undefined) return undefined;
      const { data } = read;
      const verdict = mayShare({
        fetchStartedAt: data.fetchStartedAt,
        fetchedAt: data.fetchedAt,
        launchedAt: launched,
        windowMs: cache.shareWindowMs,
        now: Date.now(),
      });
      const usable = verdict.share && !(validate && data.validation === null);
      if (!verdict.share && notReused === undefined)
        notReused = notReusedWhy(verdict.why, launched - (data.fetchStartedAt ?? launched));
      return {
        value: { kind: "snapshot", data, beforeLaunchMs: verdict.share ? verdict.beforeLaunchMs : 0 },
        usable,
        startedAt: data.fetchStartedAt,
      };
    },
    fetch: async (startedAt) => {
      const pulled = await pullFromSecr(settings, signal, log, validate, stats);
      // An agent's stale answer (docs/guide/fleet.md) is as old as secr's last confirmation:
      // dated so, the runs waiting for it ask on their own (src/cache/share-rule.ts).
      const confirmedAgo = pulled.staleMs ?? 0;
      const data: SnapshotData = {
        secrets: pulled.secrets,
        validation: pulled.validation ?? null,
        fetchedAt: Date.now() - confirmedAgo,
        fetchStartedAt: startedAt - confirmedAgo,
        versions: pulled.versions,
        ...snapshotLayers(pulled),
      };
      return { value: { kind: "pulled", pulled }, saved: store.save(data) };
    },
  });
  const late =
    flight.lateRounds > 0 ? `, ${flight.lateRounds} earlier fetch(es) began before this run was launched` : "";
  log.debug(`shared fetch: ${flight.role}${flight.why ? ` (${flight.why})` : ""}, waited ${flight.waitedMs}ms${late}`);
  const value = flight.value;
  if (value.kind === "pulled") {
    if (notReused !== undefined) log.debug(`the snapshot was not reused: ${notReused}`);
    return { kind: "pulled", pulled: value.pulled, saved: flight.saved };
  }
  const { data, beforeLaunchMs } = value;
  const ageMs = Math.max(0, Date.now() - data.fetchStartedAt!);
  log.redact(snapshotValues(data));
  log.debug(
    `secrets from the fetch another secr-run began ${formatDuration(ageMs)} ago (${Object.keys(data.secrets).length}): ${shareStaleness(beforeLaunchMs, cache.shareWindowMs)}`,
  );
  return {
    kind: "snapshot",
    snapshot: {
      secrets: data.secrets,
      validation: validate ? (data.validation ?? undefined) : undefined,
      versions: data.versions,
      ageMs,
      ...pulledLayers(data, validate),
    },
  };
}

/** What `-v` says about a shared result's staleness: when a change or revocation made at secr
 *  becomes visible. */
export function shareStaleness(beforeLaunchMs: number, windowMs: number): string {
  if (beforeLaunchMs <= 0)
    return `that fetch began ${formatDuration(Math.round(-beforeLaunchMs))} after this run was launched: every change and revocation made before the launch is in these values`;
  return `that fetch began ${formatDuration(Math.round(beforeLaunchMs))} before this run was launched (within --share-window ${formatDuration(windowMs)}): a change or revocation made at secr since it began is not in these values`;
}

function notReusedWhy(why: "unknown-start" | "future" | "before-launch", beforeLaunchMs: number): string {
  if (why === "unknown-start") return "written by an earlier version (no fetch start recorded)";
  if (why === "future") return "dated in the future (check the clock), so its age is unknown";
  return `its fetch began ${formatDuration(Math.round(beforeLaunchMs))} before this run was launched (--share-window would reuse it, at that cost in freshness)`;
}
