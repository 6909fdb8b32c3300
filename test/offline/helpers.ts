// Shared plumbing for the offline-snapshot tests (docs/design/snapshot.md): the built CLI (test/cli/helpers.ts),
// a temp cache directory per test, and after every test a byte search of every cache directory
// the test used for each value, token and passphrase, and of every output for the same.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect } from "vitest";
import { findPlaintext } from "../cache/helpers.js";
import { allRuns, type CliResult, leaks, runCli } from "../helpers/cli.js";
import { readRecord, type Recorded, recordFile, recordingChild } from "../helpers/record.js";
import { secrHandlers, type Validation, VALID } from "../helpers/secr-api.js";
import { tempDir } from "../helpers/temp.js";

export const ORG = "orgoffline7";
export const PROJECT = "projoffline3";
export const ENV = "envoffline5";
export const WHERE = `${ORG}/${PROJECT}/${ENV}`;
export const TOKEN = "secr_offline_tok_5b8e1f0c2d7a9e34";
export const OTHER_TOKEN = "secr_offline_other_0c6d2f9a8e1b";
export const PASSPHRASE = "offline passphrase 3e1c7b";
export const VALUES: Record<string, string> = {
  DATABASE_URL: "postgres://app:offline-db-pass-71c2e9@db/app",
  API_KEY: "offline-api-key-4d0b8a6f",
  MULTI: "line1\nline2 'q' \"dq\" $HOME offline-multi-9f2a",
};
/** Everything that must never appear in a cache file or an output. */
export const NEEDLES = [...Object.values(VALUES), TOKEN, OTHER_TOKEN, PASSPHRASE];

export function happyHandlers(validation: Validation = VALID) {
  return secrHandlers(() => VALUES, validation);
}

const usedDirs: Array<{ path: string; remove(): void }> = [];
const runsBefore = { count: 0 };

/** A fresh, not yet existing cache directory (its parent is a temp dir), scanned and removed after the test. */
export function newCacheDir(): string {
  const dir = tempDir("secr-run-offline-");
  usedDirs.push(dir);
  return join(dir.path, "cache");
}

afterEach(() => {
  try {
    for (const dir of usedDirs) {
      const files = listFiles(dir.path);
      expect(findPlaintext(files, NEEDLES), "no value, token or passphrase in any cache file").toEqual([]);
      for (const file of files) for (const slug of [ORG, PROJECT, ENV]) expect(file.name).not.toContain(slug);
    }
    const runs = allRuns.slice(runsBefore.count);
    // `export` prints values on stdout by design; everything else, and its stderr, must not.
    const texts = runs.flatMap((r) => (r.args[0] === "export" ? [r.stderr] : [r.stdout, r.stderr]));
    expect(leaks(texts, NEEDLES), "no value or token in any output").toEqual([]);
  } finally {
    runsBefore.count = allRuns.length;
    for (const dir of usedDirs.splice(0)) dir.remove();
  }
});

/** Every file below `root`, with its bytes (names relative to root). */
export function listFiles(root: string, prefix = ""): { name: string; bytes: Buffer }[] {
  const out: { name: string; bytes: Buffer }[] = [];
  let names: string[];
  try {
    names = readdirSync(join(root, prefix));
  } catch {
    return out;
  }
  for (const name of names) {
    const rel = join(prefix, name);
    const path = join(root, rel);
    if (statSync(path).isDirectory()) out.push(...listFiles(root, rel));
    else out.push({ name: rel, bytes: readFileSync(path) });
  }
  return out;
}

export function snapshotFiles(cacheDir: string): string[] {
  try {
    return readdirSync(cacheDir)
      .filter((name) => name.endsWith(".snapshot"))
      .map((name) => join(cacheDir, name));
  } catch {
    return [];
  }
}

export interface Outcome {
  result: CliResult;
  child: Recorded | undefined;
}

export interface OfflineRun {
  apiUrl: string;
  cacheDir?: string;
  args?: string[];
  env?: Record<string, string | undefined>;
  /** Command words after the options (default: the recording child). */
  command?: string[];
}

/** `secr-run [--cache-dir DIR] [args] -- <recording child>` with the test's org/project/env/token. */
export async function runOffline({ apiUrl, cacheDir, args = [], env = {}, command }: OfflineRun): Promise<Outcome> {
  const record = recordFile();
  const result = await runCli(
    [...(cacheDir === undefined ? [] : ["--cache-dir", cacheDir]), ...args, ...(command ?? recordingChild())],
    {
      // Sharing off: these runs follow one another within seconds and test what happens when secr
      // fails, not the shared fetch of runs started together (test/cli/insights.test.ts).
      env: {
        SECR_API_URL: apiUrl,
        SECR_TOKEN: TOKEN,
        SECR_ORG: ORG,
        SECR_PROJECT: PROJECT,
        SECR_ENV: ENV,
        RECORD_TO: record,
        SECR_SHARE_WINDOW: "0",
        ...env,
      },
    },
  );
  return { result, child: readRecord(record) };
}

/** The one warning of a fallback, naming the age and why secr was not used. */
export const FALLBACK_WARNING = new RegExp(
  `^secr-run: warning: secr is unreachable \\([^\\n]+\\): using the snapshot of ${WHERE} from [0-9dhms ]+ ago\\n$`,
);

export function expectStartedWithSecrets(outcome: Outcome): void {
  expect(outcome.result.exitCode, outcome.result.stderr).toBe(0);
  for (const [key, value] of Object.entries(VALUES)) expect(outcome.child?.env[key], key).toBe(value);
  expect(outcome.child?.env.SECR_TOKEN).toBeUndefined();
  expect(outcome.child?.env.SECR_PASSPHRASE).toBeUndefined();
}

export function expectNotStarted(outcome: Outcome, code: number): void {
  expect(outcome.result.exitCode, outcome.result.stderr).toBe(code);
  expect(outcome.child, "the command was not started").toBeUndefined();
  expect(outcome.result.stdout).toBe("");
}
