// The journal beside the data file: replay after kill -9, a torn last record, tampering of any
// kind refused with both files left as they were, compaction cut short at each step, old files.
import { randomBytes } from "node:crypto";
import { appendFile, copyFile, mkdir, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { DataFileError, startServer, UnsafeDataDirError } from "../../src/server/index.js";
import { seal } from "../../src/server/persistence/crypto.js";
import { JOURNAL_HEADER_BYTES } from "../../src/server/persistence/journal.js";
import { startLocalServer } from "../helpers/local-server.js";
import { fileTempDir } from "../helpers/temp.js";
import { ADMIN, seed } from "./fixtures.js";

const KEY = randomBytes(32);
/** A data directory that does not exist yet (its parent does), removed after the file. */
async function tempDir(): Promise<string> {
  return join(fileTempDir("secr-journal-").path, "data");
}

/** Starts in-process, runs `use` with a client, closes. */
async function withServer<T>(
  dataPath: string,
  use: (client: SecrClient, api: Api) => Promise<T>,
  extra: { compactMinBytes?: number } = {},
): Promise<T> {
  const server = await startServer({ port: 0, seed, dataPath, key: KEY, ...extra });
  const client = new SecrClient({ apiUrl: server.url, token: ADMIN, maxRetries: 0 });
  const api: Api = async (method, path, body) => {
    const response = await fetch(`${server.url}/v1/projects/acme/api/${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, `${method} ${path}`).toBeLessThan(300);
    return response.json();
  };
  try {
    return await use(client, api);
  } finally {
    await client.close();
    await server.close();
  }
}

type Api = (method: string, path: string, body?: unknown) => Promise<unknown>;

const devKeys = async (client: SecrClient) =>
  Object.fromEntries((await client.pullAllSecrets("acme", "api", "development")).map((s) => [s.key, s.value]));

/** Splits a journal into its header and framed records. */
function records(journal: Buffer): { header: Buffer; records: Buffer[] } {
  const out: Buffer[] = [];
  let offset = JOURNAL_HEADER_BYTES;
  while (offset < journal.length) {
    const end = offset + 8 + journal.readUInt32BE(offset);
    out.push(journal.subarray(offset, end));
    offset = end;
  }
  return { header: journal.subarray(0, JOURNAL_HEADER_BYTES), records: out };
}

/** A store with three journal records (one per PUT) after the seed's snapshot. */
async function storeWithRecords(): Promise<{ dataPath: string; journal: Buffer; data: Buffer }> {
  const dataPath = await tempDir();
  await withServer(dataPath, async (client) => {
    for (const n of [1, 2, 3]) await client.setSecret("acme", "api", "development", `K${n}`, `value-${n}`);
  });
  const journal = await readFile(join(dataPath, "data.journal"));
  expect(records(journal).records).toHaveLength(3);
  return { dataPath, journal, data: await readFile(join(dataPath, "data.secr")) };
}

async function expectRefused(dataPath: string, pattern: RegExp): Promise<void> {
  const before = {
    data: await readFile(join(dataPath, "data.secr")),
    journal: await readFile(join(dataPath, "data.journal")),
  };
  const error = await startServer({ port: 0, dataPath, key: KEY, adminToken: "t" }).then(
    async (server) => {
      await server.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataFileError);
  expect((error as Error).message).toMatch(pattern);
  // Never overwritten, never truncated.
  expect(await readFile(join(dataPath, "data.secr"))).toEqual(before.data);
  expect(await readFile(join(dataPath, "data.journal"))).toEqual(before.journal);
}

it("replays the journal after kill -9: every acknowledged PUT is there, from records, not a rewrite", async () => {
  const dataDir = await tempDir();
  await mkdir(dataDir, { mode: 0o700 });
  const first = await startLocalServer({ seed, dataDir, token: "secr_cli_journal" });
  const client = new SecrClient({ apiUrl: first.url, token: first.token, maxRetries: 0 });
  for (let n = 0; n < 10; n++) await client.setSecret("acme", "api", "development", `KILLED_${n}`, `v${n}`);
  await client.close();
  const snapshotBefore = await readFile(join(dataDir, "data.secr"));
  await first.stop("SIGKILL");
  // The writes went to the journal only: the snapshot is the one written at start.
  expect(await readFile(join(dataDir, "data.secr"))).toEqual(snapshotBefore);
  expect(records(await readFile(join(dataDir, "data.journal"))).records).toHaveLength(10);
  const second = await startLocalServer({ seed, dataDir, token: "secr_cli_journal" });
  const c2 = new SecrClient({ apiUrl: second.url, token: second.token, maxRetries: 0 });
  const values = await devKeys(c2);
  await c2.close();
  await second.stop();
  for (let n = 0; n < 10; n++) expect(values[`KILLED_${n}`]).toBe(`v${n}`);
});

it("tolerates a torn last record (crash mid-append): drops it, keeps the rest, appends after it", async () => {
  const { dataPath, journal } = await storeWithRecords();
  const extra = records(journal).records[2]!;
  for (const cut of [3, 8, 20, extra.length - 1]) {
    await writeFile(join(dataPath, "data.journal"), Buffer.concat([journal, extra.subarray(0, cut)]));
    await withServer(dataPath, async (client) => {
      expect(await devKeys(client)).toMatchObject({ K1: "value-1", K2: "value-2", K3: "value-3" });
    });
    expect(await readFile(join(dataPath, "data.journal"))).toEqual(journal);
  }
  // Zeros where the append never landed (some file systems after a crash) are a torn tail too.
  await appendFile(join(dataPath, "data.journal"), Buffer.alloc(50));
  await withServer(dataPath, async (client) => {
    await client.setSecret("acme", "api", "development", "K4", "value-4");
  });
  await withServer(dataPath, async (client) => {
    expect(await devKeys(client)).toMatchObject({ K1: "value-1", K3: "value-3", K4: "value-4" });
  });
});

it("refuses to start when any byte of the journal is flipped, and leaves both files untouched", async () => {
  const { dataPath, journal } = await storeWithRecords();
  const path = join(dataPath, "data.journal");
  // Every byte of the header (magic, key id, journal id); in every complete record, every byte
  // of the frame and bytes of the iv, tag and ciphertext.
  const positions = [...Array(JOURNAL_HEADER_BYTES).keys()];
  let offset = JOURNAL_HEADER_BYTES;
  for (const record of records(journal).records) {
    for (const at of [0, 1, 2, 3, 4, 5, 6, 7, 8, 19, 20, 35, 36, Math.floor(record.length / 2), record.length - 1])
      positions.push(offset + at);
    offset += record.length;
  }
  expect(offset).toBe(journal.length);
  for (const i of positions) {
    const bad = Buffer.from(journal);
    bad[i]! ^= 0x01;
    await writeFile(path, bad);
    await expectRefused(dataPath, /journal|different key|tampered|corrupt/);
  }
  await writeFile(path, journal);
  await withServer(dataPath, async (client) => expect(await devKeys(client)).toMatchObject({ K3: "value-3" }));
});

it("refuses records reordered, dropped from the middle, or spliced from another journal", async () => {
  const { dataPath, journal } = await storeWithRecords();
  const {
    header,
    records: [r1, r2, r3],
  } = records(journal);
  const path = join(dataPath, "data.journal");
  const other = await storeWithRecords(); // same key, another store
  const foreign = records(other.journal).records[1]!;
  for (const bad of [
    [r2, r1, r3],
    [r1, r3],
    [r2, r3],
    [r1, foreign, r3],
    [r1, r2, r3, r3],
  ]) {
    await writeFile(path, Buffer.concat([header, ...bad.map((r) => r!)]));
    await expectRefused(dataPath, /failed authentication/);
  }
  // Another store's whole journal beside this data file.
  await writeFile(path, other.journal);
  await expectRefused(dataPath, /does not belong/);
});

it("recovers from a compaction cut short at each step", async () => {
  const V5 = "value-5-".padEnd(4000, "x");
  const { dataPath, journal, data } = await storeWithRecords();
  const saved = join(dataPath, "..", "saved");
  await mkdir(saved);
  await copyFile(join(dataPath, "data.journal"), join(saved, "journal"));
  // A tiny threshold and a record larger than the snapshot: this write compacts after it.
  await withServer(dataPath, async (client) => client.setSecret("acme", "api", "development", "K5", V5), {
    compactMinBytes: 1,
  });
  const compacted = await readFile(join(dataPath, "data.secr"));
  expect(compacted).not.toEqual(data);
  expect((await readFile(join(dataPath, "data.journal"))).length).toBe(JOURNAL_HEADER_BYTES);

  // 1. Killed before the new snapshot's rename: old snapshot, old journal, a temp file.
  await writeFile(join(dataPath, "data.secr"), data);
  await writeFile(join(dataPath, "data.journal"), journal);
  await writeFile(join(dataPath, ".tmp-0123456789abcdef01234567"), randomBytes(100));
  await withServer(dataPath, async (client) =>
    expect(await devKeys(client)).toMatchObject({ K1: "value-1", K3: "value-3" }),
  );
  expect((await readdir(dataPath)).sort()).toEqual(["data.journal", "data.secr"]);

  // 2. Killed after the new snapshot, before the journal was replaced: the old journal is stale.
  await writeFile(join(dataPath, "data.secr"), compacted);
  await writeFile(join(dataPath, "data.journal"), journal);
  await withServer(dataPath, async (client) => {
    expect(await devKeys(client)).toMatchObject({ K1: "value-1", K3: "value-3", K5: V5 });
    await client.setSecret("acme", "api", "development", "K6", "value-6");
  });
  await withServer(dataPath, async (client) => expect(await devKeys(client)).toMatchObject({ K5: V5, K6: "value-6" }));

  // 3. Killed after the new snapshot, with no journal at all yet.
  await writeFile(join(dataPath, "data.secr"), compacted);
  await rm(join(dataPath, "data.journal"));
  await withServer(dataPath, async (client) => expect(await devKeys(client)).toMatchObject({ K5: V5 }));
});

it("keeps every write through many compactions and restarts", async () => {
  const dataPath = await tempDir();
  const want: Record<string, string> = {};
  for (let round = 0; round < 4; round++) {
    const snapshot = await readFile(join(dataPath, "data.secr")).catch(() => Buffer.alloc(0));
    await withServer(
      dataPath,
      async (client, api) => {
        await Promise.all(
          Array.from({ length: 20 }, async (_, n) => {
            const key = `R${n % 7}`;
            const value = `round-${round}-${n}`;
            await client.setSecret("acme", "api", "development", key, value);
          }),
        );
        // Sequential too: 20 records outgrow the (small) snapshot, so this round compacts.
        for (let n = 0; n < 20; n++)
          await client.setSecret("acme", "api", "development", `S${n % 3}`, `seq-${round}-${n}`);
        for (const s of await client.pullAllSecrets("acme", "api", "development")) want[s.key] = s.value;
        await api("POST", "environments", { slug: `env${round}` });
        await client.bulkSetSecrets("acme", "api", `env${round}`, [{ key: "A", value: `a${round}` }]);
        if (round > 0) await api("DELETE", `environments/env${round - 1}`);
      },
      { compactMinBytes: 600 },
    );
    expect(await readFile(join(dataPath, "data.secr"))).not.toEqual(snapshot); // it did compact
    await withServer(dataPath, async (client, api) => {
      expect(await devKeys(client)).toEqual(want);
      const envs = ((await api("GET", "environments")) as { environments: { slug: string }[] }).environments.map(
        (e) => e.slug,
      );
      expect(envs).toContain(`env${round}`);
      if (round > 0) expect(envs).not.toContain(`env${round - 1}`);
    });
  }
});

it("loads a format-1 data file (no journal) and carries on with a journal", async () => {
  const dataPath = await tempDir();
  await mkdir(dataPath, { mode: 0o700 });
  const state = {
    format: 2,
    tokens: [],
    orgs: [
      [
        "acme",
        [
          [
            "api",
            {
              environments: [
                ["development", [["OLD", { value: "from-v1", version: 3, updatedAt: "2026-01-01T00:00:00.000Z" }]]],
              ],
              templates: [],
            },
          ],
        ],
      ],
    ],
  };
  await writeFile(join(dataPath, "data.secr"), seal(JSON.stringify(state), KEY), { mode: 0o600 });
  await withServer(dataPath, async (client) => {
    expect((await devKeys(client)).OLD).toBe("from-v1");
    await client.setSecret("acme", "api", "development", "NEW", "after-upgrade");
  });
  expect((await readFile(join(dataPath, "data.secr"))).subarray(0, 8).toString()).toBe("SECRSRV2");
  await withServer(dataPath, async (client) =>
    expect(await devKeys(client)).toMatchObject({ OLD: "from-v1", NEW: "after-upgrade" }),
  );
});

it("never follows a journal that is a symbolic link: refused at start, replaced (not written through) while running", async () => {
  const { dataPath, journal } = await storeWithRecords();
  const victim = join(dataPath, "..", "victim");
  await writeFile(victim, "do not overwrite\n");
  await rm(join(dataPath, "data.journal"));
  await symlink(victim, join(dataPath, "data.journal"));
  await expect(startServer({ port: 0, dataPath, key: KEY, adminToken: "t" })).rejects.toBeInstanceOf(
    UnsafeDataDirError,
  );
  expect(await readFile(victim, "utf8")).toBe("do not overwrite\n");

  await rm(join(dataPath, "data.journal"));
  await writeFile(join(dataPath, "data.journal"), journal);
  await withServer(dataPath, async (client) => {
    await rm(join(dataPath, "data.journal"));
    await symlink(victim, join(dataPath, "data.journal"));
    await expect(client.setSecret("acme", "api", "development", "LINKED", "never-through-the-link")).rejects.toThrow();
    // The next write rewrites snapshot and journal, replacing the link itself.
    await client.setSecret("acme", "api", "development", "AFTER", "value");
  });
  expect(await readFile(victim, "utf8")).toBe("do not overwrite\n");
  await withServer(dataPath, async (client) => {
    const values = await devKeys(client);
    expect(values).toMatchObject({ K3: "value-3", AFTER: "value" });
    expect(values.LINKED).toBeUndefined();
  });
});
