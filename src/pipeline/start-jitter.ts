// --start-jitter DURATION: a random wait in [0, DURATION) before the first request, so a fleet
// started by one deploy spreads its requests instead of arriving in the same second
// (docs/guide/fleet.md). Off (0) by default; a terminating signal ends the wait at once.
import { setTimeout as sleep } from "node:timers/promises";
import { parseDuration } from "../config/duration.js";
import { ExitCode } from "../core/exit-codes.js";
import { Failure } from "../core/failure.js";

export const START_JITTER_ENV = "SECR_START_JITTER";
/** More than this is surely a mistake (a pod that waits an hour to start). */
const MAX_JITTER_MS = 10 * 60_000;

/** The bound in ms (0 = off) from the flag, else the environment; a bad value is a usage (flag) or configuration (env) error. */
export function startJitterMs(flag: string | undefined, env: Record<string, string | undefined>): number {
  const fromEnv = env[START_JITTER_ENV];
  const text = flag ?? (fromEnv === "" ? undefined : fromEnv);
  if (text === undefined) return 0;
  const where = flag !== undefined ? "--start-jitter" : START_JITTER_ENV;
  const code = flag !== undefined ? ExitCode.USAGE : ExitCode.CONFIG;
  const ms = parseDuration(text);
  if (ms instanceof Error) throw new Failure(code, `${where}: ${ms.message}`);
  if (ms > MAX_JITTER_MS) throw new Failure(code, `${where} must be at most 10m, got ${text}`);
  return ms;
}

/** Waits a uniformly random time below `boundMs`; resolves early (without throwing) when `signal` aborts. */
export async function waitJitter(
  boundMs: number,
  signal: AbortSignal,
  random: () => number = Math.random,
): Promise<number> {
  if (boundMs <= 0) return 0;
  const delay = Math.floor(random() * boundMs);
  await sleep(delay, undefined, { signal }).catch(() => undefined);
  return delay;
}
