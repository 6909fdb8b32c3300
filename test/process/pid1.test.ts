// docs/design/process-model.md, "PID 1": secr-run as PID 1 (Docker without --init), in a fresh PID namespace via
// `unshare -pf --mount-proc` (needs root or user namespaces; skipped with the reason otherwise).
// README, "In a container", says what the user sees.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { delay, http } from "msw";
import { describe, expect, it } from "vitest";
import { cliEnv, count, FIXTURE, readLog, type Run, start, useProcessFixture, waitFor, waitReady } from "./helpers.js";
import { CLI } from "../helpers/cli.js";

function unshareProblem(): string | undefined {
  try {
    const out = execFileSync("unshare", ["-pf", "--mount-proc", "sh", "-c", "echo $$"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return out.trim() === "1" ? undefined : `unshare did not give PID 1 (got ${out.trim()})`;
  } catch (error) {
    return `unshare -pf --mount-proc failed: ${(error as Error).message.split("\n")[0]}`;
  }
}
const problem = unshareProblem();
if (problem) console.warn(`skipping PID 1 tests: ${problem}`);

const fx = useProcessFixture();

/** `unshare -pf --mount-proc node secr-run -- node signal-child ...`; secr-run is PID 1 inside. */
function runAsPid1(childArgs: string[]): Run {
  fx.current = start(["-pf", "--mount-proc", process.execPath, CLI, "--", process.execPath, FIXTURE, ...childArgs], {
    env: cliEnv(fx.server),
    cwd: fx.dir.path,
    command: "unshare",
  });
  return fx.current;
}

/** secr-run's pid as seen from here: the only child of unshare. */
function secrRunPid(run: Run): Promise<number> {
  const unshare = run.proc.pid!;
  return waitFor("secr-run under unshare", () => {
    try {
      const pid = Number(readFileSync(`/proc/${unshare}/task/${unshare}/children`, "utf8").trim().split(" ")[0]);
      return pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  });
}

const reapingWarnings = (stderr: string) => stderr.split("\n").filter((l) => /PID 1/.test(l));

describe.skipIf(problem !== undefined)("as PID 1 (docs/design/process-model.md: PID 1)", () => {
  it("19: SIGINT and SIGTERM still reach the child once each; exit = the child's code", async () => {
    const log = join(fx.dir.path, "pid1-forward.log");
    const r = runAsPid1(["--log", log, "--exit-on", "TERM", "--exit", "3"]);
    await waitReady(log, r);
    const pid = await secrRunPid(r);
    process.kill(pid, "SIGINT");
    await waitFor("SIGINT in the child's log", () => (count(readLog(log), "SIGINT") === 1 ? true : undefined));
    process.kill(pid, "SIGTERM");
    expect(await r.exit).toEqual({ code: 3, signal: null });
    const lines = readLog(log);
    expect([count(lines, "SIGINT"), count(lines, "SIGTERM")]).toEqual([1, 1]);
  });

  it("20: child killed by SIGTERM → status 143 (PID 1 cannot re-raise)", async () => {
    const r = runAsPid1(["--kill-self", "TERM"]);
    expect(await r.exit).toEqual({ code: 143, signal: null });
  });

  it("21: exactly one warning that orphans are not reaped, naming the fixes", async () => {
    const r = runAsPid1(["--after", "0", "--exit", "0"]);
    expect(await r.exit).toEqual({ code: 0, signal: null });
    const warnings = reapingWarnings(r.stderr());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^secr-run: .*reap.*--init.*tini/);
  });

  it("PID 1: SIGTERM before the child exists → exit 143, child never started", async () => {
    fx.server.use(http.get("*/v1/secrets/:org/:project/:env", () => delay("infinite")));
    const log = join(fx.dir.path, "pid1-early.log");
    const seen = fx.server.requests.length;
    const r = runAsPid1(["--log", log]);
    await waitFor("the secrets request", () =>
      fx.server.requests.slice(seen).some((q) => q.url.pathname.startsWith("/v1/secrets/")) ? true : undefined,
    );
    process.kill(await secrRunPid(r), "SIGTERM");
    expect(await r.exit).toEqual({ code: 143, signal: null });
    expect(readLog(log)).toEqual([]);
  });
});
