// --watch end to end: the built CLI against a real `secr-run serve`, values changed through the
// client API, a real child that records its starts, stops and reloads.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server, type Socket, connect } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { type LocalServer, startLocalServer } from "../helpers/local-server.js";
import { cleanEnv, CLI, NODE, runCli, targetArgs } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const CHILD = fileURLToPath(new URL("./fixtures/watch-child.cjs", import.meta.url));
const ENVS = [
  "burst",
  "reload",
  "invalid",
  "outage",
  "term",
  "keys",
  "sharedkeys",
  "mask",
  "rate",
  "stubborn",
  "quiet",
] as const;

let server: LocalServer;
let client: SecrClient;
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  dir = tempDir("secr-watch-");
  const environments = Object.fromEntries(ENVS.map((env) => [env, { WATCHED: "v1", REQ: "present", OTHER: "o1" }]));
  server = await startLocalServer({
    seed: { orgs: { acme: { projects: { api: { environments, templates: [{ key: "REQ" }] } } } } },
  });
  client = new SecrClient({ apiUrl: server.url, token: server.token });
});
afterAll(async () => {
  await client?.close();
  await server?.stop();
  dir?.remove();
});

interface Watched {
  child: ResultPromise;
  marker: string;
  lines(): string[];
  stderr(): string;
  stdout(): string;
  waitFor(predicate: (lines: string[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
}

function watchRun(
  env: string,
  args: string[],
  childArgs: string[] = [],
  apiUrl = server.url,
  debounce = "300ms",
  extraEnv: Record<string, string> = {},
): Watched {
  const marker = join(dir.path, `${env}-${Math.random().toString(36).slice(2)}.log`);
  const child = execa(
    NODE,
    [
      CLI,
      ...targetArgs(env, apiUrl),
      "--watch",
      "--watch-interval",
      "1s",
      "--watch-debounce",
      debounce,
      ...args,
      "--",
      NODE,
      CHILD,
      marker,
      ...childArgs,
    ],
    {
      reject: false,
      extendEnv: false,
      env: cleanEnv({ SECR_TOKEN: server.token, ...extraEnv }),
      cwd: dir.path,
      stdin: "ignore",
      buffer: false,
    },
  );
  let stderr = "";
  let stdout = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const lines = () => (existsSync(marker) ? readFileSync(marker, "utf8").split("\n").filter(Boolean) : []);
  const waitFor = async (predicate: (lines: string[]) => boolean, what: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(lines())) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}\nmarker:\n${lines().join("\n")}\nstderr:\n${stderr}`);
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`secr-run ended while waiting for ${what}\nstderr:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, marker, lines, stderr: () => stderr, stdout: () => stdout, waitFor };
}

const starts = (lines: string[]) => lines.filter((line) => line.startsWith("start "));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** No two children at once: every start after the first follows the previous child's stop, and
 *  no child found an earlier one alive when it started. */
function assertNoOverlap(lines: string[]): void {
  expect(
    lines.filter((line) => line.startsWith("alive ")),
    lines.join("\n"),
  ).toEqual([]);
  let running: string | undefined;
  for (const line of lines) {
    const [event, pid] = line.split(" ");
    if (event === "start") {
      expect(running, `start of ${pid} while ${running} still ran:\n${lines.join("\n")}`).toBeUndefined();
      running = pid;
    } else if (event === "stop") {
      expect(pid).toBe(running);
      running = undefined;
    }
  }
}

describe("secr-run --watch", () => {
  it("refuses a poll interval under 1s and watch flags without --watch (64, nothing started)", async () => {
    const marker = join(dir.path, "never.log");
    const fast = await runCli(["--watch", "--watch-interval", "500ms", "--", NODE, CHILD, marker]);
    expect(fast.exitCode).toBe(64);
    expect(fast.stderr).toMatch(/--watch-interval must be at least 1s/);
    const stray = await runCli(["--reload-signal", "HUP", "--", NODE, CHILD, marker]);
    expect(stray.exitCode).toBe(64);
    expect(stray.stderr).toMatch(/--reload-signal needs --watch/);
    expect(existsSync(marker)).toBe(false);
  });

  it("restarts once per burst of changes, the old child gone before the new one starts, with the new value", async () => {
    const report = join(dir.path, "burst-report.json");
    // Debounce 3s, polls every second: the first change is seen by a poll, the second comes
    // within the debounce window and postpones the restart instead of making a second one.
    const cache = { XDG_CACHE_HOME: join(dir.path, "burst-cache") };
    const run = watchRun("burst", ["--report-json", report], [], server.url, "3s", cache);
    await run.waitFor((lines) => starts(lines).length === 1, "the first start");
    await client.setSecret("acme", "api", "burst", "WATCHED", "v2");
    await sleep(1500);
    expect(starts(run.lines())).toHaveLength(1);
    await client.setSecret("acme", "api", "burst", "WATCHED", "v3");
    await run.waitFor((lines) => starts(lines).length === 2, "the restart");
    // A few more polls: the burst made one restart only.
    await sleep(3000);
    const lines = run.lines();
    expect(starts(lines)).toHaveLength(2);
    expect(starts(lines)[1]).toMatch(/ v3$/);
    assertNoOverlap(lines);
    run.child.kill("SIGTERM");
    const result = await run.child;
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(report, "utf8")).restarts).toBe(1);
    // One line per restart at normal verbosity, names only.
    expect(run.stderr()).toBe("secr-run: restarted the program: secret WATCHED changed\n");
    // The offline snapshot was refreshed with the change.
    const offline = await runCli(
      [...targetArgs("burst", server.url), "--offline", "--", NODE, "-e", "process.stdout.write(process.env.WATCHED)"],
      {
        env: { SECR_TOKEN: server.token, ...cache },
      },
    );
    expect(offline.stdout).toBe("v3");
  });

  it("--reload-signal sends the signal, rewrites --file, and keeps the child's pid", async () => {
    const run = watchRun("reload", ["--reload-signal", "HUP", "--file", "WATCHED"]);
    await run.waitFor((lines) => starts(lines).length === 1, "the first start");
    await client.setSecret("acme", "api", "reload", "WATCHED", "reloaded-r2");
    await run.waitFor((lines) => lines.some((line) => line.startsWith("hup ")), "the reload");
    const lines = run.lines();
    expect(starts(lines)).toHaveLength(1);
    const pid = starts(lines)[0]!.split(" ")[1];
    expect(lines.find((line) => line.startsWith("hup "))).toBe(`hup ${pid} reloaded-r2`);
    run.child.kill("SIGTERM");
    expect((await run.child).exitCode).toBe(0);
    expect(run.stderr()).toBe("secr-run: reloaded the program with SIGHUP: secret WATCHED changed\n");
  });

  it("-q: a restart says nothing", async () => {
    const run = watchRun("quiet", ["-q"]);
    await run.waitFor((lines) => starts(lines).length === 1, "the first start");
    await client.setSecret("acme", "api", "quiet", "WATCHED", "quiet-2");
    await client.setSecret("acme", "api", "quiet", "OTHER", "quiet-o2");
    await run.waitFor((lines) => starts(lines).length === 2, "the restart");
    run.child.kill("SIGTERM");
    expect((await run.child).exitCode).toBe(0);
    expect(run.stderr()).toBe("");
  });

  it("keeps the running child when the new set would not start, warns once naming the key, keeps watching", async () => {
    const run = watchRun("invalid", []);
    await run.waitFor((lines) => starts(lines).length === 1, "the first start");
    await client.deleteSecret("acme", "api", "invalid", "REQ");
    const deadline = Date.now() + 20_000;
    while (!run.stderr().includes("would not start") && Date.now() < deadline) await sleep(50);
    expect(run.stderr()).toMatch(/would not start.*REQ/);
    await sleep(2500); // more polls: no second warning, no restart
    expect(run.stderr().match(/would not start/g)).toHaveLength(1);
    expect(starts(run.lines())).toHaveLength(1);
    expect(run.lines().some((line) => line.startsWith("stop"))).toBe(false);
    // Fixed again, with a new value: the watch went on.
    await client.setSecret("acme", "api", "invalid", "REQ", "back");
    await client.setSecret("acme", "api", "invalid", "WATCHED", "v-fixed");
    await run.waitFor((lines) => starts(lines).length === 2, "the restart after the fix");
    expect(starts(run.lines())[1]).toMatch(/ v-fixed$/);
    run.child.kill("SIGTERM");
    expect((await run.child).exitCode).toBe(0);
  });

  it("--watch-keys: a change to another key restarts nothing", async () => {
    const run = watchRun("keys", ["--watch-keys", "WATCHED"]);
    await run.waitFor((lines) => starts(lines).length === 1, "the first start");
    await client.setSecret("acme", "api", "keys", "OTHER", "o2");
    await sleep(3000);
    expect(starts(run.lines())).toHaveLength(1);
    await client.setSecret("acme", "api", "keys", "WATCHED", "k2");
    await run.waitFor((lines) => starts(lines).length === 2, "the restart");
    run.child.kill("SIGTERM");
    expect((await run.child).exitCode).toBe(0);
  });

  // The baseline is the values the child got, whatever their source: here a snapshot another
  // run wrote (--share-window), after which an unwatched key changed at secr.
  it("--watch-keys from a shared start: an unwatched key changed since that fetch restarts nothing; the watched key's change does", async () => {
    const cacheDir = join(dir.path, "sharedkeys-cache");
    const target = [...targetArgs("sharedkeys", server.url), "--cache-dir", cacheDir];
    expect(
      (await runCli([...target, "--", NODE, "-e", "0"], { env: cleanEnv({ SECR_TOKEN: server.token }) })).exitCode,
    ).toBe(0);
    await client.setSecret("acme", "api", "sharedkeys", "OTHER", "o2");
    const run = watchRun("sharedkeys", [
      "--cache-dir",
      cacheDir,
      "--share-window",
      "10m",
      "--watch-keys",
      "WATCHED",
      "-v",
    ]);
    await run.waitFor((lines) => starts(lines).length === 1, "the first start");
    expect(run.stderr()).toMatch(/secrets from the (fetch|snapshot) another secr-run/); // a shared start
    await sleep(3000); // two polls or more
    expect(starts(run.lines()), run.stderr()).toHaveLength(1);
    await client.setSecret("acme", "api", "sharedkeys", "WATCHED", "k2");
    await run.waitFor((lines) => starts(lines).length === 2, "the restart");
    expect(starts(run.lines())[1]).toMatch(/ k2$/);
    run.child.kill("SIGTERM");
    expect((await run.child).exitCode).toBe(0);
  });

  it("--mask applies to each new child, with the new values", async () => {
    await client.setSecret("acme", "api", "mask", "WATCHED", "mask-value-one-7q");
    const run = watchRun("mask", ["--mask"], ["print"]);
    await run.waitFor((lines) => starts(lines).length === 1, "the first start");
    await client.setSecret("acme", "api", "mask", "WATCHED", "mask-value-two-8r");
    await run.waitFor((lines) => starts(lines).length === 2, "the restart");
    run.child.kill("SIGTERM");
    const result = await run.child;
    expect(result.exitCode).toBe(0);
    expect(run.stdout()).toBe("value=[secr:WATCHED]\nvalue=[secr:WATCHED]\n");
    expect(run.stderr()).not.toMatch(/mask-value/);
  });

  it("survives an outage: the child keeps running, one warning, and changes apply once secr is back", async () => {
    const proxy = await startProxy(new URL(server.url));
    try {
      const run = watchRun("outage", [], [], proxy.url);
      await run.waitFor((lines) => starts(lines).length === 1, "the first start");
      await proxy.pause();
      await sleep(4000); // several failed polls
      expect(run.stderr().match(/cannot reach secr/g)).toHaveLength(1);
      await client.setSecret("acme", "api", "outage", "WATCHED", "after-outage");
      await proxy.resume();
      await run.waitFor((lines) => starts(lines).length === 2, "the restart after the outage", 30_000);
      expect(starts(run.lines())[1]).toMatch(/ after-outage$/);
      expect(run.stderr()).toMatch(/reachable again/);
      run.child.kill("SIGTERM");
      expect((await run.child).exitCode).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it(
    "rate limit: a change every poll restarts 6 times, then restarts pause with one warning (docs/design/watch.md)",
    { timeout: 120_000 },
    async () => {
      const report = join(dir.path, "rate-report.json");
      // No debounce: every poll that sees a change applies it. The window is a minute and the
      // test lasts well under one, so the seventh change must wait.
      const run = watchRun("rate", ["--report-json", report], [], server.url, "0");
      await run.waitFor((lines) => starts(lines).length === 1, "the first start");
      for (let restart = 1; restart <= 6; restart++) {
        await client.setSecret("acme", "api", "rate", "WATCHED", `r${restart}`);
        await run.waitFor((lines) => starts(lines).length === restart + 1, `restart ${restart}`);
      }
      await client.setSecret("acme", "api", "rate", "WATCHED", "r7");
      const deadline = Date.now() + 20_000;
      while (!/pausing restarts/.test(run.stderr()) && Date.now() < deadline) await sleep(50);
      const pause = /more than 6 restarts within 60s: pausing restarts for (\d+)s/.exec(run.stderr());
      expect(pause, run.stderr()).not.toBeNull();
      expect(Number(pause![1])).toBeGreaterThan(0);
      expect(Number(pause![1])).toBeLessThanOrEqual(60);
      // More changes during the pause: still no restart, no second warning.
      await client.setSecret("acme", "api", "rate", "WATCHED", "r8");
      await sleep(2500);
      const lines = run.lines();
      expect(starts(lines)).toHaveLength(7);
      expect(starts(lines)[6]).toMatch(/ r6$/);
      expect(run.stderr().match(/pausing restarts/g)).toHaveLength(1);
      assertNoOverlap(lines);
      run.child.kill("SIGTERM");
      expect((await run.child).exitCode).toBe(0);
      expect(JSON.parse(readFileSync(report, "utf8")).restarts).toBe(6);
    },
  );

  it("--stop-timeout: a child that ignores the stop signal gets SIGKILL, then the new child starts", async () => {
    const run = watchRun("stubborn", ["--stop-timeout", "1s"], ["stubborn"]);
    try {
      await run.waitFor((lines) => starts(lines).length === 1, "the first start");
      const first = Number(starts(run.lines())[0]!.split(" ")[1]);
      await client.setSecret("acme", "api", "stubborn", "WATCHED", "after-kill");
      await run.waitFor((lines) => starts(lines).length === 2, "the start after SIGKILL");
      const lines = run.lines();
      expect(lines).toContain(`ignored ${first}`);
      expect(starts(lines)[1]).toMatch(/ after-kill$/);
      // Killed, it wrote no `stop` line: the new child itself checked that the old one was gone.
      expect(
        lines.filter((line) => line.startsWith("alive ")),
        lines.join("\n"),
      ).toEqual([]);
      expect(() => process.kill(first, 0)).toThrow(/ESRCH/);
      expect(run.stderr()).toMatch(/the child did not stop within 1000 ms of SIGTERM; sending SIGKILL/);
      // The timer was the old child's: the new one, also ignoring SIGTERM, is not killed by it.
      await sleep(2000);
      const second = Number(starts(run.lines())[1]!.split(" ")[1]);
      expect(() => process.kill(second, 0)).not.toThrow();
      expect(run.stderr().match(/sending SIGKILL/g)).toHaveLength(1);
    } finally {
      // The children ignore SIGTERM; SIGINT (forwarded) ends them.
      run.child.kill("SIGINT");
    }
    expect((await run.child).exitCode).toBe(0);
  });

  it("SIGTERM during a restart: the stopping child ends, no new one starts, secr-run exits with its status", async () => {
    const run = watchRun("term", [], ["slow"]);
    await run.waitFor((lines) => starts(lines).length === 1, "the first start");
    await client.setSecret("acme", "api", "term", "WATCHED", "never-started");
    await run.waitFor((lines) => lines.some((line) => line.startsWith("stopping ")), "the restart's stop");
    run.child.kill("SIGTERM");
    const result = await run.child;
    expect(result.exitCode).toBe(7);
    await sleep(300);
    expect(starts(run.lines())).toHaveLength(1);
    expect(run.lines().some((line) => line.startsWith("stop "))).toBe(true);
  });
});

/** A TCP proxy to the server that can be paused (listener closed, connections cut) and resumed
 *  on the same port: an outage of secr as the client sees it. */
async function startProxy(
  target: URL,
): Promise<{ url: string; pause(): Promise<void>; resume(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const make = () =>
    createServer((socket) => {
      const upstream = connect(Number(target.port), target.hostname);
      sockets.add(socket).add(upstream);
      socket.pipe(upstream).pipe(socket);
      const drop = () => {
        socket.destroy();
        upstream.destroy();
        sockets.delete(socket);
        sockets.delete(upstream);
      };
      socket.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
    });
  const listen = (srv: Server, port: number) =>
    new Promise<void>((resolve, reject) => srv.once("error", reject).listen(port, "127.0.0.1", () => resolve()));
  let srv: Server | undefined = make();
  await listen(srv, 0);
  const port = (srv.address() as { port: number }).port;
  const stop = async () => {
    const closing = srv;
    srv = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    pause: stop,
    resume: async () => {
      srv = make();
      await listen(srv, port);
    },
    close: stop,
  };
}
