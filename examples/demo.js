#!/usr/bin/env node
// `npm run demo`: the main job end to end with no account and no network.
//   1. start `secr-run serve` on a free loopback port, seeded from examples/seed.json, with a
//      throw-away data directory;
//   2. run `secr-run --env production -- node app.js` in examples/ (org and project come from
//      examples/.secr.json, the URL and token from SECR_API_URL / SECR_TOKEN);
//   3. stop the server and exit with the app's status.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const examples = fileURLToPath(new URL(".", import.meta.url));
const cli = fileURLToPath(new URL("../bin/secr-run.js", import.meta.url));
const token = "secr_cli_dev"; // the admin token of examples/seed.json: a demo value, not a secret
const dataDir = mkdtempSync(join(tmpdir(), "secr-run-demo-"));

const server = spawn(
  process.execPath,
  [cli, "serve", "--port", "0", "--data", dataDir, "--seed", join(examples, "seed.json"), "--quiet"],
  // The token goes in the environment, not argv (visible to every user in ps).
  { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, SECR_SERVE_TOKEN: token } },
);

function withoutSecrSettings(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("SECR_")));
}

function stopServer() {
  return new Promise((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve();
    server.once("exit", () => resolve());
    server.kill("SIGTERM");
  });
}

async function main() {
  const url = await new Promise((resolve, reject) => {
    server.once("exit", (code) => reject(new Error(`secr-run serve exited (${code}) before it was ready`)));
    const lines = createInterface({ input: server.stdout });
    lines.once("line", (line) => {
      try {
        resolve(JSON.parse(line).url);
      } catch {
        reject(new Error(`unexpected first line from secr-run serve: ${line}`));
      }
    });
  });
  console.error(`demo: local secr server at ${url}, seeded from examples/seed.json (org acme, project api)`);
  console.error("demo: $ secr-run --env production -- node app.js    # in examples/, next to .secr.json");

  const app = spawn(process.execPath, [cli, "--env", "production", "--", "node", "app.js"], {
    cwd: examples,
    stdio: "inherit",
    // Settings from the caller's shell (SECR_ORG, ...) would take precedence over .secr.json: drop them.
    env: { ...withoutSecrSettings(process.env), SECR_API_URL: url, SECR_TOKEN: token },
  });
  const [code, signal] = await new Promise((resolve) => app.once("exit", (c, s) => resolve([c, s])));
  console.error(`demo: secr-run exited with ${signal ?? code}`);
  return signal ? 1 : code;
}

main()
  .then(
    (code) => (process.exitCode = code ?? 1),
    (error) => {
      console.error(`demo: ${error.message}`);
      process.exitCode = 1;
    },
  )
  .finally(async () => {
    await stopServer();
    rmSync(dataDir, { recursive: true, force: true });
  });
