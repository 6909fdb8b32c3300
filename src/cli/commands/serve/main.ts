// `secr-run serve`: the local secr-compatible API server. Prints one machine-readable line
// `{"url":"http://127.0.0.1:PORT"}` on stdout once listening; everything else goes to stderr.
// Options are declared in command.ts. Exit codes: 0 after a graceful shutdown (SIGTERM/SIGINT/SIGHUP;
// a second signal exits 130 at once), 64 usage, 65 data file corrupt, tampered or under another key,
// 69 cannot listen / data directory in use, 78 key, seed or unsafe data directory (not ours, writable
// by others, symlinked files).
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { serveCommand } from "./command.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { DataFileError, generateAdminToken, KeyError, LockError, startServer, UnsafeDataDirError } from "../../../server/index.js";
import { watchParent } from "./parent.js";
import { DETACHED_ENV } from "./detached-env.js";

const EXIT_DATA = ExitCode.DATA;

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : join(homedir(), ".local", "share");
  return join(base, "secr-run", "server");
}

function fail(message: string, code: number): number {
  process.stderr.write(`secr-run serve: ${message}\n`);
  return code;
}

export async function main(args: string[]): Promise<number> {
  const parent = process.ppid;
  let argv;
  try {
    ({ options: argv } = serveCommand.parse(args));
  } catch (error) {
    if (error instanceof Failure) return fail(error.message, error.exitCode);
    throw error;
  }
  // --help and --version never reach here: main.ts answers them (dispatch.ts) for every command.

  const port = Number(argv.port);
  if (!/^\d+$/.test(argv.port) || port > 65535) return fail(`--port must be an integer 0-65535, got "${argv.port}"`, ExitCode.USAGE);
  let rateLimit: number | undefined;
  if (argv.rateLimit !== undefined) {
    rateLimit = Number(argv.rateLimit);
    if (!Number.isFinite(rateLimit) || rateLimit <= 0) return fail(`--rate-limit must be a positive number, got "${argv.rateLimit}"`, ExitCode.USAGE);
  }
  const env = process.env;
  const adminToken = argv.token ?? (env.SECR_SERVE_TOKEN || undefined);
  if (argv.token !== undefined) {
    process.stderr.write("secr-run serve: warning: --token is visible to every user of this machine (ps, /proc); prefer SECR_SERVE_TOKEN\n");
  }
  const dataPath = resolve(argv.data ?? defaultDataDir(env));
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (argv.stop) return (await import("./stop.js")).stop(dataPath, say);
  if (argv.detach) return (await import("./detach.js")).detach(args, dataPath, adminToken ?? generateAdminToken(), say);

  let server;
  try {
    server = await startServer({
      host: argv.host,
      port,
      dataPath,
      ...(env.SECR_SERVE_KEY ? { key: env.SECR_SERVE_KEY } : {}),
      ...(argv.keyFile !== undefined ? { keyFile: resolve(argv.keyFile) } : {}),
      ...(adminToken !== undefined ? { adminToken } : {}),
      ...(argv.seed !== undefined ? { seedFile: resolve(argv.seed) } : {}),
      ...(rateLimit !== undefined ? { rateLimit } : {}),
      log: process.stderr,
      accessLog: !argv.quiet,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof DataFileError) return fail(`refusing to start: ${message}; the file was left untouched`, EXIT_DATA);
    if (error instanceof LockError) return fail(`${message} (secr-run serve --stop stops it)`, ExitCode.UNAVAILABLE);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
      return fail(`cannot listen on ${argv.host}:${port}: ${code}`, ExitCode.UNAVAILABLE);
    }
    if (error instanceof KeyError || error instanceof UnsafeDataDirError) return fail(message, ExitCode.CONFIG);
    return fail(message, ExitCode.CONFIG);
  }

  const running = server;
  // Listeners go in before the URL is announced: whoever reads the line may signal at once.
  const shutdown = new Promise<void>((resolveShutdown) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals, why = `${signal} received`) => {
      if (stopping) {
        process.stderr.write(`secr-run serve: ${signal} again, exiting without waiting\n`);
        process.exit(130);
      }
      stopping = true;
      process.stderr.write(`secr-run serve: ${why}, finishing in-flight requests\n`);
      running.close().then(resolveShutdown, (error: unknown) => {
        process.stderr.write(`secr-run serve: error during shutdown: ${error instanceof Error ? error.message : String(error)}\n`);
        resolveShutdown();
      });
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGHUP", () => stop("SIGHUP"));
    // Not when detached (its parent, the --detach call, exits on purpose once it listens).
    if (env[DETACHED_ENV] !== "1") watchParent(parent, () => stop("SIGTERM", "the process that started it exited"));
    // A listener keeps SIGUSR1 from opening Node's inspector on a process full of secrets.
    process.on("SIGUSR1", () => process.stderr.write("secr-run serve: SIGUSR1 ignored (no inspector)\n"));
  });

  if (server.createdAdminToken) {
    process.stderr.write(`secr-run serve: created admin token (shown only this once; pass --token or SECR_SERVE_TOKEN to choose your own):\n  ${server.createdAdminToken}\n`);
  }
  const stats = server.stats();
  process.stderr.write(
    `secr-run serve: listening on ${server.url} (data: ${server.dataFile}; ${stats.orgs} orgs, ${stats.projects} projects, ${stats.environments} environments, ${stats.secrets} secrets)\n`,
  );
  if (!/^(127\.|::1$|localhost$)/.test(argv.host)) {
    process.stderr.write(`secr-run serve: warning: listening on ${argv.host}, not loopback: tokens and values cross the network unencrypted\n`);
  }
  if (stats.orgs === 0) {
    process.stderr.write("secr-run serve: the store is empty: create a project with secr-run admin projects create ORG/PROJECT, or seed one (--seed examples/seed.json)\n");
  }
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  await shutdown;
  process.stderr.write("secr-run serve: stopped\n");
  return 0;
}
