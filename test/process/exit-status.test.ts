// docs/design/process-model.md, "Exit status", through the real CLI: the caller cannot tell secr-run from its child.
// Exit with the child's code, die of the child's signal, 128+S for core signals.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MswServer } from "../helpers/msw-server.js";
import { cliArgv, cliEnv, isAlive, killGroup, start, startSecr, waitReady, type Run } from "./helpers.js";
import { CLI } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

let server: MswServer;
let dir: ReturnType<typeof tempDir>;
const runs: Run[] = [];
beforeAll(async () => {
  server = await startSecr();
  dir = tempDir();
});
afterAll(async () => {
  runs.forEach(killGroup);
  await server.close();
  dir.remove();
});

function run(argv: string[]): Run {
  const r = start(argv, { env: cliEnv(server), cwd: dir.path });
  runs.push(r);
  return r;
}

describe("exit status (docs/design/process-model.md: Exit status)", () => {
  it("1: the child's exit code N is secr-run's exit code", async () => {
    const codes = [0, 1, 2, 42, 127, 128, 130, 255];
    const results = await Promise.all(codes.map((n) => run(cliArgv(["--exit", String(n), "--after", "0"])).exit));
    expect(results).toEqual(codes.map((code) => ({ code, signal: null })));
  });

  it.each(["SIGTERM", "SIGHUP", "SIGUSR2", "SIGINT", "SIGUSR1", "SIGPIPE"] as const)(
    "2: child killed by %s → secr-run dies of the same signal",
    async (signal) => {
      const r = run(cliArgv(["--kill-self", signal]));
      expect(await r.exit).toEqual({ code: null, signal });
      expect(r.stderr()).toBe("");
    },
  );

  it("2: a shell sees 128+S for a child killed by SIGTERM", async () => {
    // Async: the msw server lives in this process and must keep answering.
    const { stdout: out } = await promisify(execFile)(
      "bash",
      ["-c", `"$0" "$@"; echo "status $?"`, process.execPath, ...cliArgv(["--kill-self", "TERM"])],
      {
        env: cliEnv(server),
        cwd: dir.path,
      },
    );
    expect(out.trim().split("\n").at(-1)).toBe("status 143");
  });

  it("3: child killed by SIGKILL → status 137 (secr-run dies of SIGKILL)", async () => {
    const log = join(dir.path, "kill.log");
    const r = run(cliArgv(["--log", log]));
    const child = await waitReady(log, r);
    process.kill(child, "SIGKILL");
    expect(await r.exit).toEqual({ code: null, signal: "SIGKILL" });
    expect(isAlive(child)).toBe(false);
  });

  it.each([
    ["SIGSEGV", 139],
    ["SIGABRT", 134],
  ] as const)("4: child dies of %s → exit %i, and secr-run dumps no core", async (signal, status) => {
    // Cores on for this run. The child dumps in its own directory; secr-run's cwd must stay
    // empty of cores (a core of secr-run would hold the secrets).
    const own = join(dir.path, `own-${signal}`);
    const childDir = join(dir.path, `child-${signal}`);
    mkdirSync(own);
    mkdirSync(childDir);
    const r = start(
      [
        "-c",
        `ulimit -c unlimited 2>/dev/null; exec "$@"`,
        "sh",
        process.execPath,
        CLI,
        "--",
        "sh",
        "-c",
        `cd "$0" && kill -${signal.slice(3)} $$`,
        childDir,
      ],
      {
        env: cliEnv(server),
        cwd: own,
        command: "sh",
      },
    );
    runs.push(r);
    expect(await r.exit).toEqual({ code: status, signal: null });
    expect(readdirSync(own).filter((f) => f.startsWith("core"))).toEqual([]);
  });

  it("--command runs one string through /bin/sh; its status passes through the same way", async () => {
    const exited = run([CLI, "--command", 'test -n "$API_KEY" && exit 42']);
    const killed = run([CLI, "--command", "kill -TERM $$"]);
    expect(await exited.exit).toEqual({ code: 42, signal: null });
    expect(await killed.exit).toEqual({ code: null, signal: "SIGTERM" });
  });

  it("5: command not found → 127 with one line on stderr", async () => {
    const r = run([CLI, "--", "secr-run-no-such-command-xyz"]);
    expect(await r.exit).toEqual({ code: 127, signal: null });
    expect(r.stderr()).toMatch(/^secr-run: [^\n]*secr-run-no-such-command-xyz[^\n]*\n$/);
  });

  it("5: found but not executable → 126 with one line on stderr", async () => {
    const script = join(dir.path, "not-executable.sh");
    writeFileSync(script, "#!/bin/sh\necho should-not-run\n");
    chmodSync(script, 0o644);
    const r = run([CLI, "--", script]);
    expect(await r.exit).toEqual({ code: 126, signal: null });
    expect(r.stderr()).toMatch(/^secr-run: [^\n]*not-executable\.sh[^\n]*\n$/);
    expect(r.stdout()).toBe("");
  });
});
