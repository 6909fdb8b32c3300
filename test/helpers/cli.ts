// Black-box helpers: run the BUILT CLI (what users run; `npm run build` first) as a real process.
// Every run is recorded so a file can assert at the end that no value and no token was printed.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll } from "vitest";
import { tempDir } from "./temp.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Where the CLI sits in the package. package.json's "bin" says it; no test names the path itself. */
export const CLI_IN_PACKAGE = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: Record<"secr-run", string> }
).bin["secr-run"];
/** The CLI under test; SECR_RUN_TEST_CLI points the suite at another build (e.g. a mutant). */
export const CLI = process.env.SECR_RUN_TEST_CLI ?? join(ROOT, CLI_IN_PACKAGE);
export const NODE = process.execPath;

/** The target words most black-box runs start with: org acme, project api, the env and the server. */
export function targetArgs(env: string, apiUrl: string): string[] {
  return ["--org", "acme", "--project", "api", "--env", env, "--api-url", apiUrl];
}

export interface CliResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  args: string[];
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

export const allRuns: CliResult[] = [];

/** A clean environment: PATH only (no SECR_* from the developer's shell), an empty snapshot
 *  cache and an empty config dir (no trusted project files; the real ~/.config is never read or
 *  written), plus `env`. */
export function cleanEnv(env: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    XDG_CACHE_HOME: freshCacheHome(),
    XDG_CONFIG_HOME: `${freshCacheHome()}-config`,
  };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

export async function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const result = await execa(NODE, [CLI, ...args], {
    reject: false,
    extendEnv: false,
    env: cleanEnv(options.env),
    cwd: options.cwd ?? scratchDir(),
    input: options.input ?? "",
    timeout: options.timeoutMs ?? 45_000,
    stripFinalNewline: false,
  });
  const run: CliResult = {
    exitCode: result.exitCode,
    signal: result.signal ?? undefined,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    args,
  };
  allRuns.push(run);
  return run;
}

let scratch: string | undefined;
// Record files hold (test) secret values: never leave them behind. Registered for each test file
// that imports this module; runs after that file's own afterAll hooks.
afterAll(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});
/** A working directory with no .secr.json above it (the tmp root), removed after the file. */
export function scratchDir(): string {
  scratch ??= tempDir("secr-run-cli-").path;
  return scratch;
}

let caches = 0;
/** Each run gets an empty snapshot cache (docs/design/snapshot.md) unless the test passes its own
 *  XDG_CACHE_HOME / SECR_CACHE_DIR: runs stay independent, and ~/.cache is never touched. */
function freshCacheHome(): string {
  return join(scratchDir(), `cache-${++caches}`);
}

/** Assert helper: every one of `needles` (4 characters or more) found in any of the texts. */
export function leaks(texts: string[], needles: string[]): string[] {
  const found: string[] = [];
  for (const needle of needles) {
    if (needle.length < 4) continue;
    for (const text of texts) if (text.includes(needle)) found.push(needle);
  }
  return [...new Set(found)];
}
