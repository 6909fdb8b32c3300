// Connecting early (docs/design/startup.md, "Connecting early"): when a run names its secr URL on the
// command line or in SECR_API_URL, the entry (main.cjs) opens the TCP (and TLS) connection before
// it loads the launcher, so the handshake's round trip passes while the launcher loads instead of
// after. The client adopts that socket for its one connection if, and only if, it goes to the
// same origin; otherwise the socket is closed unused. Nothing is sent on it before the client
// sends its own request: no token leaves earlier, or for a place the run would not use.
//
// main.cjs and run.cjs are separate bundles, each with its own copy of this module: the socket
// passes between them in one process-wide slot.
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { CACHE_ENV_VARS } from "../config/cache-settings.js";
import { ENV_VARS } from "../config/settings.js";

export interface PreconnectTarget {
  protocol: "http:" | "https:";
  hostname: string;
  port: number;
}

interface Slot {
  origin: string;
  socket: Socket | TLSSocket;
  ready: Promise<void>;
}

const SLOT = Symbol.for("secr-run.preconnected");
const slots = globalThis as { [SLOT]?: Slot | undefined };

/** Proxy variables undici's EnvHttpProxyAgent reads: with any of them set, the route is not ours to guess. */
const PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"];

/**
 * Where to connect early, or undefined: only for a URL the user gave for this run (`--api-url`,
 * else SECR_API_URL), never one from a project file (which may still need `secr-run allow`) and
 * never behind a proxy or with `--offline`. Pure.
 */
export function preconnectTarget(
  options: { apiUrl?: string | undefined; offline?: boolean | undefined },
  env: Record<string, string | undefined>,
): PreconnectTarget | undefined {
  if (options.offline === true || (options.offline === undefined && env[CACHE_ENV_VARS.offline] === "1"))
    return undefined;
  if (PROXY_VARIABLES.some((name) => env[name])) return undefined;
  const raw = options.apiUrl ?? env[ENV_VARS.apiUrl];
  if (raw === undefined || raw.trim() === "") return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined; // the run reports it
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  return { protocol: url.protocol, hostname: bareHost(url.hostname), port: Number(portOf(url)) };
}

/** An IPv6 address as sockets take it: without the URL's brackets. */
const bareHost = (hostname: string): string => (hostname.startsWith("[") ? hostname.slice(1, -1) : hostname);
/** The port, with the scheme's default when the URL leaves it out (as URL and undici do). */
const portOf = (t: { protocol: string; port: string }): string =>
  t.port !== "" ? t.port : t.protocol === "https:" ? "443" : "80";
const originOf = (protocol: string, hostname: string, port: number | string): string =>
  `${protocol}//${hostname}:${port}`;

/**
 * Open the connection and leave it in the slot. The socket is unref'd: an unused one never keeps
 * the process alive, and the run closes it once it has its secrets (discardPreconnected).
 */
export async function preconnect(target: PreconnectTarget): Promise<void> {
  const net = await import("node:net");
  const tls = target.protocol === "https:" ? await import("node:tls") : undefined;
  // As undici's own connector sets them up (undici/lib/core/connect.js).
  const socket =
    tls === undefined
      ? net.connect({ host: target.hostname, port: target.port })
      : tls.connect({
          host: target.hostname,
          port: target.port,
          servername: net.isIP(target.hostname) ? undefined : target.hostname,
          ALPNProtocols: ["http/1.1"],
        });
  socket.setNoDelay(true).setKeepAlive(true, 60_000).unref();
  const ready = new Promise<void>((resolve, reject) => {
    socket.once(tls === undefined ? "connect" : "secureConnect", () => resolve());
    socket.once("error", reject);
  });
  ready.catch(() => socket.destroy()); // adoption falls back to a connection of the client's own
  slots[SLOT] = { origin: originOf(target.protocol, target.hostname, target.port), socket, ready };
}

/** An undici connector option for the client: the early socket when the origin matches, else undefined. */
export type Connector = (
  options: { protocol: string; hostname: string; port: string },
  callback: (error: Error | null, socket: Socket | TLSSocket | null) => void,
) => void;

/**
 * Take the early socket for `options`' origin, once; undefined when there is none, it went
 * elsewhere, or it failed (the client then connects as usual and reports its own error).
 */
export async function adoptPreconnected(options: {
  protocol: string;
  hostname: string;
  port: string;
}): Promise<Socket | TLSSocket | undefined> {
  const slot = slots[SLOT];
  if (slot === undefined || slot.origin !== originOf(options.protocol, bareHost(options.hostname), portOf(options)))
    return undefined;
  slots[SLOT] = undefined;
  try {
    await slot.ready;
  } catch {
    return undefined;
  }
  if (slot.socket.destroyed) return undefined;
  return slot.socket.ref();
}

/** Close an early socket nobody adopted (the run started from the snapshot, or went elsewhere). */
export function discardPreconnected(): void {
  slots[SLOT]?.socket.destroy();
  slots[SLOT] = undefined;
}
