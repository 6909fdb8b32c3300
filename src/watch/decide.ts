// The decisions of --watch, pure: what changed, whether it matters, when to act, when to poll
// again. The loop (loop.ts) gathers the facts and acts. See docs/design/watch.md.

/** Key → version, as the keys route reports them. */
export type Versions = Readonly<Record<string, number>>;

export const RATE_LIMIT = { max: 6, windowMs: 60_000 } as const;
export const MAX_BACKOFF_MS = 5 * 60_000;

/** `ms` ± 10 %, so many secr-runs started together do not poll in step. */
export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.max(0, Math.round(ms * (0.9 + 0.2 * random())));
}

/** Keys added, removed or with another version, sorted. */
export function changedKeys(before: Versions, after: Versions): string[] {
  const out = new Set<string>();
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key) || after[key] !== before[key]) out.add(key);
  for (const key of Object.keys(after)) if (!Object.hasOwn(before, key)) out.add(key);
  return [...out].sort();
}

export type ChangeDecision =
  | { kind: "none" }
  /** Something changed, but no watched key: adopt the new versions, do nothing. */
  | { kind: "ignore"; changed: string[] }
  /** A relevant change, still inside the debounce window: look again in `delayMs`. */
  | { kind: "wait"; changed: string[]; delayMs: number }
  | { kind: "apply"; changed: string[] };

export interface ChangeInput {
  /** The versions the current child was started (or reloaded) with. */
  applied: Versions;
  /** The versions seen by the last poll. */
  seen: Versions;
  /** When `seen` last differed from the poll before it. */
  lastChangeAt: number;
  now: number;
  debounceMs: number;
  /** --watch-keys; undefined: every key. */
  watchKeys: readonly string[] | undefined;
}

export function decideChange({ applied, seen, lastChangeAt, now, debounceMs, watchKeys }: ChangeInput): ChangeDecision {
  const changed = changedKeys(applied, seen);
  if (changed.length === 0) return { kind: "none" };
  const relevant = watchKeys === undefined ? changed : changed.filter((key) => watchKeys.includes(key));
  if (relevant.length === 0) return { kind: "ignore", changed };
  const quietFor = now - lastChangeAt;
  if (quietFor < debounceMs) return { kind: "wait", changed: relevant, delayMs: debounceMs - quietFor };
  return { kind: "apply", changed: relevant };
}

/** At most RATE_LIMIT.max restarts in any window of RATE_LIMIT.windowMs: allowed, or how long
 *  until the oldest restart of the window leaves it. */
export function rateLimit(
  history: readonly number[],
  now: number,
  limit: { max: number; windowMs: number } = RATE_LIMIT,
): { allowed: true } | { allowed: false; retryInMs: number } {
  const recent = history.filter((at) => now - at < limit.windowMs).sort((a, b) => a - b);
  if (recent.length < limit.max) return { allowed: true };
  return { allowed: false, retryInMs: recent[recent.length - limit.max]! + limit.windowMs - now };
}

/** Delay before the next poll after `failures` failed ones in a row (1, 2, ...): the interval
 *  doubled per failure up to MAX_BACKOFF_MS, ±10 %, never sooner than the server's Retry-After. */
export function backoffMs(
  failures: number,
  intervalMs: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.min(Math.max(failures - 1, 0), 20));
  return Math.max(jittered(exponential, random), retryAfterMs ?? 0);
}

export type PollFailure = "auth" | "transient";

/** 401/403: the token no longer works, watching stops. Anything else may pass. */
export function classifyPollFailure(statusCode: number): PollFailure {
  return statusCode === 401 || statusCode === 403 ? "auth" : "transient";
}

/**
 * Did a watched key's value change between what the running child got and a new pull? Decides
 * a change whose versions could not be compared (a start without a version baseline): with
 * --watch-keys, only the watched keys count, from the very first poll. `watchKeys` undefined:
 * every key counts (the caller compares the whole environment).
 */
export function watchedValuesChanged(
  current: Readonly<Record<string, string>>,
  pulled: Readonly<Record<string, string>>,
  watchKeys: readonly string[] | undefined,
): boolean {
  if (watchKeys === undefined) return true;
  return watchKeys.some(
    (key) => Object.hasOwn(current, key) !== Object.hasOwn(pulled, key) || current[key] !== pulled[key],
  );
}
