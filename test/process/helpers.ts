// Shared plumbing for the process-model tests (docs/design/process-model.md): a secr API on loopback (msw), the real CLI
// (test/helpers/cli.ts, built by `npm run build`) spawned with the signal-child fixture, and small
// waits that poll for events instead of sleeping for guessed durations.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { CLI, ROOT } from "../helpers/cli.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { secrHandlers as secrRoutes } from "../helpers/secr-api.js";
import { tempDir, type TempDir } from "../helpers/temp.js";

export const FIXTURE = join(ROOT, "test/fixtures/signal-child.js");

/** Values that must only ever reach the child's environment (scenario 22 greps for them). */
export const SECRETS = {
  DATABASE_URL: `postgres://app:pw-${randomUUID()}@db/app`,
  API_KEY: `sk-${randomUUID()}`,
} as const;
export const TOKEN = `secr_tok_${randomUUID().replaceAll("-", "")}`;

/** A secr API answering the two routes `secr-run run` uses, with SECRETS. */
export function startSecr(): Promise<MswServer> {
  return startMswServer(...secrRoutes(() => SECRETS));
}

// Runs write the offline snapshot (docs/design/snapshot.md): into a temp cache per test file, never ~/.cache.
let cacheHome: TempDir | undefined;
afterAll(() => {
  cacheHome?.remove();
  cacheHome = undefined;
});

/** The CLI's settings come from env vars only; nothing of the test runner's environment leaks in. */
export function cliEnv(server: MswServer, extra: Record<string, string> = {}): Record<string, string> {
  cacheHome ??= tempDir("secr-run-process-cache-");
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/root",
    XDG_CACHE_HOME: cacheHome.path,
    SECR_API_URL: server.url,
    SECR_TOKEN: TOKEN,
    SECR_ORG: "acme",
    SECR_PROJECT: "shop",
    SECR_ENV: "production",
    // Every test waits for its own request: no run may start from the snapshot a previous test's
    // run wrote moments ago (--share-window, docs/design/insights.md).
    SECR_SHARE_WINDOW: "0",
    ...extra,
  };
}

/** argv for `node bin/secr-run.js [cliArgs] -- node signal-child.js [childArgs]`. */
export function cliArgv(childArgs: string[], cliArgs: string[] = []): string[] {
  return [CLI, ...cliArgs, "--", process.execPath, FIXTURE, ...childArgs];
}

export interface Run {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawn `node <argv>` in its own session (detached): no controlling terminal, so secr-run is
 *  never "the foreground group" here even when the test runner sits in a terminal. */
export function start(
  argv: string[],
  {
    env,
    cwd,
    stdin = "ignore",
    command = process.execPath,
  }: { env: Record<string, string>; cwd: string; stdin?: "ignore" | "pipe"; command?: string },
): Run {
  const proc = spawn(command, argv, { env, cwd, detached: true, stdio: [stdin, "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  proc.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    proc.on("close", (code, signal) => done({ code, signal })),
  );
  return { proc, stdout: () => out, stderr: () => err, exit };
}

/** Poll until `check` returns a value (not undefined); generous deadline, fails loudly. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function readLog(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
}

/** Wait for the fixture's `ready <pid>` line in its log file; returns the child's pid. Gives up
 *  early, with secr-run's stderr, if secr-run ends first. */
export function waitReady(file: string, run?: Run): Promise<number> {
  return waitFor(`ready in ${file}`, () => {
    const line = readLog(file).find((l) => l.startsWith("ready "));
    if (line !== undefined) return Number(line.split(" ")[1]);
    if (run && (run.proc.exitCode !== null || run.proc.signalCode !== null)) {
      throw new Error(
        `secr-run ended before its child was ready: ${run.proc.exitCode ?? run.proc.signalCode}; stderr: ${run.stderr()}`,
      );
    }
    return undefined;
  });
}

export function count(lines: string[], line: string): number {
  return lines.filter((l) => l === line).length;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Last resort in afterEach: kill a leftover process group we started. */
export function killGroup(run: Run | undefined): void {
  if (run?.proc.pid === undefined || run.proc.exitCode !== null || run.proc.signalCode !== null) return;
  try {
    process.kill(-run.proc.pid, "SIGKILL");
  } catch {}
}

export interface ProcessFixture {
  /** msw secrets server on loopback (startSecr), reset after each test. */
  server: MswServer;
  dir: { path: string; remove(): void };
  /** The run to kill (whole process group) after the test, if still alive. */
  current: Run | undefined;
}

/** Per-file fixture: one secrets server and temp dir for the file; each test's run killed after it. */
export function useProcessFixture(): ProcessFixture {
  const fx = {} as ProcessFixture;
  beforeAll(async () => {
    fx.server = await startSecr();
    fx.dir = tempDir("secr-run-process-");
  });
  afterEach(() => {
    killGroup(fx.current);
    fx.current = undefined;
    fx.server.resetHandlers();
  });
  afterAll(async () => {
    await fx.server?.close();
    fx.dir?.remove();
  });
  return fx;
}
