// One snapshot per token (docs/design/snapshot.md, "Files"): a run with another token on the same
// machine must not replace the first token's snapshot, and names never show a token.
import { readdir, rename } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fetchLockPath, readSnapshot, writeSnapshot } from "../../src/cache/index.js";
import { legacySnapshotFileName, readNameKey, snapshotFileName } from "../../src/cache/file-name.js";
import { findPlaintext, listCache, makeData, makeIdentity, marker, snapshotFiles, tempCacheDir } from "./helpers.js";

describe("a snapshot per token", () => {
  it("a second token's run leaves the first token's snapshot readable (no 'tampered with' warning later)", async () => {
    const { cacheDir } = await tempCacheDir();
    const first = makeIdentity();
    const second = { ...first, token: `secr_tok_${marker("second")}` };
    const firstData = makeData(2);
    await writeSnapshot(first, firstData, { cacheDir });
    await writeSnapshot(second, makeData(3), { cacheDir });
    expect(await readSnapshot(first, { cacheDir, maxAgeMs: 0 })).toMatchObject({
      kind: "ok",
      data: { secrets: firstData.secrets },
    });
    expect((await readSnapshot(second, { cacheDir, maxAgeMs: 0 })).kind).toBe("ok");
    expect(await snapshotFiles(cacheDir)).toHaveLength(2);
  });

  it("file names and lock names show neither token nor target, in any encoding", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    await writeSnapshot(identity, makeData(1), { cacheDir });
    const lock = await fetchLockPath(identity, { cacheDir });
    const names = [...(await readdir(cacheDir)), lock.slice(cacheDir.length + 1)];
    const hits = findPlaintext(
      names.map((name) => ({ name, bytes: Buffer.from(name) })),
      [identity.token, identity.org, identity.project, identity.env],
    );
    expect(hits).toEqual([]);
    // The lock is per token as well.
    expect(await fetchLockPath({ ...identity, token: "secr_tok_another_one" }, { cacheDir })).not.toBe(lock);
  });

  it("a snapshot under the name of earlier versions (one per target) is used once by its own token, then moved by the next write", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    const data = makeData(2);
    await writeSnapshot(identity, data, { cacheDir });
    const nameKey = (await readNameKey(cacheDir))!;
    // As an older version left it: the same sealed bytes, under the per-target name.
    await rename(
      join(cacheDir, snapshotFileName(nameKey, identity)),
      join(cacheDir, legacySnapshotFileName(nameKey, identity)),
    );
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).toMatchObject({
      kind: "ok",
      data: { secrets: data.secrets },
    });
    // Another token finds no snapshot there, rather than a warning about tampering.
    expect(await readSnapshot({ ...identity, token: `secr_tok_${marker("x")}` }, { cacheDir, maxAgeMs: 0 })).toEqual({
      kind: "missing",
    });
    await writeSnapshot(identity, makeData(1), { cacheDir });
    expect((await listCache(cacheDir)).map((f) => f.name)).not.toContain(legacySnapshotFileName(nameKey, identity));
    expect(await snapshotFiles(cacheDir)).toHaveLength(1);
  });
});
