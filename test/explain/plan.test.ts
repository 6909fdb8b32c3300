import { describe, expect, it } from "vitest";
import { fingerprintKey } from "../../src/explain/fingerprint.js";
import { explainReport, explainRows, formatExplainTable } from "../../src/explain/rows.js";
import type { TemplateValidation } from "../../src/client/schemas.js";
import { NO_RULES, type EnvRules } from "../../src/plan/env-rules.js";
import { plan, type PlanInput } from "../../src/plan/plan.js";
import { loadSchema, type Schema } from "../../src/schema/index.js";

const TOKEN = "secr_plan_token_abcdef0123456789";
const WHERE = "acme/api/production";

function schemaOf(raw: unknown): Schema {
  const s = loadSchema(raw, "/repo/.secr.json");
  if (s instanceof Error) throw s;
  return s;
}

type InputOver = Partial<PlanInput> &
  Partial<EnvRules> & { secrets?: Record<string, string>; validation?: TemplateValidation | undefined };

/** One environment (one layer) with the rules given beside the other inputs. */
function input(over: InputOver = {}): PlanInput {
  const {
    secrets,
    validation,
    only,
    allowNames,
    skipInvalid,
    preserveEnv,
    passToken,
    expand,
    renames,
    prefix,
    ...rest
  } = over;
  const given = { only, allowNames, skipInvalid, preserveEnv, passToken, expand, renames, prefix };
  const rules = {
    ...NO_RULES,
    ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)),
  } as EnvRules;
  return {
    where: WHERE,
    context: "run",
    layers: [
      {
        label: "production",
        project: "api",
        secrets: secrets ?? { DATABASE_URL: "postgres://u:pw-9f8e@db/app", API_KEY: "key-value-7c6d" },
        validation: "validation" in over ? validation : { valid: true, missing: [], extra: [] },
      },
    ],
    source: { kind: "secr" },
    inherited: { PATH: "/usr/bin", HOME: "/home/u" },
    rules,
    token: TOKEN,
    schema: undefined,
    platform: "linux",
    ...rest,
  };
}

const row = <T extends { key: string }>(rows: T[], key: string): T | undefined => rows.find((r) => r.key === key);

describe("plan", () => {
  it("injects secrets over inherited values and starts", () => {
    const p = plan(input());
    expect(p.stop).toBeUndefined();
    expect(p.env).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/u",
      DATABASE_URL: "postgres://u:pw-9f8e@db/app",
      API_KEY: "key-value-7c6d",
    });
    expect(p.rows).toEqual([
      { key: "API_KEY", source: "secr", action: "injected" },
      { key: "DATABASE_URL", source: "secr", action: "injected" },
    ]);
    expect(p.injected).toEqual(["API_KEY", "DATABASE_URL"]);
  });

  it("--only, name rules, --preserve-env and credentials each give their row", () => {
    const p = plan(
      input({
        secrets: {
          A: "a-val",
          B: "b-val",
          NODE_OPTIONS: "--require x",
          PATH: "/evil",
          KEEP: "from-secr",
          "BAD-NAME": "x",
        },
        inherited: { PATH: "/usr/bin", KEEP: "inherited-val", SECR_TOKEN: TOKEN },
        only: ["A", "NODE_OPTIONS", "PATH", "KEEP", "BAD-NAME", "GONE"],
        preserveEnv: ["KEEP"],
        skipInvalid: true,
      }),
    );
    const byKey = Object.fromEntries(p.rows.map((r) => [r.key, [r.action, r.source, r.reason]]));
    expect(byKey).toEqual({
      A: ["injected", "secr", undefined],
      B: ["skipped", "secr", "not in --only"],
      "BAD-NAME": ["skipped", "secr", "not a valid environment variable name"],
      GONE: ["missing", "none", "listed in --only"],
      KEEP: ["kept", "inherited", "--preserve-env (the secret is not used)"],
      NODE_OPTIONS: ["skipped", "secr", "loads code into the child (--allow-name to inject)"],
      PATH: ["skipped", "secr", "session basic (--allow-name to inject)"],
      SECR_TOKEN: ["removed", "inherited", "secr-run credential (--pass-token passes it)"],
    });
    expect(p.env.KEEP).toBe("inherited-val");
    expect(p.env.SECR_TOKEN).toBeUndefined();
    expect(p.stop).toEqual({
      exitCode: 78,
      message: `${WHERE} lacks keys given to --only: GONE (the command was not started)`,
    });
  });

  it("refused names stop the run with 65 unless --skip-invalid", () => {
    const p = plan(input({ secrets: { LD_PRELOAD: "/tmp/x.so" } }));
    expect(row(p.rows, "LD_PRELOAD")).toMatchObject({ action: "refused" });
    expect(p.stop?.exitCode).toBe(65);
    expect(p.stop?.message).toMatch(/^cannot inject secrets: names that load code into the child, refused: LD_PRELOAD/);
    expect(plan(input({ secrets: { LD_PRELOAD: "/tmp/x.so" }, skipInvalid: true })).stop).toBeUndefined();
  });

  it("the template message is the one runs always printed", () => {
    const p = plan(input({ validation: { valid: false, missing: ["NEEDED"], extra: [] } }));
    expect(p.stop).toEqual({
      exitCode: 78,
      message: `${WHERE} lacks required template keys: NEEDED (the command was not started)`,
    });
    expect(row(p.rows, "NEEDED")).toEqual({
      key: "NEEDED",
      source: "none",
      action: "missing",
      reason: "required by the template",
    });
    expect(plan(input({ context: "export", validation: { valid: false, missing: [], extra: [] } })).stop?.message).toBe(
      `${WHERE} does not satisfy the project template (nothing was printed)`,
    );
  });

  it("--pass-token gives the child the token as SECR_TOKEN", () => {
    const p = plan(input({ passToken: true }));
    expect(p.env.SECR_TOKEN).toBe(TOKEN);
    expect(row(p.rows, "SECR_TOKEN")).toEqual({
      key: "SECR_TOKEN",
      source: "token",
      action: "injected",
      reason: "--pass-token",
    });
    expect(p.injected).not.toContain("SECR_TOKEN");
  });

  it("a snapshot source is carried to the rows", () => {
    expect(plan(input({ source: { kind: "snapshot", ageMs: 90_000 } })).rows[0]!.source).toBe("snapshot");
  });
});

describe("plan with a schema", () => {
  const schema = schemaOf({
    DATABASE_URL: { type: "url", protocols: ["postgres"] },
    PORT: "port",
    LOG_LEVEL: { enum: ["debug", "info"], default: "info" },
    HOSTNAME: { type: "string", optional: true },
    API_KEY: { type: "string", minLength: 20 },
  });

  it("checks the child's final environment: inherited keys count, defaults are injected, failures listed together with the template", () => {
    const p = plan(
      input({
        schema,
        inherited: { PATH: "/usr/bin", PORT: "8080" },
        validation: { valid: false, missing: ["NEEDED"], extra: [] },
      }),
    );
    expect(p.env.LOG_LEVEL).toBe("info");
    expect(p.env.PORT).toBe("8080");
    expect(row(p.rows, "LOG_LEVEL")).toEqual({
      key: "LOG_LEVEL",
      source: "default",
      action: "injected",
      reason: "schema default (/repo/.secr.json)",
      schema: { type: "enum (debug|info)", ok: true },
    });
    expect(row(p.rows, "PORT")).toEqual({
      key: "PORT",
      source: "inherited",
      action: "kept",
      reason: "inherited, declared in the schema",
      schema: { type: "port", ok: true },
    });
    expect(row(p.rows, "API_KEY")).toMatchObject({
      action: "injected",
      schema: { ok: false, rule: "must be at least 20 characters long" },
    });
    expect(row(p.rows, "HOSTNAME")).toBeUndefined();
    expect(p.injected).toEqual(["API_KEY", "DATABASE_URL", "LOG_LEVEL"]);
    expect(p.stop).toEqual({
      exitCode: 78,
      message: `${WHERE} lacks required template keys: NEEDED, and breaks the schema in /repo/.secr.json: API_KEY must be at least 20 characters long (the command was not started)`,
    });
    expect(JSON.stringify(p.rows) + p.stop!.message).not.toContain("key-value-7c6d");
  });

  it("a required key that --only left out is missing, and says why", () => {
    const p = plan(
      input({
        schema,
        inherited: { PORT: "1" },
        secrets: { DATABASE_URL: "postgres://db/x", API_KEY: "k".repeat(25) },
        only: ["API_KEY"],
      }),
    );
    expect(row(p.rows, "DATABASE_URL")).toMatchObject({
      action: "missing",
      reason: "required by the schema; the secret was skipped (not in --only)",
      schema: { ok: false, rule: "is required" },
    });
    expect(p.stop?.message).toBe(
      `${WHERE} breaks the schema in /repo/.secr.json: DATABASE_URL is required (the command was not started)`,
    );
  });

  it("a secret kept out by --preserve-env is checked with the inherited value the child gets", () => {
    const p = plan(
      input({
        schema,
        secrets: { DATABASE_URL: "postgres://db/x", API_KEY: "k".repeat(25), PORT: "80" },
        inherited: { PORT: "not-a-port" },
        preserveEnv: true,
      }),
    );
    expect(row(p.rows, "PORT")).toMatchObject({
      source: "inherited",
      action: "kept",
      schema: { ok: false, rule: "must be a port number (1-65535)" },
    });
    expect(p.stop?.exitCode).toBe(78);
  });
});

describe("explain rows", () => {
  it("carry fingerprints of the value the child gets, never the value", () => {
    const i = input({
      inherited: { KEEP: "inherited-secret-1" },
      secrets: { KEEP: "secr-value-1", A: "secr-value-2" },
      preserveEnv: ["KEEP"],
    });
    const p = plan(i);
    const key = fingerprintKey(TOKEN);
    const rows = explainRows(p, i, key);
    const again = explainRows(
      plan(input({ inherited: { KEEP: "inherited-secret-1" }, secrets: { A: "secr-value-2" }, preserveEnv: ["KEEP"] })),
      i,
      key,
    );
    expect(row(rows, "A")).toMatchObject({ fingerprint: { length: 12 } });
    expect(row(again, "A")).toEqual(row(rows, "A"));
    // KEEP's fingerprint is the inherited value's, not the unused secret's.
    expect(row(rows, "KEEP")!.fingerprint!.hmac).not.toBe(row(rows, "A")!.fingerprint!.hmac);
    expect(row(rows, "KEEP")).toMatchObject({ fingerprint: { length: 18 } });
    const report = explainReport(WHERE, i.source, p, rows);
    const text = formatExplainTable(report) + JSON.stringify(report);
    for (const value of ["inherited-secret-1", "secr-value-1", "secr-value-2", TOKEN])
      expect(text).not.toContain(value);
    expect(formatExplainTable(report)).toMatch(
      /^KEY +SOURCE +ACTION +SCHEMA +FINGERPRINT +DETAIL\nA +secr +injected +- +12:[0-9a-f]{8}\n/,
    );
    expect(formatExplainTable(report)).toMatch(
      /\nacme\/api\/production: a run would start the command with 1 injected keys\n$/,
    );
  });

  it("state the stop a run would make", () => {
    const p = plan(
      input({ validation: { valid: false, missing: ["X"], extra: [] }, source: { kind: "snapshot", ageMs: 125_000 } }),
    );
    const report = explainReport(
      WHERE,
      { kind: "snapshot", ageMs: 125_000 },
      p,
      explainRows(p, input(), fingerprintKey(TOKEN)),
    );
    expect(report).toMatchObject({ wouldStart: false, exitCode: 78 });
    expect(formatExplainTable(report)).toContain("snapshot (2m 5s old)");
    expect(formatExplainTable(report)).toMatch(/a run would stop with exit 78: .* lacks required template keys: X/);
  });
});
