// One measurement each: the wall time and peak RSS of a command, the requests it made, the
// resident memory of a launcher while its child sleeps, and how fast it forwards SIGTERM.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { childPids, procMemory } from "./machine.js";

const TIME = "/usr/bin/time";
const TIMEOUT = "/usr/bin/timeout";
const hasTime = existsSync(TIME);
const hasTimeout = existsSync(TIMEOUT);
const hasPython = spawnSync("python3", ["-c", "import resource"], { stdio: "ignore" }).status === 0;
const scratch = mkdtempSync(join(tmpdir(), "secr-bench-time-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

/** Whether runs report CPU time (they do when python3 is there to read getrusage(RUSAGE_CHILDREN)). */
export const measuresCpu = hasPython;

// Runs the command in a session of its own, bounded by a timeout that kills the whole group (so
// nothing is left running behind a slow peer), and writes to fd 3: wall ms (from fork to reap,
// python's own start excluded), CPU ms (user + sys of every process of the tree, all threads) and
// peak RSS KiB (the largest process of the tree), all from the kernel's rusage.
const RUSAGE_WRAPPER = `
import os, resource, signal, subprocess, sys, threading, time
limit = float(sys.argv[1])
expired = []
def expire():
    expired.append(True)
    os.killpg(child.pid, signal.SIGKILL)
started = time.monotonic()
child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True)
# A timer, not wait(timeout=): that one polls with sleeps of up to 50 ms, which would round every
# wall time up to the next poll.
timer = threading.Timer(limit, expire)
timer.start()
code = child.wait()
timer.cancel()
wall = (time.monotonic() - started) * 1000
if expired:
    code = 124
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
os.write(3, ("%.3f %.3f %d" % (wall, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_maxrss)).encode())
sys.exit(code if code >= 0 else 128 - code)
`;

/**
 * Run `cmd` once to completion: wall ms, CPU ms (when measurable) and peak RSS KiB. With python3
 * all three come from the kernel (see RUSAGE_WRAPPER). Without it: wall time around a synchronous
 * spawn, peak RSS from GNU time's %M, bounded by coreutils `timeout`. Every command pays the same
 * wrapper cost, so differences between commands stay exact. CPU time varies far less than wall
 * time when other processes compete for the cores.
 */
export function timedRun(cmd, { cwd, env, timeoutMs = 60_000 }) {
  if (hasPython) {
    const result = spawnSync("python3", ["-c", RUSAGE_WRAPPER, `${timeoutMs / 1000}`, ...cmd], {
      cwd,
      env,
      stdio: ["ignore", "ignore", "pipe", "pipe"],
      timeout: timeoutMs + 10_000,
      maxBuffer: 1 << 20,
    });
    failed(result, timeoutMs);
    const [ms, cpuMs, rssKiB] = String(result.output[3]).trim().split(" ").map(Number);
    return { ms, cpuMs, rssKiB };
  }
  const rssFile = join(scratch, "rss");
  const bounded = hasTimeout ? [TIMEOUT, "-k", "2", `${timeoutMs / 1000}`, ...cmd] : cmd;
  const wrapped = hasTime ? [TIME, "-f", "%M", "-o", rssFile, ...bounded] : bounded;
  const start = process.hrtime.bigint();
  const result = spawnSync(wrapped[0], wrapped.slice(1), {
    cwd,
    env,
    stdio: ["ignore", "ignore", "pipe"],
    timeout: timeoutMs + 10_000,
    maxBuffer: 1 << 20,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  failed(result, timeoutMs);
  let rssKiB;
  if (hasTime) rssKiB = Number(readFileSync(rssFile, "utf8").trim().split("\n").pop());
  return { ms, cpuMs: undefined, rssKiB };
}

/** Throws when a wrapped run did not exit 0, with the command's own last stderr line. */
function failed(result, timeoutMs) {
  if (result.error)
    throw new Error(
      result.error.code === "ETIMEDOUT" ? `did not finish within ${timeoutMs / 1000} s` : result.error.message,
    );
  if (result.status === 124 && (hasPython || hasTimeout))
    throw new Error(`did not finish within ${timeoutMs / 1000} s`);
  if (result.status !== 0) {
    // GNU time adds "Command exited with non-zero status N"; the command's own last line says why.
    const tail = String(result.stderr)
      .trim()
      .split("\n")
      .filter((l) => l && !l.startsWith("Command exited"))
      .pop();
    throw new Error(`exited ${result.status ?? result.signal}${tail ? `: ${tail.trim()}` : ""}`);
  }
}

/** Run `cmd` asynchronously (so an in-process proxy can answer it) and wait for exit 0. */
export async function asyncRun(cmd, { cwd, env, timeoutMs = 60_000 }) {
  const child = spawn(cmd[0], cmd.slice(1), { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-2000)));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const [code, signal] = await new Promise((resolve) => child.on("close", (c, s) => resolve([c, s])));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`exited ${code ?? signal}: ${stderr.trim().split("\n").pop() ?? ""}`);
}

/**
 * Start `cmd` (a launcher whose child is `sleep`), wait until the child exists, then read the
 * launcher's own VmRSS/VmHWM at each of `readAtMs` (counted from the child's start), then SIGTERM
 * it. Early readings show the state right after startup; V8's memory reducer shrinks the heap
 * once the process has been idle for a few seconds, which later readings show. KiB.
 */
export async function residentMemory(cmd, { cwd, env, readAtMs = [500], timeoutMs = 30_000 }) {
  const child = spawn(cmd[0], cmd.slice(1), { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-2000)));
  const exited = new Promise((resolve) => child.on("close", (c, s) => resolve(s ?? c)));
  const deadline = Date.now() + timeoutMs;
  try {
    while (childPids(child.pid).length === 0) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`exited ${await exited}: ${stderr.trim().split("\n").pop() ?? ""}`);
      if (Date.now() > deadline) throw new Error("child never started");
      await sleep(10);
    }
    const started = Date.now();
    const readings = [];
    for (const at of readAtMs) {
      await sleep(Math.max(0, started + at - Date.now()));
      const memory = procMemory(child.pid);
      if (!memory) throw new Error(`exited before ${at} ms: ${stderr.trim().split("\n").pop() ?? ""}`);
      readings.push(memory);
    }
    return readings;
  } finally {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The signal-latency child: prints "ready", then on SIGTERM prints the CLOCK_MONOTONIC time
 * (process.hrtime, the same clock in every process on the machine) at which its handler ran.
 */
export const SIGNAL_CHILD = `
const { writeSync } = require("node:fs");
process.on("SIGTERM", () => { writeSync(1, "handled " + process.hrtime.bigint() + "\\n"); process.exit(0); });
writeSync(1, "ready\\n");
setInterval(() => {}, 1 << 30);
`;

/**
 * Start `cmd` (ending in the signal child), wait for "ready", send SIGTERM to the top process
 * and return the ms until the child's handler ran. Throws if the signal is never forwarded.
 */
export async function signalLatency(cmd, { cwd, env, settleMs = 50, timeoutMs = 30_000, forwardTimeoutMs = 2000 }) {
  const child = spawn(cmd[0], cmd.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-2000)));
  const exited = new Promise((resolve) => child.on("close", (c, s) => resolve(s ?? c)));
  const lines = createInterface({ input: child.stdout });
  let sentAt;
  try {
    return await new Promise((resolve, reject) => {
      let timer = setTimeout(
        () => reject(new Error(`no "ready" within ${timeoutMs} ms: ${stderr.trim().split("\n").pop() ?? ""}`)),
        timeoutMs,
      );
      void exited.then((how) => {
        // Give stdout a moment to drain: the "handled" line may still be in the pipe.
        setTimeout(
          () =>
            reject(
              new Error(`exited ${how} before the child handled SIGTERM: ${stderr.trim().split("\n").pop() ?? ""}`),
            ),
          200,
        );
      });
      lines.on("line", async (line) => {
        if (line === "ready") {
          clearTimeout(timer);
          await sleep(settleMs);
          sentAt = process.hrtime.bigint();
          process.kill(child.pid, "SIGTERM");
          timer = setTimeout(
            () => reject(new Error(`SIGTERM not forwarded within ${forwardTimeoutMs} ms`)),
            forwardTimeoutMs,
          );
        } else if (line.startsWith("handled ") && sentAt !== undefined) {
          clearTimeout(timer);
          resolve(Number(BigInt(line.slice(8)) - sentAt) / 1e6);
        }
      });
    });
  } finally {
    // Collect the whole tree first: once the top dies its children are reparented and lost to us.
    const tree = descendants(child.pid);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    for (const pid of tree) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await exited;
  }
}

function descendants(pid) {
  const found = [];
  for (const kid of childPids(pid)) found.push(kid, ...descendants(kid));
  return found;
}
