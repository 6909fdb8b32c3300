#!/usr/bin/env node
// `npm run bench`: secr-run against `node -e 0` and its peers (dotenvx, dotenv-cli, env-cmd),
// side by side in one run, alternating the commands, medians and spread. Writes BENCHMARKS.md
// and prints the same markdown. Loopback only; bounded in count and time.
//
//   node bench/run.js [--quick] [--only lines,startup,scale,latency,resident,signal,server,store,mask,share,watch,fleet] [--lines 20,26] [--no-write]
//
// Expects `npm run build` to have run (the `bench` script does it). Installs the peers into
// bench/node_modules from bench/package-lock.json on first run.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ENV, ORG, TOKEN, projectFor, writeDotenvDir, writeSeed } from "./lib/fixtures.js";
import { describeMachine, load1 } from "./lib/machine.js";
import { installedLines } from "./lib/node-lines.js";
import { asyncRun, residentMemory, SIGNAL_CHILD, signalLatency, timedRun } from "./lib/measure.js";
import { renderReport } from "./lib/report.js";
import { pairedDifferences, roundRobin } from "./lib/rounds.js";
import { checkSeed, startCountingProxy, startDelayProxy, startServer } from "./lib/server.js";
import { summarize } from "./lib/stats.js";

const BENCH = dirname(fileURLToPath(import.meta.url));
const REPO = dirname(BENCH);
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const write = !argv.includes("--no-write");
const onlyArg = argv.find((a) => a.startsWith("--only"));
const only = onlyArg
  ? new Set((onlyArg.includes("=") ? onlyArg.split("=")[1] : argv[argv.indexOf(onlyArg) + 1]).split(","))
  : undefined;
const wants = (section) => !only || only.has(section);
/** --lines 20,26: the Node lines section 1b measures (default: every installed one). */
const linesArg = argv.includes("--lines")
  ? new Set(argv[argv.indexOf("--lines") + 1].split(",").map(Number))
  : undefined;

const STARTUP_SECRETS = 50;
// A run slower than this is timed once (its verification run) rather than repeated; a run
// slower than the timeout is reported as such. Keeps `npm run bench` bounded.
const SLOW_MS = 5_000;
const SLOW_TIMEOUT_MS = 30_000;
// When the second resident-memory reading is taken: after V8's memory reducer has run (it waits
// for several idle seconds), i.e. what a launcher costs for as long as a long-lived child runs.
const RESIDENT_STEADY_MS = 12_000;
const SCALE_SIZES = [10, 100, 1000, 10_000];
/** Round-trip time the latency rows add to every request (section 2b). */
const LATENCY_RTT_MS = 40;
const plan = quick
  ? {
      lines: { rounds: 5, warmup: 1, budgetMs: 30_000 },
      startup: { rounds: 8, warmup: 2, budgetMs: 60_000 },
      scale: { rounds: 3, warmup: 1, budgetMs: 30_000 },
      resident: 2,
      signal: { rounds: 10, warmup: 1 },
    }
  : {
      lines: { rounds: 15, warmup: 2, budgetMs: 120_000 },
      startup: { rounds: 30, warmup: 3, budgetMs: 240_000 },
      scale: { rounds: 10, warmup: 2, budgetMs: 90_000 },
      resident: 5,
      signal: { rounds: 50, warmup: 2 },
    };

const log = (message) => process.stderr.write(`bench: ${message}\n`);

// ---- peers: bench/'s own dependencies, installed by the harness itself ----
function ensurePeers() {
  const bins = ["dotenvx", "dotenv", "env-cmd"].map((name) => join(BENCH, "node_modules/.bin", name));
  if (bins.every((bin) => existsSync(bin))) return;
  log("installing the peers into bench/node_modules (npm ci)");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: BENCH,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) throw new Error("npm ci in bench/ failed");
}
const peerVersion = (pkg) => JSON.parse(readFileSync(join(BENCH, "node_modules", pkg, "package.json"), "utf8")).version;

/**
 * Copy the built CLI (bin shim, self-contained bundle, package.json) into the scratch dir and
 * run that copy: the same files users run, immune to a rebuild of dist/ during a long run.
 * Retries while a concurrent build leaves dist/bundle half-written.
 */
async function snapshotBuild(app) {
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(app, { recursive: true, force: true });
      cpSync(join(REPO, "dist/bundle"), join(app, "dist/bundle"), { recursive: true });
      cpSync(join(REPO, "bin"), join(app, "bin"), { recursive: true });
      cpSync(join(REPO, "package.json"), join(app, "package.json"));
      const bundle = join(app, "dist/bundle");
      const files = new Set(readdirSync(bundle, { recursive: true }).map(String));
      for (const file of files) {
        if (!/\.c?js$/.test(file)) continue;
        for (const [, ref] of readFileSync(join(bundle, file), "utf8").matchAll(
          /(?:\bfrom\s*|\bimport\()"(\.\.?\/[\w./-]+\.js)"/g,
        )) {
          // esbuild writes double-quoted specifiers; JSDoc's import('./x.js') in comments does not count.
          if (!files.has(join(dirname(file), ref))) throw new Error(`${file} imports ${ref}, which is missing`);
        }
      }
      if (!files.has("main.cjs")) throw new Error("dist/bundle/main.cjs is missing");
      return join(app, "bin/secr-run.js");
    } catch (error) {
      if (attempt >= 10) throw new Error(`no complete build in dist/bundle (run \`npm run build\`): ${error.message}`);
      await sleep(1000);
    }
  }
}

ensurePeers();
const work = mkdtempSync(join(tmpdir(), "secr-bench-"));
const SECR_RUN = await snapshotBuild(join(work, "app"));
let stopServer = async () => {};
const cleanup = () => rmSync(work, { recursive: true, force: true });
process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    void stopServer().finally(() => process.exit(130));
  });
}

const machine = describeMachine();
const loadAtStart = load1();
const peers = {
  dotenvx: peerVersion("@dotenvx/dotenvx"),
  "dotenv-cli": peerVersion("dotenv-cli"),
  "env-cmd": peerVersion("env-cmd"),
};
const home = join(work, "home");
mkdirSync(home, { recursive: true });
const childScript = join(work, "signal-child.cjs");
writeFileSync(childScript, SIGNAL_CHILD);
const sizes = [...new Set([STARTUP_SECRETS, ...SCALE_SIZES])];
const dirs = Object.fromEntries(sizes.map((n) => [n, writeDotenvDir(work, n)]));
const seedFile = join(work, "seed.json");
writeSeed(seedFile, sizes);

// ---- the local server, started once, outside every timing ----
let server;
let secrUnavailable;
if (!["lines", "startup", "scale", "latency", "resident", "signal", "share"].some(wants))
  secrUnavailable = "not measured";
else
  try {
    server = await startServer({ cli: SECR_RUN, dir: join(work, "server"), seedFile });
    stopServer = server.stop;
    for (const n of sizes) await checkSeed(server.url, n);
    log(`local server at ${server.url}, seeded with ${sizes.join(", ")} secrets`);
  } catch (error) {
    secrUnavailable = `local server: ${error.message}`;
    log(`secr-run rows unavailable: ${secrUnavailable}`);
  }

const node = process.execPath;
const bin = (name) => join(BENCH, "node_modules/.bin", name);
const baseEnv = {
  ...process.env,
  PATH: [dirname(node), process.env.PATH].join(delimiter), // `#!/usr/bin/env node` finds this node
  HOME: home,
  XDG_CACHE_HOME: join(home, ".cache"),
  SECR_ORG: ORG,
  SECR_TOKEN: TOKEN,
  // Every timed start pulls from the server; section 6 measures the shared fetch on its own.
  SECR_SHARE_WINDOW: "0",
};
const envFor = (n, apiUrl = server?.url) => ({
  ...baseEnv,
  SECR_API_URL: apiUrl ?? "http://127.0.0.1:9",
  SECR_PROJECT: projectFor(n),
});

/** The launchers under test, each running `child` with the secrets of size n. */
function launchers(n, child, apiUrl) {
  const cwd = dirs[n];
  const env = envFor(n, apiUrl);
  return [
    { name: "secr-run", cmd: [SECR_RUN, "--env", ENV, "--", ...child], cwd, env, secr: true },
    { name: "dotenvx", cmd: [bin("dotenvx"), "run", "-f", ".env", "--", ...child], cwd, env },
    { name: "dotenv-cli", cmd: [bin("dotenv"), "-e", ".env", "--", ...child], cwd, env },
    // env-cmd 11 parses options anywhere before `--` (a child's own `-e` would be taken as its own).
    { name: "env-cmd", cmd: [bin("env-cmd"), "-f", ".env", "--", ...child], cwd, env },
  ];
}

/**
 * Before timing anything, prove each launcher really injects all n values (a child that checks
 * them); a launcher that fails is reported as unavailable with the reason instead of timed.
 */
const verified = new Map(); // `${n} ${name}` -> { run } | { error }: each launcher is checked once per size
function verifyInjection(n, only = () => true) {
  const check = [
    node,
    "-e",
    `const n = Object.keys(process.env).filter((k) => k.startsWith("BENCH_SECRET_")).length; process.exit(n === ${n} ? 0 : 3)`,
  ];
  const broken = new Map();
  const once = new Map();
  for (const launcher of launchers(n, check).filter(only)) {
    const key = `${n} ${launcher.name}`;
    if (!verified.has(key)) {
      if (launcher.secr && secrUnavailable) verified.set(key, { error: secrUnavailable });
      else {
        try {
          verified.set(key, { run: timedRun(launcher.cmd, { ...launcher, timeoutMs: SLOW_TIMEOUT_MS }) });
        } catch (error) {
          verified.set(key, {
            error: error.message.startsWith("exited 3") ? `did not inject all ${n} secrets` : error.message,
          });
        }
      }
    }
    const { run, error } = verified.get(key);
    if (error) broken.set(launcher.name, error);
    else once.set(launcher.name, run);
  }
  return { broken, once };
}

/** Which secr-run was measured: the commit, and whether the tree had uncommitted changes. */
function revision() {
  const git = (...args) => spawnSync("git", args, { cwd: REPO, encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.status !== 0) return "unknown (not a git checkout)";
  const dirty = git("status", "--porcelain", "--untracked-files=no").stdout.trim() !== "";
  return `${head.stdout.trim()}${dirty ? " with uncommitted changes" : ""}`;
}

const results = { machine, peers, quick, loadAtStart, revision: revision() };

// ---- 1. startup with 50 secrets ----
if (wants("startup")) {
  log(`startup: ${STARTUP_SECRETS} secrets, ${plan.startup.rounds} rounds (+${plan.startup.warmup} warm-up)`);
  const { broken } = verifyInjection(STARTUP_SECRETS);
  const floor = { name: "node -e 0", cmd: [node, "-e", "0"], cwd: dirs[STARTUP_SECRETS], env: envFor(STARTUP_SECRETS) };
  // The paths that must stay light: no client, undici or execa.
  const light = ["--version", "--help"].map((flag) => ({
    name: `secr-run ${flag}`,
    cmd: [SECR_RUN, flag],
    cwd: dirs[STARTUP_SECRETS],
    env: envFor(STARTUP_SECRETS),
  }));
  const commands = [floor, ...launchers(STARTUP_SECRETS, ["true"]), ...light];
  const runnable = commands.filter((c) => !broken.has(c.name));
  const measured = roundRobin(runnable, { ...plan.startup, onRound: (r) => r % 5 === 4 && log(`  round ${r + 1}`) });
  const floorRuns = measured.get("node -e 0");
  results.startup = commands.map((c) => {
    const m = measured.get(c.name);
    const error = broken.get(c.name) ?? m?.error;
    if (error) return { name: c.name, cmd: display(c), error };
    return {
      name: c.name,
      cmd: display(c),
      ms: summarize(m.ms),
      cpu: m.cpuMs.length ? summarize(m.cpuMs) : undefined,
      rss: summarize(m.rssKiB),
      overhead: c === floor ? undefined : summarize(pairedDifferences(m, floorRuns)),
      cpuOverhead:
        c === floor || !m.cpuMs.length ? undefined : summarize(pairedDifferences(m, floorRuns, "cpuByRound")),
    };
  });
}

// ---- 1b. every installed Node line, NODE_EXTRA_CA_CERTS as the machine has it and unset ----
if (wants("lines")) {
  results.lines = [];
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  for (const line of installedLines(REPO).filter((l) => !linesArg || linesArg.has(l.major))) {
    for (const caCerts of ca ? [ca, undefined] : [undefined]) {
      const label = `${line.version}, NODE_EXTRA_CA_CERTS ${caCerts ? "set" : "unset"}`;
      log(`lines: ${label}, ${plan.lines.rounds} rounds (+${plan.lines.warmup} warm-up)`);
      const env = { ...envFor(STARTUP_SECRETS), PATH: [dirname(line.node), process.env.PATH].join(delimiter) };
      delete env.NODE_EXTRA_CA_CERTS;
      if (caCerts) env.NODE_EXTRA_CA_CERTS = caCerts;
      const cwd = dirs[STARTUP_SECRETS];
      const commands = [
        { name: "node -e 0", cmd: [line.node, "-e", "0"], cwd, env },
        ...launchers(STARTUP_SECRETS, ["true"]).map((c) => ({ ...c, env })),
        { name: "secr-run --version", cmd: [SECR_RUN, "--version"], cwd, env },
      ];
      // A warm compile cache for this line before the timed rounds (the warm-up rounds do it too).
      const measured = roundRobin(
        commands.filter((c) => !(c.secr && secrUnavailable)),
        plan.lines,
      );
      const row = { version: line.version, caCerts: caCerts !== undefined, commands: {} };
      for (const c of commands) {
        const m = measured.get(c.name);
        row.commands[c.name] =
          !m || m.error
            ? { error: m?.error ?? secrUnavailable }
            : { ms: summarize(m.ms), cpu: m.cpuMs.length ? summarize(m.cpuMs) : undefined };
      }
      // Resident memory of secr-run itself while its child sleeps (as section 3, 0.5 s after the start).
      if (!secrUnavailable) {
        const [secr] = launchers(STARTUP_SECRETS, ["sleep", "60"]);
        const samples = [];
        for (let i = 0; i < (quick ? 2 : 3); i++) {
          try {
            samples.push((await residentMemory(secr.cmd, { ...secr, env }))[0].rssKiB);
          } catch (error) {
            row.rssError = error.message;
          }
        }
        if (samples.length) row.rss = summarize(samples);
      }
      results.lines.push(row);
    }
  }
}

// ---- 2. scale: 10 .. 10,000 secrets ----
if (wants("scale")) {
  results.scale = [];
  const proxy = server ? await startCountingProxy(server.url) : undefined;
  for (const n of SCALE_SIZES) {
    log(`scale: ${n} secrets, ${plan.scale.rounds} rounds (+${plan.scale.warmup} warm-up)`);
    const { broken, once } = verifyInjection(n);
    const commands = launchers(n, ["true"]);
    const slow = new Set([...once].filter(([, run]) => run.ms > SLOW_MS).map(([name]) => name));
    let requests;
    if (proxy && !broken.has("secr-run")) {
      // Untimed run through the counting proxy: how many HTTP requests one start makes.
      const [secr] = launchers(n, ["true"], proxy.url);
      proxy.take();
      try {
        await asyncRun(secr.cmd, secr);
        requests = proxy.take();
      } catch (error) {
        broken.set("secr-run", error.message);
      }
    }
    const measured = roundRobin(
      commands.filter((c) => !broken.has(c.name) && !slow.has(c.name)),
      plan.scale,
    );
    for (const c of commands) {
      const requestsMade = c.secr ? requests : 0;
      if (slow.has(c.name)) {
        // Too slow to repeat: its one (verification) run is the result.
        const run = once.get(c.name);
        results.scale.push({
          n,
          name: c.name,
          ms: summarize([run.ms]),
          cpu: Number.isFinite(run.cpuMs) ? summarize([run.cpuMs]) : undefined,
          rss: summarize([run.rssKiB]),
          requests: requestsMade,
          note: "one run (too slow to repeat)",
        });
        continue;
      }
      const m = measured.get(c.name);
      const error = broken.get(c.name) ?? m?.error;
      results.scale.push(
        error
          ? { n, name: c.name, error }
          : {
              n,
              name: c.name,
              ms: summarize(m.ms),
              cpu: m.cpuMs.length ? summarize(m.cpuMs) : undefined,
              rss: summarize(m.rssKiB),
              requests: requestsMade,
            },
      );
    }
  }
  await proxy?.close();
}

// ---- 2b. latency: every request behind 40 ms of round-trip time ----
if (wants("latency") && server) {
  results.latency = [];
  const proxy = await startDelayProxy(server.url, LATENCY_RTT_MS);
  for (const n of [STARTUP_SECRETS, 10_000]) {
    log(`latency: ${n} secrets, ${LATENCY_RTT_MS} ms RTT, ${plan.scale.rounds} rounds (+${plan.scale.warmup} warm-up)`);
    const floor = { name: "node -e 0", cmd: [node, "-e", "0"], cwd: dirs[n], env: envFor(n) };
    const [secr] = launchers(n, ["true"], proxy.url);
    const measured = roundRobin([floor, secr], plan.scale);
    const f = measured.get(floor.name);
    const m = measured.get(secr.name);
    if (m?.error || f?.error) {
      results.latency.push({ n, rttMs: LATENCY_RTT_MS, error: m?.error ?? f?.error });
      continue;
    }
    results.latency.push({
      n,
      rttMs: LATENCY_RTT_MS,
      ms: summarize(m.ms),
      floor: summarize(f.ms),
      overhead: summarize(pairedDifferences(m, f)),
      cpu: m.cpuMs.length ? summarize(m.cpuMs) : undefined,
      floorCpu: f.cpuMs.length ? summarize(f.cpuMs) : undefined,
    });
  }
  await proxy.stop();
}

// ---- 3. resident memory while the child sleeps ----
if (wants("resident")) {
  results.resident = [];
  // Memory, not time: the samples run side by side (staggered starts) to keep the run short.
  const readAtMs = [500, RESIDENT_STEADY_MS];
  for (const n of [STARTUP_SECRETS, 10_000]) {
    log(
      `resident: ${n} secrets, ${plan.resident} samples per launcher, read ${readAtMs.map((ms) => `${ms / 1000} s`).join(" and ")} after the child starts`,
    );
    const measuredHere = (c) => n === STARTUP_SECRETS || c.secr;
    const { broken } = verifyInjection(n, measuredHere);
    const commands = launchers(n, ["sleep", "60"]).filter(measuredHere);
    const runnable = commands.filter((c) => !broken.has(c.name));
    const jobs = [];
    for (let i = 0; i < plan.resident; i++) {
      for (const c of runnable) {
        jobs.push(
          sleep(jobs.length * 250).then(() =>
            residentMemory(c.cmd, { ...c, readAtMs }).then(
              (readings) => ({ name: c.name, readings }),
              (error) => ({ name: c.name, error: error.message }),
            ),
          ),
        );
      }
    }
    const done = await Promise.all(jobs);
    for (const c of commands) {
      const mine = done.filter((d) => d.name === c.name);
      const error = broken.get(c.name) ?? mine.find((d) => d.error)?.error;
      if (error) {
        results.resident.push({ n, name: c.name, error });
        continue;
      }
      results.resident.push({
        n,
        name: c.name,
        rss: summarize(mine.map((d) => d.readings[0].rssKiB)),
        hwm: summarize(mine.map((d) => d.readings[0].hwmKiB)),
        steady: summarize(mine.map((d) => d.readings[1].rssKiB)),
      });
    }
  }
}

// ---- 4. signal latency: SIGTERM to the launcher until the child's handler runs ----
if (wants("signal")) {
  const { rounds, warmup } = plan.signal;
  log(`signal: ${rounds} SIGTERMs per launcher (+${warmup} warm-up)`);
  const { broken } = verifyInjection(STARTUP_SECRETS);
  const child = [node, childScript];
  const commands = [
    { name: "no launcher (child alone)", cmd: child, cwd: dirs[STARTUP_SECRETS], env: envFor(STARTUP_SECRETS) },
    ...launchers(STARTUP_SECRETS, child),
  ];
  const samples = new Map(commands.map((c) => [c.name, { ms: [], failures: 0 }]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (let i = 0; i < commands.length; i++) {
      const c = commands[(i + round) % commands.length];
      const s = samples.get(c.name);
      if (broken.has(c.name) || s.error) continue;
      try {
        const ms = await signalLatency(c.cmd, c);
        if (round >= warmup) s.ms.push(ms);
      } catch (error) {
        // One miss can be the machine; three are the launcher.
        if (++s.failures >= 3) s.error = error.message;
      }
    }
    if (round % 10 === 9) log(`  round ${round + 1}`);
  }
  results.signal = commands.map((c) => {
    const s = samples.get(c.name);
    const error = broken.get(c.name) ?? s.error;
    return error ? { name: c.name, error } : { name: c.name, ms: summarize(s.ms), failures: s.failures };
  });
}

// ---- 5. the local server under load (bench/server-load.js, owned by the server's engineer) ----
if (wants("server")) {
  const script = join(BENCH, "server-load.js");
  if (!existsSync(script)) {
    results.server = { error: "bench/server-load.js has not landed" };
  } else {
    log("server: bench/server-load.js (1,000 secrets, 16 concurrent clients)");
    const args = [script, ...(quick ? ["--seconds", "2"] : [])];
    const run = spawnSync(node, args, {
      cwd: REPO,
      env: { ...process.env, HOME: home },
      encoding: "utf8",
      timeout: 180_000,
      maxBuffer: 16 << 20,
    });
    // Its last stdout line is JSON ({ pullsPerSecond, p50ms, p99ms, ... }); the rest is for people.
    let summary;
    try {
      summary = JSON.parse(run.stdout.trim().split("\n").pop());
    } catch {
      summary = undefined;
    }
    results.server =
      run.status === 0
        ? { output: run.stdout.trim(), summary }
        : {
            error: `exited ${run.status ?? run.signal ?? run.error?.message}: ${(run.stderr ?? "").trim().split("\n").pop() ?? ""}`,
          };
  }
}

// ---- 5b. the local store: one-key PUT into 1k, 10k, 100k secrets (bench/store-put.js) ----
if (wants("store")) {
  log("store: one-key PUT into stores of 1k, 10k and 100k secrets, server RSS vs plaintext");
  const args = [join(BENCH, "store-put.js"), ...(quick ? ["--quick"] : [])];
  const run = spawnSync(node, args, {
    cwd: REPO,
    env: { ...process.env, HOME: home },
    encoding: "utf8",
    timeout: 900_000,
    maxBuffer: 16 << 20,
  });
  let summary;
  try {
    summary = JSON.parse(run.stdout.trim().split("\n").pop());
  } catch {
    summary = undefined;
  }
  results.store =
    run.status === 0 && summary
      ? summary
      : {
          error: `exited ${run.status ?? run.signal ?? run.error?.message}: ${(run.stderr ?? "").trim().split("\n").pop() ?? ""}`,
        };
}

// ---- 6. the --mask redactor: throughput and added latency (bench/mask.js, in process) ----
if (wants("mask")) {
  log("mask: redactor throughput with 50 and 1,000 secrets, and added latency");
  const args = [join(BENCH, "mask.js"), ...(quick ? ["--mib", "8", "--rounds", "3"] : [])];
  const run = spawnSync(node, args, { cwd: REPO, encoding: "utf8", timeout: 180_000, maxBuffer: 16 << 20 });
  let summary;
  try {
    summary = JSON.parse(run.stdout.trim().split("\n").pop());
  } catch {
    summary = undefined;
  }
  results.mask =
    run.status === 0 && summary
      ? summary
      : {
          error: `exited ${run.status ?? run.signal ?? run.error?.message}: ${(run.stderr ?? "").trim().split("\n").pop() ?? ""}`,
        };
}

// ---- 7. one fetch for many runs: 20 secr-runs of one target started at once ----
if (wants("share")) {
  const runs = 20;
  const rounds = quick ? 2 : 5;
  if (secrUnavailable) results.share = { error: secrUnavailable };
  else {
    log(
      `share: ${runs} concurrent runs: default (share fetches begun after launch), --share-window 5s, --no-cache; ${rounds} rounds each`,
    );
    const proxy = await startCountingProxy(server.url, { keepAlive: false });
    // The default shares only a fetch that began after a run was launched: 20 runs launched at
    // once still make one pull (a second one for runs still starting when it began).
    const modes = [
      { name: "default (fetches begun after launch)", args: [], env: { SECR_SHARE_WINDOW: "" } },
      { name: "--share-window 5s (opt-in reuse)", args: ["--share-window", "5s"], env: {} },
      { name: "no sharing (--no-cache)", args: ["--no-cache"], env: {} },
    ];
    const samples = new Map(modes.map((m) => [m.name, { ms: [], requests: [] }]));
    try {
      for (let round = 0; round < rounds; round++) {
        for (const mode of modes) {
          // A fresh cache directory per batch: every batch starts with no snapshot at all.
          const cacheDir = join(work, `share-${round}-${modes.indexOf(mode)}`);
          const env = { ...envFor(STARTUP_SECRETS, proxy.url), ...mode.env };
          proxy.take();
          const started = performance.now();
          await Promise.all(
            Array.from({ length: runs }, () =>
              asyncRun([SECR_RUN, "--env", ENV, "--cache-dir", cacheDir, ...mode.args, "--", node, "-e", "0"], {
                cwd: dirs[STARTUP_SECRETS],
                env,
              }),
            ),
          );
          const s = samples.get(mode.name);
          s.ms.push(performance.now() - started);
          s.requests.push(proxy.take());
          rmSync(cacheDir, { recursive: true, force: true });
        }
      }
      results.share = {
        runs,
        rows: modes.map((m) => ({
          name: m.name,
          ms: summarize(samples.get(m.name).ms),
          requests: samples.get(m.name).requests,
        })),
      };
    } catch (error) {
      results.share = {
        error: `${error.message} (${[...samples.values()].map((s) => s.ms.length).join("/")} batches done)`,
      };
    }
    await proxy.close();
  }
}

// ---- 8. --watch: one idle poll (bench/watch.js, its own server and byte-counting proxy) ----
if (wants("watch")) {
  log("watch: CPU and bytes of an idle --watch poll at 1,000 secrets");
  const args = [
    join(BENCH, "watch.js"),
    "--cli",
    SECR_RUN,
    ...(quick ? ["--seconds", "12", "--rounds", "1"] : ["--seconds", "20", "--rounds", "3"]),
  ];
  const run = spawnSync(node, args, { cwd: REPO, encoding: "utf8", timeout: 300_000, maxBuffer: 16 << 20 });
  let summary;
  try {
    summary = JSON.parse(run.stdout.trim().split("\n").pop());
  } catch {
    summary = undefined;
  }
  results.watch =
    run.status === 0 && summary
      ? summary
      : {
          error: `exited ${run.status ?? run.signal ?? run.error?.message}: ${(run.stderr ?? "").trim().split("\n").pop() ?? ""}`,
        };
}

// ---- 9. fleet: one deploy through per-node agents (bench/fleet.js, its own fake secr; its own block of BENCHMARKS.md) ----
if (wants("fleet")) {
  log("fleet: 2,000 and 10,000 pods against a 600 req/min secr, with and without agents and jitter (several minutes)");
  const args = [
    join(BENCH, "fleet.js"),
    "--cli",
    SECR_RUN,
    ...(quick ? ["--quick"] : []),
    ...(write ? ["--write"] : []),
  ];
  const run = spawnSync(node, args, { cwd: REPO, stdio: ["ignore", "inherit", "inherit"], timeout: 1_800_000 });
  if (run.status !== 0) log(`fleet: exited ${run.status ?? run.signal ?? run.error?.message}`);
}

await stopServer();
results.loadAtEnd = load1();
const markdown = renderReport(results);
process.stdout.write(markdown);
if (write) {
  writeFileSync(join(REPO, "BENCHMARKS.md"), spliceReport(markdown));
  log("wrote BENCHMARKS.md");
}

/**
 * BENCHMARKS.md keeps hand-written notes around the generated part: only the text between the
 * markers is replaced (the whole file is written when it has no markers yet).
 */
function spliceReport(generated) {
  const START = "<!-- bench:start (generated by npm run bench; edit outside the markers) -->";
  const END = "<!-- bench:end -->";
  const block = `${START}\n${generated.trimEnd()}\n${END}`;
  let current = "";
  try {
    current = readFileSync(join(REPO, "BENCHMARKS.md"), "utf8");
  } catch {
    // First run: no file yet.
  }
  const from = current.indexOf("<!-- bench:start");
  const to = current.indexOf(END);
  if (from === -1 || to < from) return `# Benchmarks\n\n${block}\n`;
  return current.slice(0, from) + block + current.slice(to + END.length);
}

/** How a command reads in the report: names instead of absolute paths. */
function display(c) {
  return c.cmd
    .map((part) =>
      part === node
        ? "node"
        : part.startsWith(join(BENCH, "node_modules/.bin/"))
          ? part.slice(join(BENCH, "node_modules/.bin/").length)
          : part.endsWith("bin/secr-run.js")
            ? "secr-run"
            : part,
    )
    .join(" ");
}
