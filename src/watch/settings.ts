// --watch and its flags, checked and turned into numbers before anything slow (pure).
import { parseDuration } from "../config/duration.js";
import { signalNumber } from "../supervise/signals.js";

export interface WatchSettings {
  intervalMs: number;
  debounceMs: number;
  stopTimeoutMs: number;
  stopSignal: NodeJS.Signals;
  /** Set: reload with this signal instead of restarting. */
  reloadSignal: NodeJS.Signals | undefined;
  watchKeys: readonly string[] | undefined;
}

export interface WatchFlags {
  watch: boolean;
  watchInterval: string | undefined;
  watchDebounce: string | undefined;
  watchKeys: readonly string[] | undefined;
  stopSignal: string | undefined;
  stopTimeout: string | undefined;
  reloadSignal: string | undefined;
}

export const MIN_INTERVAL_MS = 1_000;

/** undefined without --watch; an Error (a usage error) for a bad value or a flag without --watch. */
export function watchSettings(flags: WatchFlags): WatchSettings | undefined | Error {
  if (!flags.watch) {
    const stray = (
      ["watchInterval", "watchDebounce", "watchKeys", "stopSignal", "stopTimeout", "reloadSignal"] as const
    ).find((name) => flags[name] !== undefined);
    if (stray !== undefined)
      return new Error(`--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --watch`);
    return undefined;
  }
  const duration = (flag: string, text: string | undefined, fallback: number): number | Error => {
    if (text === undefined) return fallback;
    const ms = parseDuration(text);
    return ms instanceof Error ? new Error(`${flag}: ${ms.message}`) : ms;
  };
  const intervalMs = duration("--watch-interval", flags.watchInterval, 30_000);
  if (intervalMs instanceof Error) return intervalMs;
  if (intervalMs < MIN_INTERVAL_MS)
    return new Error(`--watch-interval must be at least 1s (got ${flags.watchInterval})`);
  const debounceMs = duration("--watch-debounce", flags.watchDebounce, 2_000);
  if (debounceMs instanceof Error) return debounceMs;
  const stopTimeoutMs = duration("--stop-timeout", flags.stopTimeout, 10_000);
  if (stopTimeoutMs instanceof Error) return stopTimeoutMs;
  const stopSignal = signalName("--stop-signal", flags.stopSignal ?? "SIGTERM");
  if (stopSignal instanceof Error) return stopSignal;
  const reloadSignal = flags.reloadSignal === undefined ? undefined : signalName("--reload-signal", flags.reloadSignal);
  if (reloadSignal instanceof Error) return reloadSignal;
  if (flags.watchKeys !== undefined && flags.watchKeys.length === 0)
    return new Error("--watch-keys needs at least one key");
  return { intervalMs, debounceMs, stopTimeoutMs, stopSignal, reloadSignal, watchKeys: flags.watchKeys };
}

/** `HUP`, `SIGHUP` or `sighup` → `SIGHUP`; KILL and STOP are not allowed as reload signals. */
function signalName(flag: string, text: string): NodeJS.Signals | Error {
  const upper = text.trim().toUpperCase();
  const name = (upper.startsWith("SIG") ? upper : `SIG${upper}`) as NodeJS.Signals;
  try {
    signalNumber(name);
  } catch {
    return new Error(`${flag}: unknown signal ${JSON.stringify(text)} (e.g. SIGTERM, SIGHUP, SIGUSR1)`);
  }
  if (name === "SIGSTOP" || (flag === "--reload-signal" && name === "SIGKILL"))
    return new Error(`${flag}: ${name} cannot be used here`);
  return name;
}
