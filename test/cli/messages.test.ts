// One-line messages for common mistakes, black-box through the built CLI: each names the
// problem and the fix instead of a stack trace or a library's trace.
import { copyFileSync, mkdirSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalServer, startLocalServer } from "../helpers/local-server.js";
import { CLI, CLI_IN_PACKAGE, NODE, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";
import { execa } from "execa";

const TOKEN = "secr_cli_messages_5e8c2a9d7b3f1a40";
const target = ["--org", "acme", "--project", "api", "--env", "dev"];
const env = { SECR_TOKEN: TOKEN };

/** A port nothing listens on: bound on port 0, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("secr cannot be reached", () => {
  it("ECONNREFUSED: names the URL, secr-run serve and SECR_API_URL, and that no snapshot exists", async () => {
    const port = await closedPort();
    const result = await runCli(
      [...target, "--api-url", `http://127.0.0.1:${port}`, "--timeout", "10s", "--", NODE, "-e", ""],
      { env },
    );
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toContain(
      `nothing listens at http://127.0.0.1:${port}: check --api-url / SECR_API_URL; for a local server, is secr-run serve running?`,
    );
    expect(result.stderr).toContain("no snapshot of acme/api/dev to start from");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  describe("https:// to a server that speaks plain HTTP", () => {
    let server: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on("error", () => {});
        socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("says so and gives the http:// URL, without OpenSSL's trace", async () => {
      const result = await runCli(
        [...target, "--api-url", `https://127.0.0.1:${port}`, "--timeout", "10s", "--", NODE, "-e", ""],
        { env },
      );
      expect(result.exitCode).toBe(69);
      expect(result.stderr).toContain(`the server answered in plain HTTP, not HTTPS: use http://127.0.0.1:${port}`);
      expect(result.stderr).not.toMatch(/ssl3_get_record|openssl|0A00010B/i);
    });
  });
});

describe("with a running secr", () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer({
      token: TOKEN,
      seed: {
        tokens: [{ token: TOKEN, role: "admin" }],
        orgs: { acme: { projects: { api: { environments: { dev: { A_KEY: "a-value-1234" } } } } } },
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('-- "node server.js" (one word) suggests --command on the 127 path', async () => {
    const result = await runCli([...target, "--api-url", server.url, "--", "node definitely-missing.js"], { env });
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('use --command "node definitely-missing.js"');
  });

  it("an API URL ending in /v1 works", async () => {
    const result = await runCli(
      [
        ...target,
        "--api-url",
        `${server.url}/v1`,
        "--",
        NODE,
        "-e",
        "process.exit(process.env.A_KEY === 'a-value-1234' ? 0 : 9)",
      ],
      { env },
    );
    expect([result.exitCode, result.stderr]).toEqual([0, ""]);
  });
});

describe("a checkout without a build", () => {
  it("prints one line, exit 70, no stack trace", async () => {
    const dir = tempDir();
    try {
      const copy = join(dir.path, CLI_IN_PACKAGE);
      mkdirSync(dirname(copy), { recursive: true });
      copyFileSync(CLI, copy);
      const result = await execa(NODE, [copy, "--help"], { reject: false });
      expect(result.exitCode).toBe(70);
      expect(result.stderr).toBe(
        "secr-run: not built: dist/bundle/main.cjs is missing (run npm run build in the secr-run package)",
      );
    } finally {
      dir.remove();
    }
  });
});
