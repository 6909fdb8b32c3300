// `secr-run check` and `secr-run export`, black-box against secr-run serve. Export output must
// round-trip exactly through dotenv's parser, a POSIX shell's eval and JSON.parse.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { parse } from "dotenv";
import { afterAll, describe, expect, it } from "vitest";
import { useLocalServer } from "../helpers/local-server.js";
import { allRuns, CLI, leaks, NODE, runCli } from "../helpers/cli.js";
import { NASTY_VALUES } from "./fixtures/values.js";

const TOKEN = "secr_cli_checkexport_5e7a9c1b3d0f2468";
const production = {
  DATABASE_URL: "postgres://ce-prod-pass-1a2b@db/api",
  API_KEY: "ce-prod-api-key-3c4d",
  ...NASTY_VALUES,
};
const staging = { DATABASE_URL: "postgres://ce-staging-pass-5e6f@db/api", EXTRA_ONE: "ce-extra-value-7g8h" };
const unquotable = {
  DATABASE_URL: "postgres://ce-uq-pass-9i0j@db/api",
  API_KEY: "ce-uq-api-key-1k2l",
  ALL_QUOTES: "'\"`\nce-mixed-3m4n",
};

const server = useLocalServer({
  token: TOKEN,
  seed: {
    orgs: {
      acme: {
        projects: {
          api: {
            environments: { production, staging, unquotable },
            templates: [
              { key: "DATABASE_URL", required: true },
              { key: "API_KEY", required: true },
              { key: "OPTIONAL_ONE", required: false },
              ...Object.keys(NASTY_VALUES).map((key) => ({ key, required: false })),
            ],
          },
        },
      },
    },
  },
});

const env = () => ({ SECR_ORG: "acme", SECR_PROJECT: "api", SECR_API_URL: server.url, SECR_TOKEN: TOKEN });

describe("secr-run check", () => {
  it("valid environment: exit 0, one line on stdout", async () => {
    const result = await runCli(["check", "--env", "production"], { env: env() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("acme/api/production: valid\n");
    expect(result.stderr).toBe("");
  });

  it("missing keys: exit 78, missing and extra names listed", async () => {
    const result = await runCli(["check", "--env", "staging"], { env: env() });
    expect(result.exitCode).toBe(78);
    expect(result.stdout).toBe(
      "acme/api/staging: missing 1 required key: API_KEY\nacme/api/staging: 1 key not in the template: EXTRA_ONE\n",
    );
  });

  it("--json", async () => {
    const result = await runCli(["check", "--env", "staging", "--json"], { env: env() });
    expect(result.exitCode).toBe(78);
    expect(JSON.parse(result.stdout)).toEqual({
      org: "acme",
      project: "api",
      env: "staging",
      valid: false,
      missing: ["API_KEY"],
      extra: ["EXTRA_ONE"],
    });
  });

  it("its own failures keep their codes (unknown env 78, bad token 77, usage 64)", async () => {
    expect((await runCli(["check", "--env", "nope"], { env: env() })).exitCode).toBe(78);
    expect(
      (await runCli(["check", "--env", "production"], { env: { ...env(), SECR_TOKEN: "secr_cli_wrong_1111" } }))
        .exitCode,
    ).toBe(77);
    expect((await runCli(["check", "--env", "production", "--format", "x"], { env: env() })).exitCode).toBe(64);
  });
});

describe("secr-run export round-trips", () => {
  it("dotenv: dotenv's parser reads back every value exactly", async () => {
    const result = await runCli(["export", "--env", "production", "--format", "dotenv"], { env: env() });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parse(result.stdout)).toEqual(production);
    expect(result.stderr).toBe("");
  });

  it("json: JSON.parse reads back every value exactly", async () => {
    const result = await runCli(["export", "--env", "production", "--format", "json"], { env: env() });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(production);
  });

  it("shell: sh -c 'eval \"$(secr-run export ...)\"' sets every value exactly and runs nothing", async () => {
    const out = execFileSync(
      "/bin/sh",
      [
        "-c",
        `eval "$("$0" "$1" export --env production --format shell)" && exec "$0" -e 'process.stdout.write(JSON.stringify(process.env))'`,
        NODE,
        CLI,
      ],
      {
        env: { PATH: process.env.PATH, ...env() },
        cwd: "/",
      },
    ).toString();
    const seen = JSON.parse(out) as Record<string, string>;
    for (const [key, value] of Object.entries(production)) expect(seen[key], key).toBe(value);
    expect(existsSync("/tmp/pwned-q1")).toBe(false); // NASTY_SHELL's $(touch ...) never ran
  });

  it("--only narrows the export; a missing --only key is 78 with nothing printed", async () => {
    const ok = await runCli(["export", "--env", "production", "--format", "json", "--only", "API_KEY"], { env: env() });
    expect(JSON.parse(ok.stdout)).toEqual({ API_KEY: production.API_KEY });
    const missing = await runCli(["export", "--env", "production", "--format", "json", "--only", "API_KEY,NOPE"], {
      env: env(),
    });
    expect(missing.exitCode).toBe(78);
    expect(missing.stdout).toBe("");
  });

  it("a value dotenv cannot represent: exit 65 naming the key, nothing printed; json still works", async () => {
    const dotenv = await runCli(["export", "--env", "unquotable", "--format", "dotenv"], { env: env() });
    expect(dotenv.exitCode).toBe(65);
    expect(dotenv.stdout).toBe("");
    expect(dotenv.stderr).toMatch(/^secr-run: cannot write ALL_QUOTES in dotenv format .*\n$/);
    const json = await runCli(["export", "--env", "unquotable", "--format", "json"], { env: env() });
    expect(JSON.parse(json.stdout)).toEqual(unquotable);
  });

  it("template validation applies (78, nothing printed) unless --no-validate", async () => {
    const failed = await runCli(["export", "--env", "staging", "--format", "json"], { env: env() });
    expect(failed.exitCode).toBe(78);
    expect(failed.stdout).toBe("");
    const skipped = await runCli(["export", "--env", "staging", "--format", "json", "--no-validate"], { env: env() });
    expect(JSON.parse(skipped.stdout)).toEqual(staging);
  });

  it("a reader that closes the pipe early is not an error", async () => {
    const out = execFileSync(
      "/bin/sh",
      ["-c", '"$0" "$1" export --env production --format json | head -c 1; echo " status=$?"', NODE, CLI],
      {
        env: { PATH: process.env.PATH, ...env() },
        cwd: "/",
        stdio: ["ignore", "pipe", "pipe"],
      },
    ).toString();
    expect(out).toBe("{ status=0\n");
  });

  it("missing --format is a usage error", async () => {
    expect((await runCli(["export", "--env", "production"], { env: env() })).exitCode).toBe(64);
  });
});

afterAll(() => {
  // Values may appear only on export's stdout; never on stderr, never from check.
  const values = [...Object.values(production), ...Object.values(staging), ...Object.values(unquotable), TOKEN];
  const texts = allRuns.flatMap((r) => (r.args[0] === "export" ? [r.stderr] : [r.stdout, r.stderr]));
  expect(leaks(texts, values)).toEqual([]);
});
