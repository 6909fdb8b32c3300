// A run never uses a fetch that began before it was launched (docs/design/insights.md, "One fetch for
// many runs"), through the built CLI against `secr-run serve`: a change, a revocation and an
// outage are all seen by the very next run, with no pause between runs. Run `npm run build` first.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { cleanEnv, runCli } from "../helpers/cli.js";
import { startLocalServer, useLocalServer } from "../helpers/local-server.js";
import { tempDir } from "../helpers/temp.js";

const ORG = "acme";
const PROJECT = "shop";
const ENV = "development";
const SEED = {
  orgs: { [ORG]: { projects: { [PROJECT]: { environments: { [ENV]: { FOO: "v0", OTHER: "other-value-5f1c" } } } } } },
};
const TARGET = ["--org", ORG, "--project", PROJECT, "--env", ENV];
const ECHO = ["--", "sh", "-c", 'printf "%s" "$FOO"'];

const server = useLocalServer({ seed: SEED });

function snapshots(cacheDir: string): string[] {
  try {
    return readdirSync(cacheDir).filter((name) => name.endsWith(".snapshot"));
  } catch {
    return [];
  }
}

/** A run as a user types it: no SECR_SHARE_WINDOW, the default cache settings, one cache dir. */
function run(cacheDir: string, token: string, args: string[], apiUrl = server.url) {
  return runCli([...TARGET, "--cache-dir", cacheDir, ...args], {
    env: cleanEnv({ SECR_API_URL: apiUrl, SECR_TOKEN: token }),
  });
}

function setFoo(value: string) {
  return runCli(["secrets", "set", "FOO", ...TARGET], {
    input: `${value}\n`,
    env: cleanEnv({ SECR_API_URL: server.url, SECR_TOKEN: server.token }),
  });
}

describe("fresh by default", () => {
  it("secrets set v1, run, secrets set v2, run at once: the runs print v1 then v2", async () => {
    const cache = tempDir("secr-run-fresh-");
    try {
      const dir = join(cache.path, "c");
      expect((await setFoo("v1")).exitCode).toBe(0);
      const first = await run(dir, server.token, ECHO);
      expect([first.exitCode, first.stdout]).toEqual([0, "v1"]);
      expect((await setFoo("v2")).exitCode).toBe(0);
      const second = await run(dir, server.token, ["-v", ...ECHO]);
      expect([second.exitCode, second.stdout]).toEqual([0, "v2"]);
      expect(second.stderr).toMatch(/the snapshot was not reused: its fetch began [^\n]+ before this run was launched/);
      // Reusing the earlier fetch is opt-in, and -v says how stale that makes the values.
      const windowed = await run(dir, server.token, ["--share-window", "10m", "-v", ...ECHO]);
      expect([windowed.exitCode, windowed.stdout]).toEqual([0, "v2"]);
      expect(windowed.stderr).toMatch(
        /secrets from the fetch another secr-run began [^\n]+ ago \(\d+\): that fetch began [^\n]+ before this run was launched \(within --share-window 10m\): a change or revocation made at secr since it began is not in these values/,
      );
    } finally {
      cache.remove();
    }
  });

  it("a run after its token was revoked exits 77 and its snapshot is gone, though another run fetched a moment before", async () => {
    const cache = tempDir("secr-run-fresh-");
    const admin = new SecrClient({ apiUrl: server.url, token: server.token });
    try {
      const dir = join(cache.path, "c");
      const created = await admin.createToken({ name: "revoked-soon", role: "viewer", org: ORG });
      expect((await run(dir, created.token, ECHO)).exitCode).toBe(0);
      expect(snapshots(dir)).toHaveLength(1);
      await admin.revokeToken(created.id);
      const refused = await run(dir, created.token, ECHO);
      expect(refused.exitCode, refused.stderr).toBe(77);
      expect(refused.stdout).toBe("");
      expect(snapshots(dir)).toEqual([]);
      expect((await run(dir, created.token, ["--offline", ...ECHO])).exitCode).toBe(69);
    } finally {
      await admin.close();
      cache.remove();
    }
  });

  it("a run with secr down, a moment after another run fetched, warns that it starts from the snapshot", async () => {
    const own = await startLocalServer({ seed: SEED });
    const cache = tempDir("secr-run-fresh-");
    try {
      const dir = join(cache.path, "c");
      const first = await run(dir, own.token, ECHO, own.url);
      expect([first.exitCode, first.stdout]).toEqual([0, "v0"]);
      await own.stop();
      const down = await run(dir, own.token, ECHO, own.url);
      expect([down.exitCode, down.stdout]).toEqual([0, "v0"]);
      expect(down.stderr).toMatch(
        /^secr-run: warning: secr is unreachable \([^\n]+\): using the snapshot of acme\/shop\/development from [0-9dhms ]+ ago\n$/,
      );
    } finally {
      await own.stop().catch(() => undefined);
      cache.remove();
    }
  });

  it("a run with a second token on the same machine leaves the first token's snapshot for its offline runs", async () => {
    const cache = tempDir("secr-run-fresh-");
    const admin = new SecrClient({ apiUrl: server.url, token: server.token });
    try {
      const dir = join(cache.path, "c");
      const second = await admin.createToken({ name: "second", role: "viewer", org: ORG });
      expect((await run(dir, server.token, ECHO)).exitCode).toBe(0);
      expect((await run(dir, second.token, ECHO)).exitCode).toBe(0);
      const offline = await run(dir, server.token, ["--offline", ...ECHO]);
      expect(offline.exitCode, offline.stderr).toBe(0);
      expect(offline.stderr).not.toMatch(/tampered|does not decrypt/);
      expect(snapshots(dir)).toHaveLength(2);
      for (const name of snapshots(dir))
        for (const token of [server.token, second.token]) expect(name).not.toContain(token);
    } finally {
      await admin.close();
      cache.remove();
    }
  });
});
