// Signals ignored when secr-run starts stay ignored in the child (docs/design/process-model.md, "Ignored
// signals"): `nohup secr-run -- app` must start app with SIGHUP ignored, as nohup alone does.
// Node forgets them at startup, so these tests run the real launcher (bin/secr-run.js executed,
// not `node bin/secr-run.js`) and compare the child's SigIgn with the same command run without
// secr-run. The child is `grep`, not Node: Node resets the mask of the process it runs in.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { cliEnv, count, FIXTURE, readLog, start, useProcessFixture, waitFor, waitReady } from "./helpers.js";
import { CLI } from "../helpers/cli.js";

const fx = useProcessFixture();
const SIGIGN = ["grep", "^SigIgn:", "/proc/self/status"];

/** stdout of `argv` (async: the msw server in this process must keep answering). */
async function output(argv: string[], env: Record<string, string> = cliEnv(fx.server)): Promise<string> {
  const { stdout } = await promisify(execFile)(argv[0]!, argv.slice(1), { env, cwd: fx.dir.path });
  return stdout;
}
const bit = (line: string, signo: number) => (BigInt(`0x${line.trim().split(/\s+/)[1]}`) >> BigInt(signo - 1)) & 1n;

describe("signals ignored by the caller are ignored in the child", () => {
  it("nohup: the child starts with SIGHUP ignored, exactly the mask it has under nohup alone", async () => {
    const bare = await output(["nohup", ...SIGIGN]);
    const wrapped = await output(["nohup", CLI, "--", ...SIGIGN]);
    expect(bit(bare, 1)).toBe(1n);
    expect(wrapped).toBe(bare);
  });

  it("trap '' HUP USR2 PIPE: the same three in the child (PIPE too: the caller's choice, not Node's)", async () => {
    const bare = await output(["sh", "-c", `trap '' HUP USR2 PIPE; exec "$@"`, "sh", ...SIGIGN]);
    const wrapped = await output(["sh", "-c", `trap '' HUP USR2 PIPE; exec "$@"`, "sh", CLI, "--", ...SIGIGN]);
    expect([bit(bare, 1), bit(bare, 12), bit(bare, 13)]).toEqual([1n, 1n, 1n]);
    expect(wrapped).toBe(bare);
  });

  // tini's test_signal_configuration: its caller ignores TTOU, SEGV and INT and checks each is
  // still in the child's SigIgn. SEGV cannot pass a /bin/sh trampoline (dash and bash refuse to
  // ignore it, src/supervise/command.ts), so that one is left to the comparison with the bare run.
  it("tini's signal configuration: TTOU and INT (and TTIN) ignored by the caller are ignored in the child, as without secr-run", async () => {
    const trap = ["sh", "-c", `trap '' TTOU INT TTIN; exec "$@"`, "sh"];
    const bare = await output([...trap, ...SIGIGN]);
    const wrapped = await output([...trap, CLI, "--", ...SIGIGN]);
    expect([bit(bare, 22), bit(bare, 2), bit(bare, 21)]).toEqual([1n, 1n, 1n]);
    expect([bit(wrapped, 22), bit(wrapped, 2), bit(wrapped, 21)]).toEqual([1n, 1n, 1n]);
    expect(wrapped).toBe(bare);
    // The same through --command, and while secr-run listens for TTOU with a child running.
    expect(await output([...trap, CLI, "--command", SIGIGN.join(" ")])).toBe(bare);
  });

  it("nothing ignored: nothing ignored in the child either", async () => {
    const wrapped = await output(["sh", "-c", `exec "$@"`, "sh", CLI, "--", ...SIGIGN]);
    expect(wrapped.trim()).toBe("SigIgn:\t0000000000000000");
  });

  it("--command strings get the same treatment", async () => {
    const bare = await output(["nohup", ...SIGIGN]);
    expect(await output(["nohup", CLI, "--command", SIGIGN.join(" ")])).toBe(bare);
  });

  it("under nohup, a SIGHUP to the whole group (a hang-up) kills neither secr-run nor the child", async () => {
    const log = join(fx.dir.path, "nohup-hup.log");
    // The child is a shell (it keeps the inherited SIG_IGN), reporting then waiting for a file.
    const gate = join(fx.dir.path, "nohup-hup.go");
    const script = `echo "ready $$" >> "${log}"; while [ ! -e "${gate}" ]; do sleep 0.05; done; echo done >> "${log}"; exit 3`;
    const r = start([CLI, "--", "sh", "-c", script], { env: cliEnv(fx.server), cwd: fx.dir.path, command: "nohup" });
    fx.current = r;
    await waitReady(log, r);
    process.kill(-r.proc.pid!, "SIGHUP"); // r.proc is nohup, exec'd into secr-run: its group
    await new Promise((resolve) => setTimeout(resolve, 300));
    await promisify(execFile)("touch", [gate]);
    expect(await r.exit).toEqual({ code: 3, signal: null });
    expect(readLog(log).at(-1)).toBe("done");
  });

  it("under nohup, a SIGHUP while the secrets are fetched does not end secr-run", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    fx.server.use(
      http.get("*/v1/secrets/:org/:project/:env", async () => {
        await gate;
        return HttpResponse.json({ secrets: [] });
      }),
    );
    const seen = fx.server.requests.length;
    const log = join(fx.dir.path, "nohup-early.log");
    const r = start([CLI, "--", process.execPath, FIXTURE, "--log", log, "--after", "0", "--exit", "5"], {
      env: cliEnv(fx.server),
      cwd: fx.dir.path,
      command: "nohup",
    });
    fx.current = r;
    await waitFor("the secrets request", () =>
      fx.server.requests.slice(seen).some((q) => q.url.pathname.startsWith("/v1/secrets/")) ? true : undefined,
    );
    process.kill(r.proc.pid!, "SIGHUP");
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    expect(await r.exit).toEqual({ code: 5, signal: null });
    expect(count(readLog(log), "exit 5")).toBe(1);
  });

  it("exit status through the trampoline: N, death by signal, 127 for a missing command", async () => {
    const env = cliEnv(fx.server);
    const status = (argv: string[]) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
        start(argv, { env, cwd: fx.dir.path, command: "nohup" }).proc.on("close", (code, signal) =>
          done({ code, signal }),
        ),
      );
    expect(await status([CLI, "--", "sh", "-c", "exit 42"])).toEqual({ code: 42, signal: null });
    expect(await status([CLI, "--", "sh", "-c", "kill -TERM $$"])).toEqual({ code: null, signal: "SIGTERM" });
    expect(await status([CLI, "--", "/nonexistent/program"])).toEqual({ code: 127, signal: null });
  });

  it("`node bin/secr-run.js` with SECR_RUN_SIGIGN: the mask is applied, and the variable never reaches the child", async () => {
    const env = { ...cliEnv(fx.server), SECR_RUN_SIGIGN: "0000000000000001" };
    const out = await output(
      [process.execPath, CLI, "--", "sh", "-c", `echo "v=\${SECR_RUN_SIGIGN-unset}"; exec "$@"`, "sh", ...SIGIGN],
      env,
    );
    expect(out).toBe("v=unset\nSigIgn:\t0000000000000001\n");
  });
});
