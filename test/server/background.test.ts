// `secr-run serve` in the background, as users start it: `--detach` (returns once it listens,
// hands the shell SECR_API_URL and an admin SECR_TOKEN through eval, never through argv),
// `--stop`, and `npx secr-run serve & kill $!`, where npx does not pass the signal on: the
// server must stop when its parent exits (docs/guide/serve.md, "In the background").
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { userMachine, type UserMachine } from "../helpers/user-shell.js";
import { parentGone } from "../../src/cli/commands/serve/parent.js";
import { detachedOutput, shellWord } from "../../src/cli/commands/serve/detach.js";

const machines: UserMachine[] = [];
const machine = () => {
  const made = userMachine();
  machines.push(made);
  return made;
};
afterEach(async () => {
  for (const made of machines.splice(0)) await made.remove();
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z"; // a zombie has exited
  } catch {
    return false;
  }
};
const lockPid = (data: string) => Number(readFileSync(join(data, "lock"), "utf8").split(" ")[0]);
async function until(what: string, check: () => boolean, ms = 15_000) {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(50)) if (check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

describe("serve --detach and --stop", () => {
  it("returns once it listens: the next command in the same paste reaches it, with the admin token from eval, not argv", async () => {
    const user = machine();
    const result = await user.sh(
      [
        'eval "$(secr-run serve --detach --port 0)"',
        "secr-run admin projects create acme/shop",
        'echo "url=$SECR_API_URL"',
        'tr "\\0" " " < /proc/$(cut -d" " -f1 ~/.local/share/secr-run/server/lock)/cmdline',
        "echo",
        'printf "%s" "$SECR_TOKEN" > token',
      ].join("\n"),
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^created acme\/shop with environments development, staging, production\nurl=http:\/\/127\.0\.0\.1:\d+\n/,
    );
    const token = readFileSync(join(user.home, "token"), "utf8");
    expect(token).toMatch(/^secr_cli_[0-9a-f]{40}$/);
    const serverArgv = result.stdout.split("\n")[2]!;
    expect(serverArgv).toContain("serve --port 0");
    expect(serverArgv).not.toContain(token);
    expect(result.stderr).toMatch(
      /listening on http:\/\/127\.0\.0\.1:\d+ in the background \(pid \d+, log .*serve\.log\); stop it with: secr-run serve --stop$/,
    );

    const data = join(user.home, ".local/share/secr-run/server");
    const pid = lockPid(data);
    expect(alive(pid)).toBe(true);
    const stopped = await user.sh("secr-run serve --stop");
    expect([stopped.exitCode, stopped.stderr]).toEqual([
      0,
      `secr-run serve: stopped the server on ${data} (pid ${pid})`,
    ]);
    expect(alive(pid)).toBe(false);
    expect(readFileSync(join(data, "serve.log"), "utf8")).toContain("secr-run serve: stopped\n");
    expect((await user.sh("secr-run serve --stop")).stderr).toBe(`secr-run serve: no server is running on ${data}`);
  }, 60_000);

  it("a server that cannot start: --detach exits with its code and shows its log lines", async () => {
    const user = machine();
    const first = await user.sh('eval "$(secr-run serve --detach --port 0)"');
    expect(first.exitCode, first.stderr).toBe(0);
    const second = await user.sh("secr-run serve --detach --port 0");
    expect(second.exitCode).toBe(69);
    expect(second.stdout).toBe("");
    expect(second.stderr).toMatch(
      /is using this data directory .*\(secr-run serve --stop stops it\)\n.*the server did not start \(exit 69\)/s,
    );
  }, 60_000);

  it("what --detach prints reads back through a POSIX shell exactly (hostile characters in a chosen SECR_SERVE_TOKEN)", async () => {
    const token = "a'b\"c $(touch pwned) `x` \\";
    const out = detachedOutput("http://127.0.0.1:1", token);
    const read = await execa("sh", ["-c", `${out}printf '%s|%s' "$SECR_API_URL" "$SECR_TOKEN"`], { reject: false });
    expect(read.stdout).toBe(`http://127.0.0.1:1|${token}`);
    expect(shellWord("secr_cli_0a")).toBe("secr_cli_0a");
  });
});

describe("a foreground server stops when its parent exits", () => {
  it("parentGone: a new parent pid means the old one exited; a child of init has none to lose", () => {
    expect(parentGone(4242, 4242)).toBe(false);
    expect(parentGone(4242, 1)).toBe(true);
    expect(parentGone(4242, 777)).toBe(true); // a subreaper
    expect(parentGone(1, 1)).toBe(false);
    expect(parentGone(0, 0)).toBe(false);
  });

  it("npx secr-run serve & kill $!: npx exits without passing SIGTERM on, and the server stops too", async () => {
    const user = machine();
    // A project with secr-run installed (node_modules/.bin/secr-run), where npx finds it locally.
    const project = join(user.home, "app");
    mkdirSync(join(project, "node_modules", ".bin"), { recursive: true });
    writeFileSync(join(project, "package.json"), '{ "name": "app", "private": true }\n');
    symlinkSync(ROOT, join(project, "node_modules", "secr-run"));
    symlinkSync("../secr-run/bin/secr-run.js", join(project, "node_modules", ".bin", "secr-run"));
    const data = join(user.home, "data");
    const npx = execa("npx", ["--offline", "secr-run", "serve", "--port", "0", "--data", data], {
      cwd: project,
      env: { ...user.env, npm_config_cache: join(user.home, ".npm"), npm_config_update_notifier: "false" },
      extendEnv: false,
      reject: false,
      // Files, not pipes: a pipe would keep `await npx` waiting for the server too.
      stdin: "ignore",
      stdout: { file: join(user.home, "out") },
      stderr: { file: join(user.home, "err") },
    });
    try {
      await until("the server to listen", () => {
        try {
          return readFileSync(join(user.home, "out"), "utf8").includes('{"url":');
        } catch {
          return false;
        }
      });
      const server = lockPid(data);
      expect(server).not.toBe(npx.pid);
      npx.kill("SIGTERM");
      await npx;
      await until("the server to exit after npx did", () => !alive(server), 10_000);
      expect(readFileSync(`/proc/${server}/stat`, "utf8").split(") ")[1]?.[0] ?? "gone").toMatch(/^(Z|gone)$/);
    } finally {
      npx.kill("SIGKILL");
      await user.sh(`secr-run serve --stop --data ${data}`);
    }
  }, 60_000);
});

describe("serve --detach and a hostile data directory", () => {
  it("a symlink planted at serve.log is refused (78), never followed", async () => {
    const user = machine();
    const data = join(user.home, "data");
    mkdirSync(data, { mode: 0o700 });
    const target = join(user.home, "victim");
    writeFileSync(target, "untouched\n");
    symlinkSync(target, join(data, "serve.log"));
    const result = await user.sh(`secr-run serve --detach --port 0 --data ${data}`);
    expect(result.exitCode).toBe(78);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /cannot open the log .*serve\.log \(ELOOP\); it must be a plain file of yours, not a symbolic link/,
    );
    expect(readFileSync(target, "utf8")).toBe("untouched\n");
  });
});
