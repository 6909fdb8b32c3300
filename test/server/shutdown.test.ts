// Shutdown never waits on clients that are not being answered: idle keep-alive connections,
// connections that never sent a request or only part of one, and slow uploads are closed at
// once; a cut upload changes nothing.
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { startServer } from "../../src/server/index.js";
import { startLocalServer } from "../helpers/local-server.js";
import { ADMIN, seed } from "./fixtures.js";

const REQUEST_HEAD = (token: string) =>
  `GET /v1/secrets/acme/api/production HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`;

interface OpenSocket {
  socket: Socket;
  closed: Promise<void>;
  received(): string;
}

async function open(port: number, send: string, waitFor?: string): Promise<OpenSocket> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  let data = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => (data += chunk));
  const closed = once(socket, "close").then(() => undefined);
  socket.on("error", () => {});
  if (send) socket.write(send);
  // Until the server has seen what we sent (an answer, or a fixed pause for a request it cannot answer yet).
  if (waitFor !== undefined) while (!data.includes(waitFor)) await new Promise((r) => setTimeout(r, 10));
  else await new Promise((r) => setTimeout(r, 200));
  return { socket, closed, received: () => data };
}

it("close() cuts idle, silent, half-sent and uploading connections at once, even with an hour of grace for answers", async () => {
  const dataPath = await mkdtemp(join(tmpdir(), "secr-shutdown-"));
  try {
    // With one hour of grace, close() resolving at all proves nothing waited for these sockets.
    const server = await startServer({ port: 0, seed, dataPath, shutdownTimeout: 3600 });
    const port = server.port;
    const idle = await open(port, REQUEST_HEAD(ADMIN), "\r\n\r\n{"); // answered, kept alive
    const silent = await open(port, "");
    const halfHeaders = await open(port, "GET /v1/secrets/acme/api/production HTTP/1.1\r\nHost: x\r\n");
    const upload = await open(
      port,
      `PUT /v1/secrets/acme/api/production HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"key":"CUT","value":"`,
    );
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200/);
    await server.close();
    await Promise.all([idle.closed, silent.closed, halfHeaders.closed, upload.closed]);
    expect(upload.received()).toBe(""); // cut, not answered

    const again = await startServer({ port: 0, dataPath });
    const client = new SecrClient({ apiUrl: again.url, token: ADMIN, maxRetries: 0 });
    expect((await client.listKeys("acme", "api", "production")).keys.map((k) => k.key)).not.toContain("CUT");
    await client.close();
    await again.close();
  } finally {
    await rm(dataPath, { recursive: true, force: true });
  }
});

it("SIGTERM to serve with an idle keep-alive connection and a slow upload open: the sockets are closed and serve exits 0", async () => {
  const server = await startLocalServer({ seed });
  const port = Number(new URL(server.url).port);
  const idle = await open(port, REQUEST_HEAD(server.token), "\r\n\r\n{");
  const upload = await open(
    port,
    `PUT /v1/secrets/acme/api/production HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\nContent-Length: 1000\r\n\r\n{`,
  );
  const began = performance.now();
  const stopping = server.stop("SIGTERM");
  await Promise.all([idle.closed, upload.closed]);
  const result = await stopping;
  expect(result.exitCode).toBe(0);
  // A correctness bound, not a benchmark: waiting for these sockets would take the full 10 s grace.
  expect(performance.now() - began).toBeLessThan(5_000);
  expect(result.stderr).not.toMatch(/error: aborted/);
});
