// --env layers in settings resolution, .secr.json's "env" array, "rename", "prefix", "expand",
// and the rules resolved from flags over the file (docs/guide/layers.md).
import { describe, expect, it } from "vitest";
import { resolveEnvRules } from "../../src/config/env-rules.js";
import { parseProjectFile } from "../../src/config/project-file.js";
import { resolveSettings } from "../../src/config/settings.js";
import { NO_RULE_FLAGS, type EnvRuleFlags } from "../../src/plan/env-rules.js";

const base = { SECR_ORG: "o", SECR_PROJECT: "web", SECR_TOKEN: "t" };
const settingsOf = (input: Parameters<typeof resolveSettings>[0]) => {
  const result = resolveSettings(input);
  if (!result.ok) throw new Error(result.message);
  return result.settings;
};

describe("--env layers", () => {
  it("flag > SECR_ENV (a comma list) > the file's array; one layer is the plain env", () => {
    const file = { path: "/r/.secr.json", data: { env: ["shared", "production"] } };
    expect(settingsOf({ flags: {}, env: base, projectFile: file, layered: true }).layers.map((l) => l.label)).toEqual([
      "shared",
      "production",
    ]);
    const fromEnv = settingsOf({
      flags: {},
      env: { ...base, SECR_ENV: "shared, infra/base" },
      projectFile: file,
      layered: true,
    });
    expect(fromEnv.layers).toEqual([
      { project: "web", env: "shared", label: "shared" },
      { project: "infra", env: "base", label: "infra/base" },
    ]);
    expect(fromEnv.env).toBe("shared+infra/base");
    const one = settingsOf({
      flags: { env: ["infra/base"] },
      env: { ...base, SECR_ENV: "a,b" },
      projectFile: file,
      layered: true,
    });
    expect([one.project, one.env, one.layers.length]).toEqual(["infra", "base", 1]);
  });

  it("several layers where a command takes one, a layer twice or an empty one: usage errors from a flag, configuration from elsewhere", () => {
    expect(resolveSettings({ flags: { env: ["a", "b"] }, env: base, projectFile: undefined })).toMatchObject({
      ok: false,
      usage: true,
      message: expect.stringMatching(/names 2 environments/),
    });
    expect(
      resolveSettings({ flags: { env: ["a", "web/a"] }, env: base, projectFile: undefined, layered: true }),
    ).toMatchObject({
      ok: false,
      usage: true,
      message: expect.stringMatching(/given twice/),
    });
    expect(
      resolveSettings({ flags: {}, env: { ...base, SECR_ENV: "a,," }, projectFile: undefined, layered: true }),
    ).toMatchObject({
      ok: false,
      usage: false,
      message: expect.stringMatching(/^SECR_ENV: /),
    });
  });
});

describe(".secr.json", () => {
  it("accepts an env array, rename, prefix and expand, and names the shape of a wrong one", () => {
    expect(parseProjectFile('{"env":["a","b"],"rename":{"A":"B"},"prefix":"APP_","expand":true}', "f")).toEqual({
      env: ["a", "b"],
      rename: { A: "B" },
      prefix: "APP_",
      expand: true,
    });
    expect((parseProjectFile('{"env":[]}', "f") as Error).message).toBe(
      'f: "env" must be a non-empty string or a non-empty array of them',
    );
    expect((parseProjectFile('{"rename":{"A":1}}', "f") as Error).message).toBe(
      'f: "rename" must be an object of "OLD": "NEW" names',
    );
    expect((parseProjectFile('{"expand":"yes"}', "f") as Error).message).toBe('f: "expand" must be true or false');
  });
});

describe("resolveEnvRules", () => {
  const flags: EnvRuleFlags = NO_RULE_FLAGS;
  const file = { rename: { A: "B" }, prefix: "APP_", expand: true };
  it("the file decides what the command line leaves open; a flag replaces the file's value", () => {
    const fromFile = resolveEnvRules(flags, file, "/r/.secr.json");
    expect(fromFile).toMatchObject({ ok: true, rules: { prefix: "APP_", expand: true } });
    expect(fromFile.ok && [...fromFile.rules.renames]).toEqual([["A", "B"]]);
    const fromFlags = resolveEnvRules({ ...flags, rename: ["C=D"], prefix: "", expand: false }, file, "/r/.secr.json");
    expect(fromFlags.ok && [[...fromFlags.rules.renames], fromFlags.rules.prefix, fromFlags.rules.expand]).toEqual([
      [["C", "D"]],
      "",
      false,
    ]);
  });
  it("a bad rename or prefix is 64 from a flag, 78 from the file (naming it)", () => {
    expect(resolveEnvRules({ ...flags, rename: ["A"] }, {}, undefined)).toMatchObject({ ok: false, usage: true });
    expect(resolveEnvRules({ ...flags, prefix: "1X" }, {}, undefined)).toMatchObject({ ok: false, usage: true });
    expect(resolveEnvRules(flags, { rename: { A: "B-C" } }, "/r/.secr.json")).toMatchObject({
      ok: false,
      usage: false,
      message: expect.stringMatching(/^\/r\/\.secr\.json: "rename": /),
    });
  });
});
