// The data directory lock: a lock whose pid now names another live process (pid reuse) is
// stale and taken over; a lock of a live process with the recorded start time is respected.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStartTime, processStartTime } from "../../src/fs/process-start.js";
import { isStale, parseLock } from "../../src/server/persistence/lock.js";
import { LockError, startServer } from "../../src/server/index.js";
import { CLI } from "../helpers/cli.js";

describe("lock decisions", () => {
  it("reads field 22 of /proc/PID/stat even when the command name holds spaces and parentheses", () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3)); // fields 3..52
    expect(parseStartTime(`1234 (we ird) (name)) ${fields.join(" ")}\n`)).toBe(22);
    expect(parseStartTime("garbage")).toBeUndefined();
    expect(parseStartTime(`1 (x) ${fields.slice(0, 19).join(" ")} 99999999999999999999 1`)).toBeUndefined();
  });

  it.runIf(process.platform === "linux")("reads this process's start time, and nothing for a pid that is gone", () => {
    expect(processStartTime(process.pid)).toBe(parseStartTime(readFileSync("/proc/self/stat", "utf8")));
    expect(processStartTime(process.pid)).toBeGreaterThan(0);
    expect(processStartTime(2 ** 22 + 7)).toBeUndefined();
  });

  it("parses old (pid only) and new (pid start) locks; anything else is no owner", () => {
    expect(parseLock("42\n")).toEqual({ pid: 42 });
    expect(parseLock("42 9876\n")).toEqual({ pid: 42, startTime: 9876 });
    // A start time too large for a number: the pid alone decides, as in a lock without one.
    expect(parseLock("42 99999999999999999999\n")).toEqual({ pid: 42 });
    for (const bad of ["", "0\n", "-1\n", "x\n", "42 9876 1\n"]) expect(parseLock(bad), bad).toBeUndefined();
  });

  it("is stale when the pid is gone, is ours, or names a process that started at another time", () => {
    const owner = { pid: 42, startTime: 100 };
    expect(isStale(owner, { alive: false }, 7)).toBe(true);
    expect(isStale(owner, { alive: true, startTime: 100 }, 42)).toBe(true);
    expect(isStale(owner, { alive: true, startTime: 999 }, 7)).toBe(true);
    expect(isStale(owner, { alive: true, startTime: 100 }, 7)).toBe(false);
    // Without a start time on either side, a live pid is respected.
    expect(isStale({ pid: 42 }, { alive: true, startTime: 100 }, 7)).toBe(false);
    expect(isStale(owner, { alive: true }, 7)).toBe(false);
    expect(isStale(undefined, { alive: true }, 7)).toBe(true);
  });
});

describe.skipIf(process.platform !== "linux")("lock files on disk", () => {
  let other: ChildProcess;
  let otherStart: number;
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "secr-lock-test-"));
    // Another live process whose pid the lock will name.
    other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    await once(other, "spawn");
    otherStart = processStartTime(other.pid!)!;
    expect(otherStart).toBeGreaterThan(0);
  });
  afterAll(async () => {
    other.kill("SIGKILL");
    await rm(root, { recursive: true, force: true });
  });

  it("takes over a lock whose live pid belongs to a process with another start time", async () => {
    const dataPath = join(root, "reused-pid");
    const first = await startServer({ port: 0, dataPath, adminToken: "t" });
    await first.close();
    await writeFile(join(dataPath, "lock"), `${other.pid} ${otherStart + 1}\n`);
    const server = await startServer({ port: 0, dataPath, adminToken: "t" });
    const ours = processStartTime(process.pid);
    expect(await readFile(join(dataPath, "lock"), "utf8")).toBe(`${process.pid} ${ours}\n`);
    await server.close();
  });

  it("respects the lock of a live process with the recorded start time (serve exits 69)", async () => {
    const dataPath = join(root, "live-owner");
    const first = await startServer({ port: 0, dataPath, adminToken: "t" });
    await first.close();
    await writeFile(join(dataPath, "lock"), `${other.pid} ${otherStart}\n`);
    await expect(startServer({ port: 0, dataPath, adminToken: "t" })).rejects.toThrow(LockError);
    const result = await execa(process.execPath, [CLI, "serve", "--port", "0", "--data", dataPath], {
      reject: false,
      stdin: "ignore",
      timeout: 20_000,
      env: { SECR_SERVE_TOKEN: "t", SECR_SERVE_KEY: "" },
    });
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toMatch(
      new RegExp(`another secr-run serve \\(pid ${other.pid}\\) is using this data directory`),
    );
    expect(await readFile(join(dataPath, "lock"), "utf8")).toBe(`${other.pid} ${otherStart}\n`);
  });
});
