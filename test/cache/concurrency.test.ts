// Real parallel processes writing the same snapshot: the survivor must be one complete version.

import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { readSnapshot, type SnapshotIdentity } from "../../src/cache/index.js";
import { bundleFixture } from "../helpers/bundle.js";
import { fileTempDir } from "../helpers/temp.js";
import { makeIdentity, tempCacheDir } from "./helpers.js";

const WRITERS = 8;
const WRITES = 20;
const bundleDir = fileTempDir("secr-run-cache-bundle-");
let script: string;

beforeAll(async () => {
  // The child must run our TypeScript as is: bundle the fixture once.
  script = await bundleFixture(
    new URL("./fixtures/write-many.ts", import.meta.url),
    join(bundleDir.path, "write-many.mjs"),
  );
});

function writers(cacheDir: string, identity: SnapshotIdentity) {
  return Array.from({ length: WRITERS }, (_, w) =>
    execa(process.execPath, [script, cacheDir, `w${w}`, String(WRITES)], { input: JSON.stringify(identity) }),
  );
}

describe("concurrent writers", () => {
  it(`${WRITERS} processes × ${WRITES} writes leave one valid snapshot and no temp files`, async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity({ passphrase: undefined });
    // The cache dir and name key are created by the racing writers themselves.
    const results = await Promise.all(writers(cacheDir, identity));
    for (const r of results) expect(r.exitCode).toBe(0);

    const names = await readdir(cacheDir);
    expect(names.filter((n) => n.startsWith(".tmp-"))).toEqual([]);
    expect(names.filter((n) => n.endsWith(".snapshot"))).toHaveLength(1);
    const result = await readSnapshot(identity, { cacheDir, maxAgeMs: 0 });
    expect(result.kind).toBe("ok");
    if (result.kind !== "ok") return;
    const version = result.data.secrets.VERSION!;
    expect(version).toMatch(new RegExp(`^w[0-${WRITERS - 1}]-\\d+$`));
    expect(Number(version.split("-")[1])).toBeLessThan(WRITES);
    // Complete and self-consistent: every key carries the same version.
    expect(Object.keys(result.data.secrets)).toHaveLength(201);
    for (const [key, value] of Object.entries(result.data.secrets)) {
      if (key !== "VERSION") expect(value.startsWith(`${version}-`)).toBe(true);
    }
  });

  it("readers racing the writers only ever see a complete snapshot (or none yet)", async () => {
    const { cacheDir } = await tempCacheDir();
    const identity = makeIdentity();
    const running = Promise.all(writers(cacheDir, identity));
    let done = false;
    void running.finally(() => (done = true));
    const seen = new Set<string>();
    while (!done) {
      const result = await readSnapshot(identity, { cacheDir, maxAgeMs: 0 });
      seen.add(result.kind === "unreadable" ? `unreadable: ${result.reason}` : result.kind);
    }
    // Asserted only once the writers are done, so a failure never leaves them writing.
    await running;
    expect([...seen].filter((k) => k !== "ok" && k !== "missing")).toEqual([]);
    expect((await readSnapshot(identity, { cacheDir, maxAgeMs: 0 })).kind).toBe("ok");
  });
});
