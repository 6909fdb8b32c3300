#!/usr/bin/env node
// Fleet simulation (docs/guide/fleet.md): N pods start during one deploy against a secr that
// allows 600 requests per minute for the whole machine (one NAT address), directly or through
// four per-node agents (`secr-run serve --upstream`), with and without start jitter. Then the
// agent's own cost: requests/s per CPU-second on a cached answer, and RSS at 10,000 entries.
// Loopback only, bounded. Time-scaled: the deploy window, the rate-limit window, the agents'
// --revalidate and the start jitter are all divided by --scale (default 4); request latencies,
// client timeouts, backoff and Retry-After (whole seconds) are not. Prints markdown; with
// --write, replaces the fleet block of BENCHMARKS.md. JSON is the last line of stderr.
//
//   node bench/fleet.js [--pods 2000,10000] [--scale 4] [--quick] [--write] [--cli bin/secr-run.js]
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { startFakeSecr, PULL_BYTES } from "./fleet/fake-secr.js";
import { describeMachine, load1 } from "./lib/machine.js";
import { percentile } from "./lib/stats.js";

const BENCH = dirname(fileURLToPath(import.meta.url));
const REPO = dirname(BENCH);
const { values } = parseArgs({
  options: {
    pods: { type: "string" },
    scale: { type: "string" },
    quick: { type: "boolean", default: false },
    write: { type: "boolean", default: false },
    cli: { type: "string", default: join(REPO, "bin/secr-run.js") },
    "skip-cost": { type: "boolean", default: false },
    "agents-only": { type: "boolean", default: false },
  },
});
const POD_COUNTS = (values.pods ?? (values.quick ? "200,1000" : "2000,10000")).split(",").map(Number);
// Per pod count: the time-scale factor. The simulated pods share 2 cores, so the largest count
// runs in real time (its client CPU would otherwise measure the simulator, not the fleet).
const SCALES = (values.scale ?? (values.quick ? "4,4" : "4,1")).split(",").map(Number);
const scaleFor = (pods) => SCALES[POD_COUNTS.indexOf(pods)] ?? SCALES.at(-1);
const LIMIT = 600; // requests per (scaled) minute, whole machine
const JITTER_S = 1; // --start-jitter 1s (scaled with the rest); counted in the time to secrets, so at most half the p99 goal
const AGENTS = 4;
const PROCESSES = 4; // pod processes
const TOKENS = 20; // services: pods of one service share a token and an environment
const log = (m) => process.stderr.write(`fleet: ${m}\n`);

function startAgent(upstream, revalidate = "30s") {
  const child = spawn(
    process.execPath,
    [
      values.cli,
      "serve",
      "--port",
      "0",
      "--quiet",
      "--upstream",
      upstream,
      "--revalidate",
      revalidate,
      "--max-stale",
      "1h",
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c) => {
      out += c;
      const nl = out.indexOf("\n");
      if (nl >= 0)
        resolve({
          url: JSON.parse(out.slice(0, nl)).url,
          pid: child.pid,
          stop: () => new Promise((r) => (child.once("exit", r), child.kill("SIGTERM"))),
        });
    });
    child.once("exit", (code) => reject(new Error(`agent exited ${code}: ${stderr.trim()}`)));
  });
}

function runPods(plan) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(BENCH, "fleet/pods.js")], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c) => (out += c));
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`pods process exited ${code}`)),
    );
    child.stdin.end(JSON.stringify(plan));
  });
}

async function scenario(pods, withAgents, jitter) {
  const scale = scaleFor(pods);
  const windowMs = 60_000 / scale; // the deploy window, and the rate limit's minute
  const fake = await startFakeSecr({ limit: LIMIT, windowMs });
  const agents = withAgents
    ? await Promise.all(Array.from({ length: AGENTS }, () => startAgent(fake.url, `${30 / scale}s`)))
    : [];
  // Agents run long before a deploy: a few requests of another token warm them up.
  for (const agent of agents)
    for (let i = 0; i < 20; i++)
      await fetch(`${agent.url}/v1/secrets/fleet/svc/warm?limit=1000&offset=0`, {
        headers: { authorization: "Bearer warm-up" },
      }).then((r) => r.arrayBuffer());
  fake.reset();
  const epoch = Date.now() + 3_000; // the pod processes load and warm up first
  const plans = Array.from({ length: PROCESSES }, () => ({ epoch, warmUrl: warmSecr.url, pods: [] }));
  for (let i = 0; i < pods; i++) {
    plans[i % PROCESSES].pods.push({
      at: Math.random() * windowMs,
      jitterMs: jitter ? (JITTER_S * 1000) / scale : 0,
      token: `fleet-token-${i % TOKENS}`,
      env: `env-${i % TOKENS}`,
      apiUrl: withAgents ? agents[i % AGENTS].url : fake.url,
    });
  }
  const started = Date.now();
  const overflowsBefore = listenOverflows();
  const results = (await Promise.all(plans.map(runPods))).flat();
  const listenDrops = listenOverflows() - overflowsBefore;
  const wallMs = Date.now() - started;
  await Promise.all(agents.map((a) => a.stop()));
  const counts = fake.take();
  await fake.close();
  if (process.env.FLEET_DEBUG) {
    const slow = results.filter((r) => r.ms !== null && r.ms > 1000);
    log(`slow pods: ${slow.length}; scheduled at (s): ${slow.map((r) => (r.at / 1000).toFixed(1)).join(" ")}`);
  }
  const fresh = results.filter((r) => r.ms !== null && !r.stale).length;
  const stale = results.filter((r) => r.ms !== null && r.stale).length;
  // A pod that never got its secrets counts as infinitely slow.
  const times = results.map((r) => (r.ms === null ? Infinity : r.ms));
  return {
    pods,
    scale,
    listenDrops,
    agents: withAgents,
    jitter,
    fresh,
    stale,
    failed: pods - fresh - stale,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    upstream: counts.requests,
    limited: counts.limited,
    notModified: counts.notModified,
    wallMs,
  };
}

/** Connections the kernel dropped because a listener's accept queue was full (machine-wide: other processes count too). */
function listenOverflows() {
  const [names, numbers] = readFileSync("/proc/net/netstat", "utf8").split("\n");
  const index = names.split(" ").indexOf("ListenOverflows");
  return index < 0 ? Number.NaN : Number(numbers.split(" ")[index]);
}

const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);

/** The agent alone: throughput on one cached answer, and memory with 10,000 entries (10,000 tokens). */
async function agentCost() {
  const fake = await startFakeSecr();
  const agent = await startAgent(fake.url);
  const pool = new Pool(agent.url, { connections: 16 });
  const path = "/v1/secrets/fleet/svc/env-0?limit=1000&offset=0";
  const get = async (token) => {
    const res = await pool.request({ path, method: "GET", headers: { authorization: `Bearer ${token}` } });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`agent answered ${res.statusCode}`);
  };
  try {
    await get("cost-token-hot");
    const seconds = values.quick ? 2 : 5;
    const cpuBefore = cpuMs(agent.pid);
    const until = performance.now() + seconds * 1000;
    let done = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (performance.now() < until) {
          await get("cost-token-hot");
          done++;
        }
      }),
    );
    const cpuSeconds = (cpuMs(agent.pid) - cpuBefore) / 1000;
    const rssBefore = rssKiB(agent.pid);
    const entries = 10_000;
    let next = 0;
    // 8 at once: the agent lets one client address have at most 8 requests of new tokens in flight.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < entries) await get(`cost-token-${next++}`);
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    const metrics = await (await fetch(`${agent.url}/metrics`)).text();
    const cached = Number(/^secr_agent_cache_entries (\d+)$/m.exec(metrics)?.[1]);
    return {
      requests: done,
      seconds,
      cpuSeconds,
      perCore: done / cpuSeconds,
      wallRate: done / seconds,
      rssBeforeKiB: rssBefore,
      rssKiB: rssKiB(agent.pid),
      entries: cached,
      bodyBytes: PULL_BYTES,
    };
  } finally {
    await pool.close();
    await agent.stop();
    await fake.close();
  }
}

const loadAtStart = load1();
const warmSecr = await startFakeSecr();
const rows = [];
for (const pods of POD_COUNTS) {
  for (const withAgents of values["agents-only"] ? [true] : [false, true]) {
    for (const jitter of [false, true]) {
      log(`${pods} pods, ${withAgents ? "4 agents" : "no agent"}, ${jitter ? "jitter" : "no jitter"}`);
      rows.push(await scenario(pods, withAgents, jitter));
      log(JSON.stringify(rows.at(-1)));
    }
  }
}
await warmSecr.close();
const cost = values["skip-cost"] ? undefined : await agentCost();
const machine = describeMachine();
const loadAtEnd = load1();

const ms = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : "never (some pods got none)");
const n = (v) => v.toLocaleString("en-US");
const out = [];
out.push("## Fleet: one deploy through per-node agents (`bench/fleet.js`)", "");
out.push(
  `A fake secr allows ${LIMIT} requests per minute for the whole machine (one NAT address; 429 + Retry-After beyond). ` +
    `N pods, each a \`SecrClient\` doing what \`secr-run\` does on start (pull + template check, together, default retries), in ${PROCESSES} processes; ` +
    `${TOKENS} services (a token and an environment each); starts spread at random over a 60 s deploy window. ` +
    `With agents: ${AGENTS} \`secr-run serve --upstream\` processes (\`--revalidate 30s\`), pods spread over them. Jitter: \`--start-jitter ${JITTER_S}s\`, counted in the time to secrets. ` +
    "Fresh: secrets confirmed by secr within the agent's --revalidate (or straight from it); stale: an agent's marked fallback; none: no secrets within the client's retries " +
    "(p50/p99 count those as never). Listen drops: connections the kernel dropped during the row because some listener on the machine had a full accept queue " +
    "(a client then retries its SYN after 1, 3, 7 s); the machine is shared, so other sessions' load shows there and in the tail.",
);
out.push("");
out.push(
  "**Time scale** (column *×*): with a factor k, the deploy window, the rate limit's minute, the agents' `--revalidate` and the jitter are all divided by k, " +
    "so upstream sees the same requests per limit window as in real time, in 1/k of the time. Not scaled: request latencies, client timeouts, backoff and Retry-After " +
    "(whole seconds), so rows that hit the limit wait relatively longer than in real time. The largest fleet runs in real time (k = 1): its pods' client CPU, " +
    "compressed, would exceed the 2 shared cores and measure the simulator instead of the fleet.",
);
out.push("");
out.push(
  "| Pods | × | Agents | Jitter | Fresh secrets | Stale | None | p50 ms | p99 ms | Upstream requests | 429s | Listen drops |",
);
out.push("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows)
  out.push(
    `| ${n(r.pods)} | ${r.scale} | ${r.agents ? AGENTS : "none"} | ${r.jitter ? `${JITTER_S}s` : "none"} | ${n(r.fresh)} | ${n(r.stale)} | ${n(r.failed)} | ${ms(r.p50)} | ${ms(r.p99)} | ${n(r.upstream)} | ${n(r.limited)} | ${n(r.listenDrops)} |`,
  );
const goal = rows.filter((r) => r.pods === Math.max(...POD_COUNTS) && r.agents);
const met = goal.filter((r) => r.fresh === r.pods && r.p99 <= 2000 && r.limited === 0);
out.push("");
out.push(
  `**Goal** (${n(Math.max(...POD_COUNTS))} pods, all with fresh secrets, p99 ≤ 2 s, upstream within the limit): ` +
    (met.length > 0
      ? `met with agents (${met.map((r) => (r.jitter ? "with jitter" : "without jitter")).join(", ")}).`
      : `not met in this run: ${goal.map((r) => `${r.jitter ? "jitter" : "no jitter"}: ${n(r.fresh)} fresh, p99 ${ms(r.p99)} ms, ${n(r.limited)} 429s`).join("; ")}.`),
);
if (cost) {
  out.push("");
  out.push(
    `**The agent's own cost:** ${n(Math.round(cost.perCore))} requests/s per CPU-second of the agent process (cached ${cost.bodyBytes}-byte answer, 64 concurrent requests on 16 connections, ` +
      `${cost.seconds} s: ${n(cost.requests)} requests in ${cost.cpuSeconds.toFixed(2)} CPU-s; ${n(Math.round(cost.wallRate))}/s wall with the load generator on the same cores). ` +
      `RSS ${(cost.rssBeforeKiB / 1024).toFixed(1)} MiB with one entry, ${(cost.rssKiB / 1024).toFixed(1)} MiB with ${n(cost.entries)} cached entries (10,000 tokens, ${cost.bodyBytes}-byte answers).`,
  );
}
out.push("");
out.push(
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.node}, ${machine.date}; load average ${loadAtStart.toFixed(2)} at start, ${loadAtEnd.toFixed(2)} at end (shared machine).`,
);
const markdown = `${out.join("\n")}\n`;
process.stdout.write(markdown);
process.stderr.write(`${JSON.stringify({ rows, cost })}\n`);

if (values.write) {
  const START = "<!-- bench-fleet:start (generated by node bench/fleet.js --write) -->";
  const END = "<!-- bench-fleet:end -->";
  const file = join(REPO, "BENCHMARKS.md");
  const current = readFileSync(file, "utf8");
  const block = `${START}\n${markdown.trimEnd()}\n${END}`;
  const from = current.indexOf("<!-- bench-fleet:start");
  const to = current.indexOf(END);
  writeFileSync(
    file,
    from === -1 || to < from
      ? `${current.trimEnd()}\n\n${block}\n`
      : current.slice(0, from) + block + current.slice(to + END.length),
  );
  log("wrote the fleet block of BENCHMARKS.md");
}
