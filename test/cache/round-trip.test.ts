import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { purgeSnapshot, readSnapshot, writeSnapshot } from "../../src/cache/index.js";
import { findPlaintext, listCache, makeData, makeIdentity, marker, snapshotFiles, tempCacheDir } from "./helpers.js";

describe("snapshot round trip", () => {
  it("reads back exactly what was written, with its age", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    const data = makeData(50, 1_000_000);
    await writeSnapshot(identity, data, { cacheDir });
    const result = await readSnapshot(identity, { cacheDir, maxAgeMs: 0, now: () => 1_000_000 + 42_000 });
    expect(result).toEqual({ kind: "ok", data, ageMs: 42_000 });
  });

  it("round-trips 1,000 secrets quickly (generous bound; numbers in the report)", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    const data = makeData(1000);
    await writeSnapshot(identity, data, { cacheDir });
    const started = performance.now();
    const result = await readSnapshot(identity, { cacheDir, maxAgeMs: 0 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.kind === "ok" && result.data).toEqual(data);
  });

  it("keeps a null validation (template check skipped) and an empty secret set", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    const data = { secrets: {}, validation: null, fetchedAt: Date.now() };
    await writeSnapshot(identity, data, { cacheDir });
    const result = await readSnapshot(identity, { cacheDir, maxAgeMs: 0 });
    expect(result.kind).toBe("ok");
    if (result.kind === "ok") expect(result.data).toEqual(data);
  });

  it("round-trips with a passphrase", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity({ passphrase: marker("passphrase") });
    const data = makeData(5);
    await writeSnapshot(identity, data, { cacheDir });
    const result = await readSnapshot(identity, { cacheDir, maxAgeMs: 0 });
    expect(result.kind === "ok" && result.data).toEqual(data);
  });

  it("an empty passphrase means none (SECR_PASSPHRASE= set but empty)", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity({ passphrase: "" });
    await writeSnapshot(identity, makeData(1), { cacheDir });
    expect((await readSnapshot({ ...identity, passphrase: undefined }, { cacheDir, maxAgeMs: 0 })).kind).toBe("ok");
  });

  it("refuses a relative or empty cache dir (it would silently mean the working directory)", async () => {
    for (const cacheDir of ["", "relative/dir"]) {
      await expect(readSnapshot(makeIdentity(), { cacheDir, maxAgeMs: 0 })).rejects.toThrow(TypeError);
      await expect(writeSnapshot(makeIdentity(), makeData(1), { cacheDir })).rejects.toThrow(TypeError);
      await expect(purgeSnapshot(makeIdentity(), { cacheDir })).rejects.toThrow(TypeError);
    }
  });

  it("a later write replaces the earlier one; one file per identity", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    await writeSnapshot(identity, makeData(3), { cacheDir });
    const second = makeData(4);
    await writeSnapshot(identity, second, { cacheDir });
    expect(await snapshotFiles(cacheDir)).toHaveLength(1);
    const result = await readSnapshot(identity, { cacheDir, maxAgeMs: 0 });
    expect(result.kind === "ok" && result.data).toEqual(second);
  });

  it("keeps environments apart: each identity reads its own snapshot", async () => {
    const { cacheDir } = await tempCacheDir();
    const prod = makeIdentity();
    const staging = { ...prod, env: marker("staging") };
    const prodData = makeData(2);
    const stagingData = makeData(2);
    await writeSnapshot(prod, prodData, { cacheDir });
    await writeSnapshot(staging, stagingData, { cacheDir });
    expect(await snapshotFiles(cacheDir)).toHaveLength(2);
    const a = await readSnapshot(prod, { cacheDir, maxAgeMs: 0 });
    const b = await readSnapshot(staging, { cacheDir, maxAgeMs: 0 });
    expect(a.kind === "ok" && a.data).toEqual(prodData);
    expect(b.kind === "ok" && b.data).toEqual(stagingData);
  });

  it("reports missing when nothing was written (no cache dir, or no snapshot for this identity)", async () => {
    const { cacheDir } = await tempCacheDir();
    expect(await readSnapshot(makeIdentity(), { cacheDir, maxAgeMs: 0 })).toEqual({ kind: "missing" });
    await writeSnapshot(makeIdentity(), makeData(1), { cacheDir });
    expect(await readSnapshot(makeIdentity(), { cacheDir, maxAgeMs: 0 })).toEqual({ kind: "missing" });
  });
});

describe("snapshot files on disk", () => {
  it("creates the cache dir 0700 and every file 0600, even with umask 000", async () => {
    const { cacheDir } = await tempCacheDir();
    const previous = process.umask(0);
    try {
      await writeSnapshot(makeIdentity(), makeData(1), { cacheDir });
    } finally {
      process.umask(previous);
    }
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
    const files = await listCache(cacheDir);
    expect(files.map((f) => f.name).sort()).toEqual(
      ["name-key", expect.stringMatching(/^[0-9a-f]{40}\.snapshot$/)].sort(),
    );
    for (const { name } of files) expect((await stat(`${cacheDir}/${name}`)).mode & 0o777, name).toBe(0o600);
  });

  it("holds no value, key name, token, passphrase or slug in plaintext, in file contents or names", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity({ passphrase: marker("passphrase") });
    const data = makeData(200);
    await writeSnapshot(identity, data, { cacheDir });
    // A second identity in the same dir, without passphrase, to search a passphrase-less file too.
    const other = makeIdentity();
    const otherData = makeData(200);
    await writeSnapshot(other, otherData, { cacheDir });

    const needles = [
      ...Object.entries(data.secrets).flat(),
      ...Object.entries(otherData.secrets).flat(),
      identity.token,
      identity.passphrase!,
      identity.org,
      identity.project,
      identity.env,
      other.token,
      other.org,
      other.project,
      other.env,
      "NEEDED_KEY",
      "SURPLUS_KEY",
    ];
    const files = await listCache(cacheDir);
    expect(files).toHaveLength(3);
    expect(findPlaintext(files, needles)).toEqual([]);
    // Control: the same search finds every needle in a plaintext file.
    const control = [{ name: "control", bytes: Buffer.from(needles.join("\n")) }];
    expect(findPlaintext(control, needles).length).toBeGreaterThanOrEqual(needles.length);
  });

  it("names files with a per-directory secret: same identity, different dirs, different names", async () => {
    const a = await tempCacheDir();
    const b = await tempCacheDir();
    const identity = makeIdentity();
    await writeSnapshot(identity, makeData(1), { cacheDir: a.cacheDir });
    await writeSnapshot(identity, makeData(1), { cacheDir: b.cacheDir });
    const [nameA] = await snapshotFiles(a.cacheDir);
    const [nameB] = await snapshotFiles(b.cacheDir);
    expect(nameA!.split("/").pop()).not.toBe(nameB!.split("/").pop());
  });

  it("uses a fresh IV and salt per write: identical content never gives identical bytes", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    const data = makeData(3, 123);
    await writeSnapshot(identity, data, { cacheDir });
    const [path] = await snapshotFiles(cacheDir);
    const first = (await listCache(cacheDir)).find((f) => path!.endsWith(f.name))!.bytes;
    await writeSnapshot(identity, data, { cacheDir });
    const second = (await listCache(cacheDir)).find((f) => path!.endsWith(f.name))!.bytes;
    expect(first.subarray(10, 38).equals(second.subarray(10, 38))).toBe(false);
    expect(first.equals(second)).toBe(false);
  });
});
