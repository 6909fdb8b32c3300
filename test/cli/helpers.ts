// Black-box helpers: run the BUILT CLI (`node bin/secr-run.js`, what users run) as a real process.
// Every run is recorded so a file can assert at the end that no value and no token was printed.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll } from "vitest";

export const CLI = fileURLToPath(new URL("../../bin/secr-run.js", import.meta.url));
export const RECORD_CHILD = fileURLToPath(new URL("./fixtures/record-child.cjs", import.meta.url));
export const NODE = process.execPath;

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
  const out: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", XDG_CACHE_HOME: freshCacheHome(), XDG_CONFIG_HOME: `${freshCacheHome()}-config` };
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
/** A working directory with no .secr.json above it (the tmp root). */
export function scratchDir(): string {
  if (scratch === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "secr-run-cli-"));
    scratch = dir;
  }
  return scratch;
}

let caches = 0;
/** Each run gets an empty snapshot cache (docs/snapshot.md) unless the test passes its own
 *  XDG_CACHE_HOME / SECR_CACHE_DIR: runs stay independent, and ~/.cache is never touched. */
function freshCacheHome(): string {
  return join(scratchDir(), `cache-${++caches}`);
}

export function tempDir(prefix = "secr-run-cli-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Recorded {
  env: Record<string, string>;
  argv: string[];
}

let counter = 0;
/** A fresh record file path; the child (record-child.cjs) writes there. */
export function recordFile(): string {
  return join(scratchDir(), `record-${process.pid}-${++counter}.json`);
}

export function readRecord(path: string): Recorded | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Recorded) : undefined;
}

/** Command words that run the recording child. */
export function recordingChild(): string[] {
  return ["--", NODE, RECORD_CHILD];
}

/** Assert helper: every occurrence of any of `needles` in the texts. */
export function leaks(texts: string[], needles: string[]): string[] {
  const found: string[] = [];
  for (const needle of needles) {
    if (needle.length < 4) continue;
    for (const text of texts) if (text.includes(needle)) found.push(needle);
  }
  return [...new Set(found)];
}
