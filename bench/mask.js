#!/usr/bin/env node
// Throughput and added latency of the --mask redactor (src/mask), in process: the redactor is
// bundled from source with esbuild into a scratch directory, then fed generated output in
// 64 KiB chunks. Prints a readable summary, and JSON as its last stdout line.
//
//   node bench/mask.js [--mib 32] [--rounds 5]
//
// Workloads: "log lines" (ordinary output with a secret every ~200 lines) and "base64 text"
// (random base64, the alphabet of the patterns themselves: the automaton stays off its root).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { summarize } from "./lib/stats.js";

const { values } = parseArgs({
  options: { mib: { type: "string", default: "32" }, rounds: { type: "string", default: "5" } },
});
const MIB = Number(values.mib);
const ROUNDS = Number(values.rounds);
const CHUNK = 64 * 1024;
const SIZES = [50, 1000];

const work = mkdtempSync(join(tmpdir(), "secr-bench-mask-"));
try {
  const src = fileURLToPath(new URL("../src/mask/", import.meta.url));
  await build({
    entryPoints: {
      patterns: join(src, "patterns.ts"),
      redactor: join(src, "redactor.ts"),
      stream: join(src, "stream.ts"),
    },
    outdir: work,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  const { maskPatterns } = await import(join(work, "patterns.js"));
  const { Redactor } = await import(join(work, "redactor.js"));
  const { MaskStream } = await import(join(work, "stream.js"));

  const results = { mib: MIB, rounds: ROUNDS, chunkBytes: CHUNK, throughput: [], latency: undefined };
  for (const n of SIZES) {
    // Values of 16 to 64 characters, as API keys and passwords are.
    const secrets = Object.fromEntries(
      Array.from({ length: n }, (_, i) => [`SECRET_${i}`, randomBytes(12 + (i % 37)).toString("base64url")]),
    );
    const builds = [];
    let patterns;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      patterns = maskPatterns(secrets).patterns;
      new Redactor(patterns);
      builds.push(performance.now() - t);
    }
    const keys = Object.keys(secrets);
    for (const workload of ["log lines", "base64 text"]) {
      const { chunks, inserted } = workload === "log lines" ? logLines(secrets, keys) : base64Text();
      // Verify before timing: every inserted value comes out as a label, nothing else changes.
      const check = new Redactor(patterns);
      const out = Buffer.concat([...chunks.map((c) => check.write(c)), check.flush()]).toString("latin1");
      const labels = (out.match(/\[secr:SECRET_\d+\]/g) ?? []).length;
      if (labels !== inserted)
        throw new Error(`${n} secrets, ${workload}: ${labels} labels for ${inserted} inserted values`);
      // Wall time, and CPU time (user + sys of this process): on a busy machine the second
      // says what the redactor costs, the first what one run happened to get.
      const mbps = [];
      const cpuMbps = [];
      const megabytes = (MIB * 1024 * 1024) / 1e6;
      for (let round = -1; round < ROUNDS; round++) {
        const redactor = new Redactor(patterns);
        if (round === -1) {
          for (const chunk of chunks) redactor.write(chunk); // warm-up: let the JIT settle
          continue;
        }
        const cpu = process.cpuUsage();
        const t = performance.now();
        for (const chunk of chunks) redactor.write(chunk);
        redactor.flush();
        const wallS = (performance.now() - t) / 1000;
        const used = process.cpuUsage(cpu);
        mbps.push(megabytes / wallS);
        cpuMbps.push(megabytes / ((used.user + used.system) / 1e6));
      }
      results.throughput.push({
        secrets: n,
        patterns: patterns.length,
        workload,
        buildMs: summarize(builds),
        mbps: summarize(mbps),
        cpuMbps: summarize(cpuMbps),
      });
      process.stderr.write(`bench mask: ${n} secrets, ${workload}: ${summarize(mbps).median.toFixed(0)} MB/s\n`);
    }
  }

  // Added latency: one 100-byte line written to a MaskStream (50 secrets) until it comes out,
  // against a PassThrough-like identity stream.
  const secrets = Object.fromEntries(
    Array.from({ length: 50 }, (_, i) => [`SECRET_${i}`, randomBytes(24).toString("base64url")]),
  );
  const { patterns } = maskPatterns(secrets);
  const line = Buffer.from(`${"x".repeat(60)} request handled status=200 took=12ms\n`);
  const measureLatency = async (stream) => {
    const samples = [];
    for (let i = 0; i < 2000; i++) {
      const t = process.hrtime.bigint();
      const out = new Promise((resolve) => stream.once("data", resolve));
      stream.write(line);
      await out;
      if (i >= 200) samples.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    stream.destroy();
    return summarize(samples);
  };
  const { PassThrough } = await import("node:stream");
  const masked = await measureLatency(new MaskStream(patterns));
  const plain = await measureLatency(new PassThrough());
  results.latency = { maskedUs: masked, passThroughUs: plain, idleFlushMs: 50 };

  for (const row of results.throughput) {
    console.log(
      `${row.secrets} secrets (${row.patterns} patterns), ${row.workload}: ${row.mbps.median.toFixed(0)} MB/s wall (p10–p90 ${row.mbps.p10.toFixed(0)}–${row.mbps.p90.toFixed(0)}), ${row.cpuMbps.median.toFixed(0)} MB/s per CPU second, build ${row.buildMs.median.toFixed(1)} ms`,
    );
  }
  console.log(
    `latency of a line: ${masked.median.toFixed(1)} µs masked, ${plain.median.toFixed(1)} µs through a PassThrough`,
  );
  console.log(JSON.stringify(results));
} finally {
  rmSync(work, { recursive: true, force: true });
}

function toChunks(buffer) {
  const chunks = [];
  for (let at = 0; at < buffer.length; at += CHUNK) chunks.push(buffer.subarray(at, at + CHUNK));
  return chunks;
}

function logLines(secrets, keys) {
  const lines = [];
  let size = 0;
  let inserted = 0;
  for (let i = 0; size < MIB * 1024 * 1024; i++) {
    const secret = i % 200 === 199 ? ` token=${secrets[keys[inserted++ % keys.length]]}` : "";
    const line = `2025-01-01T00:00:${String(i % 60).padStart(2, "0")}Z INFO request ${i} handled path=/api/v1/items?id=${i % 9973} status=200 user=alice@example.com took=${i % 97}ms${secret}\n`;
    lines.push(line);
    size += line.length;
  }
  const buffer = Buffer.from(lines.join("")).subarray(0, MIB * 1024 * 1024);
  // A value cut off at the very end would not count.
  const tail = buffer.toString("latin1").lastIndexOf("token=");
  if (tail !== -1 && !buffer.subarray(tail).includes(10)) inserted--;
  return { chunks: toChunks(buffer), inserted };
}

function base64Text() {
  return { chunks: toChunks(Buffer.from(randomBytes((MIB * 1024 * 1024 * 3) / 4).toString("base64"))), inserted: 0 };
}
