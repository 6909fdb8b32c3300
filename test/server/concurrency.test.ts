// 50 concurrent writers over real HTTP: no lost update, consistent versions, and the
// grouped durable writes survive a restart.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { startServer } from "../../src/server/index.js";
import { ADMIN, seed } from "./fixtures.js";

const WRITERS = 50;
const ROUNDS = 10;
let dataPath: string;
afterAll(async () => {
  if (dataPath) await rm(dataPath, { recursive: true, force: true });
});

it(`${WRITERS} concurrent writers: every update counted once, versions unique and gapless`, async () => {
  dataPath = await mkdtemp(join(tmpdir(), "secr-concurrency-"));
  const server = await startServer({ port: 0, seed, dataPath });
  const clients = Array.from(
    { length: WRITERS },
    () => new SecrClient({ apiUrl: server.url, token: ADMIN, maxRetries: 0 }),
  );

  const sharedVersions: number[] = [];
  const bulkCreated: number[] = [];
  // Readers pulling all along never see a version go backwards (no stale cached answer).
  let writing = true;
  const reader = async () => {
    const client = new SecrClient({ apiUrl: server.url, token: ADMIN, maxRetries: 0 });
    let last = 0;
    let reads = 0;
    while (writing) {
      const shared = (await client.listKeys("acme", "api", "development", { search: "SHARED" })).keys[0];
      const version = shared?.version ?? 0;
      expect(version).toBeGreaterThanOrEqual(last);
      last = version;
      reads++;
    }
    await client.close();
    return reads;
  };
  const readers = [reader(), reader()];
  await Promise.all(
    clients.map(async (client, w) => {
      for (let n = 0; n < ROUNDS; n++) {
        const shared = await client.setSecret("acme", "api", "development", "SHARED", `w${w}-n${n}`);
        sharedVersions.push(shared.version);
        const own = await client.setSecret("acme", "api", "development", `OWN_${w}`, `n${n}`);
        expect(own.version).toBe(n + 1); // one writer per key: strictly its own sequence
      }
      const bulk = await client.bulkSetSecrets("acme", "api", "development", [
        { key: "BULK_A", value: `w${w}` },
        { key: "BULK_B", value: `w${w}` },
      ]);
      expect(bulk.total).toBe(2);
      bulkCreated.push(bulk.created);
    }),
  );

  writing = false;
  expect((await Promise.all(readers)).every((reads) => reads > 0)).toBe(true);
  expect(sharedVersions.sort((a, b) => a - b)).toEqual(Array.from({ length: WRITERS * ROUNDS }, (_, i) => i + 1));
  expect(bulkCreated.reduce((a, b) => a + b, 0)).toBe(2); // exactly one writer created the pair
  const pulled = new Map((await clients[0]!.pullSecrets("acme", "api", "development")).secrets.map((s) => [s.key, s]));
  expect(pulled.get("SHARED")!.version).toBe(WRITERS * ROUNDS);
  // Bulk is atomic: both keys always carry the same writer's value.
  expect(pulled.get("BULK_A")!.value).toBe(pulled.get("BULK_B")!.value);
  expect(pulled.get("BULK_A")!.version).toBe(WRITERS);
  await Promise.all(clients.map((c) => c.close()));
  await server.close();

  // Everything acknowledged was durable: a fresh server on the same directory sees it all.
  const again = await startServer({ port: 0, dataPath });
  const client = new SecrClient({ apiUrl: again.url, token: ADMIN, maxRetries: 0 });
  const after = new Map((await client.pullSecrets("acme", "api", "development")).secrets.map((s) => [s.key, s]));
  expect(after.get("SHARED")).toEqual(pulled.get("SHARED"));
  for (let w = 0; w < WRITERS; w++)
    expect(after.get(`OWN_${w}`)).toMatchObject({ version: ROUNDS, value: `n${ROUNDS - 1}` });
  await client.close();
  await again.close();
});
