import { describe, expect, it } from "vitest";
import {
  backoffMs,
  changedKeys,
  classifyPollFailure,
  decideChange,
  jittered,
  MAX_BACKOFF_MS,
  rateLimit,
  watchedValuesChanged,
} from "../../src/watch/decide.js";
import { watchSettings } from "../../src/watch/settings.js";

const base = {
  watch: true,
  watchInterval: undefined,
  watchDebounce: undefined,
  watchKeys: undefined,
  stopSignal: undefined,
  stopTimeout: undefined,
  reloadSignal: undefined,
};

describe("watch decisions", () => {
  it("changedKeys: added, removed, new version; sorted", () => {
    expect(changedKeys({ A: 1, B: 2, C: 1 }, { A: 1, B: 3, D: 1 })).toEqual(["B", "C", "D"]);
    expect(changedKeys({ A: 1 }, { A: 1 })).toEqual([]);
  });
  it("decideChange: none, debounce wait, apply, ignore outside --watch-keys", () => {
    const input = {
      applied: { A: 1 },
      seen: { A: 2 },
      lastChangeAt: 1000,
      now: 1500,
      debounceMs: 2000,
      watchKeys: undefined,
    };
    expect(decideChange({ ...input, seen: { A: 1 } })).toEqual({ kind: "none" });
    expect(decideChange(input)).toEqual({ kind: "wait", changed: ["A"], delayMs: 1500 });
    expect(decideChange({ ...input, now: 3000 })).toEqual({ kind: "apply", changed: ["A"] });
    expect(decideChange({ ...input, now: 3000, watchKeys: ["B"] })).toEqual({ kind: "ignore", changed: ["A"] });
    expect(decideChange({ ...input, seen: { A: 2, B: 1 }, now: 3000, watchKeys: ["B"] })).toEqual({
      kind: "apply",
      changed: ["B"],
    });
  });
  it("watchedValuesChanged: with --watch-keys only the watched keys' values count (added, removed, changed); without, always", () => {
    const child = { API_KEY: "a1", DB_URL: "d1" };
    expect(watchedValuesChanged(child, { API_KEY: "a1", DB_URL: "d2" }, ["API_KEY"])).toBe(false);
    expect(watchedValuesChanged(child, { API_KEY: "a2", DB_URL: "d1" }, ["API_KEY"])).toBe(true);
    expect(watchedValuesChanged(child, { DB_URL: "d1" }, ["API_KEY"])).toBe(true);
    expect(watchedValuesChanged(child, { ...child, NEW: "n" }, ["API_KEY", "NEW"])).toBe(true);
    expect(watchedValuesChanged(child, child, undefined)).toBe(true);
  });

  it("rateLimit: six restarts a minute, then wait until the oldest leaves the window", () => {
    const five = [0, 1000, 2000, 3000, 4000];
    expect(rateLimit(five, 5000)).toEqual({ allowed: true });
    expect(rateLimit([...five, 5000], 6000)).toEqual({ allowed: false, retryInMs: 54_000 });
    expect(rateLimit([...five, 5000], 60_000)).toEqual({ allowed: true });
  });
  it("backoff doubles, is capped, jittered ±10 %, and honours Retry-After", () => {
    const mid = () => 0.5;
    expect(backoffMs(1, 1000, undefined, mid)).toBe(1000);
    expect(backoffMs(3, 1000, undefined, mid)).toBe(4000);
    expect(backoffMs(40, 1000, undefined, mid)).toBe(MAX_BACKOFF_MS);
    expect(backoffMs(1, 1000, 7000, mid)).toBe(7000);
    expect(jittered(1000, () => 0)).toBe(900);
    expect(jittered(1000, () => 1)).toBe(1100);
  });
  it("401/403 stop watching, anything else is transient", () => {
    expect(classifyPollFailure(401)).toBe("auth");
    expect(classifyPollFailure(403)).toBe("auth");
    expect(classifyPollFailure(0)).toBe("transient");
    expect(classifyPollFailure(503)).toBe("transient");
  });
});

describe("watch settings", () => {
  it("defaults", () => {
    expect(watchSettings(base)).toEqual({
      intervalMs: 30_000,
      debounceMs: 2000,
      stopTimeoutMs: 10_000,
      stopSignal: "SIGTERM",
      reloadSignal: undefined,
      watchKeys: undefined,
    });
  });
  it("refuses an interval under 1s, bad signals, and watch flags without --watch", () => {
    expect(watchSettings({ ...base, watchInterval: "500ms" })).toBeInstanceOf(Error);
    expect(watchSettings({ ...base, reloadSignal: "NOPE" })).toBeInstanceOf(Error);
    expect(watchSettings({ ...base, reloadSignal: "KILL" })).toBeInstanceOf(Error);
    expect((watchSettings({ ...base, watch: false, watchInterval: "1s" }) as Error).message).toBe(
      "--watch-interval needs --watch",
    );
    expect(watchSettings({ ...base, watch: false })).toBeUndefined();
    expect((watchSettings({ ...base, reloadSignal: "hup" }) as { reloadSignal: string }).reloadSignal).toBe("SIGHUP");
  });
});
