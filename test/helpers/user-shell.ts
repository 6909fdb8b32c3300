// A user's machine in a temp directory: an empty HOME, and on PATH a `secr-run` that is this build
// (a symlink to bin/secr-run.js, as `npm link` or a global install makes one), Node, and the
// system's tools; nothing else of the test's environment. Blocks run in bash, as pasted.
import { mkdirSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { CLI, NODE } from "./cli.js";
import { tempDir, type TempDir } from "./temp.js";

export interface UserMachine {
  home: string;
  bin: string;
  env: Record<string, string>;
  /** Runs a shell text with bash -e (stop at the first failing command), in cwd (default HOME). */
  sh(
    text: string,
    options?: { cwd?: string; env?: Record<string, string>; timeout?: number },
  ): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;
  /** Stops a server left by `serve --detach` (its default data directory), then removes everything. */
  remove(): Promise<void>;
}

export function userMachine(prefix = "secr-run-user-"): UserMachine {
  const dir: TempDir = tempDir(prefix);
  const home = join(dir.path, "home");
  const bin = join(dir.path, "bin");
  mkdirSync(home);
  mkdirSync(bin);
  symlinkSync(CLI, join(bin, "secr-run"));
  const env: Record<string, string> = {
    HOME: home,
    PATH: [bin, dirname(NODE), "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
    LANG: "C.UTF-8",
    TMPDIR: process.env.TMPDIR ?? "/tmp",
  };
  const sh: UserMachine["sh"] = async (text, options = {}) => {
    const result = await execa("bash", ["-e", "-o", "pipefail", "-c", text], {
      cwd: options.cwd ?? home,
      env: { ...env, ...options.env },
      extendEnv: false,
      reject: false,
      timeout: options.timeout ?? 60_000,
    });
    return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
  };
  return {
    home,
    bin,
    env,
    sh,
    remove: async () => {
      await sh("secr-run serve --stop").catch(() => undefined);
      dir.remove();
    },
  };
}
