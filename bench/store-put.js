#!/usr/bin/env node
// One-key PUT latency of `secr-run serve` against stores of 1k, 10k and 100k secrets (values
// about 100 bytes), and the server's resident memory against the size of its plaintext state.
// Each size gets its own server and data directory; the seed is loaded (and compacted) before
// any timing. Sequential PUTs on one keep-alive connection: the latency of one durable write.
//
//   node bench/store-put.js [--quick] [--sizes 1000,10000]
//
// Last stdout line: JSON { rows: [{ secrets, puts, p50ms, p99ms, rssMiB, plaintextMiB, dataFileMiB, journalKiB }] }.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ENV, ORG, TOKEN } from "./lib/fixtures.js";
import { startServer } from "./lib/server.js";
import { percentile } from "./lib/stats.js";

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const sizesArg = argv.includes("--sizes") ? argv[argv.indexOf("--sizes") + 1] : undefined;
const SIZES = sizesArg ? sizesArg.split(",").map(Number) : [1_000, 10_000, 100_000];
const PUTS = quick ? 60 : 300;
const WARMUP = 10;
const PROJECT = "store";
const log = (message) => process.stderr.write(`store-put: ${message}\n`);

/** ~100-byte values, deterministic. */
function value(i, round = 0) {
  return `v${round}-${i}-`.padEnd(100, "abcdefghijklmnopqrstuvwxyz0123456789".charAt((i + round) % 36));
}

function writeSeed(file, count) {
  const secrets = {};
  for (let i = 0; i < count; i++) secrets[`STORE_SECRET_${String(i).padStart(6, "0")}`] = value(i);
  writeFileSync(
    file,
    JSON.stringify({
      orgs: { [ORG]: { projects: { [PROJECT]: { environments: { [ENV]: secrets }, templates: [] } } } },
    }),
    { mode: 0o600 },
  );
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function put(url, key, body) {
  const target = new URL(`${url}/v1/secrets/${ORG}/${PROJECT}/${ENV}`);
  const payload = JSON.stringify({ key, ...body });
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "PUT",
        agent,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 200 || res.statusCode === 201
            ? resolve(performance.now() - started)
            : reject(new Error(`PUT answered ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

function rssMiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : NaN;
}

const cli = join(REPO, "bin/secr-run.js");
const rows = [];
for (const count of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), "secr-store-put-"));
  try {
    const seedFile = join(dir, "seed.json");
    writeSeed(seedFile, count);
    log(`${count} secrets: starting the server (seeding)`);
    const server = await startServer({ cli, dir: join(dir, "home"), seedFile, timeoutMs: 300_000 });
    try {
      const data = join(dir, "home", "data");
      const plaintextBytes = statSync(join(data, "data.secr")).size - 80; // header, iv and tag
      const ms = [];
      for (let n = 0; n < WARMUP + PUTS; n++) {
        // Updates of existing keys spread over the store, as a user editing secrets would.
        const i = (n * 7919) % count;
        const took = await put(server.url, `STORE_SECRET_${String(i).padStart(6, "0")}`, { value: value(i, n + 1) });
        if (n >= WARMUP) ms.push(took);
      }
      await sleep(500);
      const rss = rssMiB(server.pid);
      const row = {
        secrets: count,
        puts: ms.length,
        p50ms: percentile(ms, 50),
        p99ms: percentile(ms, 99),
        rssMiB: rss,
        plaintextMiB: plaintextBytes / 2 ** 20,
        dataFileMiB: statSync(join(data, "data.secr")).size / 2 ** 20,
        journalKiB: statSync(join(data, "data.journal")).size / 1024,
      };
      // Memory as a restarted server holds it: loaded from the data file, not from a seed.
      await server.stop();
      const emptySeed = join(dir, "empty-seed.json");
      writeFileSync(emptySeed, JSON.stringify({ orgs: {} }), { mode: 0o600 });
      const again = await startServer({ cli, dir: join(dir, "home"), seedFile: emptySeed, timeoutMs: 300_000 });
      try {
        for (let n = 0; n < 20; n++)
          await put(again.url, `STORE_SECRET_${String(n).padStart(6, "0")}`, { value: value(n, 9) });
        await sleep(500);
        row.rssRestartMiB = rssMiB(again.pid);
      } finally {
        await again.stop();
      }
      rows.push(row);
      agent.destroy();
      log(
        `${count} secrets: p50 ${row.p50ms.toFixed(2)} ms, p99 ${row.p99ms.toFixed(2)} ms, RSS ${rss.toFixed(0)} MiB (${row.rssRestartMiB.toFixed(0)} MiB after a restart) for ${row.plaintextMiB.toFixed(1)} MiB of plaintext`,
      );
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
agent.destroy();
console.log(JSON.stringify({ rows }));
