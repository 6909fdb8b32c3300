// Job control by kill(1), not by a terminal (docs/design/process-model.md, "Job control"): a TSTP, TTIN
// or TTOU sent to secr-run alone reaches the child, then secr-run stops itself; the SIGCONT that
// resumes secr-run resumes the child. secr-run runs in a process group of its own inside a
// session without a terminal (test/fixtures/own-group.py): not orphaned, so the kernel really
// stops a process on these signals, as it does for a shell's job.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliEnv, count, FIXTURE, readLog, start, useProcessFixture, waitFor, waitReady } from "./helpers.js";
import { CLI, ROOT } from "../helpers/cli.js";

const fx = useProcessFixture();
const OWN_GROUP = join(ROOT, "test/fixtures/own-group.py");

/** The state letter of /proc/<pid>/stat ("T" = stopped). */
function state(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0]!;
}
const waitState = (what: string, pid: number, stopped: boolean) =>
  waitFor(`${what} ${stopped ? "stopped" : "running"}`, () => ((state(pid) === "T") === stopped ? true : undefined));

let n = 0;
async function runInOwnGroup(childArgs: string[]) {
  const log = join(fx.dir.path, `job-${++n}.log`);
  const r = start([OWN_GROUP, process.execPath, CLI, "--", process.execPath, FIXTURE, "--log", log, ...childArgs], {
    env: cliEnv(fx.server),
    cwd: fx.dir.path,
    command: "python3",
  });
  fx.current = r;
  const secrRun = await waitFor("secr-run's pid", () => Number(/^pid (\d+)$/m.exec(r.stderr())?.[1]) || undefined);
  const child = await waitReady(log, r);
  return { r, log, secrRun, child };
}

describe("job control by kill", () => {
  it.each(["SIGTSTP", "SIGTTIN", "SIGTTOU"] as const)(
    "kill -%s secr-run → the child is stopped (state T) and so is secr-run; kill -CONT secr-run resumes both",
    async (signal) => {
      const { r, log, secrRun, child } = await runInOwnGroup(["--exit-on", "TERM", "--exit", "6"]);
      process.kill(secrRun, signal);
      await waitState("the child", child, true);
      await waitState("secr-run", secrRun, true);

      process.kill(secrRun, "SIGCONT");
      await waitState("the child", child, false);
      await waitState("secr-run", secrRun, false);
      await waitFor("SIGCONT in the child's log", () => (count(readLog(log), "SIGCONT") >= 1 ? true : undefined));

      process.kill(secrRun, "SIGTERM");
      expect(await r.exit).toEqual({ code: 6, signal: null });
      const lines = readLog(log);
      expect([count(lines, "SIGCONT"), count(lines, "SIGTERM")]).toEqual([1, 1]);
    },
  );

  it("a stop sent to the whole group is not sent again; the group's CONT is not sent again either", async () => {
    const { r, log, secrRun, child } = await runInOwnGroup(["--exit-on", "TERM", "--exit", "0"]);
    process.kill(-secrRun, "SIGTSTP"); // what `kill -TSTP %1` in a shell does
    await waitState("the child", child, true);
    await waitState("secr-run", secrRun, true);
    process.kill(-secrRun, "SIGCONT"); // what `fg` / `bg` do
    await waitState("secr-run", secrRun, false);
    await waitState("the child", child, false);
    process.kill(secrRun, "SIGTERM");
    expect(await r.exit).toEqual({ code: 0, signal: null });
    expect(count(readLog(log), "SIGCONT")).toBe(1);
  });

  it("a child that handles SIGTSTP itself gets it once, and the SIGCONT too", async () => {
    const { r, log, secrRun, child } = await runInOwnGroup([
      "--listen",
      "TSTP,TERM",
      "--exit-on",
      "TERM",
      "--exit",
      "0",
    ]);
    process.kill(secrRun, "SIGTSTP");
    await waitState("secr-run", secrRun, true);
    await waitFor("SIGTSTP in the child's log", () => (count(readLog(log), "SIGTSTP") === 1 ? true : undefined));
    expect(state(child)).not.toBe("T"); // its own choice: it did not stop
    process.kill(secrRun, "SIGCONT");
    await waitFor("SIGCONT in the child's log", () => (count(readLog(log), "SIGCONT") === 1 ? true : undefined));
    process.kill(secrRun, "SIGTERM");
    expect(await r.exit).toEqual({ code: 0, signal: null });
    expect([count(readLog(log), "SIGTSTP"), count(readLog(log), "SIGCONT")]).toEqual([1, 1]);
  });
});
