import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { purgeSnapshot, readSnapshot, writeSnapshot } from "../../src/cache/index.js";
import { makeData, makeIdentity, marker, snapshotFiles, tempCacheDir } from "./helpers.js";

describe("purgeSnapshot (fail closed on 401/403/404)", () => {
  it("deletes the identity's snapshot, whatever token wrote it, and leaves other envs alone", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    const sibling = { ...identity, env: marker("staging") };
    await writeSnapshot(identity, makeData(2), { cacheDir });
    await writeSnapshot(sibling, makeData(2), { cacheDir });
    const { apiUrl, org, project, env } = identity;
    expect(await purgeSnapshot({ apiUrl, org, project, env }, { cacheDir })).toBe(true);
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).toEqual({ kind: "missing" });
    expect((await readSnapshot(sibling, { cacheDir, maxAgeMs: 0 })).kind).toBe("ok");
    expect(await snapshotFiles(cacheDir)).toHaveLength(1);
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
