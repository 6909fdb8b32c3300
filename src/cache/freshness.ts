// Is a snapshot young enough to start from? Pure.

export type Freshness = { kind: "ok"; ageMs: number } | { kind: "expired"; ageMs: number };

/**
 * `maxAgeMs` 0 means no limit. A snapshot dated in the future (the clock was stepped back since
 * it was written, or another host with a clock ahead shares the directory) has an unknown age,
 * so it is never fresh: `expired` with a negative `ageMs` whenever a limit applies (it could be
 * minutes or years old), and usable only when there is no limit. docs/snapshot.md, "Age".
 */
export function judgeFreshness(fetchedAt: number, now: number, maxAgeMs: number): Freshness {
  const ageMs = now - fetchedAt;
  if (ageMs < 0) return maxAgeMs === 0 ? { kind: "ok", ageMs: 0 } : { kind: "expired", ageMs };
  if (maxAgeMs !== 0 && ageMs > maxAgeMs) return { kind: "expired", ageMs };
  return { kind: "ok", ageMs };
}
