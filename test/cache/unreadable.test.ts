// Every way a snapshot can be unusable ends as `unreadable` with a reason, never a throw.

import { mkdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { readSnapshot, writeSnapshot, type SnapshotIdentity } from "../../src/cache/index.js";
import { makeData, makeIdentity, marker, snapshotFiles, tempCacheDir } from "./helpers.js";

async function written(identity: SnapshotIdentity = makeIdentity(), count = 3) {
  const { cacheDir } = await tempCacheDir();
  await writeSnapshot(identity, makeData(count), { cacheDir });
  const [path] = await snapshotFiles(cacheDir);
  return { cacheDir, identity, path: path!, bytes: await readFile(path!) };
}

/** Puts `bytes` where `identity`'s snapshot lives (write one for it first to learn the name). */
async function plantFor(identity: SnapshotIdentity, cacheDir: string, bytes: Buffer): Promise<void> {
  const before = new Set(await snapshotFiles(cacheDir));
  await writeSnapshot(identity, makeData(1), { cacheDir });
  const path = (await snapshotFiles(cacheDir)).find((p) => !before.has(p))!;
  await writeFile(path, bytes);
}

describe("unreadable snapshots", () => {
  it("flipping any single byte of the file makes it unreadable (header, ciphertext or tag)", async () => {
    const { cacheDir, identity, path, bytes } = await written(makeIdentity(), 2);
    const reasons = new Set<string>();
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i] = tampered[i]! ^ 0x01;
      await writeFile(path, tampered);
      const result = await readSnapshot(identity, { cacheDir, maxAgeMs: 0 });
      expect(result.kind, `byte ${i}`).toBe("unreadable");
      if (result.kind === "unreadable") reasons.add(result.reason);
    }
    // Magic → corrupt, version → unknown_version, flag → passphrase_required, the rest → wrong_key.
    expect([...reasons].sort()).toEqual(["corrupt", "passphrase_required", "unknown_version", "wrong_key"]);
  });

  it("every truncation is unreadable, as is an empty file and one with bytes appended", async () => {
    const { cacheDir, identity, path, bytes } = await written();
    for (let length = 0; length < bytes.length; length++) {
      await writeFile(path, bytes.subarray(0, length));
      const result = await readSnapshot(identity, { cacheDir, maxAgeMs: 0 });
      expect(result.kind, `length ${length}`).toBe("unreadable");
    }
    await writeFile(path, Buffer.concat([bytes, Buffer.from([0])]));
    expect((await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).kind).toBe("unreadable");
    await writeFile(path, bytes);
    expect((await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).kind).toBe("ok");
  });

  it("another token has no snapshot there; one copied over its own cannot be read (wrong_key), and the message names no secret", async () => {
    const { cacheDir, identity, bytes } = await written();
    const other = { ...identity, token: `secr_tok_${marker("other")}` };
    expect(await readSnapshot(other, { cacheDir, maxAgeMs: 0 })).toEqual({ kind: "missing" });
    await plantFor(other, cacheDir, bytes);
    const result = await readSnapshot(other, { cacheDir, maxAgeMs: 0 });
    expect(result).toMatchObject({ kind: "unreadable", reason: "wrong_key" });
    if (result.kind === "unreadable") {
      for (const s of [identity.token, other.token, identity.org, identity.env])
        expect(result.message).not.toContain(s);
    }
  });

  it("a wrong passphrase, a missing one and an unexpected one are all refused", async () => {
    const withPass = makeIdentity({ passphrase: marker("right") });
    const { cacheDir } = await written(withPass);
    expect(await readSnapshot({ ...withPass, passphrase: marker("wrong") }, { cacheDir, maxAgeMs: 0 })).toMatchObject({
      kind: "unreadable",
      reason: "wrong_key",
    });
    expect(await readSnapshot({ ...withPass, passphrase: undefined }, { cacheDir, maxAgeMs: 0 })).toMatchObject({
      kind: "unreadable",
      reason: "passphrase_required",
    });
    const withoutPass = makeIdentity();
    const second = await written(withoutPass);
    expect(
      await readSnapshot({ ...withoutPass, passphrase: "x" }, { cacheDir: second.cacheDir, maxAgeMs: 0 }),
    ).toMatchObject({
      kind: "unreadable",
      reason: "passphrase_unexpected",
    });
  });

  it("a forged 'no passphrase' flag does not bypass the passphrase", async () => {
    const withPass = makeIdentity({ passphrase: marker("right") });
    const { cacheDir, path, bytes } = await written(withPass);
    const forged = Buffer.from(bytes);
    forged[9] = 0;
    await writeFile(path, forged);
    const result = await readSnapshot({ ...withPass, passphrase: undefined }, { cacheDir, maxAgeMs: 0 });
    expect(result).toMatchObject({ kind: "unreadable", reason: "wrong_key" });
  });

  for (const field of ["env", "org", "project", "apiUrl"] as const) {
    it(`a snapshot copied over another ${field}'s file does not decrypt, even with the same token`, async () => {
      const { cacheDir, identity, bytes } = await written();
      const other = { ...identity, [field]: field === "apiUrl" ? "https://api.secr.dev" : marker(field) };
      await plantFor(other, cacheDir, bytes);
      expect(await readSnapshot(other, { cacheDir, maxAgeMs: 0 })).toMatchObject({
        kind: "unreadable",
        reason: "wrong_key",
      });
      // The original is untouched and still reads.
      expect((await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).kind).toBe("ok");
    });
  }

  it("a trailing slash on the API URL is the same identity (as in the client)", async () => {
    const { cacheDir, identity } = await written(makeIdentity({ apiUrl: "http://127.0.0.1:4010" }));
    expect(
      (await readSnapshot({ ...identity, apiUrl: "http://127.0.0.1:4010/" }, { cacheDir, maxAgeMs: 0 })).kind,
    ).toBe("ok");
  });

  it("an unknown format version and a foreign file are reported as such", async () => {
    const { cacheDir, identity, path, bytes } = await written();
    const future = Buffer.from(bytes);
    future[8] = 2;
    await writeFile(path, future);
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).toMatchObject({
      kind: "unreadable",
      reason: "unknown_version",
    });
    await writeFile(path, '{"secrets":{}}\n');
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).toMatchObject({
      kind: "unreadable",
      reason: "corrupt",
    });
  });

  it("an oversized file is refused before it is read", async () => {
    const { cacheDir, identity, path } = await written();
    await truncate(path, 64 * 1024 * 1024 + 1); // sparse: costs no disk
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).toMatchObject({
      kind: "unreadable",
      reason: "corrupt",
    });
  });

  it("a directory where the file should be is unsafe (not a regular file), not a crash", async () => {
    const { cacheDir, identity, path } = await written();
    await rm(path);
    await mkdir(path);
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).toMatchObject({
      kind: "unreadable",
      reason: "unsafe",
    });
  });

  it("a cache dir path that is a file, or a damaged name-key, reads as missing; a write repairs the key", async () => {
    const { cacheDir } = await tempCacheDir();
    await writeFile(cacheDir, "not a dir");
    expect(await readSnapshot(makeIdentity(), { cacheDir, maxAgeMs: 0 })).toEqual({ kind: "missing" });
    const second = await written();
    await writeFile(`${second.cacheDir}/name-key`, "short");
    expect(await readSnapshot(second.identity, { cacheDir: second.cacheDir, maxAgeMs: 0 })).toEqual({
      kind: "missing",
    });
    await writeSnapshot(second.identity, makeData(1), { cacheDir: second.cacheDir });
    expect((await readSnapshot(second.identity, { cacheDir: second.cacheDir, maxAgeMs: 0 })).kind).toBe("ok");
    expect((await readFile(`${second.cacheDir}/name-key`)).length).toBe(32);
  });
});
