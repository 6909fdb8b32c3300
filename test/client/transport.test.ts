// Real-socket behaviour: timeouts, refused/reset connections, DNS, cancellation, connection
// reuse, close()/await using, and proxies from the environment.
import { delay, http, HttpResponse } from "msw";
import { createServer, type Server } from "node:http";
import { connect as netConnect, type AddressInfo, type Socket } from "node:net";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SecrClient } from "../../src/index.js";
import { PIPELINING } from "../../src/client/transport.js";
import { everyRendering, makeClient, rejection, TOKEN, useClientFixture } from "./helpers.js";

const VALID = { valid: true, missing: [], extra: [] };
const fx = useClientFixture();

async function listen(s: Server): Promise<number> {
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return (s.address() as AddressInfo).port;
}

/** A port nothing listens on: bind, note the port, close. */
async function closedPort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((resolve) => s.close(resolve));
  return port;
}

function closeServer(s: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => s.close(() => resolve()));
}

function track(s: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  s.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return sockets;
}

describe("timeouts", () => {
  it("a server that never answers → timeout, status 0, within a generous bound", async () => {
    fx.server.use(
      http.get("*", async () => {
        await delay("infinite");
        return HttpResponse.json(VALID);
      }),
    );
    await using client = makeClient(fx.server.url, { timeout: 300, maxRetries: 0 });
    const started = performance.now();
    const error = await rejection(client.validateTemplate("o", "p", "e"));
    expect([error.statusCode, error.code]).toEqual([0, "timeout"]);
    expect(error.message).toContain("timed out after 300 ms");
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("the timeout also covers a body that stalls after the headers", async () => {
    const stalled = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"valid": true, "missing": [');
      // ...and never the rest
    });
    const sockets = track(stalled);
    const port = await listen(stalled);
    try {
      await using client = makeClient(`http://127.0.0.1:${port}`, { timeout: 400, maxRetries: 0 });
      const error = await rejection(client.validateTemplate("o", "p", "e"));
      expect([error.statusCode, error.code]).toEqual([0, "timeout"]);
    } finally {
      await closeServer(stalled, sockets);
    }
  });
});

describe("network errors", () => {
  it("connection refused → network_error, status 0", async () => {
    const port = await closedPort();
    await using client = makeClient(`http://127.0.0.1:${port}`, { maxRetries: 0 });
    const error = await rejection(client.pullAllSecrets("o", "p", "e"));
    expect([error.statusCode, error.code]).toEqual([0, "network_error"]);
    expect(error.message).toContain("ECONNREFUSED");
    expect(everyRendering(error)).not.toContain(TOKEN);
  });

  it("connection refused is retried for GET and still reported as network_error", async () => {
    const port = await closedPort();
    await using client = makeClient(`http://127.0.0.1:${port}`);
    const error = await rejection(client.listKeys("o", "p", "e"));
    expect(error.code).toBe("network_error");
    expect(error.message).toContain("gave up after 3 attempts");
  });

  it("connection dropped by the server → network_error", async () => {
    fx.server.use(http.get("*", () => HttpResponse.error()));
    await using client = makeClient(fx.server.url, { maxRetries: 0 });
    const error = await rejection(client.validateTemplate("o", "p", "e"));
    expect([error.statusCode, error.code]).toEqual([0, "network_error"]);
  });

  it("an unresolvable host (.invalid, RFC 6761) → network_error", async () => {
    await using client = new SecrClient({
      token: TOKEN,
      apiUrl: "https://secr.nonexistent.invalid",
      maxRetries: 0,
      timeout: 30_000,
    });
    const error = await rejection(client.validateTemplate("o", "p", "e"));
    expect([error.statusCode, error.code]).toEqual([0, "network_error"]);
  });
});

describe("cancellation", () => {
  it("an already aborted signal sends nothing", async () => {
    fx.server.use(http.get("*", () => HttpResponse.json(VALID)));
    await using client = makeClient(fx.server.url);
    const error = await rejection(client.validateTemplate("o", "p", "e", { signal: AbortSignal.abort() }));
    expect([error.statusCode, error.code]).toEqual([0, "aborted"]);
    expect(fx.server.requests).toHaveLength(0);
  });

  it("abort mid-request → aborted, no retry", async () => {
    fx.server.use(
      http.get("*", async () => {
        await delay("infinite");
        return HttpResponse.json(VALID);
      }),
    );
    await using client = makeClient(fx.server.url);
    const controller = new AbortController();
    const pending = rejection(client.pullSecrets("o", "p", "e", { signal: controller.signal }));
    await waitFor(() => fx.server.requests.length === 1);
    controller.abort();
    const error = await pending;
    expect([error.statusCode, error.code]).toEqual([0, "aborted"]);
    await new Promise((r) => setTimeout(r, 100));
    expect(fx.server.requests).toHaveLength(1);
  });

  it("abort mid-backoff (waiting on Retry-After) → aborted at once, no further request", async () => {
    fx.server.use(
      http.get("*", () =>
        HttpResponse.json({ error: "rate_limited" }, { status: 429, headers: { "retry-after": "20" } }),
      ),
    );
    await using client = makeClient(fx.server.url);
    const controller = new AbortController();
    const started = performance.now();
    const pending = rejection(client.listKeys("o", "p", "e", { signal: controller.signal }));
    await waitFor(() => fx.server.requests.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    const error = await pending;
    expect(error.code).toBe("aborted");
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(fx.server.requests).toHaveLength(1);
  });

  it("abort during pullAllSecrets stops the paging", async () => {
    const controller = new AbortController();
    fx.server.use(
      http.get("*", ({ request }) => {
        const offset = Number(new URL(request.url).searchParams.get("offset"));
        if (offset > 0) controller.abort(); // the caller gives up while page 2 is in flight
        return HttpResponse.json({
          secrets: [{ key: `K${offset}`, value: "v", version: 1, updatedAt: "t" }],
          pagination: { limit: 1, offset, total: 100 },
        });
      }),
    );
    await using client = makeClient(fx.server.url);
    const error = await rejection(client.pullAllSecrets("o", "p", "e", { signal: controller.signal }));
    expect(error.code).toBe("aborted");
    // The first page, then at most the pages already in flight together; not the other 80-odd.
    expect(fx.server.requests.length).toBeLessThanOrEqual(1 + PIPELINING);
  });
});

/** A plain HTTP server that answers every request with a valid template verdict, counting connections. */
async function validatingServer(): Promise<{
  plain: Server;
  sockets: Set<Socket>;
  port: number;
  connections: () => number;
}> {
  const plain = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(VALID));
  });
  let connections = 0;
  plain.on("connection", () => connections++);
  const sockets = track(plain);
  return { plain, sockets, port: await listen(plain), connections: () => connections };
}

describe("connections and lifecycle", () => {
  it("one keep-alive connection serves sequential requests", async () => {
    const { plain, sockets, port, connections } = await validatingServer();
    try {
      await using client = makeClient(`http://127.0.0.1:${port}`);
      for (let i = 0; i < 5; i++) expect(await client.validateTemplate("o", "p", "e")).toEqual(VALID);
      expect(connections()).toBe(1);
    } finally {
      await closeServer(plain, sockets);
    }
  });

  it("concurrent requests (pull pages and the template check) share one connection", async () => {
    const plain = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const offset = Number(new URL(req.url ?? "/", "http://x").searchParams.get("offset") ?? 0);
      const page = {
        secrets: [{ key: `K${offset}`, value: "v", version: 1, updatedAt: "t" }],
        pagination: { limit: 1, offset, total: 3 },
      };
      res.end(JSON.stringify(req.url?.includes("/validate/") ? VALID : page));
    });
    let connections = 0;
    plain.on("connection", () => connections++);
    const sockets = track(plain);
    const port = await listen(plain);
    try {
      await using client = makeClient(`http://127.0.0.1:${port}`);
      const [secrets, verdict] = await Promise.all([
        client.pullAllSecrets("o", "p", "e"),
        client.validateTemplate("o", "p", "e"),
      ]);
      expect([secrets.length, verdict]).toEqual([3, VALID]);
      expect(connections).toBe(1);
    } finally {
      await closeServer(plain, sockets);
    }
  });

  it("close() is idempotent; calls after it fail with client_closed and send nothing", async () => {
    fx.server.use(http.get("*", () => HttpResponse.json(VALID)));
    const client = makeClient(fx.server.url);
    await client.validateTemplate("o", "p", "e");
    await client.close();
    await client.close();
    const error = await rejection(client.validateTemplate("o", "p", "e"));
    expect([error.statusCode, error.code]).toEqual([0, "client_closed"]);
    expect(fx.server.requests).toHaveLength(1);
  });

  it("close() during a request fails it with client_closed", async () => {
    fx.server.use(
      http.get("*", async () => {
        await delay("infinite");
        return HttpResponse.json(VALID);
      }),
    );
    const client = makeClient(fx.server.url);
    const pending = rejection(client.validateTemplate("o", "p", "e"));
    await waitFor(() => fx.server.requests.length === 1);
    await client.close();
    expect((await pending).code).toBe("client_closed");
    expect(fx.server.requests).toHaveLength(1);
  });

  it("await using closes the client at the end of the scope", async () => {
    fx.server.use(http.get("*", () => HttpResponse.json(VALID)));
    let escaped: SecrClient | undefined;
    {
      await using client = makeClient(fx.server.url);
      escaped = client;
      expect(await client.validateTemplate("o", "p", "e")).toEqual(VALID);
    }
    expect((await rejection(escaped.validateTemplate("o", "p", "e"))).code).toBe("client_closed");
  });
});

describe("adoptSocket", () => {
  it("a socket handed over for the client's origin carries its requests; no other connection is made", async () => {
    const { plain, sockets, port, connections } = await validatingServer();
    const early = netConnect(port, "127.0.0.1");
    await new Promise((resolve) => early.once("connect", resolve));
    const asked: string[] = [];
    try {
      await using client = new SecrClient({
        apiUrl: `http://127.0.0.1:${port}`,
        token: TOKEN,
        adoptSocket: async (origin) => {
          asked.push(`${origin.protocol}//${origin.hostname}:${origin.port}`);
          return asked.length === 1 ? early : undefined;
        },
      });
      expect(await client.validateTemplate("o", "p", "e")).toEqual(VALID);
      expect(await client.validateTemplate("o", "p", "e")).toEqual(VALID);
      expect(asked).toEqual([`http://127.0.0.1:${port}`]);
      expect(connections()).toBe(1);
      expect(early.bytesWritten).toBeGreaterThan(0);
    } finally {
      early.destroy();
      await closeServer(plain, sockets);
    }
  });

  it("undefined, or a rejection, means a connection of the client's own", async () => {
    fx.server.use(http.get("*", () => HttpResponse.json(VALID)));
    for (const adoptSocket of [async () => undefined, async () => Promise.reject(new Error("no"))]) {
      await using client = new SecrClient({ apiUrl: fx.server.url, token: TOKEN, adoptSocket });
      expect(await client.validateTemplate("o", "p", "e")).toEqual(VALID);
    }
  });

  it("must be a function", () => {
    expect(() => new SecrClient({ token: TOKEN, adoptSocket: "yes" as never })).toThrow(
      "adoptSocket must be a function",
    );
  });
});

describe("proxies from the environment", () => {
  const PROXY_VARS = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"];
  let saved: Record<string, string | undefined>;
  beforeAll(() => {
    saved = Object.fromEntries(PROXY_VARS.map((k) => [k, process.env[k]]));
  });
  // Lowercase variants win in undici: clear them all so each test sets exactly what it means.
  beforeEach(() => {
    for (const k of PROXY_VARS) delete process.env[k];
  });
  afterEach(() => {
    for (const k of PROXY_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  /** A CONNECT proxy that tunnels every request to the msw server, whatever host was asked for. */
  async function startTunnelProxy() {
    const targets: string[] = [];
    const proxy = createServer((_req, res) => {
      res.writeHead(405);
      res.end();
    });
    const sockets = track(proxy);
    proxy.on("connect", (req, clientSocket: Socket, head: Buffer) => {
      targets.push(req.url ?? "");
      const upstream = netConnect(Number(new URL(fx.server.url).port), "127.0.0.1", () => {
        clientSocket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
      });
      upstream.on("error", () => clientSocket.destroy());
      clientSocket.on("error", () => upstream.destroy());
      sockets.add(upstream);
    });
    const port = await listen(proxy);
    return { url: `http://127.0.0.1:${port}`, targets, close: () => closeServer(proxy, sockets) };
  }

  it("HTTP_PROXY is honoured for a non-loopback host (CONNECT tunnel)", async () => {
    fx.server.use(http.get("*", () => HttpResponse.json(VALID)));
    const proxy = await startTunnelProxy();
    try {
      process.env.HTTP_PROXY = proxy.url;
      await using client = makeClient("http://secr.example.invalid", { allowInsecureHttp: true, maxRetries: 0 });
      expect(await client.validateTemplate("o", "p", "e")).toEqual(VALID);
      expect(proxy.targets).toEqual(["secr.example.invalid:80"]);
      expect(fx.server.requests[0]!.headers.get("host")).toBe("secr.example.invalid");
      expect(fx.server.requests[0]!.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
    } finally {
      await proxy.close();
    }
  });

  it("NO_PROXY bypasses the proxy for the listed host", async () => {
    const proxy = await startTunnelProxy();
    try {
      process.env.HTTP_PROXY = proxy.url;
      process.env.NO_PROXY = "secr.example.invalid";
      await using client = makeClient("http://secr.example.invalid", {
        allowInsecureHttp: true,
        maxRetries: 0,
        timeout: 30_000,
      });
      const error = await rejection(client.validateTemplate("o", "p", "e"));
      expect(error.code).toBe("network_error"); // went direct: the name does not resolve
      expect(proxy.targets).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it("loopback is always reached directly, even with a (dead) proxy set and NO_PROXY empty", async () => {
    fx.server.use(http.get("*", () => HttpResponse.json(VALID)));
    process.env.HTTP_PROXY = `http://127.0.0.1:${await closedPort()}`;
    process.env.HTTPS_PROXY = process.env.HTTP_PROXY;
    process.env.NO_PROXY = "";
    await using client = makeClient(fx.server.url, { maxRetries: 0 });
    expect(await client.validateTemplate("o", "p", "e")).toEqual(VALID);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
