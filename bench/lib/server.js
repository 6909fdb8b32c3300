// The local server the secr-run rows pull from: `secr-run serve` started once, outside every
// timing, plus a counting reverse proxy used only in the (untimed) runs that count requests.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ORG, ENV, TOKEN, projectFor } from "./fixtures.js";

/**
 * Start `node <cli> serve` (the built bin/secr-run.js) on a free loopback port with the seed file, its data and key
 * under `dir` (HOME and XDG dirs point there too, so nothing touches the real home).
 * Resolves to { url, stop() } or throws with the server's last stderr lines.
 */
export async function startServer({ cli, dir, seedFile, timeoutMs = 30_000 }) {
  const env = {
    ...process.env,
    HOME: dir,
    XDG_DATA_HOME: join(dir, "data-home"),
    XDG_CONFIG_HOME: join(dir, "config-home"),
    SECR_SERVE_TOKEN: TOKEN, // not --token: argv is public
  };
  const args = [
    cli,
    "serve",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--seed",
    seedFile,
    "--data",
    join(dir, "data"),
    "--quiet",
  ];
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  const stderrTail = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await once(child, "exit");
    clearTimeout(timer);
  };

  const url = await new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`${why}${stderrTail.length ? `: ${stderrTail.slice(-3).join(" | ")}` : ""}`));
    };
    const timer = setTimeout(() => fail(`no URL on stdout within ${timeoutMs} ms`), timeoutMs);
    child.once("exit", (code, signal) => fail(`secr-run serve exited (${signal ?? code})`));
    child.once("error", (error) => fail(`secr-run serve did not start: ${error.message}`));
    createInterface({ input: child.stdout }).on("line", (line) => {
      // The contract is "one machine-readable line with its URL": accept JSON {url}, KEY=URL or a bare URL.
      let found;
      try {
        found = JSON.parse(line).url;
      } catch {
        found = /https?:\/\/[^\s"']+/.exec(line)?.[0];
      }
      if (found) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve(found.replace(/\/$/, ""));
      }
    });
  });
  return { url, stop, pid: child.pid };
}

/** GET every secret of a seeded size straight from the server: proves the seed loaded before any timing. */
export async function checkSeed(url, count) {
  const res = await fetch(`${url}/v1/secrets/${ORG}/${projectFor(count)}/${ENV}?limit=1`, {
    headers: { authorization: `Bearer ${TOKEN}`, accept: "application/json" },
  });
  const body = await res.json().catch(() => ({}));
  const total = body.pagination?.total ?? body.secrets?.length;
  if (res.status !== 200 || total !== count) {
    throw new Error(`seed check for ${count} secrets: HTTP ${res.status}, ${total ?? "no"} secrets`);
  }
}

/** A reverse proxy in front of `target` that counts the HTTP requests passing through it.
 *  `keepAlive: false` opens one upstream connection per request: no idle upstream socket that
 *  the server closes just as the proxy reuses it, under bursts of concurrent clients. */
export async function startCountingProxy(target, { keepAlive = true } = {}) {
  const upstream = new URL(target);
  let count = 0;
  const agent = new http.Agent({ keepAlive });
  const server = http.createServer((req, res) => {
    count++;
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    take() {
      const n = count;
      count = 0;
      return n;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      agent.destroy();
    },
  };
}

/**
 * The delaying proxy of delay-proxy.js, in a process of its own (the timed runs block this
 * one's event loop). Resolves to { url, stop() }.
 */
export async function startDelayProxy(target, rttMs) {
  const child = spawn(
    process.execPath,
    [new URL("./delay-proxy.js", import.meta.url).pathname, target, String(rttMs)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = await once(createInterface({ input: child.stdout }), "line");
  return {
    url: line.trim(),
    async stop() {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}
