// The real `secr-run serve` process: stdout line, persistence across restarts, encryption
// at rest, refusing bad data files, tokens, graceful shutdown, usage errors.
import { createHash, randomBytes } from "node:crypto";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { type LocalServer, startLocalServer } from "../helpers/local-server.js";
import { CLI } from "../helpers/cli.js";
import { fileTempDir } from "../helpers/temp.js";
import { MACHINE_PROD, seed } from "./fixtures.js";

const tempDir = async () => fileTempDir("secr-serve-test-").path;

const client = (server: LocalServer, token = server.token) =>
  new SecrClient({ apiUrl: server.url, token, maxRetries: 0 });
const sha = async (path: string) =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
const serve = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [CLI, "serve", ...args], {
    reject: false,
    stdin: "ignore",
    timeout: 20_000,
    env: { SECR_SERVE_TOKEN: "", SECR_SERVE_KEY: "", ...env },
  });

describe("secr-run serve process", () => {
  it("prints exactly one JSON line with its URL on stdout and keeps data across a restart", async () => {
    const dataDir = await tempDir();
    const first = await startLocalServer({ seed, dataDir });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const c = client(first);
    await c.setSecret("acme", "api", "staging", "PERSISTED", "persisted-value-77");
    await c.setSecret("acme", "api", "staging", "PERSISTED", "persisted-value-78");
    await c.deleteSecret("acme", "api", "production", "API_KEY");
    await c.createTemplate("acme", "api", "NEW_TEMPLATE");
    await c.close();
    const stopped = await first.stop();
    expect(stopped.exitCode).toBe(0);
    const fileAfterWrites = await sha(join(dataDir, "data.secr"));

    // Same seed again: adds nothing, reverts nothing, resurrects nothing.
    const second = await startLocalServer({ seed, dataDir });
    const c2 = client(second);
    const staging = await c2.pullSecrets("acme", "api", "staging");
    expect(staging.secrets.find((s) => s.key === "PERSISTED")).toMatchObject({
      value: "persisted-value-78",
      version: 2,
    });
    expect((await c2.listKeys("acme", "api", "production")).keys.map((k) => k.key)).toEqual(["DATABASE_URL"]);
    expect((await c2.listTemplates("acme", "api")).map((t) => t.key)).toContain("NEW_TEMPLATE");
    // Seeded machine token persisted (hashed) and still scoped.
    const m = client(second, MACHINE_PROD);
    expect((await m.pullSecrets("acme", "api", "production")).secrets).toHaveLength(1);
    await c2.close();
    await m.close();
    await second.stop();
    // Re-seeding and reading wrote nothing: the file is byte for byte the same.
    expect(await sha(join(dataDir, "data.secr"))).toBe(fileAfterWrites);
  });

  it("keeps values and tokens out of the data file and the access log", async () => {
    const dataDir = await tempDir();
    const server = await startLocalServer({ seed, dataDir });
    const c = client(server);
    const marker = `leak-canary-${randomBytes(8).toString("hex")}`;
    await c.setSecret("acme", "api", "development", "CANARY", marker);
    await c.bulkSetSecrets("acme", "api", "development", [{ key: "CANARY_2", value: `${marker}-bulk` }]);
    await c.pullSecrets("acme", "api", "development", { search: "CANARY" });
    await c.close();
    const { stderr } = await server.stop();
    const data = await readFile(join(dataDir, "data.secr"));
    const secretsInClear = [
      marker,
      "postgres://prod-secret-value-1",
      "prod-api-key-value-2",
      server.token,
      MACHINE_PROD,
      "CANARY",
      "acme",
    ];
    for (const needle of secretsInClear) {
      expect(data.includes(Buffer.from(needle)), needle).toBe(false);
      expect(data.includes(Buffer.from(needle, "utf16le")), needle).toBe(false);
      expect(data.toString("base64").includes(Buffer.from(needle).toString("base64").slice(0, 12)), needle).toBe(false);
    }
    expect(stderr).toContain("PUT /v1/secrets/acme/api/development 200");
    expect(stderr).not.toContain(marker);
    expect(stderr).not.toContain(server.token);
    expect(stderr).not.toContain("search=");
    expect((await stat(join(dataDir, "data.secr"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, "key"))).mode & 0o777).toBe(0o600);
  });

  it("refuses to start on a corrupt, tampered, truncated or foreign-key data file and leaves it untouched", async () => {
    const dataDir = await tempDir();
    const server = await startLocalServer({ seed, dataDir });
    await server.stop();
    const file = join(dataDir, "data.secr");
    const original = await readFile(file);

    const cases: [string, (b: Buffer) => Buffer, Record<string, string>, RegExp][] = [
      [
        "flipped ciphertext byte",
        (b) => Buffer.concat([b.subarray(0, -1), Buffer.from([b.at(-1)! ^ 1])]),
        {},
        /tampered/,
      ],
      [
        "flipped header byte",
        (b) => Buffer.concat([b.subarray(0, 20), Buffer.from([b[20]! ^ 1]), b.subarray(21)]),
        {},
        /tampered/,
      ],
      ["truncated", (b) => b.subarray(0, b.length - 10), {}, /tampered/],
      ["garbage", () => Buffer.from("not a data file at all, just text\n"), {}, /not a secr-run serve data file/],
      ["empty", () => Buffer.alloc(0), {}, /not a secr-run serve data file/],
      ["another key", (b) => b, { SECR_SERVE_KEY: randomBytes(32).toString("base64") }, /different key/],
    ];
    for (const [name, mutate, env, message] of cases) {
      const bad = mutate(original);
      await writeFile(file, bad);
      const before = await sha(file);
      const result = await serve(["--port", "0", "--data", dataDir, "--token", "t"], env);
      expect(result.exitCode, name).toBe(65);
      expect(result.stdout, name).toBe("");
      expect(result.stderr, name).toMatch(message);
      expect(result.stderr, name).toMatch(/refusing to start/);
      expect(await sha(file), name).toBe(before);
    }

    // Key file gone but data present: no new key is made up.
    await writeFile(file, original);
    await rm(join(dataDir, "key"));
    const noKey = await serve(["--port", "0", "--data", dataDir, "--token", "t"]);
    expect(noKey.exitCode).toBe(78);
    expect(noKey.stderr).toMatch(/key file .* is missing/);
    expect(await readFile(file)).toEqual(original);
  });

  it("uses SECR_SERVE_KEY instead of a key file, and creates an admin token once when none is given", async () => {
    const dataDir = await tempDir();
    const key = randomBytes(32).toString("base64");
    const child = execa(process.execPath, [CLI, "serve", "--port", "0", "--data", dataDir], {
      reject: false,
      stdin: "ignore",
      env: { SECR_SERVE_KEY: key, SECR_SERVE_TOKEN: "" },
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.once("data", (chunk: Buffer) => resolve(JSON.parse(chunk.toString()).url));
      child.once("close", () => reject(new Error("server exited before printing its URL")));
    });
    child.kill("SIGTERM");
    const first = await child;
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toBe(JSON.stringify({ url })); // exactly one line on stdout, the rest on stderr
    const token = /^\s+(secr_cli_\w+)$/m.exec(String(first.stderr))?.[1];
    expect(token).toBeDefined();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    await expect(stat(join(dataDir, "key"))).rejects.toThrow();

    const second = await startLocalServer({ dataDir, token: token!, env: { SECR_SERVE_KEY: key } });
    const answer = await fetch(`${second.url}/v1/secrets/x/y/z`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(404); // authenticated with the persisted token; nothing seeded
    const { stderr } = await second.stop();
    expect(stderr).not.toMatch(/created admin token/);

    const badKey = await serve(["--port", "0", "--data", dataDir], { SECR_SERVE_KEY: "too-short" });
    expect(badKey.exitCode).toBe(78);
    expect(badKey.stderr).toMatch(/SECR_SERVE_KEY|32 bytes/);
  });

  it("finishes in-flight requests on SIGTERM, exits 0, and every answered write is durable", async () => {
    const dataDir = await tempDir();
    const server = await startLocalServer({ seed, dataDir });
    const c = client(server);
    const writes = Array.from({ length: 40 }, (_, i) => c.setSecret("acme", "api", "development", `K${i}`, `v${i}`));
    await Promise.race(writes); // at least one answered: the rest are in flight or queued
    const stopping = server.stop("SIGTERM");
    const settled = await Promise.allSettled(writes);
    const result = await stopping;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/SIGTERM received/);
    await c.close();
    const answered = settled.flatMap((s, i) => (s.status === "fulfilled" ? [`K${i}`] : []));
    for (const s of settled)
      if (s.status === "rejected") expect((s.reason as { code: string }).code).toBe("network_error");
    // Refused connections changed nothing; answered ones all survived.
    const again = await startLocalServer({ dataDir });
    const c2 = client(again);
    expect((await c2.listKeys("acme", "api", "development")).keys.map((k) => k.key).sort()).toEqual(answered.sort());
    await c2.close();
    await again.stop();
  });

  it("SIGINT and SIGHUP also shut down gracefully; SIGUSR1 opens no inspector", async () => {
    for (const signal of ["SIGINT", "SIGHUP"] as const) {
      const server = await startLocalServer({ seed });
      expect((await server.stop(signal)).exitCode).toBe(0);
    }
    const server = await startLocalServer({ seed });
    server.child.kill("SIGUSR1");
    const answer = await fetch(`${server.url}/v1/secrets/acme/api/production`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(answer.status).toBe(200);
    const { exitCode, stderr } = await server.stop();
    expect(exitCode).toBe(0);
    expect(stderr).not.toMatch(/Debugger listening/);
  });

  it("refuses a second server on the same data directory", async () => {
    const dataDir = await tempDir();
    const server = await startLocalServer({ dataDir });
    const second = await serve(["--port", "0", "--data", dataDir, "--token", "t"]);
    expect(second.exitCode).toBe(69);
    expect(second.stderr).toMatch(/another secr-run serve/);
    await server.stop();
  });

  it("reports usage errors with exit 64 and a busy port with 69", async () => {
    const dataDir = await tempDir();
    for (const args of [["--port", "abc"], ["--port", "70000"], ["--bogus"], ["--rate-limit", "0"]]) {
      const result = await serve([...args, "--data", dataDir]);
      expect(result.exitCode, args.join(" ")).toBe(64);
      expect(result.stderr).toMatch(/secr-run serve: /);
    }
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    const busy = await serve(["--port", String(port), "--data", dataDir, "--token", "t"]);
    blocker.close();
    expect(busy.exitCode).toBe(69);
    expect(busy.stderr).toMatch(/EADDRINUSE/);
    const help = await serve(["--help"]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/--seed/);
  });

  it("startLocalServer fails fast with the server's stderr when the server cannot start", async () => {
    await expect(startLocalServer({ args: ["--bogus"] })).rejects.toThrow(
      /exited before printing its URL[\s\S]*unknown option --bogus/,
    );
  });

  it("rejects an invalid seed file with a clear message naming the problem", async () => {
    const dir = await tempDir();
    const bad = join(dir, "seed.json");
    await writeFile(
      bad,
      JSON.stringify({
        orgs: { acme: { projects: { api: { environments: { production: { "BAD\nKEY": "value-never-shown" } } } } } },
      }),
    );
    const result = await serve(["--port", "0", "--data", join(dir, "data"), "--token", "t", "--seed", bad]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(/invalid seed/);
    expect(result.stderr).not.toContain("value-never-shown");
    await writeFile(bad, "{ nope");
    expect((await serve(["--port", "0", "--data", join(dir, "data"), "--token", "t", "--seed", bad])).stderr).toMatch(
      /not valid JSON/,
    );
  });
});

beforeAll(async () => {
  // Black-box tests run the built CLI.
  await stat(CLI.replace(/bin\/secr-run\.js$/, "dist/bundle/main.cjs")).catch(() => {
    throw new Error("run `npm run build` first");
  });
});
