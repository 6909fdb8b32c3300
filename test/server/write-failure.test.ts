// A write that cannot be made durable is answered 500 and leaves no trace in memory.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { startServer } from "../../src/server/index.js";
import { ADMIN, apiError, seed } from "./fixtures.js";

it("answers 500 server_error when the data file cannot be written, and rolls the change back", async () => {
  const root = await mkdtemp(join(tmpdir(), "secr-write-failure-"));
  const dataPath = join(root, "data");
  const log = new PassThrough();
  let logged = "";
  log.on("data", (chunk) => (logged += chunk));
  const server = await startServer({ port: 0, seed, dataPath, log });
  const client = new SecrClient({ apiUrl: server.url, token: ADMIN, maxRetries: 0 });
  try {
    await rm(dataPath, { recursive: true }); // the next atomic write has nowhere to go
    const error = await apiError(
      client.setSecret("acme", "api", "production", "NOT_DURABLE", "never-acknowledged-value"),
    );
    expect([error.statusCode, error.code]).toEqual([500, "server_error"]);
    expect(error.message).not.toContain("never-acknowledged-value");
    const keys = (await client.listKeys("acme", "api", "production")).keys.map((k) => k.key);
    expect(keys).not.toContain("NOT_DURABLE");
    expect(logged).toMatch(/error: .*ENOENT/);
    expect(logged).not.toContain("never-acknowledged-value");

    await mkdir(dataPath);
    expect((await client.setSecret("acme", "api", "production", "DURABLE", "v")).version).toBe(1);
  } finally {
    await client.close();
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});

it("refuses a second in-process server on the same data directory, and allows it after close", async () => {
  const dataPath = await mkdtemp(join(tmpdir(), "secr-lock-"));
  const first = await startServer({ port: 0, dataPath, adminToken: "t" });
  await expect(startServer({ port: 0, dataPath, adminToken: "t" })).rejects.toThrow(/already runs a server/);
  await first.close();
  const second = await startServer({ port: 0, dataPath, adminToken: "t" });
  await second.close();
  await rm(dataPath, { recursive: true, force: true });
});
