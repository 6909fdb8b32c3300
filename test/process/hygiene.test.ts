// docs/design/security.md (attacker model) through the real CLI: secret values reach the child's environment and
// nothing else: no argv of any process, not secr-run's own environment, no output, no file.
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliArgv, cliEnv, readLog, SECRETS, start, TOKEN, useProcessFixture, waitReady } from "./helpers.js";
import { CLI } from "../helpers/cli.js";

const fx = useProcessFixture();

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
  it.skipIf(process.platform !== "linux")(
    "values are in the child's environ only: no argv, not secr-run's environ, no output or file",
    async () => {
      const home = join(fx.dir.path, "home");
      mkdirSync(home);
      const log = join(fx.dir.path, "child.log");
      fx.current = start(
        cliArgv(["--log", log, "--env", "DATABASE_URL,API_KEY,SECR_TOKEN", "--exit-on", "TERM"], ["--verbose"]),
        {
          // HOME and the cache (the encrypted offline snapshot) inside `dir`: every file secr-run
          // writes is scanned below.
          env: cliEnv(fx.server, { HOME: home, XDG_CACHE_HOME: join(fx.dir.path, "cache") }),
          cwd: fx.dir.path,
        },
      );
      const child = await waitReady(log, fx.current);

      const childEnviron = readOrEmpty(`/proc/${child}/environ`);
      for (const value of VALUES) expect(childEnviron, "positive control: the child has its secrets").toContain(value);
      expect(childEnviron).not.toContain(TOKEN); // the app gets its secrets, not the key to all of them

      const argvs = allCmdlines();
      expect(argvs, "positive control: the scan sees secr-run").toContain(CLI);
      const ownEnviron = readOrEmpty(`/proc/${fx.current.proc.pid}/environ`);
      expect(ownEnviron, "positive control: secr-run's environ is readable").toContain("SECR_ORG=acme");
      for (const value of VALUES) {
        expect(argvs).not.toContain(value);
        expect(ownEnviron).not.toContain(value);
      }

      process.kill(fx.current.proc.pid!, "SIGTERM");
      expect(await fx.current.exit).toEqual({ code: 0, signal: null });
      expect(readLog(log)).toEqual(
        expect.arrayContaining(["env DATABASE_URL set", "env API_KEY set", "env SECR_TOKEN unset"]),
      );

      const output = fx.current.stdout() + fx.current.stderr() + allFiles(fx.dir.path);
      expect(fx.current.stderr(), "positive control: --verbose said something").not.toBe("");
      for (const secret of [...VALUES, TOKEN]) expect(output).not.toContain(secret);
    },
  );

  it("an exec failure's message and --verbose output carry no value or token", async () => {
    fx.current = start([CLI, "--verbose", "--", "secr-run-no-such-command-xyz"], {
      env: cliEnv(fx.server),
      cwd: fx.dir.path,
    });
    expect(await fx.current.exit).toEqual({ code: 127, signal: null });
    const output = fx.current.stdout() + fx.current.stderr();
    expect(output).toContain("secr-run-no-such-command-xyz");
    for (const secret of [...VALUES, TOKEN]) expect(output).not.toContain(secret);
  });
});
