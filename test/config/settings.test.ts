import { describe, expect, it } from "vitest";
import { DEFAULT_API_URL, DEFAULT_TIMEOUT_MS, describeMissing, resolveSettings } from "../../src/config/settings.js";

const file = (data: Record<string, string>) => ({ path: "/repo/.secr.json", data });

describe("resolveSettings precedence: flag > env var > project file > default", () => {
  it("takes each setting from the highest source that has it", () => {
    const result = resolveSettings({
      flags: { env: "flag-env" },
      env: { SECR_ENV: "env-env", SECR_PROJECT: "env-project", SECR_TOKEN: "tok" },
      projectFile: file({ org: "file-org", project: "file-project", env: "file-env" }),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const s = result.settings;
    expect([s.env, s.project, s.org, s.apiUrl, s.timeoutMs]).toEqual([
      "flag-env",
      "env-project",
      "file-org",
      DEFAULT_API_URL,
      DEFAULT_TIMEOUT_MS,
    ]);
    expect(s.sources).toMatchObject({
      env: "flag",
      project: "environment",
      org: "project file",
      apiUrl: "default",
      token: "environment",
      timeout: "default",
    });
    expect(s.projectFile).toBe("/repo/.secr.json");
  });

  it("treats an empty environment variable as unset", () => {
    const result = resolveSettings({
      flags: {},
      env: { SECR_ORG: "", SECR_PROJECT: "p", SECR_ENV: "e", SECR_TOKEN: "t" },
      projectFile: file({ org: "o" }),
    });
    expect(result.ok && result.settings.org).toBe("o");
  });

  it.each([
    ["https://api.example.test/v1", "https://api.example.test"],
    ["https://api.example.test/v1/", "https://api.example.test"],
    ["http://127.0.0.1:4317/prefix/v1", "http://127.0.0.1:4317/prefix"],
    ["https://api.example.test/v10", "https://api.example.test/v10"],
  ])("an API URL ending in /v1 (copied from a route) is the base URL: %s", (given, used) => {
    const result = resolveSettings({
      flags: { apiUrl: given },
      env: { SECR_ORG: "o", SECR_PROJECT: "p", SECR_ENV: "e", SECR_TOKEN: "t" },
      projectFile: undefined,
    });
    expect(result.ok && result.settings.apiUrl).toBe(used);
  });

  it("strips trailing slashes from the API URL and parses the timeout", () => {
    const result = resolveSettings({
      flags: { apiUrl: "http://127.0.0.1:4317/", timeout: "1500ms" },
      env: { SECR_ORG: "o", SECR_PROJECT: "p", SECR_ENV: "e", SECR_TOKEN: "t", SECR_TIMEOUT: "5s" },
      projectFile: undefined,
    });
    expect(result.ok && [result.settings.apiUrl, result.settings.timeoutMs]).toEqual(["http://127.0.0.1:4317", 1500]);
  });
});

describe("resolveSettings failures", () => {
  it("names every missing setting and the places it can come from, in one message", () => {
    const result = resolveSettings({ flags: {}, env: {}, projectFile: undefined });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.usage).toBe(false);
    expect(result.message).toBe(
      'missing settings: org (--org, SECR_ORG or "org" in .secr.json); project (--project, SECR_PROJECT or "project" in .secr.json); ' +
        'env (--env, SECR_ENV or "env" in .secr.json); token (SECR_TOKEN or --token)',
    );
  });

  it("a bad flag is reported before missing settings (usage first)", () => {
    expect(resolveSettings({ flags: { timeout: "5x" }, env: {}, projectFile: undefined })).toMatchObject({
      ok: false,
      usage: true,
    });
    expect(resolveSettings({ flags: {}, env: { SECR_TIMEOUT: "5x" }, projectFile: undefined })).toMatchObject({
      ok: false,
      usage: false,
      message: expect.stringMatching(/^missing settings/),
    });
  });

  it("never offers .secr.json for the token", () => {
    expect(describeMissing("token")).not.toContain(".secr.json");
  });

  it("a bad --timeout is a usage error, a bad SECR_TIMEOUT a configuration error", () => {
    const base = { SECR_ORG: "o", SECR_PROJECT: "p", SECR_ENV: "e", SECR_TOKEN: "t" };
    const flag = resolveSettings({ flags: { timeout: "10" }, env: base, projectFile: undefined });
    expect(flag).toMatchObject({ ok: false, usage: true });
    const env = resolveSettings({ flags: {}, env: { ...base, SECR_TIMEOUT: "soon" }, projectFile: undefined });
    expect(env).toMatchObject({ ok: false, usage: false });
    expect(resolveSettings({ flags: { timeout: "0" }, env: base, projectFile: undefined })).toMatchObject({
      ok: false,
    });
    expect(resolveSettings({ flags: { timeout: "30d" }, env: base, projectFile: undefined })).toMatchObject({
      ok: false,
      message: "--timeout must be at most 24d",
    });
  });

  it("refuses a non-http URL and a URL with credentials without echoing them", () => {
    const base = { SECR_ORG: "o", SECR_PROJECT: "p", SECR_ENV: "e", SECR_TOKEN: "t" };
    expect(resolveSettings({ flags: { apiUrl: "ftp://x" }, env: base, projectFile: undefined })).toMatchObject({
      ok: false,
      usage: true,
    });
    const creds = resolveSettings({
      flags: {},
      env: { ...base, SECR_API_URL: "https://u:hunter22@api.example" },
      projectFile: undefined,
    });
    expect(creds.ok).toBe(false);
    if (!creds.ok) expect(creds.message).not.toContain("hunter22");
  });
});

describe("resolveSettings needs", () => {
  it("a command that needs no env (templates, promote) resolves without one; what it needs is still required", () => {
    const noEnv = resolveSettings({
      flags: { org: "o", project: "p", token: "t" },
      env: {},
      projectFile: undefined,
      needs: ["org", "project"],
    });
    expect(noEnv.ok && noEnv.settings.env).toBe("");
    const noProject = resolveSettings({
      flags: { org: "o", token: "t" },
      env: {},
      projectFile: undefined,
      needs: ["org", "project"],
    });
    expect(noProject).toEqual({
      ok: false,
      usage: false,
      message: expect.stringMatching(/^missing settings: project/),
    });
    const noToken = resolveSettings({ flags: {}, env: {}, projectFile: undefined, needs: [] });
    expect(noToken).toEqual({ ok: false, usage: false, message: expect.stringMatching(/^missing settings: token/) });
    // The default is all three, as before.
    expect(resolveSettings({ flags: { org: "o", project: "p", token: "t" }, env: {}, projectFile: undefined }).ok).toBe(
      false,
    );
  });
});
