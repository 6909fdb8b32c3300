import { describe, expect, it } from "vitest";
import { DEFAULT_CACHE_MAX_AGE_MS, readSnapshot, writeSnapshot } from "../../src/cache/index.js";
import { judgeFreshness } from "../../src/cache/freshness.js";
import { makeData, makeIdentity, tempCacheDir } from "./helpers.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("snapshot age against --cache-max-age", () => {
  it("defaults to 7 days", () => {
    expect(DEFAULT_CACHE_MAX_AGE_MS).toBe(7 * DAY);
  });

  it("a snapshot older than the max age is expired, with its age; at exactly the max age it is ok", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    const fetchedAt = 1_700_000_000_000;
    await writeSnapshot(identity, makeData(2, fetchedAt), { cacheDir });
    const at = (ms: number) => () => fetchedAt + ms;
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 7 * DAY, now: at(8 * DAY) })).toEqual({
      kind: "expired",
      ageMs: 8 * DAY,
    });
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 12 * HOUR, now: at(12 * HOUR + 1) })).toEqual({
      kind: "expired",
      ageMs: 12 * HOUR + 1,
    });
    const exact = await readSnapshot(identity, { cacheDir, maxAgeMs: 12 * HOUR, now: at(12 * HOUR) });
    expect(exact).toMatchObject({ kind: "ok", ageMs: 12 * HOUR });
  });

  it("0 means no limit: a year-old snapshot still reads", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    const data = makeData(2, 1_000);
    await writeSnapshot(identity, data, { cacheDir });
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0, now: () => 1_000 + 365 * DAY })).toEqual({
      kind: "ok",
      data,
      ageMs: 365 * DAY,
    });
  });

  it("the age comes from the authenticated fetchedAt, not the file's mtime", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    await writeSnapshot(identity, makeData(1, Date.now() - 30 * DAY), { cacheDir });
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 7 * DAY })).toMatchObject({ kind: "expired" });
  });

  it("a snapshot from the future has an unknown age: expired under a limit however small the skew, ok without", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    const now = 1_700_000_000_000;
    // A minute ahead (a clock stepped back since, or another host's clock): not fresh either.
    await writeSnapshot(identity, makeData(1, now + 60_000), { cacheDir });
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: DAY, now: () => now })).toEqual({
      kind: "expired",
      ageMs: -60_000,
    });
    await writeSnapshot(identity, makeData(1, now + 2 * HOUR), { cacheDir });
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: DAY, now: () => now })).toEqual({
      kind: "expired",
      ageMs: -2 * HOUR,
    });
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0, now: () => now })).toMatchObject({
      kind: "ok",
      ageMs: 0,
    });
  });

  it("judgeFreshness decision table", () => {
    const cases: [number, number, ReturnType<typeof judgeFreshness>][] = [
      // [age, maxAge, result]
      [0, DAY, { kind: "ok", ageMs: 0 }],
      [DAY, DAY, { kind: "ok", ageMs: DAY }],
      [DAY + 1, DAY, { kind: "expired", ageMs: DAY + 1 }],
      [100 * DAY, 0, { kind: "ok", ageMs: 100 * DAY }],
      [-1, DAY, { kind: "expired", ageMs: -1 }],
      [-5 * 60_000, DAY, { kind: "expired", ageMs: -5 * 60_000 }],
      [-5 * 60_000 - 1, 0, { kind: "ok", ageMs: 0 }],
    ];
    for (const [age, maxAge, expected] of cases)
      expect(judgeFreshness(1e12 - age, 1e12, maxAge), `age ${age} max ${maxAge}`).toEqual(expected);
  });
});

describe("formatAge (for the warning naming the snapshot's age)", () => {
  it("uses the two largest units", async () => {
    const { formatAge } = await import("../../src/cache/index.js");
    expect(formatAge(0)).toBe("0s");
    expect(formatAge(999)).toBe("0s");
    expect(formatAge(45_000)).toBe("45s");
    expect(formatAge(12 * 60_000 + 5_000)).toBe("12m 5s");
    expect(formatAge(3 * HOUR + 12 * 60_000 + 59_000)).toBe("3h 12m");
    expect(formatAge(DAY)).toBe("1d 0h");
    expect(formatAge(8 * DAY + 4 * HOUR + 1)).toBe("8d 4h");
    expect(formatAge(-2 * HOUR)).toBe("2h 0m in the future");
  });
});
