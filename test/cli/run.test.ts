// secr-run's main job, black-box: the built CLI against a real `secr-run serve`.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useLocalServer } from "../helpers/local-server.js";
import { allRuns, leaks, NODE, runCli } from "../helpers/cli.js";
import { readRecord, RECORD_CHILD, recordFile, recordingChild } from "../helpers/record.js";
import { tempDir } from "../helpers/temp.js";
import { NASTY_VALUES } from "./fixtures/values.js";

const TOKEN = "secr_cli_runtest_3f9a1c7e5b2d4a60";
const STAGING_VIEWER = "secr_mt_staging_9c1e5a3b7d2f4e68";

const production = {
  DATABASE_URL: "postgres://app:prod-db-pass-8f3k2@db/api",
  API_KEY: "prod-api-key-1111aaaa",
  SHARED: "shared-from-secr-prod",
  ...NASTY_VALUES,
};
const staging = { DATABASE_URL: "postgres://app:staging-pass-q7w1@db/api", SHARED: "shared-from-secr-staging" }; // lacks API_KEY
const development = {
  DATABASE_URL: "postgres://app:dev-pass-z9x8@db/api",
  API_KEY: "dev-api-key-3333cccc",
  SHARED: "shared-from-secr-dev",
};
const names = {
  DATABASE_URL: "postgres://names-db-77aa",
  API_KEY: "names-api-key-2222",
  GOOD_NAME: "good-value-1234abcd",
  "BAD-NAME": "bad-name-value-5678",
  "9DIGIT_FIRST": "digit-value-9012",
};
const reserved = {
  DATABASE_URL: "postgres://reserved-db-88bb",
  API_KEY: "reserved-api-key-4444",
  PATH: "/evil/path/xyz123",
  HOME: "/evil/home/xyz456",
};
const codeload = {
  DATABASE_URL: "postgres://codeload-db-99cc",
  API_KEY: "codeload-api-key-5555",
  NODE_OPTIONS: "--max-old-space-size=123",
  LD_PRELOAD: "/tmp/evil-preload-77.so",
};

const seed = {
  tokens: [
    { token: TOKEN, role: "admin" },
    { token: STAGING_VIEWER, role: "viewer", org: "acme", project: "api", env: "staging" },
  ],
  orgs: {
    acme: {
      projects: {
        api: {
          environments: { production, staging, development, names, reserved, codeload },
          templates: [
            { key: "DATABASE_URL", required: true, description: "db" },
            { key: "API_KEY", required: true, description: "api" },
            { key: "OPTIONAL_THING", required: false, description: "optional" },
          ],
        },
      },
    },
  },
};

const ALL_VALUES = [production, staging, development, names, reserved, codeload].flatMap((env) => Object.values(env));

const server = useLocalServer({ seed, token: TOKEN });

/** Settings for acme/api on the local server, through environment variables. */
function secrEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { SECR_ORG: "acme", SECR_PROJECT: "api", SECR_API_URL: server.url, SECR_TOKEN: TOKEN, ...extra };
}

async function runRecorded(args: string[], env: Record<string, string | undefined> = {}, cwd?: string) {
  const record = recordFile();
  const result = await runCli([...args, ...recordingChild()], { env: secrEnv({ RECORD_TO: record, ...env }), cwd });
  return { result, child: readRecord(record) };
}

describe("injection", () => {
  it("the child gets every secret with its exact value, and secr-run prints nothing", async () => {
    const { result, child } = await runRecorded(["--env", "production"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("");
    for (const [key, value] of Object.entries(production)) expect(child?.env[key], key).toBe(value);
  });

  it("secrets win over inherited values", async () => {
    const { child } = await runRecorded(["--env", "production"], { SHARED: "inherited", UNRELATED: "kept-as-is" });
    expect(child?.env.SHARED).toBe(production.SHARED);
    expect(child?.env.UNRELATED).toBe("kept-as-is");
  });

  it("--preserve-env keeps every inherited value; --preserve-env=K only K", async () => {
    const all = await runRecorded(["--env", "production", "--preserve-env"], {
      SHARED: "inherited",
      API_KEY: "inherited-key",
    });
    expect([all.child?.env.SHARED, all.child?.env.API_KEY, all.child?.env.DATABASE_URL]).toEqual([
      "inherited",
      "inherited-key",
      production.DATABASE_URL,
    ]);
    const one = await runRecorded(["--env", "production", "--preserve-env=SHARED"], {
      SHARED: "inherited",
      API_KEY: "inherited-key",
    });
    expect([one.child?.env.SHARED, one.child?.env.API_KEY]).toEqual(["inherited", production.API_KEY]);
  });

  it("the words after -- reach the child untouched", async () => {
    const record = recordFile();
    const words = ["-e", "1", "--", "--env", "x", "a b", "", "$HOME", "*", "'\"", "-v"];
    const result = await runCli(["--env", "production", "--", NODE, RECORD_CHILD, ...words], {
      env: secrEnv({ RECORD_TO: record }),
    });
    expect(result.exitCode).toBe(0);
    expect(readRecord(record)?.argv).toEqual(words);
  });

  it("--command runs a shell string with the secrets in its environment", async () => {
    const dir = tempDir();
    try {
      const out = join(dir.path, "out.txt");
      const result = await runCli(["--env", "production", "--command", `printf '%s' "$API_KEY" > '${out}'`], {
        env: secrEnv(),
      });
      expect(result.exitCode).toBe(0);
      const { readFileSync } = await import("node:fs");
      expect(readFileSync(out, "utf8")).toBe(production.API_KEY);
    } finally {
      dir.remove();
    }
  });

  it("command not found -> 127, not executable -> 126, one line each", async () => {
    const missing = await runCli(["--env", "production", "--", "/nonexistent/secr-run-test-cmd"], { env: secrEnv() });
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/^secr-run: [^\n]+\n$/);
    const notExecutable = await runCli(["--env", "production", "--", join(__dirname, "fixtures", "values.ts")], {
      env: secrEnv(),
    });
    expect(notExecutable.exitCode).toBe(126);
    expect(notExecutable.stderr).toMatch(/^secr-run: [^\n]+\n$/);
  });

  it("the child's exit status is secr-run's", async () => {
    const { result } = await runRecorded(["--env", "production"], { EXIT_WITH: "42" });
    expect(result.exitCode).toBe(42);
  });
});

describe("token scrubbing", () => {
  it("SECR_TOKEN (and SECR_PASSPHRASE) never reach the child", async () => {
    const { child } = await runRecorded(["--env", "production"], { SECR_PASSPHRASE: "pass-phrase-9981" });
    expect(child?.env.SECR_TOKEN).toBeUndefined();
    expect(child?.env.SECR_PASSPHRASE).toBeUndefined();
    expect(child?.env.SECR_ORG).toBe("acme"); // settings that are not credentials stay
  });

  it("--pass-token gives the child the token secr-run used", async () => {
    const { child } = await runRecorded(["--env", "production", "--pass-token"]);
    expect(child?.env.SECR_TOKEN).toBe(TOKEN);
  });

  it("--token works, warns that ps shows it (without printing it), and --quiet drops the warning", async () => {
    const loud = await runRecorded(["--env", "production", "--token", TOKEN], { SECR_TOKEN: undefined });
    expect(loud.result.exitCode).toBe(0);
    expect(loud.result.stderr).toMatch(/^secr-run: warning: --token is visible .*SECR_TOKEN\n$/);
    expect(loud.child?.env.SECR_TOKEN).toBeUndefined();
    const quiet = await runRecorded(["--env", "production", "--token", TOKEN, "--quiet"], { SECR_TOKEN: undefined });
    expect(quiet.result.stderr).toBe("");
  });
});

describe("--only", () => {
  it("injects only the listed keys", async () => {
    const { result, child } = await runRecorded(["--env", "production", "--only", "API_KEY,SHARED"]);
    expect(result.exitCode).toBe(0);
    expect(child?.env.API_KEY).toBe(production.API_KEY);
    expect(child?.env.SHARED).toBe(production.SHARED);
    expect(child?.env.DATABASE_URL).toBeUndefined();
    expect(child?.env.NASTY_PEM).toBeUndefined();
  });

  it("a listed key the environment lacks stops the run (78) and the child never starts", async () => {
    const { result, child } = await runRecorded(["--env", "production", "--only", "API_KEY,NOT_THERE"]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(/^secr-run: .*--only: NOT_THERE .*not started.*\n$/);
    expect(child).toBeUndefined();
  });
});

describe("template validation", () => {
  it("missing required keys: exit 78, names printed, the child never ran", async () => {
    const { result, child } = await runRecorded(["--env", "staging"]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toBe(
      "secr-run: acme/api/staging lacks required template keys: API_KEY (the command was not started)\n",
    );
    expect(child).toBeUndefined();
  });

  it("--no-validate starts it anyway", async () => {
    const { result, child } = await runRecorded(["--env", "staging", "--no-validate"]);
    expect(result.exitCode).toBe(0);
    expect(child?.env.DATABASE_URL).toBe(staging.DATABASE_URL);
  });
});

describe("names that cannot or must not be injected", () => {
  it("invalid names: exit 65 listing them, child never ran", async () => {
    const { result, child } = await runRecorded(["--env", "names"]);
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toMatch(
      /^secr-run: cannot inject secrets: not valid environment variable names: "9DIGIT_FIRST", "BAD-NAME" \(the command was not started; --skip-invalid skips them\)\n$/,
    );
    expect(result.stderr.split("\n").length).toBe(2);
    expect(child).toBeUndefined();
  });

  it("--skip-invalid skips them with a warning and injects the rest", async () => {
    const { result, child } = await runRecorded(["--env", "names", "--skip-invalid"]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/^secr-run: warning: skipped not valid environment variable names: .*BAD-NAME/);
    expect(child?.env.GOOD_NAME).toBe(names.GOOD_NAME);
    expect(Object.values(child?.env ?? {})).not.toContain(names["BAD-NAME"]);
  });

  it("session basics (PATH, HOME) are not injected, with a warning", async () => {
    const { result, child } = await runRecorded(["--env", "reserved"], { HOME: "/home/tester" });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe(
      "secr-run: warning: left out secrets named like session basics: HOME, PATH (allow one with --allow-name NAME)\n",
    );
    expect(child?.env.PATH).toBe(process.env.PATH);
    expect(child?.env.HOME).toBe("/home/tester");
    expect(child?.env.API_KEY).toBe(reserved.API_KEY);
  });

  it("code-loading names are refused (65) unless allowed by name", async () => {
    const refused = await runRecorded(["--env", "codeload"]);
    expect(refused.result.exitCode).toBe(65);
    expect(refused.result.stderr).toContain("names that load code into the child, refused: LD_PRELOAD, NODE_OPTIONS");
    expect(refused.child).toBeUndefined();

    const allowed = await runRecorded(["--env", "codeload", "--allow-name", "NODE_OPTIONS", "--skip-invalid"]);
    expect(allowed.result.exitCode).toBe(0);
    expect(allowed.child?.env.NODE_OPTIONS).toBe(codeload.NODE_OPTIONS);
    expect(allowed.child?.env.LD_PRELOAD).toBeUndefined();
    expect(allowed.result.stderr).toContain("skipped names that load code into the child, refused: LD_PRELOAD");
  });
});

describe("settings", () => {
  it("precedence: flag > env var > .secr.json > default, with .secr.json found from a subdirectory", async () => {
    const dir = tempDir();
    try {
      const deep = join(dir.path, "repo", "packages", "web", "src");
      mkdirSync(deep, { recursive: true });
      writeFileSync(
        join(dir.path, "repo", ".secr.json"),
        JSON.stringify({ org: "acme", project: "api", env: "development", apiUrl: server.url }),
      );
      // The file's apiUrl is used once trusted (docs/design/trust.md; the attacks are in trust.test.ts).
      const base = {
        SECR_ORG: undefined,
        SECR_PROJECT: undefined,
        SECR_API_URL: undefined,
        XDG_CONFIG_HOME: join(dir.path, "config"),
      };
      expect((await runCli(["allow"], { cwd: deep, env: base })).exitCode).toBe(0);
      const fromFile = await runRecorded([], base, deep);
      expect(fromFile.result.exitCode).toBe(0);
      expect(fromFile.child?.env.SHARED).toBe(development.SHARED);
      const fromEnv = await runRecorded([], { ...base, SECR_ENV: "production" }, deep);
      expect(fromEnv.child?.env.SHARED).toBe(production.SHARED);
      const fromFlag = await runRecorded(["--env", "development"], { ...base, SECR_ENV: "production" }, deep);
      expect(fromFlag.child?.env.SHARED).toBe(development.SHARED);
      // Default API URL (https://api.secr.dev) when no source gives one: the verbose line says so.
      writeFileSync(join(dir.path, "repo", ".secr.json"), JSON.stringify({ org: "acme", project: "api" }));
      const verbose = await runCli(["--env", "production", "-v", "--timeout", "200ms", "--", "true"], {
        env: { SECR_TOKEN: TOKEN },
        cwd: deep,
      });
      expect(verbose.stderr).toContain("api https://api.secr.dev (default)");
    } finally {
      dir.remove();
    }
  });

  it("a token in .secr.json is refused (78) without echoing it", async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, ".secr.json"), JSON.stringify({ org: "acme", project: "api", token: TOKEN }));
      const { result, child } = await runRecorded(["--env", "production"], {}, dir.path);
      expect(result.exitCode).toBe(78);
      expect(result.stderr).toMatch(
        /^secr-run: .*\.secr\.json contains "token": credentials must not be in a project file.*\n$/,
      );
      expect(child).toBeUndefined();
    } finally {
      dir.remove();
    }
  });

  it("missing settings: one message naming each and where it can come from (78)", async () => {
    const result = await runCli(["--", "true"], { env: { SECR_PROJECT: "api" } });
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toBe(
      'secr-run: missing settings: org (--org, SECR_ORG or "org" in .secr.json); env (--env, SECR_ENV or "env" in .secr.json); token (SECR_TOKEN or --token)\n',
    );
  });

  it("--verbose shows timings and key names, never values", async () => {
    const { result } = await runRecorded(["--env", "production", "--verbose"]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/secr-run: pulled \d+ secrets of acme\/api\/production in \d+ms/);
    expect(result.stderr).toMatch(/secr-run: injecting \d+ secrets: API_KEY, DATABASE_URL, NASTY_BACKSLASH/);
    for (const line of result.stderr.trimEnd().split("\n")) expect(line).toMatch(/^secr-run: /);
  });
});

describe("exit codes of secr-run's own failures (against the real server)", () => {
  it.each([
    ["unknown option", 64, ["--env", "production", "--bogus", "--", "true"], {}],
    ["no command", 64, ["--env", "production"], {}],
    ["command before --", 64, ["--env", "production", "true"], {}],
    ["--command and -- together", 64, ["--env", "production", "--command", "true", "--", "true"], {}],
    ["timeout without unit", 64, ["--env", "production", "--timeout", "10", "--", "true"], {}],
    ["unknown environment", 78, ["--env", "nope", "--", "true"], {}],
    ["unknown org", 78, ["--env", "production", "--org", "nobody", "--", "true"], {}],
    ["bad token", 77, ["--env", "production", "--", "true"], { SECR_TOKEN: "secr_cli_wrong_000000" }],
    ["token scoped to another env", 77, ["--env", "production", "--", "true"], { SECR_TOKEN: STAGING_VIEWER }],
  ] as const)("%s -> %i", async (_label, code, args, env) => {
    const result = await runCli([...args], { env: secrEnv(env) });
    expect(result.exitCode).toBe(code);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^secr-run: [^\n]+\n$/);
  });
});

afterAll(() => {
  // No secret value and no token in anything secr-run printed, in any run of this file.
  const texts = allRuns.flatMap((run) => [run.stdout, run.stderr]);
  expect(leaks(texts, [...ALL_VALUES, TOKEN, STAGING_VIEWER])).toEqual([]);
  expect(allRuns.length).toBeGreaterThan(20);
  expect(existsSync("/tmp/pwned-q1")).toBe(false);
});
