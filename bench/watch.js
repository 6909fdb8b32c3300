#!/usr/bin/env node
// The cost of one idle --watch poll at 1,000 secrets: secr-run's CPU and the bytes on the wire
// of a poll answered 304. Runs the built CLI against `secr-run serve` through a TCP proxy that
// counts bytes both ways. CPU: secr-run's own user+sys (/proc/<pid>/stat) between the first and
// the last idle poll, minus the same secr-run's CPU without --watch over as long, per poll.
// Prints a summary; JSON is the last line.
//
//   node bench/watch.js [--seconds 20] [--rounds 2]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ENV, ORG, TOKEN, projectFor, writeSeed } from "./lib/fixtures.js";
import { startServer } from "./lib/server.js";
import { summarize } from "./lib/stats.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    rounds: { type: "string", default: "2" },
    cli: { type: "string" },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const SECRETS = 1000;
const CLI = values.cli ?? fileURLToPath(new URL("../bin/secr-run.js", import.meta.url));
const TICK_MS = 1000 / 100; // USER_HZ: /proc counts CPU time in 10 ms ticks on Linux

const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
};

/** A TCP proxy counting the bytes of both directions. */
async function byteProxy(target) {
  const upstreamUrl = new URL(target);
  let bytes = 0;
  const server = createServer((socket) => {
    const upstream = connect(Number(upstreamUrl.port), upstreamUrl.hostname);
    socket.on("data", (chunk) => (bytes += chunk.length)).pipe(upstream);
    upstream.on("data", (chunk) => (bytes += chunk.length)).pipe(socket);
    const drop = () => (socket.destroy(), upstream.destroy());
    socket.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    bytes: () => bytes,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** One secr-run whose child sleeps SECONDS; with --watch every 1s. */
function measure(apiUrl, proxy, watch, cwd) {
  return new Promise((resolve, reject) => {
    const args = [
      CLI,
      "--org",
      ORG,
      "--project",
      projectFor(SECRETS),
      "--env",
      ENV,
      "--api-url",
      apiUrl,
      "--no-cache",
      "--verbose",
    ];
    if (watch) args.push("--watch", "--watch-interval", "1s");
    args.push("--", process.execPath, "-e", `setTimeout(() => {}, ${SECONDS * 1000})`);
    const child = spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH, SECR_TOKEN: TOKEN, HOME: cwd, XDG_CONFIG_HOME: cwd, XDG_CACHE_HOME: cwd },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const polls = []; // [cpuMs, bytes] at each idle poll
    let startCpu;
    let last;
    createInterface({ input: child.stderr }).on("line", (line) => {
      if (line.includes("started child pid")) startCpu = [cpuMs(child.pid), proxy.bytes(), performance.now()];
      if (line.includes("watch: poll 304")) polls.push([cpuMs(child.pid), proxy.bytes(), performance.now()]);
    });
    const end = setTimeout(() => (last = [cpuMs(child.pid), proxy.bytes(), performance.now()]), SECONDS * 1000 - 300);
    child.on("error", reject);
    child.on("exit", () => {
      clearTimeout(end);
      resolve({ startCpu, last, polls });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), "secr-bench-watch-"));
let server;
let proxy;
try {
  const seedFile = join(work, "seed.json");
  writeSeed(seedFile, [SECRETS]);
  server = await startServer({ cli: CLI, dir: join(work, "server"), seedFile });
  proxy = await byteProxy(server.url);
  const cpuPerPoll = [];
  const bytesPerPoll = [];
  for (let round = 0; round < ROUNDS; round++) {
    const idle = await measure(proxy.url, proxy, false, work);
    const watched = await measure(proxy.url, proxy, true, work);
    const n = watched.polls.length;
    if (n < 2) throw new Error(`only ${n} idle polls observed`);
    // CPU between the first and the last idle poll (loading the client and opening the
    // connection happen before the first: a one-time cost), minus what the same secr-run
    // without --watch spends over as long a time.
    const idleRate = (idle.last[0] - idle.startCpu[0]) / (idle.last[2] - idle.startCpu[2]);
    const span = watched.polls[n - 1][2] - watched.polls[0][2];
    cpuPerPoll.push((watched.polls[n - 1][0] - watched.polls[0][0] - idleRate * span) / (n - 1));
    bytesPerPoll.push((watched.polls[n - 1][1] - watched.polls[0][1]) / (n - 1));
  }
  const summary = {
    secrets: SECRETS,
    seconds: SECONDS,
    rounds: ROUNDS,
    cpuMsPerPoll: summarize(cpuPerPoll),
    bytesPerPoll: summarize(bytesPerPoll),
    tickMs: TICK_MS,
  };
  process.stdout.write(
    `idle --watch poll at ${SECRETS} secrets: ${summary.cpuMsPerPoll.median.toFixed(2)} ms CPU, ${Math.round(summary.bytesPerPoll.median)} bytes on the wire (both ways)\n`,
  );
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  await proxy?.close();
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
}
