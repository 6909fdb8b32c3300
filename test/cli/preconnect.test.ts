// Connecting early (src/pipeline/preconnect.ts, docs/design/startup.md): a run that names its secr URL on the
// command line or in SECR_API_URL opens the connection while the launcher loads; the client
// adopts it, and an unused one is closed once the run has its secrets.
import { once } from "node:events";
import net from "node:net";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preconnectTarget } from "../../src/pipeline/preconnect.js";
import { startLocalServer, type LocalServer } from "../helpers/local-server.js";
import { CLI, cleanEnv, NODE, runCli, scratchDir } from "../helpers/cli.js";

describe("preconnectTarget (pure)", () => {
  it("takes --api-url over SECR_API_URL, with the scheme's default port", () => {
    expect(preconnectTarget({ apiUrl: "https://secr.example/v1" }, { SECR_API_URL: "http://127.0.0.1:1" })).toEqual({
      protocol: "https:",
      hostname: "secr.example",
      port: 443,
    });
    const port = 8080; // parsed from the URL, never bound
    expect(preconnectTarget({}, { SECR_API_URL: `http://127.0.0.1:${port}` })).toEqual({
      protocol: "http:",
      hostname: "127.0.0.1",
      port,
    });
    expect(preconnectTarget({}, { SECR_API_URL: "http://[::1]" })).toEqual({
      protocol: "http:",
      hostname: "::1",
      port: 80,
    });
  });

  it("never for a URL the run was not given, --offline, a proxy or a URL that is not http(s)", () => {
    expect(preconnectTarget({}, {})).toBeUndefined(); // a project file's apiUrl may need `secr-run allow` first
    expect(preconnectTarget({ apiUrl: "http://127.0.0.1:1", offline: true }, {})).toBeUndefined();
    expect(preconnectTarget({ apiUrl: "http://127.0.0.1:1" }, { SECR_OFFLINE: "1" })).toBeUndefined();
    expect(preconnectTarget({ apiUrl: "http://127.0.0.1:1", offline: false }, { SECR_OFFLINE: "1" })).toEqual({
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 1,
    });
    expect(preconnectTarget({ apiUrl: "http://127.0.0.1:1" }, { HTTPS_PROXY: "http://proxy:3128" })).toBeUndefined();
    expect(preconnectTarget({ apiUrl: "ftp://127.0.0.1" }, {})).toBeUndefined();
    expect(preconnectTarget({ apiUrl: "not a url" }, {})).toBeUndefined();
  });
});

interface Connection {
  bytesFromClient: number;
  closed: Promise<void>;
}

/** A TCP listener that forwards to `target` (or, without one, only accepts) and records each connection. */
async function listener(target?: URL): Promise<{ url: string; connections: Connection[]; close(): Promise<void> }> {
  const connections: Connection[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    const connection: Connection = { bytesFromClient: 0, closed: once(client, "close").then(() => undefined) };
    connections.push(connection);
    client.on("data", (chunk: Buffer) => (connection.bytesFromClient += chunk.length));
    client.on("error", () => {});
    if (target === undefined) return;
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

const TOKEN = "secr_cli_preconnect_5e2b7c19d3a84f06";
const CHILD_CHECK = "process.exit(process.env.PRE_KEY === 'pre-value-0042' ? 0 : 9)";
let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer({
    seed: { orgs: { acme: { projects: { api: { environments: { production: { PRE_KEY: "pre-value-0042" } } } } } } },
    token: TOKEN,
  });
});
afterAll(async () => {
  await server?.stop();
});
const env = (more: Record<string, string>) => ({
  SECR_ORG: "acme",
  SECR_PROJECT: "api",
  SECR_TOKEN: TOKEN,
  SECR_SHARE_WINDOW: "0",
  ...more,
});

describe("a run with SECR_API_URL or --api-url", () => {
  it("makes one connection: the early one carries the pull and the check", async () => {
    const proxy = await listener(new URL(server.url));
    try {
      const result = await runCli(["--env", "production", "--", NODE, "-e", CHILD_CHECK], {
        env: env({ SECR_API_URL: proxy.url }),
      });
      expect([result.exitCode, result.stderr]).toEqual([0, ""]);
      expect(proxy.connections).toHaveLength(1);
      expect(proxy.connections[0]!.bytesFromClient).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });

  it("connects only where the run goes: --api-url wins, SECR_API_URL's host is never contacted", async () => {
    const proxy = await listener(new URL(server.url));
    const elsewhere = await listener();
    try {
      const result = await runCli(["--env", "production", "--api-url", proxy.url, "--", NODE, "-e", CHILD_CHECK], {
        env: env({ SECR_API_URL: elsewhere.url }),
      });
      expect([result.exitCode, result.stderr]).toEqual([0, ""]);
      expect(proxy.connections).toHaveLength(1);
      expect(elsewhere.connections).toHaveLength(0);
    } finally {
      await proxy.close();
      await elsewhere.close();
    }
  });

  it("an early connection the run does not use is closed while the child runs", async () => {
    const proxy = await listener(new URL(server.url));
    const cacheHome = `${scratchDir()}/preconnect-cache`;
    const runEnv = cleanEnv(env({ SECR_API_URL: proxy.url, SECR_SHARE_WINDOW: "5m", XDG_CACHE_HOME: cacheHome }));
    try {
      // The first run pulls and leaves a fresh snapshot; the second starts from it (shared fetch).
      const first = await execa(NODE, [CLI, "--env", "production", "--", NODE, "-e", CHILD_CHECK], {
        reject: false,
        extendEnv: false,
        env: runEnv,
        cwd: scratchDir(),
      });
      expect(first.exitCode, first.stderr).toBe(0);
      expect(proxy.connections).toHaveLength(1);
      // The child waits for its stdin to end: it ends only once the unused connection has closed.
      const child =
        "process.stdin.resume(); process.stdin.on('end', () => process.exit(process.env.PRE_KEY === 'pre-value-0042' ? 0 : 9))";
      const second = execa(NODE, [CLI, "--env", "production", "--", NODE, "-e", child], {
        reject: false,
        extendEnv: false,
        env: runEnv,
        cwd: scratchDir(),
        stdin: "pipe",
        timeout: 30_000,
      });
      while (proxy.connections.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      await proxy.connections[1]!.closed;
      expect(proxy.connections[1]!.bytesFromClient).toBe(0); // nothing was ever sent on it
      second.stdin!.end();
      const result = await second;
      expect([result.exitCode, result.stderr]).toEqual([0, ""]);
    } finally {
      await proxy.close();
    }
  });

  it("an early connection that fails changes nothing: the usual unreachable error, exit 69", async () => {
    const closed = await listener();
    const url = closed.url;
    await closed.close();
    const result = await runCli(
      ["--env", "production", "--no-cache", "--timeout", "5s", "--", NODE, "-e", CHILD_CHECK],
      { env: env({ SECR_API_URL: url }) },
    );
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toMatch(/ECONNREFUSED|refused/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});
