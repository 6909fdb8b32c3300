// Attack: `explain --pass-token` printed a fingerprint of the token itself, keyed by a key
// derived from the token. Anyone holding a shared explain output can test token guesses offline:
// derive the key from the guess, HMAC the guess, compare. No row whose value is the token may
// carry a fingerprint (docs/design/insights.md, "Fingerprints").
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint, fingerprintKey, formatFingerprint } from "../../src/explain/fingerprint.js";
import { runCli } from "../helpers/cli.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { secrHandlers } from "../helpers/secr-api.js";
import { tempDir } from "../helpers/temp.js";

const TOKEN = "secr_explain_guess_tok_5d2c8e7a1b";
const SECRETS = { API_KEY: "explain-api-key-value-3f", COPY_OF_TOKEN: TOKEN };

let server: MswServer;
const project = tempDir("secr-run-explain-token-");
beforeAll(async () => {
  server = await startMswServer(...secrHandlers(() => SECRETS));
  mkdirSync(join(project.path, "p"));
  writeFileSync(join(project.path, "p", ".secr.json"), JSON.stringify({ org: "acme", project: "api", env: "prod" }));
});
afterAll(async () => {
  await server.close();
  project.remove();
});

/** The offline test an attacker runs on a shared explain output for one guess. */
const guessMatches = (guess: string, printed: string) =>
  printed.includes(formatFingerprint(fingerprint(fingerprintKey(guess), guess)));

describe("explain --pass-token", () => {
  it("prints no fingerprint a token guess can be tested against, in the table or the JSON", async () => {
    const env = { SECR_API_URL: server.url, SECR_TOKEN: TOKEN, SECR_CACHE_DIR: join(project.path, "cache") };
    const table = await runCli(["explain", "--pass-token"], { cwd: join(project.path, "p"), env });
    const json = await runCli(["explain", "--pass-token", "--json"], { cwd: join(project.path, "p"), env });
    expect([table.exitCode, json.exitCode], table.stderr + json.stderr).toEqual([0, 0]);
    const rows = (
      JSON.parse(json.stdout) as { rows: { key: string; fingerprint?: { length: number; hmac: string } }[] }
    ).rows;
    const printed = table.stdout + rows.map((r) => (r.fingerprint ? formatFingerprint(r.fingerprint) : "")).join(" ");
    // The right guess must not be confirmable (a wrong one never is).
    expect(guessMatches(TOKEN, printed)).toBe(false);
    expect(rows.find((r) => r.key === "SECR_TOKEN")).toMatchObject({ source: "token", action: "injected" });
    expect(rows.find((r) => r.key === "SECR_TOKEN")!.fingerprint).toBeUndefined();
    expect(rows.find((r) => r.key === "COPY_OF_TOKEN")!.fingerprint).toBeUndefined();
    expect(table.stdout).toMatch(/\nSECR_TOKEN +token +injected +- +- +--pass-token/);
    // Other rows keep theirs.
    expect(rows.find((r) => r.key === "API_KEY")!.fingerprint).toMatchObject({ length: 24 });
  });
});
