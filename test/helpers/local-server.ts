// Runs the BUILT CLI (`secr-run serve`, test/helpers/cli.ts) as a real process on a free loopback
// port, for black-box tests. Run `npm run build` first.
//
//   const server = await startLocalServer({ seed: { orgs: { acme: ... } } });
//   ... new SecrClient({ apiUrl: server.url, token: server.token }) ...
//   await server.stop();
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll } from "vitest";
import { CLI } from "./cli.js";
import { tempDir, type TempDir } from "./temp.js";

export interface LocalServerOptions {
  /** Seed object (written to a temp file) or path of a seed file. */
  seed?: unknown;
  /** Admin token, passed in SECR_SERVE_TOKEN (argv is public). Default: a fresh random one. */
  token?: string;
  /** Extra CLI arguments (e.g. ["--rate-limit", "5"]). */
  args?: string[];
  /** Data directory to use (kept on stop, for restart tests). Default: a temp dir removed on stop. */
  dataDir?: string;
  /** Extra environment for the server process. */
  env?: Record<string, string>;
  /** How long to wait for the URL line. Default 20 s. */
  startTimeoutMs?: number;
}

export interface StopResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stderr: string;
}

export interface LocalServer {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** The admin token the server accepts. */
  token: string;
  dataDir: string;
  child: ResultPromise;
  /** Everything the server wrote to stderr so far (its log). */
  stderr(): string;
  /** Signal (default SIGTERM), wait for exit (SIGKILL after 10 s), remove the temp dir if ours. */
  stop(signal?: NodeJS.Signals): Promise<StopResult>;
}

export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const token = options.token ?? `secr_cli_test_${randomBytes(12).toString("hex")}`;
  const ownDir = options.dataDir === undefined ? tempDir("secr-local-server-") : undefined;
  const dataDir = options.dataDir ?? ownDir!.path;
  const args = ["serve", "--port", "0", "--data", dataDir];
  let seedDir: TempDir | undefined;
  if (typeof options.seed === "string") args.push("--seed", options.seed);
  else if (options.seed !== undefined) {
    seedDir = tempDir("secr-seed-");
    const seedFile = join(seedDir.path, "seed.json");
    await writeFile(seedFile, JSON.stringify(options.seed));
    args.push("--seed", seedFile);
  }
  args.push(...(options.args ?? []));

  const child = execa(process.execPath, [CLI, ...args], {
    buffer: false,
    reject: false,
    stdin: "ignore",
    env: { SECR_SERVE_TOKEN: token, SECR_SERVE_KEY: "", ...options.env },
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));

  const cleanup = () => {
    seedDir?.remove();
    ownDir?.remove();
  };

  let url: string;
  try {
    url = await readUrlLine(child, options.startTimeoutMs ?? 20_000, () => stderr);
  } catch (error) {
    child.kill("SIGKILL");
    await child;
    cleanup();
    throw error;
  }

  let stopped: Promise<StopResult> | undefined;
  const stop = (signal: NodeJS.Signals = "SIGTERM") =>
    (stopped ??= (async () => {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const result = await child;
      clearTimeout(timer);
      cleanup();
      return { exitCode: result.exitCode, signal: result.signal, stderr };
    })());

  return { url, token, dataDir, child, stderr: () => stderr, stop };
}

/** The first stdout line must be {"url": ...}; fail with the server's stderr otherwise. */
export function readUrlLine(child: ResultPromise, timeoutMs: number, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    const fail = (why: string) => {
      cleanupListeners();
      reject(new Error(`secr-run serve ${why}\n--- server stderr ---\n${stderr()}\n--- server stdout ---\n${stdout}`));
    };
    const onData = (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      cleanupListeners();
      try {
        const { url } = JSON.parse(stdout.slice(0, newline)) as { url?: unknown };
        if (typeof url !== "string") throw new Error("no url");
        resolve(url);
      } catch {
        fail("printed an unexpected first line on stdout");
      }
    };
    const onClose = () =>
      fail(`exited before printing its URL (exit code ${child.exitCode}, signal ${child.signalCode})`);
    const timer = setTimeout(() => fail(`did not print its URL within ${timeoutMs} ms`), timeoutMs);
    const cleanupListeners = () => {
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      child.off("close", onClose);
    };
    child.stdout!.setEncoding("utf8").on("data", onData);
    child.once("close", onClose);
  });
}

/** Per-file fixture: a server started before the file's tests (beforeAll) and stopped after them.
 *  The object stands for it once started (its url, token... are read at test time). */
export function useLocalServer(options: LocalServerOptions = {}): LocalServer {
  let server: LocalServer | undefined;
  beforeAll(async () => {
    server = await startLocalServer(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  const started = (): LocalServer => {
    if (server === undefined) throw new Error("the local server is used before beforeAll started it");
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    get token() {
      return started().token;
    },
    get dataDir() {
      return started().dataDir;
    },
    get child() {
      return started().child;
    },
    stderr: () => started().stderr(),
    stop: (signal) => started().stop(signal),
  };
}
