// Real processes contending for the fetch lock: one fetch for many, crashed leaders taken over,
// live-but-stuck leaders bounded by the deadline. Counts fetches, never times them.
import { readFileSync } from "node:fs";
import { symlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  formatOwner,
  isStale,
  localProbe,
  parseOwner,
  type LockOwner,
  type OwnerProbe,
} from "../../src/cache/fetch-lock.js";
import { processStartTime } from "../../src/fs/process-start.js";
import { bundleFixture } from "../helpers/bundle.js";
import { testTempDir, fileTempDir } from "../helpers/temp.js";

const bundleDir = fileTempDir("secr-run-sf-bundle-");
let script: string;
const holders: ResultPromise[] = [];

beforeAll(async () => {
  script = await bundleFixture(
    new URL("./fixtures/single-flight-worker.ts", import.meta.url),
    join(bundleDir.path, "worker.mjs"),
  );
});

afterEach(() => {
  for (const holder of holders.splice(0)) holder.kill("SIGKILL");
});

async function scratch(): Promise<string> {
  return testTempDir("secr-run-sf-");
}

interface RunOpts {
  deadlineMs?: number;
  windowMs?: number;
  fetchMs?: number;
  leaseMs?: number;
  fail?: boolean;
}

function worker(dir: string, opts: RunOpts = {}) {
  const options = { deadlineMs: 60_000, windowMs: 0, fetchMs: 300, leaseMs: 120_000, ...opts };
  return execa(process.execPath, [script, "run", dir, JSON.stringify(options)], { reject: false });
}

async function outcomes(runs: ReturnType<typeof worker>[]) {
  const results = await Promise.all(runs);
  return results.map((r) => {
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as {
      role: string;
      value: string;
      why?: string;
      launchedAt: number;
      usedStart: number;
      lateRounds: number;
    };
  });
}

const fetches = (dir: string) => readFileSync(join(dir, "fetches.log"), "utf8").split("\n").filter(Boolean);

/** Start a process that takes the lock and keeps it; resolves once it holds it (wrapped: the
 *  subprocess is a thenable, which an async function would wait for). */
async function holder(dir: string, leaseMs: number): Promise<{ child: ResultPromise }> {
  const child = execa(process.execPath, [script, "hold", dir, String(leaseMs)], { reject: false, buffer: false });
  holders.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => chunk.includes("locked") && resolve());
    child.once("exit", () => reject(new Error("holder exited before taking the lock")));
  });
  return { child };
}

describe("one fetch for many processes", () => {
  it("20 concurrent processes: one fetch, one leader, everyone gets its result", async () => {
    const dir = await scratch();
    // A window far wider than the time 20 node processes take to start on a loaded machine.
    const results = await outcomes(Array.from({ length: 20 }, () => worker(dir, { windowMs: 10 * 60_000 })));
    expect(fetches(dir)).toHaveLength(1);
    expect(results.filter((r) => r.role === "leader")).toHaveLength(1);
    expect(results.every((r) => ["leader", "follower", "shared"].includes(r.role))).toBe(true);
    expect(new Set(results.map((r) => r.value))).toEqual(new Set([`fetched-by-${fetches(dir)[0]}`]));
  });

  it("20 processes launched at once, no window: at most 3 fetches, and none uses a fetch begun before it was launched", async () => {
    const dir = await scratch();
    const results = await outcomes(Array.from({ length: 20 }, () => worker(dir)));
    expect(fetches(dir).length).toBeLessThanOrEqual(3);
    for (const r of results) expect(r.usedStart, JSON.stringify(r)).toBeGreaterThanOrEqual(r.launchedAt);
  });

  it("a process launched after a fetch began fetches again; an explicit window lets it reuse that fetch", async () => {
    const dir = await scratch();
    await writeFile(
      join(dir, "shared.json"),
      JSON.stringify({ writtenAt: Date.now() - 60_000, startedAt: Date.now() - 60_100, value: "old" }),
    );
    const [result] = await outcomes([worker(dir)]);
    expect(result).toMatchObject({ role: "leader" });
    const [again] = await outcomes([worker(dir)]);
    expect(again).toMatchObject({ role: "leader" });
    expect(fetches(dir)).toHaveLength(2);
    const [windowed] = await outcomes([worker(dir, { windowMs: 60_000 })]);
    expect(windowed).toMatchObject({ role: "shared", value: again!.value });
    expect(fetches(dir)).toHaveLength(2);
  });

  it("processes launched while a leader's fetch runs wait for it, then share one newer fetch", async () => {
    const dir = await scratch();
    const first = worker(dir, { fetchMs: 5_000 });
    while (!(await exists(join(dir, "fetches.log")))) await new Promise((r) => setTimeout(r, 20));
    const late = await outcomes(Array.from({ length: 6 }, () => worker(dir, { fetchMs: 300 })));
    expect((await first).exitCode).toBe(0);
    // The first fetch, then one (rarely more, for a process still starting when the second
    // began) for the late ones: never one each.
    expect(fetches(dir).length).toBeGreaterThanOrEqual(2);
    expect(fetches(dir).length).toBeLessThanOrEqual(3);
    for (const r of late) {
      expect(r.value, JSON.stringify(r)).not.toBe(`fetched-by-${fetches(dir)[0]}`);
      expect(r.usedStart).toBeGreaterThanOrEqual(r.launchedAt);
    }
    expect(late.some((r) => r.lateRounds > 0)).toBe(true);
  });

  it("a leader SIGKILLed while holding the lock does not block the others: one of them takes over", async () => {
    const dir = await scratch();
    const { child: dead } = await holder(dir, 10 * 60_000); // a lease far beyond every deadline here
    dead.kill("SIGKILL");
    await dead;
    const results = await outcomes(Array.from({ length: 10 }, () => worker(dir, { deadlineMs: 5 * 60_000 })));
    expect(results.filter((r) => r.why === "timeout")).toEqual([]);
    for (const r of results) expect(r.usedStart, JSON.stringify(r)).toBeGreaterThanOrEqual(r.launchedAt);
    // One fetch for all, unless a process was still starting when it began: those may not use
    // it (a fetch begun before a run's launch is never shared) and share one more among them.
    const firstFetch = Math.min(...results.map((r) => r.usedStart));
    const launchedAfter = results.filter((r) => r.launchedAt > firstFetch).length;
    expect(fetches(dir).length).toBe(new Set(results.map((r) => r.usedStart)).size);
    if (launchedAfter === 0) expect(fetches(dir)).toHaveLength(1);
    else expect(fetches(dir).length).toBeLessThanOrEqual(Math.min(3, 1 + launchedAfter));
  });

  it("a leader killed mid-fetch, with followers waiting: one follower fetches again, none waits for the deadline", async () => {
    const dir = await scratch();
    const leader = worker(dir, { fetchMs: 10 * 60_000 });
    while (!(await exists(join(dir, "fetches.log")))) await new Promise((r) => setTimeout(r, 20));
    const followers = Array.from({ length: 10 }, () => worker(dir, { deadlineMs: 5 * 60_000 }));
    leader.kill("SIGKILL");
    expect((await leader).signal).toBe("SIGKILL");
    const results = await outcomes(followers);
    expect(results.filter((r) => r.why === "timeout")).toEqual([]);
    // The dead leader's fetch, then one per follower that became leader: at least one takes over.
    // Followers still starting when the new leader has already released the lock lead on their
    // own (this fixture writes no snapshot to share). A follower that saw the lock vanish while
    // another follower broke it takes that for a failed leader and fetches alone: an extra
    // fetch, never a wrong value (src/cache/single-flight.ts). Every fetch is one of these.
    const leaders = results.filter((r) => r.role === "leader").length;
    const alone = results.filter((r) => r.role === "alone").length;
    expect(leaders).toBeGreaterThanOrEqual(1);
    expect(fetches(dir)).toHaveLength(1 + leaders + alone);
  });

  it("a live leader that never finishes holds the others only until their deadline, then each fetches alone", async () => {
    const dir = await scratch();
    await holder(dir, 10 * 60_000);
    const results = await outcomes(Array.from({ length: 5 }, () => worker(dir, { deadlineMs: 500 })));
    expect(results.map((r) => [r.role, r.why])).toEqual(Array.from({ length: 5 }, () => ["alone", "timeout"]));
    expect(fetches(dir)).toHaveLength(5);
  });

  it("a leader whose fetch fails releases the lock; the others fetch in parallel instead of queueing", async () => {
    const dir = await scratch();
    const leader = worker(dir, { fail: true, fetchMs: 500 });
    while (!(await exists(join(dir, "fetches.log")))) await new Promise((r) => setTimeout(r, 20));
    const followers = Array.from({ length: 4 }, () => worker(dir));
    expect((await leader).exitCode).not.toBe(0);
    const results = await outcomes(followers);
    expect(fetches(dir).length).toBeGreaterThanOrEqual(2);
    expect(results.every((r) => r.role !== "shared" || r.value.startsWith("fetched-by-"))).toBe(true);
  });

  it.runIf(process.platform === "linux")(
    "a lock naming a live pid with another start time (pid reused) is taken over",
    async () => {
      const dir = await scratch();
      const owner: LockOwner = {
        pid: process.pid,
        startTime: 1,
        host: hostname(),
        createdAt: Date.now(),
        expiresAt: Date.now() + 600_000,
      };
      await writeFile(join(dir, "target.lock"), formatOwner(owner));
      const [result] = await outcomes([worker(dir, { deadlineMs: 5 * 60_000 })]);
      expect(result).toMatchObject({ role: "leader" });
    },
  );

  // The attack: something planted at the lock's name that a plain readFile would block on for
  // ever (a FIFO: open waits for a writer) or read without end (a link to /dev/zero). The lock is
  // read as snapshots are: it is unreadable, broken after the partial-lock grace, and the run
  // goes on well within its deadline.
  it.runIf(process.platform !== "win32")(
    "a FIFO at the lock's name neither hangs the run nor stops it fetching",
    async () => {
      const dir = await scratch();
      await execa("mkfifo", [join(dir, "target.lock")]);
      const run = worker(dir, { deadlineMs: 5 * 60_000 });
      const [result] = await outcomes([run]);
      expect(result).toMatchObject({ role: "leader" });
    },
    30_000,
  );

  it.runIf(process.platform !== "win32")(
    "a symlink to /dev/zero at the lock's name is not followed",
    async () => {
      const dir = await scratch();
      await symlink("/dev/zero", join(dir, "target.lock"));
      const [result] = await outcomes([worker(dir, { deadlineMs: 5 * 60_000 })]);
      expect(result).toMatchObject({ role: "leader" });
    },
    30_000,
  );

  it("a lock past its lease is taken over even though its owner lives", async () => {
    const dir = await scratch();
    const owner: LockOwner = {
      pid: process.pid,
      startTime: processStartTime(process.pid),
      host: hostname(),
      createdAt: Date.now() - 10_000,
      expiresAt: Date.now() - 1,
    };
    await writeFile(join(dir, "target.lock"), formatOwner(owner));
    const [result] = await outcomes([worker(dir, { deadlineMs: 5 * 60_000 })]);
    expect(result).toMatchObject({ role: "leader" });
  });
});

describe("isStale", () => {
  const now = 1_000_000;
  const owner: LockOwner = { pid: 42, startTime: 777, host: "box", createdAt: now - 10, expiresAt: now + 1000 };
  const probe = (over: Partial<OwnerProbe> = {}): OwnerProbe => ({
    host: "box",
    now,
    alive: () => true,
    startTimeOf: () => 777,
    ...over,
  });

  it("live owner with its start time: not stale", () => expect(isStale(owner, probe())).toBe(false));
  it("dead pid: stale", () => expect(isStale(owner, probe({ alive: () => false }))).toBe(true));
  it("pid reused by a process started later: stale", () =>
    expect(isStale(owner, probe({ startTimeOf: () => 999 }))).toBe(true));
  it("start time unknown: the pid decides", () =>
    expect(isStale({ ...owner, startTime: undefined }, probe({ startTimeOf: () => 999 }))).toBe(false));
  it("lease over: stale", () => expect(isStale(owner, probe({ now: now + 1001 }))).toBe(true));
  it("another host: only the lease counts", () => {
    expect(isStale(owner, probe({ host: "other", alive: () => false }))).toBe(false);
    expect(isStale(owner, probe({ host: "other", now: now + 5000 }))).toBe(true);
  });
  it("parseOwner refuses partial or foreign content", () => {
    expect(parseOwner("")).toBeUndefined();
    expect(parseOwner('{"pid":1}')).toBeUndefined();
    expect(parseOwner(formatOwner(owner))).toEqual(owner);
    expect(parseOwner(formatOwner({ ...owner, startTime: undefined }))).toEqual({ ...owner, startTime: undefined });
    expect(parseOwner(JSON.stringify({ ...owner, startTime: "77x" }))).toBeUndefined();
    expect(parseOwner(JSON.stringify({ ...owner, startTime: 1.5 }))).toBeUndefined();
  });
  it("the start time is written as a string, as every version wrote it, and read as a string or a number", () => {
    expect(JSON.parse(formatOwner(owner))).toEqual({ ...owner, startTime: "777" });
    expect(JSON.parse(formatOwner({ ...owner, startTime: undefined })).startTime).toBeNull();
    expect(parseOwner(JSON.stringify({ ...owner, startTime: "777" }))).toEqual(owner);
    expect(parseOwner(JSON.stringify({ ...owner, startTime: 777 }))).toEqual(owner);
  });
  it.runIf(process.platform === "linux")(
    "a lock an older version wrote for a live process (start time a string) is still held",
    () => {
      const older = JSON.stringify({
        pid: process.pid,
        startTime: String(processStartTime(process.pid)),
        host: hostname(),
        createdAt: Date.now(),
        expiresAt: Date.now() + 60_000,
      });
      const parsed = parseOwner(older);
      expect(parsed?.startTime).toBe(processStartTime(process.pid));
      expect(isStale(parsed!, localProbe())).toBe(false);
      // The same lock naming a process that started at another time (pid reused) is stale.
      expect(isStale({ ...parsed!, startTime: parsed!.startTime! + 1 }, localProbe())).toBe(true);
    },
  );
});

async function exists(path: string): Promise<boolean> {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}
