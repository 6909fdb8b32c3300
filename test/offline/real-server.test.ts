// The offline snapshot against the real server (`secr-run serve`, built): concurrent writers,
// a server that goes away, a token it rejects.
import { describe, expect, it } from "vitest";
import { startLocalServer, useLocalServer } from "../helpers/local-server.js";
import {
  ENV,
  expectNotStarted,
  expectStartedWithSecrets,
  FALLBACK_WARNING,
  listFiles,
  newCacheDir,
  ORG,
  OTHER_TOKEN,
  PROJECT,
  runOffline,
  snapshotFiles,
  TOKEN,
  VALUES,
} from "./helpers.js";

const SEED = {
  tokens: [{ token: TOKEN, role: "admin" }],
  orgs: {
    [ORG]: {
      projects: {
        [PROJECT]: {
          environments: { [ENV]: VALUES },
          templates: Object.keys(VALUES).map((key) => ({ key, required: true })),
        },
      },
    },
  },
};

const server = useLocalServer({ seed: SEED });

describe("with the real server", () => {
  it("concurrent writers (6 runs at once, one cache dir) leave one valid snapshot and no temp file", async () => {
    const cacheDir = newCacheDir();
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        runOffline({ apiUrl: server.url, cacheDir, ...(i % 2 === 0 ? { command: ["--", "true"] } : {}) }),
      ),
    );
    for (const [i, outcome] of runs.entries()) {
      expect([outcome.result.exitCode, outcome.result.stderr], `run ${i}`).toEqual([0, ""]);
      if (i % 2 === 1) expectStartedWithSecrets(outcome);
    }
    expect(snapshotFiles(cacheDir)).toHaveLength(1);
    expect(
      listFiles(cacheDir)
        .map((f) => f.name)
        .filter((name) => name.startsWith(".tmp-")),
    ).toEqual([]);
    const offline = await runOffline({ apiUrl: server.url, cacheDir, args: ["--offline"] });
    expectStartedWithSecrets(offline);
  });

  // A revoked token's own snapshot goes: test/cli/fresh-by-default.test.ts. Snapshots are per
  // token, so a token the server does not know cannot delete another token's.
  it("a token the server rejects (401) is refused, and another token's snapshot stays", async () => {
    const cacheDir = newCacheDir();
    expectStartedWithSecrets(await runOffline({ apiUrl: server.url, cacheDir }));
    expect(snapshotFiles(cacheDir)).toHaveLength(1);
    const rejected = await runOffline({ apiUrl: server.url, cacheDir, env: { SECR_TOKEN: OTHER_TOKEN } });
    expectNotStarted(rejected, 77);
    expect(rejected.result.stderr).toMatch(/^secr-run: [^\n]+401[^\n]+\n$/);
    expect(snapshotFiles(cacheDir)).toHaveLength(1);
    expectNotStarted(
      await runOffline({ apiUrl: server.url, cacheDir, args: ["--offline"], env: { SECR_TOKEN: OTHER_TOKEN } }),
      69,
    );
    expectStartedWithSecrets(await runOffline({ apiUrl: server.url, cacheDir, args: ["--offline"] }));
  });

  it("the server stops: the next run starts from the snapshot with one warning", async () => {
    const own = await startLocalServer({ seed: SEED });
    const cacheDir = newCacheDir();
    try {
      expectStartedWithSecrets(await runOffline({ apiUrl: own.url, cacheDir }));
    } finally {
      await own.stop();
    }
    const outcome = await runOffline({ apiUrl: own.url, cacheDir });
    expectStartedWithSecrets(outcome);
    expect(outcome.result.stderr).toMatch(FALLBACK_WARNING);
  });
});
