import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PlannedFile } from "../../src/deliver/plan.js";
import { EXTERNAL_RECORD, parseRunDirName, runDirName, runtimeBase, sweepStaleRunDirs } from "../../src/deliver/run-dir.js";
import { processStartTime } from "../../src/fs/process-start.js";
import { DeliveryError } from "../../src/core/failure.js";
import { writeDelivery } from "../../src/deliver/write.js";

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "secr-deliver-"));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const file = (path: string, content: string, inRunDir = false): PlannedFile => ({ path, content, origin: `--test ${path}`, inRunDir });
const runDirIn = (base: string) => join(base, runDirName(process.pid, processStartTime(process.pid) ?? 0, "0123456789abcdef"));

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
    expect(() => writeDelivery([file(join(work, "no/such/dir/f"), "x")], runDir)).toThrow(/the directory .*no\/such\/dir does not exist/);
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
    expect(readdirSync(work).sort()).toEqual(["replaced.env", "unrelated", live.slice(work.length + 1), ...(process.platform === "linux" ? [] : [reused.slice(work.length + 1)])].sort());
  });

  it("records outside files in the run directory, without their content", () => {
    const runDir = runDirIn(work);
    const outside = join(work, "o");
    const delivered = writeDelivery([file(outside, "s3cr3t-value")], runDir);
    const [record] = JSON.parse(readFileSync(join(runDir, EXTERNAL_RECORD), "utf8")) as Array<{ path: string; ino: number }>;
    expect(record?.path).toBe(outside);
    expect(record?.ino).toBe(lstatSync(outside).ino);
    expect(readFileSync(join(runDir, EXTERNAL_RECORD), "utf8")).not.toContain("s3cr3t-value");
    delivered.remove();
  });

  it("picks XDG_RUNTIME_DIR, else /dev/shm, else the temp dir", () => {
    if (process.platform === "win32") return;
    const all = () => true;
    expect(runtimeBase({ XDG_RUNTIME_DIR: "/run/user/1" }, all)).toBe("/run/user/1");
    expect(runtimeBase({ XDG_RUNTIME_DIR: "relative" }, all)).toBe("/dev/shm");
    expect(runtimeBase({}, (p) => p === "/dev/shm")).toBe("/dev/shm");
    expect(runtimeBase({ XDG_RUNTIME_DIR: "/run/user/1" }, () => false)).toBe(tmpdir());
  });
});
