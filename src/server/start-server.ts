// Composition: load (or create) the encrypted store, apply the seed, listen, and close
// gracefully (stop accepting, finish in-flight requests, flush writes, release the lock).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { tokenRecord } from "./store/tokens.js";
import { drainServer, trackConnections } from "./http/connections.js";
import { createHandler } from "./http/handler.js";
import { AuthFailureLimit } from "./http/auth-failure-limit.js";
import { createListener, listen, urlOf, type TlsFiles } from "./http/listen.js";
import { RateLimiter } from "./http/rate-limit.js";
import { ReadCache } from "./http/read-cache.js";
import { ensurePrivateDir } from "../fs/private-dir.js";
import { capture, type Change } from "./persistence/changes.js";
import { syncDirectory, UnsafeDataDirError } from "./persistence/data-file.js";
import { acquireLock } from "./persistence/lock.js";
import { Persister } from "./persistence/persister.js";
import { openStore } from "./open-store.js";
import type { State, TokenRecord } from "./store/model.js";
import { parseSeed, type ParsedSeed, type Seed } from "./store/seed.js";

export interface ServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port (what tests and embedders want); `secr-run serve` defaults to 4317. */
  port?: number;
  /** Data directory (data file, key file, lock). Default: a fresh temp dir removed by close(). */
  dataPath?: string;
  /** The data key: 32 bytes, or their base64. Else `keyFile`. */
  key?: Buffer | string;
  /** Key file (base64 of 32 bytes); created 0600 if missing. Default `<dataPath>/key`. */
  keyFile?: string;
  /** An admin token accepted for this run (kept in memory only, never written). */
  adminToken?: string;
  /** Seed JSON file, applied on start (adds only what is missing). */
  seedFile?: string;
  /** Seed object, same shape as the file. */
  seed?: Seed | unknown;
  /**
   * Requests per second per token, and failed authentications per second per client address;
   * 429 + Retry-After beyond. Default: tokens unlimited, 10 failed authentications per second.
   */
  rateLimit?: number;
  /** Notices (warnings, internal errors) and, unless accessLog is false, the access log. Default: none. */
  log?: NodeJS.WritableStream;
  /** One line per request to `log` (method, path, status, ms). Default true. */
  accessLog?: boolean;
  /**
   * Seconds to let requests being answered finish on close before cutting their connections.
   * Idle connections and requests whose body has not fully arrived are cut at once. Default 10.
   */
  shutdownTimeout?: number;
  /** Serve HTTPS with this certificate and key (docs/guide/fleet.md, "TLS"). */
  tls?: TlsFiles;
  /** Journal size that triggers a compaction at least (the data file's size, if larger). Default 4 MiB. */
  compactMinBytes?: number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:4317 (no trailing slash). */
  url: string;
  port: number;
  dataFile: string;
  /** Set when no admin token existed: the token created on this first start (show it once). */
  createdAdminToken?: string;
  /** What the store holds right now (counts only). */
  stats(): { orgs: number; projects: number; environments: number; secrets: number; tokens: number };
  close(): Promise<void>;
}

export { DATA_FILE, KEY_FILE } from "./open-store.js";

/** Failed authentications per second per client address when no rate limit is set. */
export const DEFAULT_AUTH_FAILURES_PER_SECOND = 10;

async function loadSeed(options: ServerOptions): Promise<ParsedSeed[]> {
  const seeds: ParsedSeed[] = [];
  if (options.seedFile !== undefined) {
    let text: string;
    try {
      text = await readFile(options.seedFile, "utf8");
    } catch (error) {
      throw new Error(
        `cannot read seed file ${options.seedFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`seed file ${options.seedFile} is not valid JSON`);
    }
    seeds.push(parseSeed(json));
  }
  if (options.seed !== undefined) seeds.push(parseSeed(options.seed));
  return seeds;
}

function countState(state: State, sessionTokens: number) {
  const counts = {
    orgs: state.orgs.size,
    projects: 0,
    environments: 0,
    secrets: 0,
    tokens: state.tokens.size + sessionTokens,
  };
  for (const org of state.orgs.values()) {
    counts.projects += org.projects.size;
    for (const project of org.projects.values()) {
      counts.environments += project.environments.size;
      for (const env of project.environments.values())
        for (const s of env.secrets.values()) if (!s.deleted) counts.secrets++;
    }
  }
  return counts;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const ephemeral = options.dataPath === undefined;
  const dataPath = options.dataPath ?? (await mkdtemp(join(tmpdir(), "secr-serve-")));
  // Ours and private, or refused: anyone else able to write there could plant symlinks.
  const created = await ensurePrivateDir(dataPath, "data directory", (message) => new UnsafeDataDirError(message));
  // A directory created now must itself survive a crash: sync the parent that names it.
  if (created) await syncDirectory(dirname(dataPath));
  const seeds = await loadSeed(options);
  const release = await acquireLock(join(dataPath, "lock"));
  try {
    const sessionTokens = new Map<string, TokenRecord>();
    if (options.adminToken !== undefined) {
      const record = tokenRecord(
        { token: options.adminToken, role: "admin", name: "session (--token / SECR_SERVE_TOKEN)" },
        undefined,
        "session",
      );
      sessionTokens.set(record.hash, record);
    }
    const opened = await openStore({
      dataPath,
      seeds,
      hasSessionAdmin: sessionTokens.size > 0,
      ...(options.key !== undefined ? { key: options.key } : {}),
      ...(options.keyFile !== undefined ? { keyFile: options.keyFile } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.compactMinBytes !== undefined ? { compactMinBytes: options.compactMinBytes } : {}),
    });
    const { dataFile, store, createdAdminToken, state } = opened;

    const readCache = new ReadCache();
    const persister = new Persister<Change>({
      write: (batch) => store.write(batch),
      undo: (change) => {
        change.undo();
        readCache.invalidate();
      },
      afterWrite: () => store.maintain(),
      onError: (error) => options.log?.write(`error: compaction failed (will retry): ${(error as Error).message}\n`),
    });

    let closing = false;
    const handler = createHandler({
      state: () => state,
      findToken: (hash) => sessionTokens.get(hash) ?? state.tokens.get(hash),
      capture: (touches) => capture(state, touches),
      commit: (change) => persister.commit(change),
      readCache,
      closing: () => closing,
      ...(options.rateLimit ? { rateLimiter: new RateLimiter(options.rateLimit) } : {}),
      authFailureLimiter: new AuthFailureLimit(options.rateLimit ?? DEFAULT_AUTH_FAILURES_PER_SECOND),
      ...(options.log ? { log: options.log } : {}),
      accessLog: options.accessLog ?? true,
    });
    const server = createListener((req, res) => void handler(req, res), options.tls);
    const connections = trackConnections(server);
    const address = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");

    let closed: Promise<void> | undefined;
    const close = () =>
      (closed ??= (async () => {
        closing = true;
        await drainServer(server, connections, options.shutdownTimeout ?? 10);
        try {
          await persister.flush();
        } finally {
          await release(); // a failed flush is reported, and must not leave the directory locked
        }
        if (ephemeral) await rm(dataPath, { recursive: true, force: true });
      })());

    return {
      url: urlOf(address, options.tls !== undefined),
      port: address.port,
      dataFile,
      ...(createdAdminToken ? { createdAdminToken } : {}),
      stats: () => countState(state, sessionTokens.size),
      close,
    };
  } catch (error) {
    await release();
    if (ephemeral) await rm(dataPath, { recursive: true, force: true });
    throw error;
  }
}
