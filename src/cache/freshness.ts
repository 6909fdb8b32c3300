// Is a snapshot young enough to start from? Pure.

/** Clock differences between hosts or after NTP corrections stay within this. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export type Freshness = { kind: "ok"; ageMs: number } | { kind: "expired"; ageMs: number };

/**
 * `maxAgeMs` 0 means no limit. A snapshot dated in the future (the clock was wrong when it was
 * written, or is wrong now) has an unknown age: within FUTURE_TOLERANCE_MS it counts as brand new;
 * beyond that it is `expired` with a negative `ageMs` whenever a limit applies (fail closed: a
 * clock once set years ahead must not make a snapshot live forever), and usable when there is no limit.
 */
export function judgeFreshness(fetchedAt: number, now: number, maxAgeMs: number): Freshness {
  const ageMs = now - fetchedAt;
  if (ageMs < -FUTURE_TOLERANCE_MS) return maxAgeMs === 0 ? { kind: "ok", ageMs: 0 } : { kind: "expired", ageMs };
  if (maxAgeMs !== 0 && ageMs > maxAgeMs) return { kind: "expired", ageMs };
  return { kind: "ok", ageMs: Math.max(0, ageMs) };
}
