#!/usr/bin/env node
// Load test for `secr-run serve`: starts the BUILT server (run `npm run build` first) on a
// free loopback port with one 1,000-secret environment, then 16 concurrent keep-alive
// clients pull that environment (GET /v1/secrets/acme/api/production, no limit) for a
// bounded time and count. Prints pulls/s and p50/p99 latency. No dependencies.
//
//   node bench/server-load.js [--secrets 1000] [--clients 16] [--seconds 5] [--max 50000] [--cold]
//
// The server caches a read's serialised answer until the next change; --cold adds a unique
// ignored query parameter to every pull so each one is computed from scratch.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    secrets: { type: "string", default: "1000" },
    clients: { type: "string", default: "16" },
    seconds: { type: "string", default: "5" },
    max: { type: "string", default: "50000" },
    warmup: { type: "string", default: "200" },
    cold: { type: "boolean", default: false },
  },
});
const SECRETS = Number(values.secrets);
const CLIENTS = Number(values.clients);
const SECONDS = Math.min(Number(values.seconds), 60);
const MAX = Number(values.max);
const WARMUP = Number(values.warmup);
const COLD = values.cold;
let sequence = 0;
const TOKEN = "secr_cli_bench";
const CLI = fileURLToPath(new URL("../bin/secr-run.js", import.meta.url));

const dir = await mkdtemp(join(tmpdir(), "secr-bench-"));
const production = {};
for (let i = 0; i < SECRETS; i++) {
  production[`SERVICE_${String(i).padStart(4, "0")}_URL`] =
    `https://user${i}:${"p".repeat(24)}${i}@svc${i}.internal.example:443/path?x=${i}`;
}
const seedFile = join(dir, "seed.json");
await writeFile(seedFile, JSON.stringify({ orgs: { acme: { projects: { api: { environments: { production } } } } } }));

const server = spawn(
  process.execPath,
  [
    CLI,
    "serve",
    "--port",
    "0",
    "--host",
    "127.0.0.1",
    "--data",
    join(dir, "data"),
    "--token",
    TOKEN,
    "--seed",
    seedFile,
    "--quiet",
  ],
  {
    stdio: ["ignore", "pipe", "pipe"],
  },
);
let stderr = "";
server.stderr.on("data", (c) => (stderr += c));
const url = await new Promise((resolve, reject) => {
  process.once("exit", () => server.kill("SIGKILL"));
  const timer = setTimeout(() => reject(new Error(`server did not start in 20 s\n${stderr}`)), 20_000);
  server.stdout.once("data", (chunk) => {
    clearTimeout(timer);
    resolve(JSON.parse(String(chunk).split("\n")[0]).url);
  });
  server.once("exit", (code) => reject(new Error(`server exited (${code})\n${stderr}`)));
}).catch(async (error) => {
  await rm(dir, { recursive: true, force: true });
  console.error(`bench/server-load: ${error.message}\n(run \`npm run build\` first)`);
  process.exit(1);
});
const { hostname, port } = new URL(url);

function pull(agent) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(
      {
        host: hostname,
        port,
        path: `/v1/secrets/acme/api/production${COLD ? `?_=${sequence++}` : ""}`,
        agent,
        headers: { authorization: `Bearer ${TOKEN}`, accept: "application/json" },
      },
      (res) => {
        let bytes = 0;
        const chunks = [];
        res.on("data", (c) => {
          bytes += c.length;
          chunks.push(c);
        });
        res.on("end", () => {
          if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
          resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, bytes, body: chunks });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

// Sanity: the environment really has SECRETS secrets.
const check = JSON.parse(Buffer.concat((await pull(new Agent())).body).toString());
if (check.secrets.length !== SECRETS) throw new Error(`expected ${SECRETS} secrets, got ${check.secrets.length}`);

const latencies = [];
let done = 0;
let bytes = 0;
let warm = 0;
const deadline = () => performance.now() > endAt;
let endAt = Infinity;
let startedAt = 0;
async function client() {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  while (warm < WARMUP) {
    warm++;
    await pull(agent);
  }
  while (!deadline() && done < MAX) {
    const result = await pull(agent);
    if (startedAt === 0) continue;
    latencies.push(result.ms);
    bytes = result.bytes;
    done++;
  }
  agent.destroy();
}
const clients = Array.from({ length: CLIENTS }, client);
// Measure after the warm-up pulls (JIT, connections) are through.
while (warm < WARMUP) await new Promise((r) => setTimeout(r, 5));
startedAt = performance.now();
endAt = startedAt + SECONDS * 1000;
await Promise.all(clients);
const elapsed = (performance.now() - startedAt) / 1000;

server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));
await rm(dir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
const result = {
  secrets: SECRETS,
  clients: CLIENTS,
  cache: COLD ? "cold" : "warm",
  pulls: done,
  seconds: Number(elapsed.toFixed(2)),
  pullsPerSecond: Math.round(done / elapsed),
  p50ms: Number(pct(50).toFixed(2)),
  p99ms: Number(pct(99).toFixed(2)),
  responseBytes: bytes,
  node: process.version,
};
console.log(
  `secr-run serve (${result.cache}): ${result.pullsPerSecond} pulls/s of a ${SECRETS}-secret environment with ${CLIENTS} clients; p50 ${result.p50ms} ms, p99 ${result.p99ms} ms (${done} pulls, ${(bytes / 1024).toFixed(0)} KiB each)`,
);
console.log(JSON.stringify(result));
