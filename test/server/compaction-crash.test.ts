// SIGKILL at random moments while the journal is compacted every few writes (the snapshot
// rewritten, then the journal replaced): every restart must load, and every acknowledged write
// must be there. The server is a real process (bundled from runner/small-compaction-server.ts).
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { spawn, type ChildProcess } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { beforeAll, expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { bundleFixture } from "../helpers/bundle.js";
import { fileTempDir } from "../helpers/temp.js";

const KEY = randomBytes(32).toString("base64");
const TOKEN = "secr_cli_compaction";
const ROUNDS = 10;
const root = fileTempDir("secr-compaction-crash-").path;
let runner: string;

beforeAll(async () => {
  runner = await bundleFixture(
    new URL("./runner/small-compaction-server.ts", import.meta.url),
    join(root, "runner.mjs"),
    { require: true },
  );
});

async function start(dataPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [runner, dataPath], {
    env: { ...process.env, SECR_TEST_KEY: KEY },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout! });
  const [url] = (await Promise.race([
    once(lines, "line"),
    once(child, "exit").then(() => Promise.reject(new Error(`server exited: ${stderr}`))),
  ])) as [string];
  return { child, url };
}

it(`keeps every acknowledged write through ${ROUNDS} SIGKILLs during writes and compactions`, async () => {
  const dataPath = join(root, "data");
  const acked = new Map<string, { value: string; version: number }>();
  let writes = 0;
  const snapshots = new Set<string>();
  for (let round = 0; round < ROUNDS; round++) {
    const { child, url } = await start(dataPath);
    const client = new SecrClient({ apiUrl: url, token: TOKEN, maxRetries: 0, timeout: 10_000 });
    if (round === 0) {
      const created = await fetch(`${url}/v1/projects/acme`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ slug: "api" }),
      });
      expect(created.status).toBe(201);
    }
    const secrets = new Map((await client.pullAllSecrets("acme", "api", "development")).map((s) => [s.key, s]));
    for (const [key, want] of acked) {
      const got = secrets.get(key);
      expect(got, `acknowledged write of ${key} lost`).toBeDefined();
      expect(got!.version, key).toBeGreaterThanOrEqual(want.version);
      if (got!.version === want.version) expect(got!.value, key).toBe(want.value);
    }
    let dead = false;
    const writer = async (w: number) => {
      for (let n = 0; !dead; n++) {
        // Few keys, large values: the journal soon outgrows the snapshot, so compactions are frequent.
        const key = `K${w}_${n % 3}`;
        const value = `${round}-${w}-${n}-`.padEnd(2000, "x");
        try {
          const { version } = await client.setSecret("acme", "api", "development", key, value);
          acked.set(key, { value, version });
          writes++;
        } catch {
          return; // the server died: this write was never acknowledged
        }
      }
    };
    const writers = [0, 1, 2].map(writer);
    await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 400));
    child.kill("SIGKILL");
    dead = true;
    await once(child, "exit").catch(() => {});
    await Promise.all(writers);
    await client.close();
    snapshots.add((await readFile(join(dataPath, "data.secr"))).toString("base64"));
  }
  expect(writes).toBeGreaterThan(ROUNDS * 3);
  // The snapshot was rewritten during (nearly) every round: the kills did land among compactions.
  expect(snapshots.size).toBeGreaterThan(ROUNDS / 2);
  const { child } = await start(dataPath);
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  expect([code, stderr]).toEqual([0, ""]);
  expect((await readdir(dataPath)).sort()).toEqual(["data.journal", "data.secr"]);
}, 90_000);
