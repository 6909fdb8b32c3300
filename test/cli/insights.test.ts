// Black-box tests of the schema, explain, --report-json and the shared fetch, through the BUILT
// CLI against a real loopback server that records every request it receives.
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { secrHandlers } from "../helpers/secr-api.js";
import { allRuns, leaks, NODE, runCli } from "../helpers/cli.js";
import { readRecord, RECORD_CHILD, recordFile } from "../helpers/record.js";
import { tempDir } from "../helpers/temp.js";

const ORG = "acmeins";
const PROJECT = "apiins";
const ENV = "prodins";
const WHERE = `${ORG}/${PROJECT}/${ENV}`;
const TOKEN = "secr_insights_tok_7f3a9c2e1b0d4e58";
const VALUES: Record<string, string> = {
  DATABASE_URL: "mysql://app:ins-db-pass-93b1@db/app",
  PORT: "80a-port-value-5e1",
  LOG_LEVEL: "info",
  API_KEY: "ins-api-key-2c8d4f6a",
};
const NEEDLES = [TOKEN, "ins-db-pass-93b1", "80a-port-value-5e1", "ins-api-key-2c8d4f6a"];
const SCHEMA = {
  PORT: "port",
  DATABASE_URL: { type: "url", protocols: ["postgres", "postgresql"] },
  LOG_LEVEL: { enum: ["debug", "info", "warn"] },
  FEATURE_X: { type: "bool", optional: true, default: "false" },
};

let server: MswServer;
let secrets: Record<string, string> = VALUES;
const project = tempDir("secr-run-insights-");

beforeAll(async () => {
  server = await startMswServer(...secrHandlers(() => secrets));
});
afterAll(async () => {
  await server.close();
  project.remove();
});
let runsBefore = 0;
afterEach(() => {
  secrets = VALUES;
  server.requests.length = 0;
  const runs = allRuns.slice(runsBefore);
  runsBefore = allRuns.length;
  const texts = runs.flatMap((r) => (r.args[0] === "export" ? [r.stderr] : [r.stdout, r.stderr]));
  expect(leaks(texts, NEEDLES), "no value or token in any output").toEqual([]);
});

let dirs = 0;
/** A project directory whose .secr.json declares `schema` (or none). */
function projectDir(schema?: unknown): string {
  const dir = join(project.path, `p${++dirs}`);
  mkdirSync(dir);
  writeFileSync(
    join(dir, ".secr.json"),
    JSON.stringify({ org: ORG, project: PROJECT, env: ENV, ...(schema === undefined ? {} : { schema }) }),
  );
  return dir;
}

const env = (extra: Record<string, string> = {}) => ({ SECR_API_URL: server.url, SECR_TOKEN: TOKEN, ...extra });

describe("schema", () => {
  it("a run lists every failing key with its rule, prints no value, exits 78 and never starts the child", async () => {
    const record = recordFile();
    const result = await runCli(["--", NODE, RECORD_CHILD], {
      cwd: projectDir(SCHEMA),
      env: env({ RECORD_TO: record }),
    });
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toBe(
      `secr-run: ${WHERE} breaks the schema in ${join(project.path, `p${dirs}`, ".secr.json")}: PORT must be a port number (1-65535); DATABASE_URL must be a URL with protocol postgres or postgresql (the command was not started)\n`,
    );
    expect(readRecord(record)).toBeUndefined();
  });

  it("a passing run gets the schema's defaults for absent keys, and keeps present values", async () => {
    secrets = { ...VALUES, PORT: "8080", DATABASE_URL: "postgres://app:ins-db-pass-93b1@db/app" };
    const record = recordFile();
    const result = await runCli(["--", NODE, RECORD_CHILD], {
      cwd: projectDir(SCHEMA),
      env: env({ RECORD_TO: record }),
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const child = readRecord(record)!.env;
    expect(child.FEATURE_X).toBe("false");
    expect(child.PORT).toBe("8080");
    // An inherited value counts as present: the default does not replace it.
    const again = recordFile();
    await runCli(["--", NODE, RECORD_CHILD], {
      cwd: projectDir(SCHEMA),
      env: env({ RECORD_TO: again, FEATURE_X: "on" }),
    });
    expect(readRecord(again)!.env.FEATURE_X).toBe("on");
  });

  it("an invalid schema is a configuration error (78) naming the entry, before any request", async () => {
    const result = await runCli(["--", NODE, RECORD_CHILD], {
      cwd: projectDir({ PORT: "portnumber" }),
      env: env({ RECORD_TO: recordFile() }),
    });
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(
      /^secr-run: .*\.secr\.json: schema entry PORT: unknown type "portnumber" \(one of string, int, .*\)\n$/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("check reports it (text and --json); export prints the defaults too", async () => {
    const cwd = projectDir(SCHEMA);
    const text = await runCli(["check"], { cwd, env: env() });
    expect(text.exitCode).toBe(78);
    expect(text.stdout).toMatch(
      /: breaks the schema in .*: PORT must be a port number \(1-65535\); DATABASE_URL must be a URL with protocol postgres or postgresql\n$/,
    );
    const json = await runCli(["check", "--json"], { cwd, env: env() });
    expect(json.exitCode).toBe(78);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      missing: [],
      schema: {
        valid: false,
        failures: [
          { key: "PORT", rule: "must be a port number (1-65535)" },
          { key: "DATABASE_URL", rule: "must be a URL with protocol postgres or postgresql" },
        ],
        defaults: ["FEATURE_X"],
      },
    });
    secrets = { ...VALUES, PORT: "8080", DATABASE_URL: "postgres://db/app" };
    const ok = await runCli(["check", "--json"], { cwd, env: env() });
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, schema: { valid: true, failures: [] } });
    const exported = await runCli(["export", "--format", "json"], { cwd, env: env({ SECR_SHARE_WINDOW: "0" }) });
    expect(exported.exitCode, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual({ ...secrets, FEATURE_X: "false" });
  });

  it("without a schema, check asks for the template only (one request)", async () => {
    const result = await runCli(["check"], { cwd: projectDir(), env: env() });
    expect(result.exitCode).toBe(0);
    expect(server.requests.map((r) => r.url.pathname)).toEqual([`/v1/templates/${ORG}/${PROJECT}/validate/${ENV}`]);
  });
});

describe("explain", () => {
  it("one row per key with source, action, schema verdict and fingerprint; starts nothing; exits as the run would", async () => {
    secrets = {
      ...VALUES,
      NODE_OPTIONS: "--require /tmp/evil-ins.js",
      PORT: "8080",
      DATABASE_URL: "postgres://app:ins-db-pass-93b1@db/app",
    };
    const record = recordFile();
    const result = await runCli(["explain", "--skip-invalid", "--preserve-env=LOG_LEVEL", "--", NODE, RECORD_CHILD], {
      cwd: projectDir(SCHEMA),
      env: env({ RECORD_TO: record, LOG_LEVEL: "debug" }),
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readRecord(record)).toBeUndefined();
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^KEY +SOURCE +ACTION +SCHEMA +FINGERPRINT +DETAIL$/);
    const row = (key: string) => lines.find((line) => line.startsWith(`${key} `));
    expect(row("API_KEY")).toMatch(/^API_KEY +secr +injected +- +20:[0-9a-f]{8}$/);
    expect(row("DATABASE_URL")).toMatch(
      /^DATABASE_URL +secr +injected +url \(postgres\|postgresql\) ok +38:[0-9a-f]{8}$/,
    );
    expect(row("FEATURE_X")).toMatch(/^FEATURE_X +schema default +injected +bool ok +5:[0-9a-f]{8} +schema default \(/);
    expect(row("LOG_LEVEL")).toMatch(
      /^LOG_LEVEL +inherited +kept +enum \(debug\|info\|warn\) ok +5:[0-9a-f]{8} +--preserve-env/,
    );
    expect(row("NODE_OPTIONS")).toMatch(/^NODE_OPTIONS +secr +skipped +- +\d+:[0-9a-f]{8} +loads code into the child/);
    expect(row("SECR_TOKEN")).toMatch(/^SECR_TOKEN +inherited +removed +- +- +secr-run credential/);
    expect(lines.at(-1)).toBe(`${WHERE}: a run would start the command with 4 injected keys`);

    // The fingerprints are stable across runs (and machines) with one token, and change with it.
    const json = await runCli(["explain", "--json", "--skip-invalid", "--preserve-env=LOG_LEVEL"], {
      cwd: projectDir(SCHEMA),
      env: env({ LOG_LEVEL: "debug" }),
    });
    const report = JSON.parse(json.stdout) as {
      rows: Array<{ key: string; fingerprint?: { length: number; hmac: string } }>;
      wouldStart: boolean;
      source: unknown;
    };
    expect(report).toMatchObject({ target: WHERE, wouldStart: true, exitCode: 0 });
    const hmac = report.rows.find((r) => r.key === "API_KEY")!.fingerprint!.hmac;
    expect(row("API_KEY")).toContain(`20:${hmac}`);
    const other = await runCli(["explain", "--json"], {
      cwd: projectDir(),
      env: env({ SECR_TOKEN: `${TOKEN}-other` }),
    });
    expect(JSON.parse(other.stdout).rows.find((r: { key: string }) => r.key === "API_KEY").fingerprint.hmac).not.toBe(
      hmac,
    );
  });

  it("states the stop a run would make and exits with its code", async () => {
    const result = await runCli(["explain", "--json"], { cwd: projectDir(SCHEMA), env: env() });
    expect(result.exitCode).toBe(78);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      wouldStart: false,
      exitCode: 78,
      message: expect.stringContaining("PORT must be a port number (1-65535)"),
    });
    expect(report.rows.find((r: { key: string }) => r.key === "PORT")).toMatchObject({
      action: "injected",
      schema: { type: "port", ok: false, rule: "must be a port number (1-65535)" },
    });
    const refused = await runCli(["explain"], { cwd: projectDir(), env: env() });
    expect(refused.exitCode).toBe(0);
    secrets = { ...VALUES, LD_PRELOAD: "/tmp/ins.so" };
    const stopped = await runCli(["explain"], { cwd: projectDir(), env: env() });
    expect(stopped.exitCode).toBe(65);
    expect(stopped.stdout).toMatch(/\nLD_PRELOAD +secr +refused +- +\d+:[0-9a-f]{8} +loads code into the child/);
  });
});

describe("--report-json", () => {
  it("is written 0600 when secr-run exits with the child's status: every field, no value or token", async () => {
    const dir = tempDir("secr-run-report-");
    try {
      const path = join(dir.path, "report.json");
      secrets = {
        ...VALUES,
        PORT: "8080",
        DATABASE_URL: "postgres://app:ins-db-pass-93b1@db/app",
        LD_PRELOAD: "/tmp/x.so",
      };
      const result = await runCli(["--report-json", path, "--skip-invalid", "--", NODE, RECORD_CHILD], {
        cwd: projectDir(SCHEMA),
        env: env({ RECORD_TO: recordFile(), EXIT_WITH: "3", SECR_SHARE_WINDOW: "0" }),
      });
      expect(result.exitCode).toBe(3);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const text = readFileSync(path, "utf8");
      expect(leaks([text], NEEDLES)).toEqual([]);
      const report = JSON.parse(text);
      expect(report).toMatchObject({
        format: 1,
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        target: WHERE,
        source: { kind: "secr" },
        requests: 2,
        keys: { injected: ["API_KEY", "DATABASE_URL", "FEATURE_X", "LOG_LEVEL", "PORT"], refused: ["LD_PRELOAD"] },
        validation: {
          template: { checked: true, valid: true, missing: [] },
          schema: { declared: true, valid: true, failures: [] },
        },
        child: { pid: expect.any(Number), exitCode: 3, signal: null, spawnError: null },
        exit: { code: 3, signal: null },
        error: null,
        restarts: 0,
      });
      for (const key of ["settingsMs", "fetchMs", "validationMs", "spawnMs"])
        expect(report.timings[key], key).toEqual(expect.any(Number));
      expect(report.durationMs).toEqual(expect.any(Number));
    } finally {
      dir.remove();
    }
  });

  it("is written when secr-run stops before the child, with the error and the verdict", async () => {
    const dir = tempDir("secr-run-report-");
    try {
      const path = join(dir.path, "report.json");
      const result = await runCli(["--report-json", path, "--", NODE, RECORD_CHILD], {
        cwd: projectDir(SCHEMA),
        env: env({ RECORD_TO: recordFile() }),
      });
      expect(result.exitCode).toBe(78);
      const report = JSON.parse(readFileSync(path, "utf8"));
      expect(report).toMatchObject({
        child: null,
        exit: { code: 78, signal: null },
        error: expect.stringContaining("breaks the schema"),
        validation: {
          schema: {
            declared: true,
            valid: false,
            failures: [{ key: "PORT", rule: "must be a port number (1-65535)" }, { key: "DATABASE_URL" }],
          },
        },
        timings: { spawnMs: null },
      });
    } finally {
      dir.remove();
    }
  });
});

describe("one fetch for many runs", () => {
  /** N runs of the same target started at once, sharing one cache directory. */
  async function concurrentRuns(n: number, extra: string[]) {
    const cache = tempDir("secr-run-share-");
    try {
      secrets = { ...VALUES, PORT: "8080" };
      const results = await Promise.all(
        Array.from({ length: n }, () =>
          runCli(["--cache-dir", join(cache.path, "c"), ...extra, "--", NODE, "-e", "0"], {
            cwd: projectDir(),
            env: env(),
          }),
        ),
      );
      for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
      return {
        all: server.requests.length,
        pulls: server.requests.filter((r) => r.url.pathname.startsWith("/v1/secrets/")).length,
      };
    } finally {
      cache.remove();
    }
  }

  // The default: a run shares only a fetch begun after it was launched. 20 processes spawned at
  // once are all launched before the first fetch begins, but on a loaded machine a few may
  // still be starting; those share a second fetch (src/cache/single-flight.ts).
  it("20 runs launched at once, default settings: at most 3 pulls of the secrets route", async () => {
    const { all, pulls } = await concurrentRuns(20, []);
    expect(pulls).toBeGreaterThanOrEqual(1);
    expect(pulls).toBeLessThanOrEqual(3);
    expect(all).toBe(2 * pulls); // each with its one validation request
  });

  // A window far wider than the seconds 20 node processes take to start on a loaded 2-core
  // machine: every run may reuse the first fetch.
  it("20 concurrent runs with --share-window 5m: the server receives 2 requests (one pull, one validation)", async () => {
    expect((await concurrentRuns(20, ["--share-window", "5m"])).all).toBe(2);
  });

  it("with --no-cache (no snapshot to share through): 40 requests", async () => {
    expect((await concurrentRuns(20, ["--no-cache"])).all).toBe(40);
  });
});
