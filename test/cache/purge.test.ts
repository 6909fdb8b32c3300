import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { purgeSnapshot, readSnapshot, writeSnapshot } from "../../src/cache/index.js";
import { makeData, makeIdentity, marker, snapshotFiles, tempCacheDir } from "./helpers.js";

describe("purgeSnapshot (fail closed on 401/403/404)", () => {
  it("deletes the token's snapshot of the target, and leaves other envs and other tokens' snapshots alone", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    const sibling = { ...identity, env: marker("staging") };
    const otherToken = { ...identity, token: marker("secr_other_token") };
    await writeSnapshot(identity, makeData(2), { cacheDir });
    await writeSnapshot(sibling, makeData(2), { cacheDir });
    await writeSnapshot(otherToken, makeData(3), { cacheDir });
    const { apiUrl, org, project, env, token } = identity;
    expect(await purgeSnapshot({ apiUrl, org, project, env, token }, { cacheDir })).toBe(true);
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).toEqual({ kind: "missing" });
    expect((await readSnapshot(sibling, { cacheDir, maxAgeMs: 0 })).kind).toBe("ok");
    expect((await readSnapshot(otherToken, { cacheDir, maxAgeMs: 0 })).kind).toBe("ok");
    expect(await snapshotFiles(cacheDir)).toHaveLength(2);
  });

  it("is a no-op returning false when there is nothing to delete (no dir, no file)", async () => {
    const { cacheDir } = await tempCacheDir();
    expect(await purgeSnapshot(makeIdentity(), { cacheDir })).toBe(false);
    await writeSnapshot(makeIdentity(), makeData(1), { cacheDir });
    expect(await purgeSnapshot(makeIdentity(), { cacheDir })).toBe(false);
    const identity = makeIdentity();
    await writeSnapshot(identity, makeData(1), { cacheDir });
    expect(await purgeSnapshot(identity, { cacheDir })).toBe(true);
    expect(await purgeSnapshot(identity, { cacheDir })).toBe(false);
    expect((await readdir(cacheDir)).filter((n) => n.startsWith(".tmp-"))).toEqual([]);
  });
});
