// The attack (or accident): secrets named `__proto__`, `constructor`, `toString`. They are valid
// environment variable names, and a plain `{}` mishandles them: `obj.__proto__ = v` sets the
// prototype, so the secret vanished without a word. Each stage that keys secrets by name, and
// the whole path through the built CLI, must carry them as ordinary names.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePayload, serializePayload } from "../../src/cache/payload.js";
import { buildChildEnv } from "../../src/plan/child-env.js";
import { formatSecrets } from "../../src/plan/export-format.js";
import { applyNameRules } from "../../src/plan/names.js";
import { selectOnly } from "../../src/plan/only.js";
import { parseImport } from "../../src/cli/commands/secrets/import-file.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { secrHandlers } from "../helpers/secr-api.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";
import { makeClient } from "../client/helpers.js";

const SECRETS: Record<string, string> = JSON.parse(
  '{"__proto__":"proto-value-1a2b","constructor":"ctor-value-3c4d","toString":"tostring-value-5e6f","hasOwnProperty":"hop-value-7a8b","NORMAL":"normal-value-9c0d"}',
);
const NAMES = Object.keys(SECRETS);

function entriesOf(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1));
}
const EXPECTED = entriesOf(SECRETS);

describe("each stage keeps them", () => {
  it("the fixture really holds an own __proto__ key", () => {
    expect(NAMES).toEqual(["__proto__", "constructor", "toString", "hasOwnProperty", "NORMAL"]);
  });

  it("name rules, --only, the child environment, every export format and the snapshot payload", () => {
    const names = applyNameRules(SECRETS, { allowNames: [], skipInvalid: false, platform: "linux" });
    expect(names.fatal).toBe(false);
    expect(entriesOf(names.accepted)).toEqual(EXPECTED);
    expect(entriesOf(selectOnly(SECRETS, undefined).selected)).toEqual(EXPECTED);
    expect(entriesOf(selectOnly(SECRETS, NAMES).selected)).toEqual(EXPECTED);
    expect(selectOnly({ A: "1" }, ["constructor", "toString", "__proto__"]).missing).toEqual([
      "constructor",
      "toString",
      "__proto__",
    ]);
    const { env } = buildChildEnv({
      inherited: { PATH: "/bin" },
      secrets: names.accepted,
      preserve: false,
      passToken: false,
      token: "t",
      platform: "linux",
    });
    expect(entriesOf(env)).toEqual(entriesOf({ ...SECRETS, PATH: "/bin" }));
    const json = formatSecrets("json", SECRETS);
    expect(json.ok && entriesOf(JSON.parse(json.text))).toEqual(EXPECTED);
    for (const format of ["shell", "dotenv"] as const) {
      const out = formatSecrets(format, SECRETS);
      for (const name of NAMES) expect(out.ok && out.text).toContain(`${name}=`);
    }
    const payload = parsePayload(serializePayload({ secrets: SECRETS, validation: null, fetchedAt: 1 }));
    expect(entriesOf(payload!.secrets)).toEqual(EXPECTED);
  });

  it("secrets import reads them back from what export --format dotenv and json write", () => {
    for (const format of ["dotenv", "json"] as const) {
      const out = formatSecrets(format, SECRETS);
      const entries = parseImport(out.ok ? out.text : "", format, "f").map(
        ({ key, value }) => [key, value] as [string, string],
      );
      expect(
        entries.sort(([a], [b]) => (a < b ? -1 : 1)),
        format,
      ).toEqual(EXPECTED);
    }
  });
});

describe("end to end", () => {
  const TOKEN = "secr_cli_protonames_2b4d6f8a0c1e3579";
  let msw: MswServer;
  const dir = tempDir("secr-run-proto-");
  beforeAll(async () => {
    msw = await startMswServer(...secrHandlers(() => SECRETS));
  });
  afterAll(async () => {
    await msw?.close();
    dir.remove();
  });
  const coordinates = ["--org", "acme", "--project", "api", "--env", "production"];
  const env = () => ({ SECR_API_URL: msw.url, SECR_TOKEN: TOKEN, SECR_CACHE_DIR: `${dir.path}/cache` });

  /** `env -0` output of the child: its real environment block. */
  function childEnv(stdout: string): Array<[string, string]> {
    const pairs = stdout
      .split("\0")
      .filter((l) => l !== "")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as [string, string]);
    return pairs.filter(([k]) => NAMES.includes(k)).sort(([a], [b]) => (a < b ? -1 : 1));
  }

  it("the client returns them", async () => {
    const client = makeClient(msw.url);
    try {
      const secrets = await client.pullAllSecrets("acme", "api", "production");
      expect(secrets.map((s) => s.key)).toEqual(NAMES);
    } finally {
      await client.close();
    }
  });

  it("export --format json prints them", async () => {
    const result = await runCli(["export", "--format", "json", ...coordinates], { env: env() });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(entriesOf(JSON.parse(result.stdout))).toEqual(EXPECTED);
  });

  it("a run injects them, and an --offline run from the snapshot it wrote does too", async () => {
    const online = await runCli([...coordinates, "--", "env", "-0"], { env: env() });
    expect(online.exitCode, online.stderr).toBe(0);
    expect(childEnv(online.stdout)).toEqual(EXPECTED);
    const offline = await runCli(["--offline", ...coordinates, "--", "env", "-0"], { env: env() });
    expect(offline.exitCode, offline.stderr).toBe(0);
    expect(childEnv(offline.stdout)).toEqual(EXPECTED);
    // Started from that run's fetch (--share-window), as a run launched with it would be.
    const shared = await runCli(["--share-window", "10m", "-v", ...coordinates, "--", "env", "-0"], { env: env() });
    expect(shared.exitCode, shared.stderr).toBe(0);
    expect(shared.stderr).toMatch(/secrets from the fetch another secr-run began/);
    expect(childEnv(shared.stdout)).toEqual(EXPECTED);
  });

  it("a .secr.json schema default for them reaches the child when secr has no such secret", async () => {
    const project = join(dir.path, "schema-project");
    mkdirSync(project, { recursive: true });
    const schema = JSON.parse(
      '{"__proto__":{"type":"string","default":"proto-default-1f"},"toString":{"type":"string","default":"tostring-default-2e"},"EXTRA_KEY":{"type":"string","default":"x"}}',
    );
    writeFileSync(join(project, ".secr.json"), JSON.stringify({ org: "acme", project: "api", env: "staging", schema }));
    const empty = await startMswServer(...secrHandlers(() => ({ NORMAL: "normal-value-9c0d" })));
    try {
      const result = await runCli(["--", "env", "-0"], { cwd: project, env: { ...env(), SECR_API_URL: empty.url } });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(childEnv(result.stdout)).toEqual([
        ["NORMAL", "normal-value-9c0d"],
        ["__proto__", "proto-default-1f"],
        ["toString", "tostring-default-2e"],
      ]);
    } finally {
      await empty.close();
    }
  });
});
