// The attack: another local user (here `nobody`, a real process) races secr-run for the paths of
// the files it delivers. Under --watch each new child's files used to be removed and created
// again (the run directory rmSync'ed and mkdir'ed, outside files unlinked and opened O_EXCL), and
// the run directory's name was listable in /dev/shm: a mkdir loop took the path every time. The
// reloaded (root) child then read the attacker's file, or secr-run gave up with the service down.
// Now a delivered path is never given up (files are replaced by rename), run directories sit in a
// per-user 0700 directory, and XDG_RUNTIME_DIR is used only if it is the user's own
// (docs/design/security.md, "Delivered files"). Needs root, to run the attacker as another user.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { DeliveryError } from "../../src/core/failure.js";
import { ensureUserRunParent } from "../../src/deliver/run-dir.js";
import { cleanEnv, CLI, NODE, targetArgs } from "../helpers/cli.js";
import { type LocalServer, startLocalServer } from "../helpers/local-server.js";
import { tempDir, type TempDir } from "../helpers/temp.js";

const READER = fileURLToPath(new URL("./fixtures/file-reader.cjs", import.meta.url));
const ATTACKER = fileURLToPath(new URL("./fixtures/path-attacker.cjs", import.meta.url));
const NOBODY = 65534;
const canAttack = process.getuid?.() === 0 && process.platform === "linux";
const ENVS = ["reload-file", "restart-file", "reload-template", "replaced", "xdg"] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A directory other users can enter (not list): the attacker's stop files go here. */
let shared: TempDir;
let server: LocalServer;
let client: SecrClient;
const running: ChildProcess[] = [];
const cleanups: Array<() => void> = [];
beforeAll(async () => {
  if (!canAttack) return;
  shared = tempDir("secr-attack-");
  chmodSync(shared.path, 0o711);
  const environments = Object.fromEntries(ENVS.map((env) => [env, { WATCHED: "v1" }]));
  server = await startLocalServer({ seed: { orgs: { acme: { projects: { api: { environments } } } } } });
  client = new SecrClient({ apiUrl: server.url, token: server.token });
});
afterAll(async () => {
  for (const proc of running) if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  for (const cleanup of cleanups) cleanup();
  await client?.close();
  await server?.stop();
  shared?.remove();
});

interface Attacker {
  /** Stop the loop: how often it took the path, and the run directory names it could list. */
  stop(): Promise<{ won: number; saw: string[] }>;
}

/** Start path-attacker.cjs as nobody; resolves once its loop runs. */
async function attacker(mode: "mkdir" | "create" | "swap" | "list", ...args: string[]): Promise<Attacker> {
  const stopFile = join(shared.path, `stop-${Math.random().toString(36).slice(2)}`);
  const proc = spawn(NODE, [ATTACKER, mode, stopFile, ...args], {
    uid: NOBODY,
    gid: NOBODY,
    stdio: ["ignore", "pipe", "inherit"],
  });
  running.push(proc);
  let out = "";
  proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  await until("the attacker to start", () => out.startsWith("ready\n"));
  return {
    async stop() {
      writeFileSync(stopFile, "");
      if (proc.exitCode === null) await once(proc, "exit");
      return {
        won: Number(/^won (\d+)$/m.exec(out)?.[1]),
        saw: JSON.parse(/^saw (.*)$/m.exec(out)?.[1] ?? "null") as string[],
      };
    },
  };
}

interface Read {
  event: string;
  pid: number;
  path: string;
  uid: string;
  content: string;
}

interface Service {
  proc: ResultPromise;
  reads(): Read[];
  stderr(): string;
  ended(): boolean;
}

/** secr-run (as root) in front of file-reader.cjs, which reads `which` at start and on SIGHUP. */
function service(
  env: string,
  args: string[],
  which: string,
  extraEnv: Record<string, string> = {},
  cwd = shared.path,
): Service {
  const marker = join(shared.path, `${env}-${Math.random().toString(36).slice(2)}.log`);
  const proc = execa(NODE, [CLI, ...targetArgs(env, server.url), ...args, "--", NODE, READER, marker, which], {
    reject: false,
    extendEnv: false,
    env: cleanEnv({ SECR_TOKEN: server.token, ...extraEnv }),
    cwd,
    stdin: "ignore",
    buffer: false,
  });
  running.push(proc);
  let stderr = "";
  proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  proc.stdout!.resume();
  const reads = () =>
    (existsSync(marker) ? readFileSync(marker, "utf8").split("\n").filter(Boolean) : []).map((line) => {
      const [event, pid, path, uid, ...rest] = line.split(" ");
      return { event: event!, pid: Number(pid), path: path!, uid: uid!, content: JSON.parse(rest.join(" ")) as string };
    });
  return { proc, reads, stderr: () => stderr, ended: () => proc.exitCode !== null || proc.signalCode !== null };
}

const ROTATIONS = 4;

/** Change WATCHED up to ROTATIONS times, each time waiting until `applied(n)` (n rotations
 *  done), or until secr-run gave up watching or ended. Returns the values set. */
async function rotate(run: Service, env: string, applied: (n: number) => boolean): Promise<string[]> {
  const values: string[] = [];
  for (let n = 1; n <= ROTATIONS; n++) {
    values.push(`v${n + 1}-${env}`);
    await client.setSecret("acme", "api", env, "WATCHED", values.at(-1)!);
    await until(`rotation ${n}`, () => applied(n) || /watching stopped|cannot/.test(run.stderr()) || run.ended());
    if (!applied(n)) break;
  }
  return values;
}

const watching = (extra: string[]) => [
  "--watch",
  "--watch-interval",
  "1s",
  "--watch-debounce",
  "0",
  "--verbose",
  ...extra,
];

/** What the child reads when asked now (SIGHUP from us, as a service re-reading on its own). */
async function readNow(run: Service, pid: number): Promise<Read> {
  const before = run.reads().length;
  process.kill(pid, "SIGHUP");
  await until("the child's read", () => run.reads().length > before, 5_000);
  return run.reads().at(-1)!;
}

/** Remove what the attacker left (directories and files of nobody's). */
function removeAttackers(path: string): void {
  cleanups.push(() => {
    if (existsSync(path) && lstatSync(path).uid === NOBODY) rmSync(path, { recursive: true, force: true });
  });
}

describe.skipIf(!canAttack)(
  "delivered files under --watch: another local user races the rotation (needs root, to run the attacker as nobody)",
  () => {
    it("--reload-signal with --file KEY: the run directory is never given up; the child reads only secr-run's file", async () => {
      const run = service("reload-file", watching(["--reload-signal", "HUP", "--file", "WATCHED"]), "WATCHED_FILE");
      await until("the first start", () => run.reads().length === 1);
      const first = run.reads()[0]!;
      const runDir = dirname(first.path);
      removeAttackers(runDir);
      // The attacker knows the exact path (it could list it in /dev/shm), and loops mkdir on it.
      const evil = await Promise.all([attacker("mkdir", runDir, "WATCHED"), attacker("mkdir", runDir, "WATCHED")]);
      const hups = await rotate(
        run,
        "reload-file",
        (n) => run.reads().filter((read) => read.event === "hup").length >= n,
      );
      const won = (await Promise.all(evil.map((one) => one.stop()))).reduce((sum, { won }) => sum + won, 0);
      const now = await readNow(run, first.pid);
      expect(won, run.stderr()).toBe(0);
      expect(now).toEqual({ event: "hup", pid: first.pid, path: first.path, uid: "0", content: hups.at(-1) });
      expect(
        run
          .reads()
          .filter((read) => read.event === "hup")
          .map((read) => read.content),
      ).toEqual([...hups, hups.at(-1)]);
      expect(run.stderr()).not.toMatch(/watching stopped/);
      // Nor can another user list the run directory's name any more.
      const looker = await attacker("list", "/dev/shm");
      await sleep(100);
      expect((await looker.stop()).saw).not.toContain(basename(runDir));
      expect(statSync(dirname(runDir)).mode & 0o777).toBe(0o700);
      run.proc.kill("SIGTERM");
      expect((await run.proc).exitCode).toBe(0);
      expect(existsSync(runDir)).toBe(false);
    });

    it("restart mode with --file KEY: the service restarts on the new value (it used to exit 78, down at every rotation)", async () => {
      const run = service("restart-file", watching(["--file", "WATCHED"]), "WATCHED_FILE");
      await until("the first start", () => run.reads().length === 1);
      const first = run.reads()[0]!;
      removeAttackers(dirname(first.path));
      const evil = await attacker("mkdir", dirname(first.path), "WATCHED");
      const values = await rotate(run, "restart-file", (n) => run.reads().length >= n + 1);
      const { won } = await evil.stop();
      expect(won, run.stderr()).toBe(0);
      expect(run.ended(), run.stderr()).toBe(false);
      const starts = run.reads().slice(1);
      expect(starts.map(({ event, path, uid, content }) => ({ event, path, uid, content }))).toEqual(
        values.map((content) => ({ event: "start", path: first.path, uid: "0", content })),
      );
      expect(new Set([first.pid, ...starts.map((read) => read.pid)]).size).toBe(values.length + 1);
      run.proc.kill("SIGTERM");
      expect((await run.proc).exitCode).toBe(0);
    });

    it("--template into a sticky shared directory: the destination is replaced by rename, never free for the attacker's file", async () => {
      const sticky = tempDir("secr-sticky-");
      cleanups.push(() => sticky.remove());
      chmodSync(sticky.path, 0o1777); // like /tmp
      const cwd = tempDir("secr-template-src-");
      cleanups.push(() => cwd.remove());
      writeFileSync(join(cwd.path, "app.tmpl"), "conf={{WATCHED}}");
      const dest = join(sticky.path, "app.conf");
      const run = service(
        "reload-template",
        watching(["--reload-signal", "HUP", "--template", `app.tmpl:${dest}`]),
        dest,
        {},
        cwd.path,
      );
      await until("the first start", () => run.reads().length === 1);
      const first = run.reads()[0]!;
      expect(first.content).toBe("conf=v1");
      const evil = await attacker("create", dest);
      const values = await rotate(
        run,
        "reload-template",
        (n) => run.reads().filter((read) => read.event === "hup").length >= n,
      );
      const { won } = await evil.stop();
      const now = await readNow(run, first.pid);
      expect(won, run.stderr()).toBe(0);
      expect(now).toEqual({ event: "hup", pid: first.pid, path: dest, uid: "0", content: `conf=${values.at(-1)}` });
      expect(readdirSync(sticky.path)).toEqual(["app.conf"]); // no temp file left beside it
      run.proc.kill("SIGTERM");
      expect((await run.proc).exitCode).toBe(0);
      expect(existsSync(dest)).toBe(false);
      expect(readFileSync(join(cwd.path, "app.tmpl"), "utf8")).toBe("conf={{WATCHED}}");
    });

    it("an outside file someone replaced meanwhile: the child is stopped (78), never left reading it", async () => {
      // A directory anyone may write, without the sticky bit: another user can rename our file
      // away and put theirs in its place at any time.
      const open = tempDir("secr-open-");
      cleanups.push(() => open.remove());
      chmodSync(open.path, 0o777);
      const key = join(open.path, "key");
      const run = service("replaced", watching(["--reload-signal", "HUP", "--file", `WATCHED=${key}`]), key);
      await until("the first start", () => run.reads().length === 1);
      const first = run.reads()[0]!;
      const swap = await execa(
        NODE,
        [
          "-e",
          `const fs = require("fs"); fs.renameSync(${JSON.stringify(key)}, ${JSON.stringify(`${key}.old`)}); fs.writeFileSync(${JSON.stringify(key)}, "attacker")`,
        ],
        {
          uid: NOBODY,
          gid: NOBODY,
          reject: false,
        },
      );
      expect(swap.exitCode, swap.stderr).toBe(0);
      await client.setSecret("acme", "api", "replaced", "WATCHED", "v2-replaced");
      await until("secr-run to end", () => run.ended());
      const result = await run.proc;
      expect(result.exitCode, run.stderr()).toBe(78);
      expect(run.stderr()).toContain(`--file WATCHED: ${key} is no longer the file secr-run wrote`);
      expect(() => process.kill(first.pid, 0)).toThrow(); // the child is gone
      expect(readFileSync(key, "utf8")).toBe("attacker"); // theirs, untouched
      expect(run.stderr()).not.toContain("v2-replaced");
    });
  },
);

describe.skipIf(!canAttack)("the run directory's base (needs root, to run the attacker as nobody)", () => {
  it("an XDG_RUNTIME_DIR owned by another user (su without -, sudo -E) is not used: its owner cannot swap the file", async () => {
    const theirs = join(shared.path, `xdg-${Math.random().toString(36).slice(2)}`);
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, NOBODY, NOBODY);
    cleanups.push(() => rmSync(theirs, { recursive: true, force: true }));
    const evil = await attacker("swap", theirs, "WATCHED");
    const run = service("xdg", ["--file", "WATCHED"], "WATCHED_FILE", { XDG_RUNTIME_DIR: theirs });
    await until("the start", () => run.reads().length === 1 || run.ended());
    expect(run.reads(), run.stderr()).toHaveLength(1);
    const first = run.reads()[0]!;
    await sleep(1000); // the attacker's loop has had its chance
    await evil.stop();
    const now = await readNow(run, first.pid);
    expect(now.uid).toBe("0");
    expect(now.content).toBe("v1");
    expect(now.path.startsWith(`${theirs}/`)).toBe(false);
    run.proc.kill("SIGTERM");
    await run.proc;
  });

  it("a per-user directory planted by another user in a shared base is refused, not used", async () => {
    const base = tempDir("secr-base-");
    cleanups.push(() => base.remove());
    chmodSync(base.path, 0o1777); // a shared base such as /dev/shm
    const parent = join(base.path, `secr-run-${process.getuid!()}`);
    const plant = async (script: string) => {
      const result = await execa(NODE, ["-e", script], { uid: NOBODY, gid: NOBODY, reject: false });
      expect(result.exitCode, result.stderr).toBe(0);
    };
    await plant(`require("fs").mkdirSync(${JSON.stringify(parent)}, { mode: 0o777 })`);
    expect(() => ensureUserRunParent(base.path)).toThrow(DeliveryError);
    expect(() => ensureUserRunParent(base.path)).toThrow(/belongs to another user \(uid 65534\)/);
    rmSync(parent, { recursive: true });
    await plant(`require("fs").symlinkSync("/tmp", ${JSON.stringify(parent)})`);
    expect(() => ensureUserRunParent(base.path)).toThrow(/is not a directory/);
    rmSync(parent);
    // Ours: created 0700, and one left too open is made 0700 again.
    expect(ensureUserRunParent(base.path)).toBe(parent);
    expect(statSync(parent).mode & 0o777).toBe(0o700);
    chmodSync(parent, 0o755);
    ensureUserRunParent(base.path);
    expect(statSync(parent).mode & 0o777).toBe(0o700);
  });
});
