// Scenario 22 of shared/process-contract.md: secret values reach the child's environment and
// nothing else: no argv of any process, not secr-run's own environment, no output, no file.
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MswServer } from "../helpers/msw-server.js";
import { CLI, cliArgv, cliEnv, killGroup, readLog, SECRETS, start, startSecr, tempDir, TOKEN, type Run, waitReady } from "./helpers.js";

let server: MswServer;
let dir: ReturnType<typeof tempDir>;
let current: Run | undefined;
beforeAll(async () => {
  server = await startSecr();
  dir = tempDir();
});
afterEach(() => killGroup(current));
afterAll(async () => {
  await server.close();
  dir.remove();
});

const VALUES = Object.values(SECRETS);

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return ""; // the process ended, or it is not ours to read
  }
}

/** Every process's argv on the machine, NUL-separated. */
function allCmdlines(): string {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((pid) => readOrEmpty(`/proc/${pid}/cmdline`))
    .join("\n");
}

/** The contents of every file below `root`. */
function allFiles(root: string): string {
  let text = "";
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    text += statSync(path).isDirectory() ? allFiles(path) : readOrEmpty(path);
  }
  return text;
}

describe("secret hygiene (scenario 22)", () => {
  it.skipIf(process.platform !== "linux")("values are in the child's environ only: no argv, not secr-run's environ, no output or file", async () => {
    const home = join(dir.path, "home");
    mkdirSync(home);
    const log = join(dir.path, "child.log");
    current = start(cliArgv(["--log", log, "--env", "DATABASE_URL,API_KEY,SECR_TOKEN", "--exit-on", "TERM"], ["--verbose"]), {
      // HOME and the cache (the encrypted offline snapshot) inside `dir`: every file secr-run
      // writes is scanned below.
      env: cliEnv(server, { HOME: home, XDG_CACHE_HOME: join(dir.path, "cache") }),
      cwd: dir.path,
    });
    const child = await waitReady(log, current);

    const childEnviron = readOrEmpty(`/proc/${child}/environ`);
    for (const value of VALUES) expect(childEnviron, "positive control: the child has its secrets").toContain(value);
    expect(childEnviron).not.toContain(TOKEN); // the app gets its secrets, not the key to all of them

    const argvs = allCmdlines();
    expect(argvs, "positive control: the scan sees secr-run").toContain(CLI);
    const ownEnviron = readOrEmpty(`/proc/${current.proc.pid}/environ`);
    expect(ownEnviron, "positive control: secr-run's environ is readable").toContain("SECR_ORG=acme");
    for (const value of VALUES) {
      expect(argvs).not.toContain(value);
      expect(ownEnviron).not.toContain(value);
    }

    process.kill(current.proc.pid!, "SIGTERM");
    expect(await current.exit).toEqual({ code: 0, signal: null });
    expect(readLog(log)).toEqual(expect.arrayContaining(["env DATABASE_URL set", "env API_KEY set", "env SECR_TOKEN unset"]));

    const output = current.stdout() + current.stderr() + allFiles(dir.path);
    expect(current.stderr(), "positive control: --verbose said something").not.toBe("");
    for (const secret of [...VALUES, TOKEN]) expect(output).not.toContain(secret);
  });

  it("an exec failure's message and --verbose output carry no value or token", async () => {
    current = start([CLI, "--verbose", "--", "secr-run-no-such-command-xyz"], { env: cliEnv(server), cwd: dir.path });
    expect(await current.exit).toEqual({ code: 127, signal: null });
    const output = current.stdout() + current.stderr();
    expect(output).toContain("secr-run-no-such-command-xyz");
    for (const secret of [...VALUES, TOKEN]) expect(output).not.toContain(secret);
  });
});
