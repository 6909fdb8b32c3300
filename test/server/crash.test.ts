// Crash safety: SIGKILL the real server at random moments during a stream of writes, many
// times, on one data directory. Every restart must load the file, and every write the
// server acknowledged before dying must be there.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { type LocalServer, startLocalServer } from "../helpers/local-server.js";
import { seed } from "./fixtures.js";

const ROUNDS = 20;
const MIN_ROUNDS = 8;
const BUDGET_MS = 25_000; // keeps the file well under 40 s on a loaded machine
const WRITERS = 4;
let dataDir: string;

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface Acked {
  value: string;
  version: number;
}

async function verify(server: LocalServer, acked: Map<string, Acked>): Promise<void> {
  const client = new SecrClient({ apiUrl: server.url, token: server.token, maxRetries: 0 });
  const secrets = new Map((await client.pullAllSecrets("acme", "api", "development")).map((s) => [s.key, s]));
  await client.close();
  for (const [key, want] of acked) {
    const got = secrets.get(key);
    expect(got, `acknowledged write of ${key} lost`).toBeDefined();
    // A later write may have landed without its answer; never an older state.
    expect(got!.version, key).toBeGreaterThanOrEqual(want.version);
    if (got!.version === want.version) expect(got!.value, key).toBe(want.value);
  }
}

it(`keeps every acknowledged write through ${MIN_ROUNDS}-${ROUNDS} SIGKILLs during writes`, async () => {
  dataDir = await mkdtemp(join(tmpdir(), "secr-crash-"));
  const acked = new Map<string, Acked>();
  let total = 0;
  const began = performance.now();
  let rounds = 0;
  for (let round = 0; round < ROUNDS && (round < MIN_ROUNDS || performance.now() - began < BUDGET_MS); round++) {
    rounds++;
    const server = await startLocalServer({ seed, dataDir, token: "secr_cli_crash" });
    await verify(server, acked);
    const client = new SecrClient({ apiUrl: server.url, token: server.token, maxRetries: 0, timeout: 10_000 });
    let dead = false;
    const writer = async (w: number) => {
      for (let n = 0; !dead; n++) {
        try {
          if (n % 5 === 4) {
            const batch = Array.from({ length: 3 }, (_, i) => ({
              key: `B_${round}_${w}_${n}_${i}`,
              value: `bulk-${round}-${w}-${n}-${i}`,
            }));
            await client.bulkSetSecrets("acme", "api", "development", batch);
            for (const entry of batch) acked.set(entry.key, { value: entry.value, version: 1 });
          } else {
            // Alternate between fresh keys and repeated updates of one key per writer.
            const key = n % 2 === 0 ? `U_${round}_${w}_${n}` : `SHARED_${w}`;
            const value = `value-${round}-${w}-${n}`;
            const { version } = await client.setSecret("acme", "api", "development", key, value);
            acked.set(key, { value, version });
          }
          total++;
        } catch {
          return; // the server died under us: this write was never acknowledged
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
    // Kill only once writes are flowing (a loaded machine can take longer than the random
    // pause to answer the first ones), then at a random moment among them.
    const before = total;
    while (total - before <= WRITERS && performance.now() - began < BUDGET_MS * 2)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 30 + Math.random() * 250));
    const stopping = server.stop("SIGKILL"); // kills at once, mid-stream
    dead = true;
    const result = await stopping;
    expect(result.signal).toBe("SIGKILL");
    await Promise.all(writers);
    await client.close().catch(() => {});
  }
  const last = await startLocalServer({ dataDir, token: "secr_cli_crash" });
  await verify(last, acked);
  await last.stop();
  expect(rounds).toBeGreaterThanOrEqual(MIN_ROUNDS);
  expect(total).toBeGreaterThan(rounds * WRITERS); // the test really raced writes against kills
  // No stray temp files left once a server has started and stopped cleanly.
  expect((await readdir(dataDir)).sort()).toEqual(["data.journal", "data.secr", "key"]);
}, 60_000);
