// The encrypted offline fallback (docs/design/snapshot.md), black-box through the built CLI, with faults injected
// by msw handlers on a loopback port: secr unreachable, slow, failing or rate limiting starts the
// command from the snapshot after one warning; 401/403/404 delete the snapshot and fail.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { http, HttpResponse } from "msw";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { writeSnapshot } from "../../src/cache/index.js";
import { runCli } from "../helpers/cli.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { SECRETS_ROUTE, VALIDATE_ROUTE } from "../helpers/secr-api.js";
import {
  ENV,
  expectNotStarted,
  expectStartedWithSecrets,
  FALLBACK_WARNING,
  happyHandlers,
  listFiles,
  newCacheDir,
  ORG,
  OTHER_TOKEN,
  PASSPHRASE,
  PROJECT,
  runOffline,
  snapshotFiles,
  TOKEN,
  VALUES,
  WHERE,
} from "./helpers.js";

let msw: MswServer;
beforeAll(async () => {
  msw = await startMswServer(...happyHandlers());
});
afterEach(() => msw.resetHandlers());
afterAll(async () => {
  await msw.close();
});

const DAY = 86_400_000;

/** One online run that writes the snapshot; asserts it did. */
async function primeSnapshot(cacheDir: string, args: string[] = [], env: Record<string, string> = {}) {
  const outcome = await runOffline({ apiUrl: msw.url, cacheDir, args, env });
  expectStartedWithSecrets(outcome);
  expect(outcome.result.stderr).toBe("");
  expect(snapshotFiles(cacheDir)).toHaveLength(1);
  return outcome;
}

function pullsSince(before: number): number {
  return msw.requests.slice(before).filter((r) => r.url.pathname.startsWith("/v1/secrets/")).length;
}

describe("a successful pull writes the snapshot", () => {
  it("encrypted, mode 0600 in a 0700 directory, even when the child exits at once (`true`)", async () => {
    const cacheDir = newCacheDir();
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir, command: ["--", "true"] });
    expect([outcome.result.exitCode, outcome.result.stderr]).toEqual([0, ""]);
    const [file] = snapshotFiles(cacheDir);
    expect(file).toBeDefined();
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(file!).subarray(0, 8).toString("latin1")).toBe("SECRSNAP");
    expect(listFiles(cacheDir).filter((f) => f.name.startsWith(".tmp-"))).toEqual([]);
  });

  it("in $XDG_CACHE_HOME/secr-run by default", async () => {
    const cacheDir = newCacheDir(); // used as XDG_CACHE_HOME
    const outcome = await runOffline({ apiUrl: msw.url, env: { XDG_CACHE_HOME: cacheDir } });
    expectStartedWithSecrets(outcome);
    expect(snapshotFiles(`${cacheDir}/secr-run`)).toHaveLength(1);
  });

  it("--no-cache (and SECR_NO_CACHE=1) write nothing", async () => {
    const cacheDir = newCacheDir();
    expectStartedWithSecrets(await runOffline({ apiUrl: msw.url, cacheDir, args: ["--no-cache"] }));
    expectStartedWithSecrets(await runOffline({ apiUrl: msw.url, cacheDir, env: { SECR_NO_CACHE: "1" } }));
    expect(existsSync(cacheDir)).toBe(false);
  });

  it("--verbose says the secrets came from secr and that the snapshot was written", async () => {
    const cacheDir = newCacheDir();
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir, args: ["--verbose"] });
    expectStartedWithSecrets(outcome);
    expect(outcome.result.stderr).toMatch(/^secr-run: secrets from secr \(3\)$/m);
    expect(outcome.result.stderr).toMatch(/^secr-run: snapshot written in \d+ms$/m);
  });
});

describe("secr unreachable: start from the snapshot with one warning", () => {
  it("connection refused", async () => {
    // A server of its own, closed after the first run: same URL (same snapshot), nothing listening.
    const own = await startMswServer(...happyHandlers());
    const cacheDir = newCacheDir();
    expectStartedWithSecrets(await runOffline({ apiUrl: own.url, cacheDir }));
    await own.close();
    const outcome = await runOffline({ apiUrl: own.url, cacheDir });
    expectStartedWithSecrets(outcome);
    expect(outcome.result.stderr).toMatch(FALLBACK_WARNING);
    expect(outcome.result.stderr).toContain("ECONNREFUSED");
  });

  it("a server that hangs past --timeout (the deadline is a fallback, not a 69)", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    msw.use(http.get(SECRETS_ROUTE, () => new Promise<never>(() => {})));
    const started = Date.now();
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir, args: ["--timeout", "1s"] });
    expectStartedWithSecrets(outcome);
    expect(outcome.result.stderr).toMatch(FALLBACK_WARNING);
    expect(outcome.result.stderr).toContain("no answer within 1s, --timeout");
    expect(Date.now() - started).toBeLessThan(30_000); // generous: the deadline is 1 s
  });

  it.each([
    [500, 1], // the client does not retry a 500 (it may not be transient)
    [503, 2], // it retries a 503 first
  ])("%i (after the client's retries, if any)", async (status, minPulls) => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.json({ error: "server_error", message: "down" }, { status })));
    const before = msw.requests.length;
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir });
    expectStartedWithSecrets(outcome);
    expect(outcome.result.stderr).toMatch(FALLBACK_WARNING);
    expect(outcome.result.stderr).toContain(String(status));
    expect(pullsSince(before)).toBeGreaterThanOrEqual(minPulls);
  });

  it("429 with Retry-After on every attempt (retries honour it, then fall back)", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    msw.use(
      http.get(SECRETS_ROUTE, () =>
        HttpResponse.json(
          { error: "rate_limited", message: "slow down" },
          { status: 429, headers: { "retry-after": "1" } },
        ),
      ),
    );
    const before = msw.requests.length;
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir });
    expectStartedWithSecrets(outcome);
    expect(outcome.result.stderr).toMatch(FALLBACK_WARNING);
    expect(outcome.result.stderr).toContain("429");
    expect(pullsSince(before)).toBeGreaterThan(1);
  });

  it("dropped connections on the template check alone also fall back", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    msw.use(http.get(VALIDATE_ROUTE, () => HttpResponse.error()));
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir });
    expectStartedWithSecrets(outcome);
    expect(outcome.result.stderr).toMatch(FALLBACK_WARNING);
  });

  it("--quiet drops the warning; --verbose names the snapshot as the source and its age", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));
    const quiet = await runOffline({ apiUrl: msw.url, cacheDir, args: ["--quiet"] });
    expectStartedWithSecrets(quiet);
    expect(quiet.result.stderr).toBe("");
    const verbose = await runOffline({ apiUrl: msw.url, cacheDir, args: ["--verbose"] });
    expectStartedWithSecrets(verbose);
    expect(verbose.result.stderr).toMatch(/^secr-run: secrets from the snapshot \(3\), [0-9dhms ]+ old$/m);
  });

  it("a fallback does not rewrite the snapshot (its age keeps counting from the last pull)", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    const [file] = snapshotFiles(cacheDir);
    const before = readFileSync(file!);
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));
    expectStartedWithSecrets(await runOffline({ apiUrl: msw.url, cacheDir }));
    expect(readFileSync(file!).equals(before)).toBe(true);
  });

  it("--no-cache never falls back: 69", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir, args: ["--no-cache"] });
    expectNotStarted(outcome, 69);
    expect(outcome.result.stderr).toMatch(/^secr-run: [^\n]+\n$/);
  });

  it("no snapshot: 69 as before, one line", async () => {
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir: newCacheDir() });
    expectNotStarted(outcome, 69);
    expect(outcome.result.stderr).toMatch(
      /^secr-run: [^\n]+unreachable or failing\); no snapshot of [^\n]+ to start from\n$/,
    );
  });
});

describe("401, 403 and 404 never fall back: the snapshot is deleted", () => {
  it.each([
    [401, "unauthorized", 77],
    [403, "forbidden", 77],
    [404, "not_found", 78],
  ])("%i %s -> %i, snapshot gone, a later outage is 69", async (status, error, code) => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.json({ error, message: `${error} here` }, { status })));
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir });
    expectNotStarted(outcome, code);
    expect(outcome.result.stderr).toMatch(/^secr-run: [^\n]+\n$/);
    expect(snapshotFiles(cacheDir)).toEqual([]);

    msw.resetHandlers();
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));
    expectNotStarted(await runOffline({ apiUrl: msw.url, cacheDir }), 69);
  });

  it("a 401 deletes the refused token's snapshot under --no-cache too (fail closed), and no other token's", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    expectStartedWithSecrets(await runOffline({ apiUrl: msw.url, cacheDir, env: { SECR_TOKEN: OTHER_TOKEN } }));
    expect(snapshotFiles(cacheDir)).toHaveLength(2);
    msw.use(
      http.get(SECRETS_ROUTE, () => HttpResponse.json({ error: "unauthorized", message: "revoked" }, { status: 401 })),
    );
    expectNotStarted(
      await runOffline({ apiUrl: msw.url, cacheDir, args: ["--no-cache"], env: { SECR_TOKEN: OTHER_TOKEN } }),
      77,
    );
    expect(snapshotFiles(cacheDir)).toHaveLength(1);
    expectNotStarted(
      await runOffline({ apiUrl: msw.url, cacheDir, args: ["--offline"], env: { SECR_TOKEN: OTHER_TOKEN } }),
      69,
    );
    expectStartedWithSecrets(await runOffline({ apiUrl: msw.url, cacheDir, args: ["--offline"] }));
  });
});

describe("snapshots that cannot be used", () => {
  it("older than --cache-max-age (default 7d): 69 saying a snapshot exists but is too old; 0 = no limit", async () => {
    const cacheDir = newCacheDir();
    const identity = { apiUrl: msw.url, org: ORG, project: PROJECT, env: ENV, token: TOKEN };
    const validation = { valid: true, missing: [], extra: [] };
    await writeSnapshot(identity, { secrets: VALUES, validation, fetchedAt: Date.now() - 8 * DAY }, { cacheDir });
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));

    const expired = await runOffline({ apiUrl: msw.url, cacheDir });
    expectNotStarted(expired, 69);
    expect(expired.result.stderr).toMatch(
      new RegExp(
        `^secr-run: [^\\n]+; a snapshot of ${WHERE} exists but is older than --cache-max-age \\(8d 0h > 7d\\)\\n$`,
      ),
    );

    const shorter = await runOffline({ apiUrl: msw.url, cacheDir, args: ["--cache-max-age", "12h"] });
    expectNotStarted(shorter, 69);
    expect(shorter.result.stderr).toContain("older than --cache-max-age (8d 0h > 12h)");

    const longer = await runOffline({ apiUrl: msw.url, cacheDir, env: { SECR_CACHE_MAX_AGE: "9d" } });
    expectStartedWithSecrets(longer);
    expect(longer.result.stderr).toMatch(/from 8d 0h ago\n$/);

    const unlimited = await runOffline({ apiUrl: msw.url, cacheDir, args: ["--cache-max-age", "0"] });
    expectStartedWithSecrets(unlimited);
    expect(unlimited.result.stderr).toMatch(FALLBACK_WARNING);
  });

  it("a bad --cache-max-age is a usage error (64); a bad SECR_CACHE_MAX_AGE is configuration (78)", async () => {
    const flag = await runOffline({ apiUrl: msw.url, cacheDir: newCacheDir(), args: ["--cache-max-age", "7"] });
    expectNotStarted(flag, 64);
    expect(flag.result.stderr).toBe('secr-run: --cache-max-age: "7" has no unit (write e.g. 7s or 7ms)\n');
    const env = await runOffline({ apiUrl: msw.url, cacheDir: newCacheDir(), env: { SECR_CACHE_MAX_AGE: "soon" } });
    expectNotStarted(env, 78);
    // A bad flag is reported before missing settings, as for every other flag.
    const first = await runCli(["--cache-max-age", "1x", "--", "true"]);
    expect([first.exitCode, first.stderr]).toEqual([
      64,
      'secr-run: --cache-max-age: "1x" is not a duration (e.g. 500ms, 10s, 2m, 1h30m, 7d)\n',
    ]);
  });

  it("a tampered file: one warning, then as if there were none (69)", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    const [file] = snapshotFiles(cacheDir);
    const bytes = readFileSync(file!);
    bytes[bytes.length - 20]! ^= 0x01; // one bit of the ciphertext
    writeFileSync(file!, bytes);
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir });
    expectNotStarted(outcome, 69);
    const lines = outcome.result.stderr.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      `secr-run: warning: ignoring the snapshot of ${WHERE}: snapshot does not decrypt: written with another token or passphrase, or tampered with`,
    );
    expect(lines[1]).toMatch(/^secr-run: .*unreachable or failing\)$/);
  });

  it("a corrupt (truncated) file: one warning, then 69", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    const [file] = snapshotFiles(cacheDir);
    writeFileSync(file!, readFileSync(file!).subarray(0, 20));
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir });
    expectNotStarted(outcome, 69);
    expect(outcome.result.stderr).toMatch(
      /^secr-run: warning: ignoring the snapshot of [^\n]+: truncated [^\n]+\nsecr-run: [^\n]+\n$/,
    );
  });

  it("another token has no snapshot of its own (69, no warning about tampering); its pull writes one beside the first token's", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));
    const other = await runOffline({ apiUrl: msw.url, cacheDir, env: { SECR_TOKEN: OTHER_TOKEN } });
    expectNotStarted(other, 69);
    expect(other.result.stderr).toMatch(/^secr-run: [^\n]+; no snapshot of [^\n]+ to start from\n$/);
    msw.resetHandlers();
    expectStartedWithSecrets(await runOffline({ apiUrl: msw.url, cacheDir, env: { SECR_TOKEN: OTHER_TOKEN } }));
    expect(snapshotFiles(cacheDir)).toHaveLength(2);
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));
    expectStartedWithSecrets(await runOffline({ apiUrl: msw.url, cacheDir, env: { SECR_TOKEN: OTHER_TOKEN } }));
    expectStartedWithSecrets(await runOffline({ apiUrl: msw.url, cacheDir })); // the first token still can
  });

  it("a passphrase is part of the key: needed to read, refused when the snapshot had none", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir, [], { SECR_PASSPHRASE: PASSPHRASE });
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));
    const without = await runOffline({ apiUrl: msw.url, cacheDir });
    expectNotStarted(without, 69);
    expect(without.result.stderr).toContain("snapshot was written with a passphrase and none was given");
    const wrong = await runOffline({ apiUrl: msw.url, cacheDir, env: { SECR_PASSPHRASE: "not it at all" } });
    expectNotStarted(wrong, 69);
    expect(wrong.result.stderr).toContain("does not decrypt");
    const right = await runOffline({ apiUrl: msw.url, cacheDir, env: { SECR_PASSPHRASE: PASSPHRASE } });
    expectStartedWithSecrets(right);
    expect(right.result.stderr).toMatch(FALLBACK_WARNING);
    // --passphrase works too, and warns that argv is visible (one more line).
    const flag = await runOffline({ apiUrl: msw.url, cacheDir, args: ["--passphrase", PASSPHRASE] });
    expectStartedWithSecrets(flag);
    expect(flag.result.stderr.split("\n")[0]).toBe(
      "secr-run: warning: --passphrase is visible to every user of this machine (ps, /proc); prefer SECR_PASSPHRASE",
    );
  });
});

describe("--offline", () => {
  it("with a snapshot: starts from it without contacting secr, one warning naming its age", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir);
    const before = msw.requests.length;
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir, args: ["--offline"] });
    expectStartedWithSecrets(outcome);
    expect(outcome.result.stderr).toMatch(
      new RegExp(`^secr-run: warning: --offline: using the snapshot of ${WHERE} from [0-9dhms ]+ ago\\n$`),
    );
    const viaEnv = await runOffline({ apiUrl: msw.url, cacheDir, env: { SECR_OFFLINE: "1" } });
    expectStartedWithSecrets(viaEnv);
    expect(msw.requests.length).toBe(before);
  });

  it("without a snapshot: 69 without contacting secr", async () => {
    const before = msw.requests.length;
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir: newCacheDir(), args: ["--offline"] });
    expectNotStarted(outcome, 69);
    expect(outcome.result.stderr).toBe(
      `secr-run: --offline: no snapshot of ${WHERE} in the cache (run once while secr is reachable, with the same token and --cache-dir)\n`,
    );
    expect(msw.requests.length).toBe(before);
  });

  it("--offline --no-cache is a usage error (64); SECR_OFFLINE=yes is a configuration error (78)", async () => {
    expectNotStarted(
      await runOffline({ apiUrl: msw.url, cacheDir: newCacheDir(), args: ["--offline", "--no-cache"] }),
      64,
    );
    expectNotStarted(await runOffline({ apiUrl: msw.url, cacheDir: newCacheDir(), env: { SECR_OFFLINE: "yes" } }), 78);
  });
});

describe("the snapshot holds the full pulled set and the template result: offline runs check the same", () => {
  it("required keys missing at pull time: 78 online, and 78 offline too (child not started)", async () => {
    const cacheDir = newCacheDir();
    msw.use(http.get(VALIDATE_ROUTE, () => HttpResponse.json({ valid: false, missing: ["NEEDED_KEY"], extra: [] })));
    const online = await runOffline({ apiUrl: msw.url, cacheDir });
    expectNotStarted(online, 78);
    expect(snapshotFiles(cacheDir)).toHaveLength(1); // written: it is what secr says now
    const offline = await runOffline({ apiUrl: msw.url, cacheDir, args: ["--offline"] });
    expectNotStarted(offline, 78);
    expect(offline.result.stderr).toContain(
      `${WHERE} lacks required template keys: NEEDED_KEY (the command was not started)`,
    );
    msw.resetHandlers();
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));
    expectNotStarted(await runOffline({ apiUrl: msw.url, cacheDir }), 78);
    // --no-validate skips the stored verdict as it skips secr's.
    expectStartedWithSecrets(await runOffline({ apiUrl: msw.url, cacheDir, args: ["--offline", "--no-validate"] }));
  });

  it("a snapshot written with --no-validate has no verdict: a validating offline run fails 78 and says so", async () => {
    const cacheDir = newCacheDir();
    await primeSnapshot(cacheDir, ["--no-validate"]);
    const outcome = await runOffline({ apiUrl: msw.url, cacheDir, args: ["--offline"] });
    expectNotStarted(outcome, 78);
    expect(outcome.result.stderr).toBe(
      `secr-run: --offline, and the snapshot of ${WHERE} holds no template result (it was written by a run with --no-validate): pass --no-validate to start from it\n`,
    );
    expectStartedWithSecrets(await runOffline({ apiUrl: msw.url, cacheDir, args: ["--offline", "--no-validate"] }));
  });

  it("--only applies offline to the full stored set", async () => {
    const cacheDir = newCacheDir();
    const online = await runOffline({ apiUrl: msw.url, cacheDir, args: ["--only", "API_KEY"] });
    expect(online.result.exitCode).toBe(0);
    expect(online.child?.env.DATABASE_URL).toBeUndefined();
    const offline = await runOffline({
      apiUrl: msw.url,
      cacheDir,
      args: ["--offline", "--only", "DATABASE_URL,MULTI"],
    });
    expect(offline.result.exitCode, offline.result.stderr).toBe(0);
    expect(offline.child?.env.DATABASE_URL).toBe(VALUES.DATABASE_URL);
    expect(offline.child?.env.MULTI).toBe(VALUES.MULTI);
    expect(offline.child?.env.API_KEY).toBeUndefined();
  });
});

describe("export and check", () => {
  it("export falls back like a run; check asks secr only", async () => {
    const cacheDir = newCacheDir();
    const base = ["--cache-dir", cacheDir, "--org", ORG, "--project", PROJECT, "--env", ENV];
    const env = { SECR_API_URL: msw.url, SECR_TOKEN: TOKEN, SECR_SHARE_WINDOW: "0" };
    const online = await runCli(["export", "--format", "json", ...base], { env });
    expect(online.exitCode, online.stderr).toBe(0);
    expect(snapshotFiles(cacheDir)).toHaveLength(1);
    msw.use(
      http.get(SECRETS_ROUTE, () => HttpResponse.error()),
      http.get(VALIDATE_ROUTE, () => HttpResponse.error()),
    );
    const offline = await runCli(["export", "--format", "json", ...base], { env });
    expect(offline.exitCode, offline.stderr).toBe(0);
    expect(JSON.parse(offline.stdout)).toEqual(VALUES);
    expect(offline.stderr).toMatch(FALLBACK_WARNING);

    const check = await runCli(["check", "--org", ORG, "--project", PROJECT, "--env", ENV], { env });
    expect(check.exitCode).toBe(69);
    const checkOffline = await runCli(["check", "--offline", "--org", ORG, "--project", PROJECT, "--env", ENV], {
      env,
    });
    expect(checkOffline.exitCode).toBe(64);
  });
});
