// `secr-run secrets ...` black-box: the built CLI against a real `secr-run serve` on port 0.
// Only `secrets get` (and `export`, whose job it is) may print a value: every other run's output
// is scanned for every value.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useLocalServer } from "../helpers/local-server.js";
import { allRuns, type CliResult, leaks, runCli } from "../helpers/cli.js";
import { fileTempDir } from "../helpers/temp.js";

const ADMIN = "secr_cli_manage_admin_7f3a9c2e5b1d";
const VIEWER = "secr_cli_manage_viewer_4e8b2a6c";
const SEEDED = { DATABASE_URL: "postgres://mg-seed-pass-71xq@db/app", API_KEY: "mg-seed-api-key-93kd" };
/** Every value any test sends or seeds: none may appear outside `secrets get`. */
const VALUES: string[] = [...Object.values(SEEDED)];
const secret = (value: string) => (VALUES.push(value), value);

const files = fileTempDir("secr-manage-");
const server = useLocalServer({
  token: ADMIN,
  seed: {
    tokens: [{ token: VIEWER, role: "viewer" }],
    orgs: {
      acme: {
        projects: {
          api: {
            environments: { dev: SEEDED, staging: {}, prod: {}, other: {} },
            templates: [{ key: "DATABASE_URL" }],
          },
        },
      },
    },
  },
});

const env = (extra: Record<string, string> = {}) => ({
  SECR_ORG: "acme",
  SECR_PROJECT: "api",
  SECR_ENV: "dev",
  SECR_API_URL: server.url,
  SECR_TOKEN: ADMIN,
  ...extra,
});
const cli = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
  runCli(args, { env: env(options.env), ...(options.input === undefined ? {} : { input: options.input }) });
const json = <T>(result: CliResult): T => JSON.parse(result.stdout) as T;
const getValue = async (key: string, envName = "dev") =>
  json<{ value: string; version: number }>(await cli(["secrets", "get", key, "--json", "--env", envName]));
const keysOf = async (envName: string) =>
  json<{ keys: { key: string; version: number }[] }>(await cli(["secrets", "list", "--json", "--env", envName])).keys;
const file = (name: string, content: string | Uint8Array) => {
  const path = join(files.path, name);
  writeFileSync(path, content);
  return path;
};

describe("secrets list", () => {
  it("keys, versions and update times; never values", async () => {
    const result = await cli(["secrets", "list"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^KEY\s+VERSION\s+UPDATED$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(["API_KEY", "DATABASE_URL"]);
    expect(lines[1]).toMatch(/^API_KEY\s+1\s+\d{4}-\d\d-\d\dT/);
  });

  it("--json, and global options after the name or before it", async () => {
    const after = await runCli(
      ["secrets", "list", "--json", "--org", "acme", "--project", "api", "--env", "dev", "--api-url", server.url],
      { env: { SECR_TOKEN: ADMIN } },
    );
    const before = await runCli(
      ["--org", "acme", "--project", "api", "--env", "dev", "--api-url", server.url, "secrets", "list", "--json"],
      { env: { SECR_TOKEN: ADMIN } },
    );
    expect(after.exitCode, after.stderr).toBe(0);
    expect(json(after)).toEqual(json(before));
    expect(json<{ keys: unknown[] }>(after).keys).toContainEqual({
      key: "API_KEY",
      version: 1,
      updatedAt: expect.any(String),
    });
  });

  it("errors: unknown env 78, bad token 77, no server 69, missing settings 78, typos 64 with a suggestion", async () => {
    expect((await cli(["secrets", "list", "--env", "nope"])).exitCode).toBe(78);
    expect((await cli(["secrets", "list"], { env: { SECR_TOKEN: "secr_cli_wrong_0000" } })).exitCode).toBe(77);
    const down = await cli(["secrets", "list", "--timeout", "3s"], { env: { SECR_API_URL: "http://127.0.0.1:9" } });
    expect(down.exitCode).toBe(69);
    const missing = await runCli(["secrets", "list"], { env: { SECR_TOKEN: ADMIN } });
    expect(missing.exitCode).toBe(78);
    expect(missing.stderr).toMatch(/missing settings: org/);
    const typo = await cli(["secrets", "lst"]);
    expect([typo.exitCode, typo.stderr]).toEqual([64, expect.stringContaining('did you mean "secrets list"')]);
    const flag = await cli(["secrets", "list", "--jsno"]);
    expect([flag.exitCode, flag.stderr]).toEqual([64, expect.stringContaining("did you mean --json?")]);
  });
});

describe("secrets get", () => {
  it("prints the value exactly (no newline added off a terminal); --json", async () => {
    const result = await cli(["secrets", "get", "API_KEY"]);
    expect([result.exitCode, result.stdout, result.stderr]).toEqual([0, SEEDED.API_KEY, ""]);
    expect(await getValue("DATABASE_URL")).toMatchObject({
      key: "DATABASE_URL",
      value: SEEDED.DATABASE_URL,
      version: 1,
    });
  });

  it("an unknown key is 78 (search matches are not taken for the key)", async () => {
    const result = await cli(["secrets", "get", "API"]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toBe("secr-run: no secret API in acme/api/dev (see secr-run secrets list)\n");
    expect(result.stdout).toBe("");
  });
});

describe("secrets set", () => {
  it("from a pipe: one final newline dropped; prints the version, never the value", async () => {
    const value = secret("piped-value-k2x8 with spaces");
    const first = await cli(["secrets", "set", "PIPED"], { input: `${value}\n` });
    expect([first.exitCode, first.stdout], first.stderr).toEqual([0, "PIPED: version 1 in acme/api/dev\n"]);
    const second = await cli(["secrets", "set", "PIPED", "--json"], { input: value });
    expect(json(second)).toEqual({ key: "PIPED", version: 2 });
    expect(await getValue("PIPED")).toMatchObject({ value, version: 2 });
  });

  it("--from-file keeps every byte (a PEM with its final newline)", async () => {
    const value = secret("-----BEGIN KEY-----\nMIIB-mg-pem-5tq\n-----END KEY-----\n");
    const result = await cli(["secrets", "set", "TLS_KEY", "--from-file", file("key.pem", value)]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect((await getValue("TLS_KEY")).value).toBe(value);
  });

  it("KEY=VALUE works with a warning that argv is visible; the warning does not echo the value", async () => {
    const value = secret("inline-value-w7c3");
    const result = await cli(["secrets", "set", `INLINE=${value}`]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/^secr-run: warning: KEY=VALUE puts the value in argv/);
    expect((await getValue("INLINE")).value).toBe(value);
  });

  it("bad input: empty stdin 65, not UTF-8 65, NUL 65, unreadable file 64, viewer token 77; nothing is written", async () => {
    expect((await cli(["secrets", "set", "EMPTY"], { input: "" })).exitCode).toBe(65);
    expect(
      (await cli(["secrets", "set", "BINARY", "--from-file", file("bin", new Uint8Array([0xff, 0xfe, 0x41]))]))
        .exitCode,
    ).toBe(65);
    expect((await cli(["secrets", "set", "NUL"], { input: "a\0b-nul-value" })).exitCode).toBe(65);
    expect((await cli(["secrets", "set", "NOFILE", "--from-file", join(files.path, "absent")])).exitCode).toBe(64);
    const viewer = await cli(["secrets", "set", "VIEWED"], {
      input: secret("viewer-tries-q8v1"),
      env: { SECR_TOKEN: VIEWER },
    });
    expect(viewer.exitCode).toBe(77);
    expect(viewer.stderr).toMatch(/read-only|may not change/);
    const keys = (await keysOf("dev")).map((k) => k.key);
    for (const key of ["EMPTY", "BINARY", "NUL", "NOFILE", "VIEWED"]) expect(keys).not.toContain(key);
  });
});

describe("secrets import", () => {
  const dotenv = [
    "# a comment line",
    "IMP_PLAIN=plain-imp-value-1a",
    'IMP_QUOTED="quoted # not a comment 2b"',
    "IMP_SINGLE='single $HOME 3c'",
    'IMP_MULTI="line one 4d\\nline two 4d"',
    "IMP_TRAILING=value-5e # trailing comment",
    "export IMP_EXPORTED=exported-6f",
    "",
  ].join("\n");
  const expected = {
    IMP_PLAIN: "plain-imp-value-1a",
    IMP_QUOTED: "quoted # not a comment 2b",
    IMP_SINGLE: "single $HOME 3c",
    IMP_MULTI: "line one 4d\nline two 4d",
    IMP_TRAILING: "value-5e",
    IMP_EXPORTED: "exported-6f",
  };
  VALUES.push(...Object.values(expected));

  it("--dry-run lists what would be created and updated and changes nothing", async () => {
    await cli(["secrets", "set", "IMP_PLAIN", "--env", "staging"], { input: secret("old-plain-value-0z") });
    const before = await keysOf("staging");
    const result = await cli(["secrets", "import", file("app.env", dotenv), "--env", "staging", "--dry-run"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      [
        "dry run: 6 entries for acme/api/staging; nothing was changed",
        "would create 5: IMP_QUOTED, IMP_SINGLE, IMP_MULTI, IMP_TRAILING, IMP_EXPORTED",
        "would update 1: IMP_PLAIN",
        "  update IMP_PLAIN: 18 characters",
        "  create IMP_QUOTED: 25 characters",
        "  create IMP_SINGLE: 15 characters",
        "  create IMP_MULTI: 23 characters; \\n and \\r inside double quotes stored as line breaks",
        '  create IMP_TRAILING: 8 characters; the " #" after it starts a comment, not stored (quote the value if it belongs to it)',
        "  create IMP_EXPORTED: 11 characters",
        "",
      ].join("\n"),
    );
    const asJson = await cli(["secrets", "import", file("app.env", dotenv), "--env", "staging", "--dry-run", "--json"]);
    expect(json(asJson)).toMatchObject({
      dryRun: true,
      create: ["IMP_QUOTED", "IMP_SINGLE", "IMP_MULTI", "IMP_TRAILING", "IMP_EXPORTED"],
      update: ["IMP_PLAIN"],
    });
    expect(json<{ entries: unknown[] }>(asJson).entries[0]).toEqual({
      key: "IMP_PLAIN",
      action: "update",
      characters: 18,
      notes: [],
    });
    expect(await keysOf("staging")).toEqual(before);
  });

  it("dotenv (quotes, multi-line, comments) in one request; values exact", async () => {
    const result = await cli(["secrets", "import", file("app.env", dotenv), "--env", "staging"]);
    expect([result.exitCode, result.stdout], result.stderr).toEqual([
      0,
      "imported 6 into acme/api/staging: 5 created, 1 updated\n",
    ]);
    // What the dotenv rules changed is said (names and notes, never values).
    expect(result.stderr).toContain(
      'secr-run: warning: "' +
        join(files.path, "app.env").replaceAll("\\", "\\\\") +
        '": IMP_TRAILING: the " #" after it starts a comment, not stored',
    );
    for (const [key, value] of Object.entries(expected)) expect((await getValue(key, "staging")).value).toBe(value);
  });

  it("JSON from stdin (-), and --format json", async () => {
    const entries = { JSON_ONE: secret("json-one-8h"), JSON_TWO: secret('json "two"\n9i') };
    const result = await cli(["secrets", "import", "-", "--format", "json", "--env", "prod", "--json"], {
      input: JSON.stringify(entries),
    });
    expect(json(result), result.stderr).toEqual({ created: 2, updated: 0, total: 2 });
    expect((await getValue("JSON_TWO", "prod")).value).toBe(entries.JSON_TWO);
  });

  it("bad files: 65 (not JSON, a non-string value, nothing to import), unknown format 64; nothing written", async () => {
    const before = await keysOf("prod");
    expect((await cli(["secrets", "import", file("bad.json", "{nope"), "--env", "prod"])).exitCode).toBe(65);
    const nonString = await cli(["secrets", "import", file("num.json", '{"PORT": 8080}'), "--env", "prod"]);
    expect([nonString.exitCode, nonString.stderr]).toEqual([65, expect.stringContaining('"PORT" is a number')]);
    expect((await cli(["secrets", "import", file("empty.env", "# only a comment\n"), "--env", "prod"])).exitCode).toBe(
      65,
    );
    expect((await cli(["secrets", "import", file("x.env", "A=1"), "--format", "yaml", "--env", "prod"])).exitCode).toBe(
      64,
    );
    expect(await keysOf("prod")).toEqual(before);
  });

  it("never silently changes a value: an unquoted # is refused (65) with the fix, nothing stored", async () => {
    const before = await keysOf("prod");
    const text = `FIRST_OK=${secret("first-ok-value-2m")}\nAPI_KEY=${secret("imp-hash-key-8q#notacomment")}\n`;
    const result = await cli(["secrets", "import", file("hash.env", text), "--env", "prod"]);
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toMatch(
      /line 2: the value of API_KEY has an unquoted "#", which dotenv reads as the start of a comment .*quote the value/,
    );
    expect((await cli(["secrets", "import", file("hash.env", text), "--env", "prod", "--dry-run"])).exitCode).toBe(65);
    expect(await keysOf("prod")).toEqual(before);
    // Quoted, the whole value is stored.
    const quoted = await cli([
      "secrets",
      "import",
      file("quoted.env", `API_KEY="imp-hash-key-8q#notacomment"\n`),
      "--env",
      "prod",
    ]);
    expect(quoted.exitCode, quoted.stderr).toBe(0);
    expect((await getValue("API_KEY", "prod")).value).toBe("imp-hash-key-8q#notacomment");
  });

  it('empty values as secrets set treats them: EMPTY= is refused (65), EMPTY="" is on purpose', async () => {
    const before = await keysOf("prod");
    const refused = await cli(["secrets", "import", file("empty-value.env", "IMP_EMPTY=\n"), "--env", "prod"]);
    expect([refused.exitCode, refused.stderr]).toEqual([
      65,
      expect.stringContaining(
        'line 1: empty value for IMP_EMPTY; nothing was imported (an empty value on purpose: IMP_EMPTY="")',
      ),
    ]);
    expect(await keysOf("prod")).toEqual(before);
    const set = await cli(["secrets", "set", "IMP_EMPTY", "--env", "prod"], { input: "" });
    expect(set.exitCode).toBe(65);
    const onPurpose = await cli(["secrets", "import", file("empty-quoted.env", 'IMP_EMPTY=""\n'), "--env", "prod"]);
    expect(onPurpose.exitCode, onPurpose.stderr).toBe(0);
    expect((await getValue("IMP_EMPTY", "prod")).value).toBe("");
  });

  it("a dotenv file keeps __proto__: export --format dotenv round-trips through import", async () => {
    const seeded = JSON.parse(
      `{"__proto__": ${JSON.stringify(secret("proto-import-value-6w"))}, "AFTER_PROTO": ${JSON.stringify(secret("after-proto-value-4r"))}}`,
    ) as Record<string, string>;
    expect(
      (
        await cli(["secrets", "import", "-", "--format", "json", "--env", "prod", "--json"], {
          input: JSON.stringify(seeded),
        })
      ).exitCode,
    ).toBe(0);
    const exported = await cli(["export", "--format", "dotenv", "--env", "prod", "--no-validate"]);
    expect([exported.exitCode, exported.stdout], exported.stderr).toEqual([0, expect.stringContaining("__proto__=")]);
    const result = await cli(["secrets", "import", file("proto.env", exported.stdout), "--env", "staging", "--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect((await getValue("__proto__", "staging")).value).toBe("proto-import-value-6w");
    expect((await keysOf("staging")).map((k) => k.key)).toEqual(
      expect.arrayContaining((await keysOf("prod")).map((k) => k.key)),
    );
  });
});

describe("secrets delete", () => {
  it("without a terminal and without --yes: 64, and the key is still there", async () => {
    await cli(["secrets", "set", "DOOMED", "--env", "other"], { input: secret("doomed-value-r4t") });
    const result = await cli(["secrets", "delete", "DOOMED", "--env", "other"]);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toBe("secr-run: not deleting DOOMED from acme/api/other without confirmation: pass --yes\n");
    expect((await keysOf("other")).map((k) => k.key)).toContain("DOOMED");
  });

  it("--yes deletes; a missing key among several deletes none (78)", async () => {
    await cli(["secrets", "set", "KEEP_ME", "--env", "other"], { input: secret("keep-me-value-u5y") });
    const partial = await cli(["secrets", "delete", "KEEP_ME", "NOT_THERE", "--env", "other", "--yes"]);
    expect([partial.exitCode, partial.stderr]).toEqual([
      78,
      "secr-run: not in acme/api/other: NOT_THERE; nothing was deleted\n",
    ]);
    expect((await keysOf("other")).map((k) => k.key)).toContain("KEEP_ME");
    const done = await cli(["secrets", "delete", "DOOMED", "KEEP_ME", "--env", "other", "-y", "--json"]);
    expect(json(done), done.stderr).toEqual({ deleted: ["DOOMED", "KEEP_ME"] });
    expect(await keysOf("other")).toEqual([]);
  });
});

describe("secrets promote", () => {
  it("creates missing keys, skips existing ones unless --overwrite, --keys limits", async () => {
    await cli(["secrets", "import", "-", "--format", "json", "--env", "other"], {
      input: JSON.stringify({ P_ONE: secret("p-one-src-1"), P_TWO: secret("p-two-src-2") }),
    });
    const first = await cli(["secrets", "promote", "--from", "other", "--to", "staging", "--keys", "P_ONE"]);
    expect([first.exitCode, first.stdout], first.stderr).toEqual([
      0,
      "promoted 1 from acme/api/other to staging: 1 created, 0 updated, 0 skipped\n",
    ]);
    const again = await cli(["secrets", "promote", "--from", "other", "--to", "staging", "--json"]);
    expect(json(again)).toEqual({ promoted: 1, created: 1, updated: 0, skipped: 1 });
    await cli(["secrets", "set", "P_ONE", "--env", "other"], { input: secret("p-one-new-3") });
    const overwrite = await cli([
      "secrets",
      "promote",
      "--from",
      "other",
      "--to",
      "staging",
      "--keys",
      "P_ONE",
      "--overwrite",
      "--json",
    ]);
    expect(json(overwrite)).toEqual({ promoted: 1, created: 0, updated: 1, skipped: 0 });
    expect((await getValue("P_ONE", "staging")).value).toBe("p-one-new-3");
  });

  it("errors: same env 64, missing --to 64, unknown env 78, viewer 77", async () => {
    expect((await cli(["secrets", "promote", "--from", "other", "--to", "other"])).exitCode).toBe(64);
    expect((await cli(["secrets", "promote", "--from", "other"])).exitCode).toBe(64);
    expect((await cli(["secrets", "promote", "--from", "other", "--to", "nope"])).exitCode).toBe(78);
    expect(
      (await cli(["secrets", "promote", "--from", "other", "--to", "staging"], { env: { SECR_TOKEN: VIEWER } }))
        .exitCode,
    ).toBe(77);
  });
});

describe("no value outside secrets get", () => {
  it("every other run's stdout and stderr are free of every value", () => {
    const others = allRuns.filter(
      (run) => !(run.args[0] === "secrets" && run.args[1] === "get") && run.args[0] !== "export",
    );
    expect(others.length).toBeGreaterThan(20);
    expect(
      leaks(
        others.flatMap((run) => [run.stdout, run.stderr]),
        VALUES,
      ),
    ).toEqual([]);
    // The tokens are never printed either, not even by get.
    expect(
      leaks(
        allRuns.flatMap((run) => [run.stdout, run.stderr]),
        [ADMIN, VIEWER],
      ),
    ).toEqual([]);
  });
});
