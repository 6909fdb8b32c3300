import { chmod, mkdir, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UnsafeCacheDirError, readSnapshot, resolveCacheDir, writeSnapshot } from "../../src/cache/index.js";
import { makeData, makeIdentity, snapshotFiles, tempCacheDir } from "./helpers.js";

describe("resolveCacheDir", () => {
  it("--cache-dir wins, then an absolute $XDG_CACHE_HOME, then ~/.cache", () => {
    const env = { XDG_CACHE_HOME: "/xdg" };
    expect(resolveCacheDir({ override: "/custom/dir", env, home: "/home/u", platform: "linux" })).toBe("/custom/dir");
    expect(resolveCacheDir({ env, home: "/home/u", platform: "linux" })).toBe("/xdg/secr-run");
    expect(resolveCacheDir({ env: {}, home: "/home/u", platform: "linux" })).toBe("/home/u/.cache/secr-run");
  });

  it("ignores an empty or relative $XDG_CACHE_HOME (invalid per the XDG spec) and resolves a relative --cache-dir", () => {
    expect(resolveCacheDir({ env: { XDG_CACHE_HOME: "" }, home: "/home/u", platform: "linux" })).toBe(
      "/home/u/.cache/secr-run",
    );
    expect(resolveCacheDir({ env: { XDG_CACHE_HOME: "rel/cache" }, home: "/home/u", platform: "linux" })).toBe(
      "/home/u/.cache/secr-run",
    );
    expect(resolveCacheDir({ override: "rel", env: {}, home: "/home/u" })).toBe(join(process.cwd(), "rel"));
  });
});

describe("cache directory safety and temp files", () => {
  it("creates missing parents and the dir itself", async () => {
    const { root } = await tempCacheDir();
    const cacheDir = join(root, "a", "b", "secr-run");
    await writeSnapshot(makeIdentity(), makeData(1), { cacheDir });
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
  });

  it("refuses to write into an existing dir that others can write to, and does not chmod it", async () => {
    const { cacheDir } = await tempCacheDir();
    await mkdir(cacheDir);
    await chmod(cacheDir, 0o777);
    await expect(writeSnapshot(makeIdentity(), makeData(1), { cacheDir })).rejects.toBeInstanceOf(UnsafeCacheDirError);
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o777);
    expect(await readdir(cacheDir)).toEqual([]);
    // An existing private dir is fine.
    await chmod(cacheDir, 0o700);
    await writeSnapshot(makeIdentity(), makeData(1), { cacheDir });
    expect(await snapshotFiles(cacheDir)).toHaveLength(1);
  });

  it("a failed write rejects, leaves no temp file, and keeps the previous snapshot", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    const first = makeData(2);
    await writeSnapshot(identity, first, { cacheDir });
    const [path] = await snapshotFiles(cacheDir);
    // Make the rename fail: a non-empty directory sits where the snapshot goes.
    await rm(path!);
    await mkdir(path!);
    await writeFile(join(path!, "blocker"), "x");
    await expect(writeSnapshot(identity, makeData(2), { cacheDir })).rejects.toThrow();
    expect((await readdir(cacheDir)).filter((n) => n.startsWith(".tmp-"))).toEqual([]);
    await rm(path!, { recursive: true });
    await writeSnapshot(identity, first, { cacheDir });
    expect((await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).kind).toBe("ok");
  });

  it("a write sweeps temp files left by a killed writer once they are stale, not fresh ones", async () => {
    const { cacheDir } = await tempCacheDir();
    await writeSnapshot(makeIdentity(), makeData(1), { cacheDir });
    const stale = join(cacheDir, ".tmp-stale");
    const fresh = join(cacheDir, ".tmp-fresh");
    await writeFile(stale, "partial");
    await writeFile(fresh, "partial");
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(stale, hourAgo, hourAgo);
    await writeSnapshot(makeIdentity(), makeData(1), { cacheDir });
    const names = await readdir(cacheDir);
    expect(names).not.toContain(".tmp-stale");
    expect(names).toContain(".tmp-fresh");
  });
});
