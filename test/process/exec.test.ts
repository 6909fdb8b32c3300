// `--exec` end to end (docs/design/process-model.md, "Exec mode"): the built CLI run by Node 26 (where
// process.execve throws on failure) and Node 22 (where it aborts, so secr-run execs /bin/sh),
// each the official build .ci/run installs. The program must be indistinguishable from one
// started without secr-run: same PID, signals sent to that PID reach it, the signal dispositions
// and blocked mask it would have, its own exit status, and no descriptor of secr-run's.
import { execFile } from "node:child_process";
import { chmodSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CLI } from "../helpers/cli.js";
import { missingLine, nodeOfLine } from "../helpers/node-lines.js";
import { cliEnv, FIXTURE, readLog, start, useProcessFixture, waitReady } from "./helpers.js";

const fx = useProcessFixture();
const STATUS = ["grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status"];

/** `node CLI args` to its end: exit code or signal, and output. */
async function run(node: string, args: string[], env = cliEnv(fx.server)) {
  const r = start([CLI, ...args], { env, cwd: fx.dir.path, command: node });
  fx.current = r;
  const exit = await r.exit;
  return { ...exit, pid: r.proc.pid!, stdout: r.stdout(), stderr: r.stderr() };
}

/** stdout of `argv` run as a program (the bin as a shell script: it reads SigIgn first). */
async function output(argv: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)(argv[0]!, argv.slice(1), { env, cwd: fx.dir.path });
  return stdout;
}

for (const line of [26, 22]) {
  const node = nodeOfLine(line);
  describe.skipIf(node === undefined || process.platform !== "linux")(
    `--exec on Node ${line}${node === undefined ? ` (skipped: ${missingLine(line)})` : ""}`,
    () => {
      const bin = node!;

      it("the program takes secr-run's PID and gets the secrets, not the token", async () => {
        const r = await run(bin, ["--exec", "--", "sh", "-c", 'echo "pid $$ ${API_KEY:+key} ${SECR_TOKEN:-no-token}"']);
        expect(r.stderr).toBe("");
        expect(r).toMatchObject({ code: 0, signal: null });
        expect(r.stdout).toBe(`pid ${r.pid} key no-token\n`);
      });

      it("a signal sent to that PID reaches the program itself, and its exit status is the caller's", async () => {
        const log = join(fx.dir.path, `direct-${line}.log`);
        const r = start(
          [
            CLI,
            "--exec",
            "--",
            process.execPath,
            FIXTURE,
            "--log",
            log,
            "--listen",
            "TERM",
            "--exit-on",
            "TERM",
            "--exit",
            "7",
          ],
          {
            env: cliEnv(fx.server),
            cwd: fx.dir.path,
            command: bin,
          },
        );
        fx.current = r;
        expect(await waitReady(log, r)).toBe(r.proc.pid);
        process.kill(r.proc.pid!, "SIGTERM");
        expect(await r.exit).toEqual({ code: 7, signal: null });
        expect(readLog(log)).toContain("SIGTERM");
      });

      it("the program's death by a signal is the caller's to see (nothing left to re-raise it)", async () => {
        const r = await run(bin, ["--exec", "--", "sh", "-c", "kill -USR2 $$"]);
        expect(r).toMatchObject({ code: null, signal: "SIGUSR2" });
        expect((await run(bin, ["--exec", "--", "sh", "-c", "exit 42"])).code).toBe(42);
      });

      it("SigIgn and SigBlk are what the program has without secr-run (Node's own PIPE and XFSZ ignores undone)", async () => {
        const bare = await output(STATUS, cliEnv(fx.server));
        const r = await run(bin, ["--exec", "--", ...STATUS]);
        expect(bare).toBe("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
        expect(r.stdout).toBe(bare);
      });

      it("signals the caller left ignored stay ignored: nohup (HUP), and a trap of HUP, USR2 and PIPE", async () => {
        // The bin as a program finds `node` on PATH: this line's.
        const env = cliEnv(fx.server, { PATH: `${join(bin, "..")}:${process.env.PATH ?? "/usr/bin:/bin"}` });
        expect(await output(["nohup", CLI, "--exec", "--", ...STATUS], env)).toBe(
          await output(["nohup", ...STATUS], env),
        );
        const trap = ["sh", "-c", `trap '' HUP USR2 PIPE; exec "$@"`, "sh"];
        const bare = await output([...trap, ...STATUS], env);
        expect(bare).toContain("SigIgn:\t0000000000001801\n");
        expect(await output([...trap, CLI, "--exec", "--", ...STATUS], env)).toBe(bare);
      });

      it("no descriptor of secr-run's (its connection, its files) reaches the program", async () => {
        // Compared with the same shell started directly: descriptors this test's own caller leaves
        // open without close-on-exec reach both.
        const listFds = ["sh", "-c", "cd /proc/$$/fd && echo *"];
        const bare = start(listFds.slice(1), { env: cliEnv(fx.server), cwd: fx.dir.path, command: "sh" });
        await bare.exit;
        expect(bare.stdout()).toMatch(/^0 1 2 /);
        const r = await run(bin, ["--exec", "--", ...listFds]);
        expect(r.stdout).toBe(bare.stdout());
      });

      it("the snapshot is written before the exec: an offline start right after finds it", async () => {
        const env = cliEnv(fx.server, { XDG_CACHE_HOME: join(fx.dir.path, `snapshot-${line}`) });
        expect((await run(bin, ["--exec", "--", "true"], env)).code).toBe(0);
        const offline = await run(bin, ["--exec", "--offline", "--", "sh", "-c", 'echo "${API_KEY:+key}"'], env);
        expect(offline.stderr).toMatch(
          /^secr-run: warning: --offline: using the snapshot of acme\/shop\/production from \d+s ago\n$/,
        );
        expect(offline).toMatchObject({ code: 0, stdout: "key\n" });
      });

      it("the first --exec start of a build still leaves run.cjs's code cache for the next start", async () => {
        const cacheHome = join(fx.dir.path, `code-cache-${line}`);
        expect((await run(bin, ["--exec", "--", "true"], cliEnv(fx.server, { XDG_CACHE_HOME: cacheHome }))).code).toBe(
          0,
        );
        const version = (await output([bin, "--version"], cliEnv(fx.server))).trim();
        expect(
          readdirSync(join(cacheHome, "secr-run-compile")).filter((name) =>
            name.endsWith(`-${version}-${process.arch}.v8`),
          ),
        ).toHaveLength(1);
      });

      it("--command strings are exec'd through /bin/sh the same way", async () => {
        const r = await run(bin, ["--exec", "--command", 'echo "pid $$"; exit 3']);
        expect(r).toMatchObject({ code: 3, stdout: `pid ${r.pid}\n` });
      });

      it("a program not on PATH is 127, one that cannot be executed 126, and nothing is exec'd", async () => {
        const missing = await run(bin, ["--exec", "--", "secr-run-no-such-program"]);
        expect(missing.code).toBe(127);
        expect(missing.stderr).toBe("secr-run: command not found: secr-run-no-such-program\n");
        const plain = join(fx.dir.path, "not-executable");
        writeFileSync(plain, "#!/bin/sh\necho ran\n");
        chmodSync(plain, 0o644);
        const denied = await run(bin, ["--exec", "--", plain]);
        expect(denied).toMatchObject({ code: 126, stdout: "" });
        expect(denied.stderr).toContain("permission denied");
      });

      it("an executable file the kernel cannot run (no #!) runs as a /bin/sh script, as spawn does", async () => {
        const script = join(fx.dir.path, `no-shebang-${line}`);
        writeFileSync(script, 'echo "script pid $$ $1"\n');
        chmodSync(script, 0o755);
        const bare = start(["one"], { env: cliEnv(fx.server), cwd: fx.dir.path, command: script });
        await bare.exit;
        expect(bare.stdout()).toMatch(/^script pid \d+ one\n$/);
        const r = await run(bin, ["--exec", "--", script, "one"]);
        expect(r).toMatchObject({ code: 0, stderr: "", stdout: `script pid ${r.pid} one\n` });
      });

      it.each([
        [["--watch"], "--watch"],
        [["--mask"], "--mask"],
        [["--file", "API_KEY"], "--file"],
        [["--mount", "secrets.env"], "--mount"],
        [["--template", "a.tmpl:a.conf"], "--template"],
        [["--report-json", "report.json"], "--report-json"],
      ])("%j with --exec is a usage error (64) naming it, before any request", async (flags, name) => {
        const before = fx.server.requests.length;
        const r = await run(bin, ["--exec", ...flags, "--", "sh", "-c", "echo started"]);
        expect(r.code).toBe(64);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(new RegExp(`^secr-run: --exec cannot be combined with ${name} \\(`));
        expect(fx.server.requests.length).toBe(before);
      });
    },
  );
}

const major = Number(process.versions.node.split(".")[0]);
const minor = Number(process.versions.node.split(".")[1]);
describe.skipIf(major > 22 || (major === 22 && minor >= 15))(
  `--exec on a Node without process.execve (this one, ${process.versions.node})`,
  () => {
    it("is a usage error (64) giving the reason, before any request", async () => {
      const before = fx.server.requests.length;
      const r = await run(process.execPath, ["--exec", "--", "sh", "-c", "echo started"]);
      expect(r.code).toBe(64);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        `secr-run: --exec needs Node >= 22.15 (process.execve); this is Node ${process.versions.node}: upgrade Node or drop --exec\n`,
      );
      expect(fx.server.requests.length).toBe(before);
    });
  },
);
