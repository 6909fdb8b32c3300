// The attack: in a cache directory another user can write, plant something at a snapshot's or
// the name key's name. A FIFO hung `--offline` forever; a symlink to /dev/zero grew secr-run past
// 1.5 GiB. Reads now apply the write side's checks: the directory must be ours and not writable
// by others, files are opened without following symlinks and without blocking, and only a
// regular file of bounded size is read. Each test ends (no hang) or the test times out and fails.
import { execFileSync } from "node:child_process";
import { chmod, chown, mkdir, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSnapshot, writeSnapshot, type SnapshotIdentity } from "../../src/cache/index.js";
import { NAME_KEY_FILE } from "../../src/cache/file-name.js";
import { makeData, makeIdentity, snapshotFiles, tempCacheDir } from "../cache/helpers.js";
import { runCli } from "../helpers/cli.js";
import { readRecord, recordFile, recordingChild } from "../helpers/record.js";

const isRoot = process.getuid?.() === 0;

async function written(identity: SnapshotIdentity = makeIdentity()) {
  const { cacheDir } = await tempCacheDir();
  await writeSnapshot(identity, makeData(2), { cacheDir });
  const [path] = await snapshotFiles(cacheDir);
  return { cacheDir, identity, path: path! };
}

function mkfifo(path: string): void {
  execFileSync("mkfifo", ["-m", "600", path]);
}

describe("reading a snapshot applies the write side's checks", () => {
  it("control: an untouched snapshot reads", async () => {
    const { cacheDir, identity } = await written();
    expect((await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).kind).toBe("ok");
  });

  it("a FIFO named like the snapshot file does not block: unsafe", async () => {
    const { cacheDir, identity, path } = await written();
    await rm(path);
    mkfifo(path);
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).toEqual({
      kind: "unreadable",
      reason: "unsafe",
      message: "the snapshot file is not a regular file",
    });
  });

  it("a FIFO named like the name key does not block either", async () => {
    const { cacheDir, identity } = await written();
    await rm(join(cacheDir, NAME_KEY_FILE));
    mkfifo(join(cacheDir, NAME_KEY_FILE));
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).toMatchObject({
      kind: "unreadable",
      reason: "unsafe",
    });
  });

  it("a symlink to /dev/zero as the snapshot file is not followed", async () => {
    const { cacheDir, identity, path } = await written();
    await rm(path);
    await symlink("/dev/zero", path);
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).toEqual({
      kind: "unreadable",
      reason: "unsafe",
      message: "the snapshot file is a symbolic link",
    });
  });

  it("a symlink as the name key is not followed", async () => {
    const { cacheDir, identity } = await written();
    await rm(join(cacheDir, NAME_KEY_FILE));
    await symlink("/dev/zero", join(cacheDir, NAME_KEY_FILE));
    expect(await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).toMatchObject({
      kind: "unreadable",
      reason: "unsafe",
    });
  });

  it("a symlink to a valid snapshot (say, another user's copy) is refused too", async () => {
    const { cacheDir, identity, path } = await written();
    const elsewhere = `${cacheDir}-elsewhere`;
    await mkdir(elsewhere, { mode: 0o700 });
    execFileSync("mv", [path, join(elsewhere, "copy")]);
    await symlink(join(elsewhere, "copy"), path);
    expect((await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).kind).toBe("unreadable");
    await rm(elsewhere, { recursive: true });
  });

  it.each([0o720, 0o702, 0o777, 0o1777])(
    "a directory with mode %o (writable by others) is not trusted",
    async (mode) => {
      const { cacheDir, identity } = await written();
      await chmod(cacheDir, mode);
      const result = await readSnapshot(identity, { cacheDir, maxAgeMs: 0 });
      expect(result).toMatchObject({ kind: "unreadable", reason: "unsafe" });
      expect(result.kind === "unreadable" && result.message).toContain("writable by other users");
    },
  );

  it.skipIf(!isRoot)("a directory owned by another user (uid 65534) is not trusted", async () => {
    const { cacheDir, identity } = await written();
    await chown(cacheDir, 65534, 65534);
    const result = await readSnapshot(identity, { cacheDir, maxAgeMs: 0 });
    expect(result).toMatchObject({ kind: "unreadable", reason: "unsafe" });
    expect(result.kind === "unreadable" && result.message).toContain("belongs to another user");
  });
});

describe("secr-run --offline against a tampered cache directory", () => {
  const API_URL = "http://127.0.0.1:9"; // never contacted: --offline
  const TOKEN = "secr_cli_cacheread_6a2f0e8c4b1d3957";

  async function offline(cacheDir: string) {
    const record = recordFile();
    const result = await runCli(
      ["--offline", "--no-validate", "--org", "acme", "--project", "api", "--env", "production", ...recordingChild()],
      {
        env: { SECR_API_URL: API_URL, SECR_TOKEN: TOKEN, SECR_CACHE_DIR: cacheDir, RECORD_TO: record },
      },
    );
    return { result, child: readRecord(record) };
  }

  async function snapshotForCli() {
    const identity = { apiUrl: API_URL, org: "acme", project: "api", env: "production", token: TOKEN };
    const { cacheDir } = await tempCacheDir();
    await writeSnapshot(
      identity,
      { secrets: { DATABASE_URL: "postgres://cache-read-1" }, validation: null, fetchedAt: Date.now() },
      { cacheDir },
    );
    const [path] = await snapshotFiles(cacheDir);
    return { cacheDir, path: path! };
  }

  it("control: the untouched snapshot starts the command", async () => {
    const { cacheDir } = await snapshotForCli();
    const { result, child } = await offline(cacheDir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(child?.env.DATABASE_URL).toBe("postgres://cache-read-1");
  });

  it.each([
    ["a FIFO", (path: string) => Promise.resolve(mkfifo(path)), "not a regular file"],
    ["a symlink to /dev/zero", (path: string) => symlink("/dev/zero", path), "symbolic link"],
  ] as const)("%s at the snapshot's name: one warning and exit 69, no hang, no child", async (_, plant, why) => {
    const { cacheDir, path } = await snapshotForCli();
    await rm(path);
    await plant(path);
    const { result, child } = await offline(cacheDir);
    expect(result.exitCode, result.stderr).toBe(69);
    expect(result.stderr).toContain(why);
    expect(child).toBeUndefined();
  });

  it("a world-writable cache directory: exit 69, no child", async () => {
    const { cacheDir } = await snapshotForCli();
    await chmod(cacheDir, 0o777);
    const { result, child } = await offline(cacheDir);
    expect(result.exitCode, result.stderr).toBe(69);
    expect(result.stderr).toContain("writable by other users");
    expect(child).toBeUndefined();
  });
});
