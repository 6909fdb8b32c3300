// --file, --mount, --template and --mask, black-box: the built CLI against a real `secr-run serve`.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "dotenv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalServer, startLocalServer } from "../helpers/local-server.js";
import { allRuns, cleanEnv, CLI, leaks, NODE, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const CHILD = fileURLToPath(new URL("./fixtures/delivery-child.cjs", import.meta.url));
const TOKEN = "secr_cli_delivery_5c2e8a1f9b3d7e40";
const production = {
  DB_PASSWORD: "db-pass-Zq81'\"$x-7741",
  API_KEY: "sk_live_delivery_3e9f2a7c",
  MULTI: "line one\nline two ✓",
  SHORT: "abc",
};
const seed = {
  tokens: [{ token: TOKEN, role: "admin" }],
  orgs: { acme: { projects: { api: { environments: { production } } } } },
};

let server: LocalServer;
const dirs: Array<{ remove(): void }> = [];
beforeAll(async () => {
  server = await startLocalServer({ seed, token: TOKEN });
});
afterAll(async () => {
  await server?.stop();
  for (const dir of dirs) dir.remove();
  // No value was ever printed by secr-run itself (the masking tests check the child's output).
  const texts = allRuns
    .filter((run) => !run.args.includes("--mask") && !run.args.includes("control"))
    .flatMap((run) => [run.stdout, run.stderr]);
  expect(leaks(texts, Object.values(production))).toEqual([]);
});

/** A private XDG_RUNTIME_DIR and working directory for one test. */
function sandbox() {
  const dir = tempDir("secr-run-delivery-");
  dirs.push(dir);
  const runtime = join(dir.path, "runtime");
  const cwd = join(dir.path, "cwd");
  for (const path of [runtime, cwd]) mkdirSync(path, { mode: 0o700 });
  return { root: dir.path, runtime, cwd, report: join(dir.path, "report.json"), ready: join(dir.path, "ready") };
}

const env = (box: ReturnType<typeof sandbox>, extra: Record<string, string> = {}) => ({
  SECR_ORG: "acme",
  SECR_PROJECT: "api",
  SECR_ENV: "production",
  SECR_API_URL: server.url,
  SECR_TOKEN: TOKEN,
  XDG_RUNTIME_DIR: box.runtime,
  REPORT_TO: box.report,
  READY_TO: box.ready,
  ...extra,
});

/** The per-user 0700 directory that holds the run directories; it stays (empty) after a run. */
const userParent = (runtime: string) => join(runtime, `secr-run-${process.getuid?.() ?? "user"}`);
/** What a run left in the runtime base, the per-user directory's contents included. */
const leftIn = (runtime: string) => [
  ...readdirSync(runtime).filter((name) => join(runtime, name) !== userParent(runtime)),
  ...(existsSync(userParent(runtime)) ? readdirSync(userParent(runtime)) : []),
];

type Report = {
  env: Record<string, string>;
  files: Record<string, { mode?: number; content?: string; error?: string }>;
};
const readReport = (box: ReturnType<typeof sandbox>): Report | undefined =>
  existsSync(box.report) ? (JSON.parse(readFileSync(box.report, "utf8")) as Report) : undefined;

describe("--file, --mount, --template", () => {
  it("delivers each file 0600 with the exact content, sets KEY_FILE, leaves KEY out, and removes all of it when the child exits", async () => {
    const box = sandbox();
    writeFileSync(
      join(box.cwd, "app.tmpl"),
      "db={{DB_PASSWORD}}\n{{#MISSING_OPTIONAL}}never{{/MISSING_OPTIONAL}}multi={{MULTI}}\n",
    );
    const result = await runCli(
      [
        "--file",
        "DB_PASSWORD",
        "--file",
        "API_KEY=api,key.txt",
        "--mount",
        "all.env",
        "--template",
        "app.tmpl:app.conf",
        "--",
        NODE,
        CHILD,
      ],
      {
        env: env(box, { ACT: "exit:7", CHECK_FILES: [join(box.cwd, "all.env"), join(box.cwd, "app.conf")].join(",") }),
        cwd: box.cwd,
      },
    );
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toBe("");
    const report = readReport(box)!;
    expect(report.env.DB_PASSWORD).toBeUndefined();
    expect(report.env.API_KEY).toBeUndefined();
    expect(report.env.MULTI).toBe(production.MULTI);
    const dbFile = report.env.DB_PASSWORD_FILE!;
    expect(dbFile.startsWith(join(userParent(box.runtime), "secr-run-"))).toBe(true);
    expect(statSync(userParent(box.runtime)).mode & 0o777).toBe(0o700);
    expect(report.env.API_KEY_FILE).toBe(join(box.cwd, "api,key.txt")); // a comma in a path is kept
    expect(report.files[dbFile]).toEqual({ mode: 0o600, content: production.DB_PASSWORD });
    expect(report.files[join(box.cwd, "api,key.txt")]).toEqual({ mode: 0o600, content: production.API_KEY });
    const mount = report.files[join(box.cwd, "all.env")]!;
    expect(mount.mode).toBe(0o600);
    expect(parse(mount.content!)).toEqual(production);
    expect(report.files[join(box.cwd, "app.conf")]).toEqual({
      mode: 0o600,
      content: `db=${production.DB_PASSWORD}\nmulti=${production.MULTI}\n`,
    });
    // All gone.
    expect(leftIn(box.runtime)).toEqual([]);
    expect(readdirSync(box.cwd)).toEqual(["app.tmpl"]);
  });

  it("a template using a missing key stops the run (78) naming it; nothing is written, the child never starts", async () => {
    const box = sandbox();
    writeFileSync(join(box.cwd, "t.tmpl"), "{{API_KEY}} {{NOT_A_SECRET}}");
    const result = await runCli(
      ["--file", "DB_PASSWORD", "--mount", "m.env", "--template", "t.tmpl:out.conf", "--", NODE, CHILD],
      { env: env(box), cwd: box.cwd },
    );
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(
      /^secr-run: --template t\.tmpl: the template uses keys that are not injected: NOT_A_SECRET \(the command was not started\)\n$/,
    );
    expect(readReport(box)).toBeUndefined();
    expect(leftIn(box.runtime)).toEqual([]);
    expect(readdirSync(box.cwd)).toEqual(["t.tmpl"]);
  });

  it("refuses to overwrite a file it did not create (78), and leaves it and everything else as it was", async () => {
    const box = sandbox();
    writeFileSync(join(box.cwd, "taken.env"), "theirs");
    const result = await runCli(["--file", "DB_PASSWORD", "--mount", "taken.env", "--", NODE, CHILD], {
      env: env(box),
      cwd: box.cwd,
    });
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain("taken.env already exists");
    expect(readFileSync(join(box.cwd, "taken.env"), "utf8")).toBe("theirs");
    expect(readReport(box)).toBeUndefined();
    expect(leftIn(box.runtime)).toEqual([]);
  });

  it("usage errors (64) and a key that is not injected (78), before anything is fetched or written", async () => {
    const box = sandbox();
    for (const [args, code, message] of [
      [["--mount-format", "json"], 64, "--mount-format needs --mount PATH"],
      [["--mask-min-length", "3"], 64, "--mask-min-length needs --mask"],
      [["--mask", "--mask-min-length", "x"], 64, "--mask-min-length must be a whole number"],
      [["--file", "bad-name"], 64, "expected KEY or KEY=PATH"],
      [["--template", "nocolon"], 64, "expected SRC:DEST"],
      [["--mount", "m", "--mount-format", "yaml"], 64, "--mount-format must be one of dotenv, json, shell"],
      [["--file", "NOPE"], 78, "--file NOPE: no such secret is injected"],
    ] as const) {
      const result = await runCli([...args, "--", NODE, CHILD], { env: env(box), cwd: box.cwd });
      expect(result.exitCode, args.join(" ")).toBe(code);
      expect(result.stderr, args.join(" ")).toContain(message);
    }
    expect(readReport(box)).toBeUndefined();
    expect(leftIn(box.runtime)).toEqual([]);
    expect(readdirSync(box.cwd)).toEqual([]);
  });
});

describe("removal on every way out", () => {
  /** Start secr-run with a waiting child; resolves once the child is running with its files. */
  async function startWaiting(
    box: ReturnType<typeof sandbox>,
    extra: Record<string, string> = {},
    args: string[] = [],
  ) {
    const proc = spawn(
      NODE,
      [CLI, "--file", "DB_PASSWORD", "--mount", join(box.cwd, "m.env"), ...args, "--", NODE, CHILD],
      {
        env: cleanEnv(env(box, { ACT: "wait", ...extra })),
        cwd: box.cwd,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(proc, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    while (!existsSync(box.ready)) {
      if (proc.exitCode !== null) throw new Error(`secr-run ended early: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const report = readReport(box)!;
    expect(existsSync(report.env.DB_PASSWORD_FILE!)).toBe(true);
    expect(existsSync(join(box.cwd, "m.env"))).toBe(true);
    return { proc, exited, report, stderr: () => stderr };
  }

  it("SIGTERM to secr-run: forwarded, the child dies of it, secr-run too, and the files are gone", async () => {
    const box = sandbox();
    const { proc, exited } = await startWaiting(box);
    proc.kill("SIGTERM");
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: null, signal: "SIGTERM" });
    expect(leftIn(box.runtime)).toEqual([]);
    expect(readdirSync(box.cwd)).toEqual([]);
  });

  it("a child killed by a signal: secr-run dies of the same signal, and the files are gone", async () => {
    const box = sandbox();
    const result = await runCli(["--file", "DB_PASSWORD", "--mount", "m.env", "--", NODE, CHILD], {
      env: env(box, { ACT: "kill:SIGUSR2" }),
      cwd: box.cwd,
    });
    expect(result.signal).toBe("SIGUSR2");
    expect(readReport(box)?.env.DB_PASSWORD_FILE).toBeDefined();
    expect(leftIn(box.runtime)).toEqual([]);
    expect(readdirSync(box.cwd)).toEqual([]);
  });

  it("a command that cannot be started (127): the files are gone, masking or not", async () => {
    const box = sandbox();
    for (const extra of [[], ["--mask"]]) {
      const result = await runCli(
        ["--file", "DB_PASSWORD", "--mount", "m.env", ...extra, "--", join(box.root, "no-such-program")],
        { env: env(box), cwd: box.cwd },
      );
      expect(result.exitCode).toBe(127);
      expect(leftIn(box.runtime)).toEqual([]);
      expect(readdirSync(box.cwd)).toEqual([]);
    }
  });

  it("SIGKILL leaves the files; the next run that delivers files removes them", async () => {
    const box = sandbox();
    const { proc, exited, report } = await startWaiting(box);
    const left = report.env.DB_PASSWORD_FILE!;
    proc.kill("SIGKILL");
    await exited;
    // The child outlives a SIGKILLed parent: end it.
    process.kill(Number(readFileSync(box.ready, "utf8")), "SIGTERM");
    expect(existsSync(left)).toBe(true);
    expect(existsSync(join(box.cwd, "m.env"))).toBe(true);
    const next = sandbox();
    const result = await runCli(["--file", "API_KEY", "--", NODE, CHILD], {
      env: env(next, { XDG_RUNTIME_DIR: box.runtime }),
      cwd: next.cwd,
    });
    expect(result.exitCode).toBe(0);
    expect(existsSync(left)).toBe(false);
    expect(existsSync(join(box.cwd, "m.env"))).toBe(false);
    expect(leftIn(box.runtime)).toEqual([]);
  });
});

describe("--mask", () => {
  it("replaces the values and their encoded forms in stdout and stderr; the exit code is the child's", async () => {
    const box = sandbox();
    const result = await runCli(["--mask", "--", NODE, CHILD], {
      env: env(box, { ACT: "print", PRINT_KEYS: "DB_PASSWORD,API_KEY" }),
      cwd: box.cwd,
    });
    expect(result.exitCode).toBe(3);
    for (const key of ["DB_PASSWORD", "API_KEY"]) {
      for (const form of ["raw", "b64", "url", "split"]) expect(result.stdout).toContain(`${form} [secr:${key}]`);
      expect(result.stdout).toContain(`json {"value":"[secr:${key}]"}`);
      expect(result.stderr).toContain(`err [secr:${key}]\n`);
    }
    expect(result.stdout).toContain("split [secr:DB_PASSWORD] end\n");
    expect(
      leaks(
        [result.stdout, result.stderr],
        [production.DB_PASSWORD, production.API_KEY, Buffer.from(production.API_KEY).toString("base64")],
      ),
    ).toEqual([]);
  });

  it("leaves values shorter than --mask-min-length, and says so under --verbose", async () => {
    const box = sandbox();
    const result = await runCli(["--mask", "--verbose", "--", NODE, CHILD], {
      env: env(box, { ACT: "print", PRINT_KEYS: "SHORT" }),
      cwd: box.cwd,
    });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain("raw abc\n");
    expect(result.stderr).toContain("not masked (shorter than 6 characters): SHORT");
    const shorter = await runCli(["--mask", "--mask-min-length", "3", "--", NODE, CHILD], {
      env: env(box, { ACT: "print", PRINT_KEYS: "SHORT" }),
      cwd: box.cwd,
    });
    expect(shorter.stdout).toContain("raw [secr:SHORT]\n");
  });

  it("without --mask the output is untouched (the control)", async () => {
    const box = sandbox();
    const result = await runCli(["--", NODE, CHILD, "control"], {
      env: env(box, { ACT: "print", PRINT_KEYS: "API_KEY" }),
      cwd: box.cwd,
    });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain(`raw ${production.API_KEY}\n`);
  });

  it("keeps stdin connected", async () => {
    const box = sandbox();
    const result = await runCli(["--mask", "--", NODE, "-e", "process.stdin.pipe(process.stdout)"], {
      env: env(box),
      cwd: box.cwd,
      input: `echo ${production.API_KEY} done`,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("echo [secr:API_KEY] done");
  });
});
