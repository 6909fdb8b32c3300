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
import { isLoopbackHost } from "../../../client/url.js";
import {
  DataFileError,
  generateAdminToken,
  KeyError,
  LockError,
  startAgent,
  startServer,
  UnsafeDataDirError,
  UpstreamUrlError,
  type TlsFiles,
} from "../../../server/index.js";
import { DEFAULT_CACHE_MAX_BYTES, DEFAULT_MAX_STALE_MS, DEFAULT_REVALIDATE_MS } from "../../../server/index.js";
import { agentOptions, describeAgent, readPem, readTlsKey, refuseDataOptions } from "./agent.js";
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
  if (!/^\d+$/.test(argv.port) || port > 65535)
    return fail(`--port must be an integer 0-65535, got "${argv.port}"`, ExitCode.USAGE);
  let rateLimit: number | undefined;
  if (argv.rateLimit !== undefined) {
    rateLimit = Number(argv.rateLimit);
    if (!Number.isFinite(rateLimit) || rateLimit <= 0)
      return fail(`--rate-limit must be a positive number, got "${argv.rateLimit}"`, ExitCode.USAGE);
  }
  const env = process.env;
  const upstream = argv.upstream ?? (env.SECR_UPSTREAM || undefined);
  if ((argv.tlsCert === undefined) !== (argv.tlsKey === undefined))
    return fail("--tls-cert and --tls-key go together: give both, or neither", ExitCode.USAGE);
  // Tokens and values must not cross a network in clear text unless the operator says so.
  if (!isLoopbackHost(argv.host) && argv.tlsCert === undefined && !argv.insecureListen) {
    return fail(
      `refusing to listen on ${argv.host} without TLS: tokens and values would cross the network unencrypted; give --tls-cert and --tls-key (or --insecure-listen on a network you trust)`,
      ExitCode.USAGE,
    );
  }
  if (upstream !== undefined && (argv.detach || argv.stop)) {
    return fail(
      "--detach and --stop are for the local server and its data directory: run an agent (--upstream) in the foreground under its supervisor (docs/guide/fleet.md)",
      ExitCode.USAGE,
    );
  }
  const dataPath = resolve(argv.data ?? defaultDataDir(env));
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (argv.stop) return (await import("./stop.js")).stop(dataPath, say);
  // Not when detached (its parent, the --detach call, exits on purpose once it listens).
  const watchedParent = env[DETACHED_ENV] === "1" ? undefined : parent;

  let tls: TlsFiles | undefined;
  try {
    if (argv.tlsCert !== undefined && argv.tlsKey !== undefined) {
      const cert = await readPem(argv.tlsCert, "--tls-cert");
      const { key, warning } = await readTlsKey(argv.tlsKey);
      if (warning !== undefined) process.stderr.write(`secr-run serve: warning: ${warning}\n`);
      tls = { cert, key };
    }
    if (upstream !== undefined) {
      refuseDataOptions({
        "--data": argv.data,
        "--key-file": argv.keyFile,
        "--seed": argv.seed,
        "--token": argv.token,
        "--rate-limit": argv.rateLimit,
      });
      const options = await agentOptions(
        {
          upstream,
          revalidate: argv.revalidate,
          maxStale: argv.maxStale,
          cacheMaxBytes: argv.cacheMaxBytes,
          caFile: argv.caFile ?? (env.SECR_CA_FILE || undefined),
        },
        { host: argv.host, port, tls },
      );
      const agent = await startAgent({ ...options, log: process.stderr, accessLog: !argv.quiet });
      return await serveUntilSignal(agent, watchedParent, () => {
        const settings = describeAgent(options, {
          revalidateMs: DEFAULT_REVALIDATE_MS,
          maxStaleMs: DEFAULT_MAX_STALE_MS,
          cacheMaxBytes: DEFAULT_CACHE_MAX_BYTES,
        });
        process.stderr.write(
          `secr-run serve: caching agent of ${agent.upstream} listening on ${agent.url} (${settings})\n`,
        );
      });
    }
  } catch (error) {
    if (error instanceof Failure) return fail(error.message, error.exitCode);
    if (error instanceof UpstreamUrlError) return fail(error.message, ExitCode.CONFIG);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL")
      return fail(`cannot listen on ${argv.host}:${port}: ${code}`, ExitCode.UNAVAILABLE);
    // A certificate and key that do not match, or are not what they claim.
    return fail(error instanceof Error ? error.message : String(error), ExitCode.CONFIG);
  }
  const adminToken = argv.token ?? (env.SECR_SERVE_TOKEN || undefined);
  if (argv.token !== undefined) {
    process.stderr.write(
      "secr-run serve: warning: --token is visible to every user of this machine (ps, /proc); prefer SECR_SERVE_TOKEN\n",
    );
  }
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
      ...(tls !== undefined ? { tls } : {}),
      log: process.stderr,
      accessLog: !argv.quiet,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof DataFileError)
      return fail(`refusing to start: ${message}; the file was left untouched`, EXIT_DATA);
    if (error instanceof LockError) return fail(`${message} (secr-run serve --stop stops it)`, ExitCode.UNAVAILABLE);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
      return fail(`cannot listen on ${argv.host}:${port}: ${code}`, ExitCode.UNAVAILABLE);
    }
    if (error instanceof KeyError || error instanceof UnsafeDataDirError) return fail(message, ExitCode.CONFIG);
    return fail(message, ExitCode.CONFIG);
  }

  const running = server;
  return serveUntilSignal(running, watchedParent, () => {
    if (running.createdAdminToken) {
      process.stderr.write(
        `secr-run serve: created admin token (shown only this once; pass --token or SECR_SERVE_TOKEN to choose your own):\n  ${running.createdAdminToken}\n`,
      );
    }
    const stats = running.stats();
    process.stderr.write(
      `secr-run serve: listening on ${running.url} (data: ${running.dataFile}; ${stats.orgs} orgs, ${stats.projects} projects, ${stats.environments} environments, ${stats.secrets} secrets)\n`,
    );
    if (!isLoopbackHost(argv.host) && tls === undefined) {
      process.stderr.write(
        `secr-run serve: warning: listening on ${argv.host}, not loopback: tokens and values cross the network unencrypted\n`,
      );
    }
    if (stats.orgs === 0) {
      process.stderr.write(
        "secr-run serve: the store is empty: create a project with secr-run admin projects create ORG/PROJECT, or seed one (--seed examples/seed.json)\n",
      );
    }
  });
}

/** Announce the URL once signal listeners are in, then run until a terminating signal, or until
 *  `parent` (the process that started a foreground server) has exited. */
async function serveUntilSignal(
  running: { url: string; close(): Promise<void> },
  parent: number | undefined,
  announce: () => void,
): Promise<number> {
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
        process.stderr.write(
          `secr-run serve: error during shutdown: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        resolveShutdown();
      });
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGHUP", () => stop("SIGHUP"));
    if (parent !== undefined) watchParent(parent, () => stop("SIGTERM", "the process that started it exited"));
    // A listener keeps SIGUSR1 from opening Node's inspector on a process full of secrets.
    process.on("SIGUSR1", () => process.stderr.write("secr-run serve: SIGUSR1 ignored (no inspector)\n"));
  });

  announce();
  process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
  await shutdown;
  process.stderr.write("secr-run serve: stopped\n");
  return 0;
}
