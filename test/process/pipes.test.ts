// docs/design/process-model.md, "The child", with pipes: the child owns stdin/stdout; secr-run reads none of stdin,
// buffers none of stdout, and does not hang a pipeline.
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { cliArgv, cliEnv, readLog, start, useProcessFixture, waitFor } from "./helpers.js";
import { CLI } from "../helpers/cli.js";

const fx = useProcessFixture();

describe("pipes (docs/design/process-model.md: The child)", () => {
  it("16: piped stdin reaches the child whole, up to EOF", async () => {
    const input = randomBytes(1 << 20); // 1 MiB, several pipe buffers
    const log = join(fx.dir.path, "stdin.log");
    fx.current = start(cliArgv(["--log", log, "--stdin", "--exit", "0"]), {
      env: cliEnv(fx.server),
      cwd: fx.dir.path,
      stdin: "pipe",
    });
    // Written before secr-run has even fetched its secrets: none of it may be consumed by secr-run.
    fx.current.proc.stdin!.end(input);
    expect(await fx.current.exit).toEqual({ code: 0, signal: null });
    const digest = createHash("sha256").update(input).digest("hex");
    expect(readLog(log)).toContain(`stdin ${input.length} ${digest}`);
  });

  it("17: 10 MB of child output through a pipe all arrive", async () => {
    const size = 10 * 1024 * 1024;
    const log = join(fx.dir.path, "bytes.log");
    fx.current = start(cliArgv(["--log", log, "--bytes", String(size), "--exit", "0"]), {
      env: cliEnv(fx.server),
      cwd: fx.dir.path,
    });
    let received = 0;
    fx.current.proc
      .stdout!.removeAllListeners("data")
      .on("data", (chunk: Buffer | string) => (received += chunk.length));
    expect(await fx.current.exit).toEqual({ code: 0, signal: null });
    expect(received).toBe(size);
  });

  it("a grandchild that keeps stdout open does not hold secr-run: it ends with the child", async () => {
    fx.current = start([CLI, "--", "sh", "-c", "sleep 30 & echo started; exit 3"], {
      env: cliEnv(fx.server),
      cwd: fx.dir.path,
    });
    // "exit", not "close": the sleeping grandchild still holds the stdout pipe.
    const exited = await new Promise<number | null>((resolve) => fx.current!.proc.on("exit", (code) => resolve(code)));
    expect(exited).toBe(3);
    await waitFor("the child's output", () => (fx.current!.stdout() === "started\n" ? true : undefined));
    process.kill(-fx.current.proc.pid!, "SIGKILL"); // the sleeper, still in secr-run's process group
  });

  it("18: `secr-run -- yes | head -1` returns promptly; secr-run dies of SIGPIPE like yes would", async () => {
    const { stdout } = await promisify(execFile)(
      "bash",
      ["-c", `"$0" "$1" -- yes | head -1; echo "status \${PIPESTATUS[0]}"`, process.execPath, CLI],
      {
        env: cliEnv(fx.server),
        cwd: fx.dir.path,
        timeout: 30_000,
      },
    );
    expect(stdout).toBe("y\nstatus 141\n");
  });
});
