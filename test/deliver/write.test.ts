import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PlannedFile } from "../../src/deliver/plan.js";
import {
  baseProblem,
  EXTERNAL_RECORD,
  parseRunDirName,
  removeExternal,
  runDirName,
  runtimeBase,
  sweepStaleRunDirs,
} from "../../src/deliver/run-dir.js";
import { processStartTime } from "../../src/fs/process-start.js";
import { DeliveryError } from "../../src/core/failure.js";
import { writeDelivery } from "../../src/deliver/write.js";

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "secr-deliver-"));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const file = (path: string, content: string, inRunDir = false): PlannedFile => ({
  path,
  content,
  origin: `--test ${path}`,
  inRunDir,
});
const runDirIn = (base: string) =>
  join(base, runDirName(process.pid, processStartTime(process.pid) ?? 0, "0123456789abcdef"));

describe("writeDelivery", () => {
  it("writes 0600 files in a 0700 directory and elsewhere, and removes all of them", () => {
    const runDir = runDirIn(work);
    const outside = join(work, "out.conf");
    const delivered = writeDelivery([file(join(runDir, "KEY"), "s3cret\n", true), file(outside, "conf=1")], runDir);
    expect(mode(runDir)).toBe(0o700);
    expect(mode(join(runDir, "KEY"))).toBe(0o600);
    expect(mode(outside)).toBe(0o600);
    expect(readFileSync(join(runDir, "KEY"), "utf8")).toBe("s3cret\n");
    expect(readFileSync(outside, "utf8")).toBe("conf=1");
    delivered.remove();
    expect(existsSync(runDir)).toBe(false);
    expect(existsSync(outside)).toBe(false);
    delivered.remove(); // idempotent
  });

  it("refuses to overwrite an existing file and leaves it, and everything else, untouched", () => {
    const runDir = runDirIn(work);
    const first = join(work, "first");
    const taken = join(work, "taken");
    writeFileSync(taken, "theirs");
    let error: unknown;
    try {
      writeDelivery([file(first, "one"), file(taken, "mine")], runDir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).exitCode).toBe(78);
    expect((error as DeliveryError).message).toContain("already exists");
    expect(readFileSync(taken, "utf8")).toBe("theirs");
    // No partial effect: the first file and the run directory are gone again.
    expect(existsSync(first)).toBe(false);
    expect(existsSync(runDir)).toBe(false);
  });

  it("does not write through a symbolic link, dangling or not (the link's target stays as it was)", () => {
    const target = join(work, "victim");
    writeFileSync(target, "precious");
    symlinkSync(target, join(work, "link"));
    symlinkSync(join(work, "nowhere"), join(work, "dangling"));
    for (const name of ["link", "dangling"]) {
      const runDir = runDirIn(work);
      expect(() => writeDelivery([file(join(work, name), "secret")], runDir)).toThrow(DeliveryError);
      expect(existsSync(runDir)).toBe(false);
    }
    expect(readFileSync(target, "utf8")).toBe("precious");
    expect(existsSync(join(work, "nowhere"))).toBe(false);
  });

  it("says which directory is missing (78)", () => {
    const runDir = runDirIn(work);
    expect(() => writeDelivery([file(join(work, "no/such/dir/f"), "x")], runDir)).toThrow(
      /the directory .*no\/such\/dir does not exist/,
    );
  });

  it("does not remove a file that replaced the one it wrote", () => {
    const runDir = runDirIn(work);
    const outside = join(work, "out");
    const delivered = writeDelivery([file(outside, "ours!!")], runDir);
    rmSync(outside);
    writeFileSync(outside, "theirs"); // often the same inode, and here even the same size
    delivered.remove();
    expect(readFileSync(outside, "utf8")).toBe("theirs");
  });
});

describe("replacing the files for the next child (--watch)", () => {
  it("replaces every file in place: same paths, new content, 0600, the run directory kept", () => {
    const runDir = runDirIn(work);
    const outside = join(work, "app.conf");
    const delivered = writeDelivery([file(join(runDir, "KEY"), "v1", true), file(outside, "conf=v1")], runDir);
    const staged = delivered.stage([file(join(runDir, "KEY"), "v2", true), file(outside, "conf=v2")]);
    // Nothing the child sees changes before commit().
    expect(readFileSync(join(runDir, "KEY"), "utf8")).toBe("v1");
    expect(readFileSync(outside, "utf8")).toBe("conf=v1");
    staged.commit();
    expect(readFileSync(join(runDir, "KEY"), "utf8")).toBe("v2");
    expect(readFileSync(outside, "utf8")).toBe("conf=v2");
    expect(mode(join(runDir, "KEY"))).toBe(0o600);
    expect(mode(outside)).toBe(0o600);
    expect(readdirSync(work).sort()).toEqual(["app.conf", runDir.slice(work.length + 1)].sort());
    expect(readdirSync(runDir).sort()).toEqual([EXTERNAL_RECORD, "KEY"]);
    // The record follows the new file, so removal still finds it.
    const [record] = JSON.parse(readFileSync(join(runDir, EXTERNAL_RECORD), "utf8")) as Array<{
      path: string;
      ino: number;
    }>;
    expect(record).toMatchObject({ path: outside, ino: lstatSync(outside).ino });
    delivered.remove();
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(runDir)).toBe(false);
  });

  it("discard() leaves the current files and removes the temp files", () => {
    const runDir = runDirIn(work);
    const outside = join(work, "o");
    const delivered = writeDelivery([file(outside, "one")], runDir);
    const staged = delivered.stage([file(outside, "two")]);
    expect(readdirSync(work)).toHaveLength(3); // o, its temp file, the run directory
    staged.discard();
    staged.discard();
    expect(readFileSync(outside, "utf8")).toBe("one");
    expect(readdirSync(work).sort()).toEqual(["o", runDir.slice(work.length + 1)].sort());
    expect(() => staged.commit()).toThrow(DeliveryError);
    delivered.remove();
  });

  it("a temp file is recorded until it is renamed, so the sweep after a SIGKILL removes it", () => {
    const runDir = runDirIn(work);
    const outside = join(work, "o");
    const delivered = writeDelivery([file(outside, "one")], runDir);
    delivered.stage([file(outside, "two")]);
    const recorded = (JSON.parse(readFileSync(join(runDir, EXTERNAL_RECORD), "utf8")) as Array<{ path: string }>).map(
      (record) => record.path,
    );
    expect(recorded).toHaveLength(2);
    removeExternal(runDir);
    expect(readdirSync(work)).toEqual([runDir.slice(work.length + 1)]);
  });

  it("refuses to replace an outside file that is no longer the one it wrote, and leaves it and nothing else", () => {
    const runDir = runDirIn(work);
    const outside = join(work, "o");
    const delivered = writeDelivery([file(outside, "ours!")], runDir);
    const staged = delivered.stage([file(outside, "next!")]);
    rmSync(outside);
    writeFileSync(outside, "their"); // same size, likely the same inode
    expect(() => staged.commit()).toThrow(/--test .*\/o: .*\/o is no longer the file secr-run wrote/);
    expect(readFileSync(outside, "utf8")).toBe("their");
    expect(readdirSync(work).sort()).toEqual(["o", runDir.slice(work.length + 1)].sort());
    rmSync(outside);
    symlinkSync(join(work, "elsewhere"), outside);
    expect(() => delivered.stage([file(outside, "x")]).commit()).toThrow(/is now a symbolic link/);
    expect(existsSync(join(work, "elsewhere"))).toBe(false);
    delivered.remove();
  });

  it("a reader never finds the path missing while it is replaced again and again", async () => {
    const runDir = runDirIn(work);
    const key = join(runDir, "KEY");
    const outside = join(work, "o");
    const delivered = writeDelivery([file(key, "v0", true), file(outside, "v0")], runDir);
    const stop = join(work, "stop");
    // A separate process reads both paths in a loop and counts any failure to open them.
    const reader = spawn(process.execPath, ["-e", READER, key, outside, stop], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    reader.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    while (!out.startsWith("ready\n")) await new Promise((resolve) => setTimeout(resolve, 10));
    // At least 300 replacements, and for at least half a second, so the reader runs meanwhile.
    const started = Date.now();
    let i = 0;
    while (i < 300 || Date.now() - started < 500) {
      i += 1;
      delivered.stage([file(key, `v${i}`, true), file(outside, `v${i}`)]).commit();
    }
    writeFileSync(stop, "");
    await once(reader, "exit");
    const { reads, missing, values } = JSON.parse(out.slice("ready\n".length)) as {
      reads: number;
      missing: number;
      values: number;
    };
    expect(values).toBeGreaterThan(1); // it did read while the files changed
    expect(reads).toBeGreaterThan(0);
    expect(missing).toBe(0);
    expect(readFileSync(key, "utf8")).toBe(`v${i}`);
    delivered.remove();
  });
});

const READER = `
const fs = require("fs");
const [a, b, stop] = process.argv.slice(1);
let reads = 0, missing = 0;
const values = new Set();
process.stdout.write("ready\\n");
for (let i = 0; ; i++) {
  for (const path of [a, b]) {
    try { values.add(fs.readFileSync(path, "utf8")); reads++; } catch { missing++; }
  }
  if (i % 64 === 0 && fs.existsSync(stop)) break;
}
process.stdout.write(JSON.stringify({ reads, missing, values: values.size }));
`;

describe("stale run directories", () => {
  it("names a run directory after its owner", () => {
    expect(parseRunDirName(runDirName(42, 12345, "0123456789abcdef"))).toEqual({ pid: 42, start: 12345 });
    expect(parseRunDirName("secr-run-42-x-0123456789abcdef")).toBeUndefined();
    expect(parseRunDirName("other")).toBeUndefined();
  });

  it("sweeps directories (and their recorded outside files) whose owner is gone, and keeps live ones", () => {
    // A real process that has ended: its pid is no longer that process.
    const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const deadPid = Number(gone.stdout.trim());
    const stale = join(work, runDirName(deadPid, 1, "00000000000000aa"));
    const outside = join(work, "left-behind.env");
    const replaced = join(work, "replaced.env");
    writeDelivery([file(join(stale, "K"), "v", true), file(outside, "x"), file(replaced, "y")], stale);
    rmSync(replaced);
    writeFileSync(replaced, "not ours any more");
    // Ours, alive; and our pid with another start time (a reused pid) is not us.
    const live = runDirIn(work);
    mkdirSync(live, { mode: 0o700 });
    const reused = join(work, runDirName(process.pid, (processStartTime(process.pid) ?? 0) + 1, "00000000000000bb"));
    mkdirSync(reused, { mode: 0o700 });
    mkdirSync(join(work, "unrelated"));

    const removed = sweepStaleRunDirs(work);
    expect(removed.sort()).toEqual(process.platform === "linux" ? [reused, stale].sort() : [stale]);
    expect(existsSync(outside)).toBe(false);
    expect(readFileSync(replaced, "utf8")).toBe("not ours any more");
    expect(existsSync(live)).toBe(true);
    expect(readdirSync(work).sort()).toEqual(
      [
        "replaced.env",
        "unrelated",
        live.slice(work.length + 1),
        ...(process.platform === "linux" ? [] : [reused.slice(work.length + 1)]),
      ].sort(),
    );
  });

  it("records outside files in the run directory, without their content", () => {
    const runDir = runDirIn(work);
    const outside = join(work, "o");
    const delivered = writeDelivery([file(outside, "s3cr3t-value")], runDir);
    const [record] = JSON.parse(readFileSync(join(runDir, EXTERNAL_RECORD), "utf8")) as Array<{
      path: string;
      ino: number;
    }>;
    expect(record?.path).toBe(outside);
    expect(record?.ino).toBe(lstatSync(outside).ino);
    expect(readFileSync(join(runDir, EXTERNAL_RECORD), "utf8")).not.toContain("s3cr3t-value");
    delivered.remove();
  });

  it("picks XDG_RUNTIME_DIR only if it is the user's own and private, else /dev/shm, else the temp dir", () => {
    if (process.platform === "win32") return;
    const uid = process.getuid!();
    const other = uid === 0 ? 1000 : uid + 1;
    const dir = (uid: number, mode: number) => ({ isDirectory: true, uid, mode: 0o40000 | mode, writable: true });
    const facts = (map: Record<string, ReturnType<typeof dir>>) => (path: string) => map[path];
    const shm = dir(0, 0o1777);
    expect(
      runtimeBase({ XDG_RUNTIME_DIR: "/run/user/1" }, facts({ "/run/user/1": dir(uid, 0o700), "/dev/shm": shm })),
    ).toBe("/run/user/1");
    expect(runtimeBase({ XDG_RUNTIME_DIR: "relative" }, facts({ relative: dir(uid, 0o700), "/dev/shm": shm }))).toBe(
      "/dev/shm",
    );
    // `su` without `-`, `sudo -E`: another user's runtime directory, even a private one.
    expect(
      runtimeBase({ XDG_RUNTIME_DIR: "/run/user/1" }, facts({ "/run/user/1": dir(other, 0o700), "/dev/shm": shm })),
    ).toBe("/dev/shm");
    expect(
      runtimeBase({ XDG_RUNTIME_DIR: "/run/user/1" }, facts({ "/run/user/1": dir(uid, 0o1777), "/dev/shm": shm })),
    ).toBe("/dev/shm");
    expect(
      runtimeBase({ XDG_RUNTIME_DIR: "/run/user/1" }, facts({ "/run/user/1": dir(uid, 0o720), "/dev/shm": shm })),
    ).toBe("/dev/shm");
    // A shared base must be sticky if others can write it, and the user's or root's.
    expect(runtimeBase({}, facts({ "/dev/shm": dir(0, 0o777), [tmpdir()]: dir(0, 0o1777) }))).toBe(tmpdir());
    expect(runtimeBase({}, facts({ "/dev/shm": dir(other, 0o1777), [tmpdir()]: dir(uid, 0o700) }))).toBe(tmpdir());
    expect(runtimeBase({}, facts({ "/dev/shm": { ...shm, writable: false } }))).toBeUndefined();
    expect(runtimeBase({ XDG_RUNTIME_DIR: "/run/user/1" }, () => undefined)).toBeUndefined();
  });
});

describe("baseProblem", () => {
  it("names what is wrong", () => {
    const facts = { isDirectory: true, uid: 5, mode: 0o40700, writable: true };
    expect(baseProblem(facts, 5, false)).toBeUndefined();
    expect(baseProblem({ ...facts, uid: 6 }, 5, false)).toBe("belongs to another user (uid 6)");
    expect(baseProblem({ ...facts, uid: 0 }, 5, false)).toBe("belongs to another user (uid 0)");
    expect(baseProblem({ ...facts, uid: 0, mode: 0o41777 }, 5, true)).toBeUndefined();
    expect(baseProblem({ ...facts, mode: 0o40777 }, 5, true)).toBe("is writable by other users");
    expect(baseProblem({ ...facts, isDirectory: false }, 5, true)).toBe("is not a directory");
    expect(baseProblem(undefined, 5, true)).toBe("is not a directory");
  });
});
