// The attack: a server (or anything answering in its place) sends an endless or huge body. Before
// the cap, secr-run read it all (6.7 GiB of RSS seen), and a 600 MiB value became a "network
// error" that was retried and let secr-run start from an old snapshot. Now reading stops at
// maxResponseBytes with response_too_large: never retried, never a reason to fall back.
import { existsSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideOnFetchError } from "../../src/cache/fetch-error-decision.js";
import { classifyFetchError } from "../../src/core/fetch-errors.js";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../../src/client/client.js";
import { SecrApiError } from "../../src/index.js";
import { allRuns, cleanEnv, CLI, NODE } from "../helpers/cli.js";
import { readRecord, recordFile, recordingChild } from "../helpers/record.js";
import { tempDir } from "../helpers/temp.js";
import { makeClient, rejection } from "../client/helpers.js";

type Mode = "endless" | "endless-error" | "declared-huge" | "exact" | "one-over" | "normal";
const MiB = 1024 * 1024;
const CAP = 1 * MiB;
const VALUE = "response-size-value-7c1e";

let mode: Mode = "normal";
let secretRequests = 0;
let server: Server;
let url: string;
const sockets = new Set<Socket>();

function pullBody(padTo?: number): Buffer {
  const json = JSON.stringify({
    secrets: [{ key: "DATABASE_URL", value: VALUE, version: 1, updatedAt: "2026-01-01T00:00:00Z" }],
    pagination: { limit: 1000, offset: 0, total: 1 },
  });
  return Buffer.from(padTo === undefined ? json : json + " ".repeat(padTo - Buffer.byteLength(json)));
}

/** Writes 64 KiB chunks for as long as the client reads, respecting backpressure. */
function endless(res: ServerResponse, status: number): void {
  res.writeHead(status, { "content-type": "application/json" });
  const chunk = Buffer.alloc(64 * 1024, "a");
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
  };
  res.on("drain", pump);
  pump();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.includes("/validate/")) {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ valid: true, missing: [], extra: [] }));
      return;
    }
    secretRequests++;
    if (mode === "endless") endless(res, 200);
    else if (mode === "endless-error") endless(res, 503);
    else if (mode === "declared-huge") res.writeHead(200, { "content-length": String(10 * 1024 * MiB) }).write("{");
    else if (mode === "exact") res.writeHead(200, { "content-type": "application/json" }).end(pullBody(CAP));
    else if (mode === "one-over") res.writeHead(200, { "content-type": "application/json" }).end(pullBody(CAP + 1));
    else res.writeHead(200, { "content-type": "application/json" }).end(pullBody());
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

async function pullWith(
  m: Mode,
  options: { maxResponseBytes?: number; maxRetries?: number } = { maxResponseBytes: CAP },
) {
  mode = m;
  secretRequests = 0;
  const client = makeClient(url, options);
  try {
    return await client.pullAllSecrets("acme", "api", "production").then(
      (secrets) => ({ secrets, error: undefined }),
      (error: unknown) => ({ secrets: undefined, error: error as SecrApiError }),
    );
  } finally {
    await client.close();
  }
}

describe("the client stops reading at maxResponseBytes", () => {
  it("an endless 2xx body fails with response_too_large, once: no retry", async () => {
    const { error } = await pullWith("endless", { maxResponseBytes: CAP, maxRetries: 2 });
    expect(error).toBeInstanceOf(SecrApiError);
    expect([error!.code, error!.statusCode]).toEqual(["response_too_large", 0]);
    expect(error!.message).toMatch(/more than 1 MiB \(maxResponseBytes\)/);
    expect(secretRequests).toBe(1);
  });

  it("an endless error body (503, which is otherwise retried) is the same failure, not a server_error", async () => {
    const { error } = await pullWith("endless-error", { maxResponseBytes: CAP, maxRetries: 2 });
    expect(error?.code).toBe("response_too_large");
    expect(secretRequests).toBe(1);
  });

  it("a Content-Length over the cap fails before the body is read", async () => {
    const { error } = await pullWith("declared-huge");
    expect(error?.code).toBe("response_too_large");
  });

  it("a body of exactly the cap is read; one byte more is refused", async () => {
    const exact = await pullWith("exact");
    expect(exact.error).toBeUndefined();
    expect(exact.secrets?.[0]?.value).toBe(VALUE);
    expect((await pullWith("one-over")).error?.code).toBe("response_too_large");
  });

  it("the default cap is 64 MiB, and a cap must be a positive integer", async () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(64 * MiB);
    for (const bad of [0, -1, 1.5, Number.NaN, "1" as never]) {
      const error = await rejection(Promise.resolve().then(() => makeClient(url, { maxResponseBytes: bad })));
      expect([error.code, error.message]).toEqual(["invalid_argument", "maxResponseBytes must be a positive integer"]);
    }
  });

  it("pure: it is not a reason to fall back to the snapshot, and exits 69", () => {
    const error = new SecrApiError("too large", 0, "response_too_large");
    expect(decideOnFetchError(error)).toBe("fail");
    expect(classifyFetchError(error).exitCode).toBe(69);
  });
});

/** Peak RSS of the CLI process in KiB, from GNU time when installed, else from the process itself. */
async function runMeasured(args: string[], env: Record<string, string>) {
  const useTime = existsSync("/usr/bin/time");
  const report = join(scratch.path, `rss-${Date.now()}`);
  const command = useTime ? "/usr/bin/time" : NODE;
  const argv = useTime ? ["-v", "-o", report, NODE, CLI, ...args] : [CLI, ...args];
  const result = await execa(command, argv, {
    reject: false,
    extendEnv: false,
    env: useTime
      ? cleanEnv(env)
      : cleanEnv({ ...env, NODE_OPTIONS: `--require=${join(scratch.path, "rss.cjs")}`, RSS_REPORT: report }),
    cwd: scratch.path,
    input: "",
    timeout: 120_000,
    stripFinalNewline: false,
  });
  const { readFileSync } = await import("node:fs");
  const text = readFileSync(report, "utf8");
  const peakKiB = useTime ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1]) : Number(text);
  allRuns.push({
    exitCode: result.exitCode,
    signal: result.signal ?? undefined,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    args,
  });
  return { exitCode: result.exitCode, stderr: String(result.stderr), peakKiB };
}

const scratch = tempDir("secr-run-size-");
afterAll(() => scratch.remove());

describe("the CLI under an endless body", () => {
  it("ends with 69 and response_too_large, within cap + 100 MiB of memory, and does not start from the snapshot", async () => {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      join(scratch.path, "rss.cjs"),
      `process.on("exit", () => require("node:fs").writeFileSync(process.env.RSS_REPORT, String(process.resourceUsage().maxRSS)));`,
    );
    const cacheDir = join(scratch.path, "cache");
    const base = [
      "--org",
      "acme",
      "--project",
      "api",
      "--env",
      "production",
      "--cache-dir",
      cacheDir,
      "--share-window",
      "0",
    ];

    // A good pull first leaves a fresh snapshot that a fallback could use.
    mode = "normal";
    const record = recordFile();
    const first = await runMeasured([...base, ...recordingChild()], {
      SECR_API_URL: url,
      SECR_TOKEN: "secr_cli_size_0a1b2c3d4e5f6789",
      RECORD_TO: record,
    });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(readRecord(record)?.env.DATABASE_URL).toBe(VALUE);

    mode = "endless";
    secretRequests = 0;
    const second = recordFile();
    const outcome = await runMeasured([...base, ...recordingChild()], {
      SECR_API_URL: url,
      SECR_TOKEN: "secr_cli_size_0a1b2c3d4e5f6789",
      RECORD_TO: second,
    });
    expect(outcome.exitCode, outcome.stderr).toBe(69);
    expect(outcome.stderr).toMatch(/^secr-run: [^\n]*more than 64 MiB \(maxResponseBytes\)[^\n]*\n$/);
    expect(outcome.stderr).not.toContain("snapshot");
    expect(readRecord(second)).toBeUndefined();
    expect(secretRequests).toBe(1);
    const peakMiB = outcome.peakKiB / 1024;
    console.log(
      `peak RSS of secr-run: ${(first.peakKiB / 1024).toFixed(1)} MiB for a normal run, ${peakMiB.toFixed(1)} MiB under an endless body (cap 64 MiB)`,
    );
    expect(peakMiB).toBeGreaterThan(0);
    expect(peakMiB).toBeLessThan(64 + 100);
  });
});
