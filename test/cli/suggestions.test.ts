// Help for configuration mistakes, against a real `secr-run serve`: an environment secr does not
// know gets the project's environments and the closest one (when the token may list them), and
// unknown .secr.json keys are named in one warning.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { environmentHint } from "../../src/pipeline/env-suggestion.js";
import { useLocalServer } from "../helpers/local-server.js";
import { runCli } from "../helpers/cli.js";
import { testTempDir } from "../helpers/temp.js";
import { startMswServer } from "../helpers/msw-server.js";

const ADMIN = "secr_cli_suggest_admin_7c1e9a3b5d";
const VIEWER = "secr_cli_suggest_viewer_2b4d6f8h0j";
const environments = { staging: { K: "suggest-value-staging" }, production: { K: "suggest-value-production" } };
const server = useLocalServer({
  token: ADMIN,
  seed: { tokens: [{ token: VIEWER, role: "viewer" }], orgs: { acme: { projects: { api: { environments } } } } },
});

const cli = (args: string[], env: Record<string, string> = {}, cwd?: string) =>
  runCli(args, {
    env: { SECR_API_URL: server.url, SECR_TOKEN: ADMIN, SECR_ORG: "acme", SECR_PROJECT: "api", ...env },
    ...(cwd === undefined ? {} : { cwd }),
  });

describe("an unknown environment", () => {
  it.each([[["check"]], [["--", "true"]], [["export", "--format", "json"]]])(
    "%j: 78, the project's environments and the closest",
    async (args) => {
      const result = await cli(["--env", "stagign", ...args]);
      expect(result.exitCode, result.stderr).toBe(78);
      expect(result.stderr).toMatch(/; environments: production, staging; did you mean "staging"\?\n$/);
      expect(result.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    },
  );

  it("no close one: the list only", async () => {
    const result = await cli(["--env", "qa", "check"]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(/; environments: production, staging\n$/);
  });

  it("a token that may not list environments (403) gets the plain 404 message", async () => {
    const notFound = () =>
      HttpResponse.json({ error: "not_found", message: 'environment "stagign" not found' }, { status: 404 });
    const msw = await startMswServer(
      http.get("*/v1/projects/acme/api/environments", () =>
        HttpResponse.json({ error: "forbidden", message: "admin only" }, { status: 403 }),
      ),
      http.get("*/v1/secrets/*", notFound),
      http.get("*/v1/templates/*", notFound),
    );
    try {
      const result = await cli(["--env", "stagign", "check"], { SECR_API_URL: msw.url });
      expect(result.exitCode, result.stderr).toBe(78);
      expect(msw.requests.map((r) => r.url.pathname)).toContain("/v1/projects/acme/api/environments");
      expect(result.stderr).toMatch(/check --org, --project and --env: acme\/api\/stagign\)\n$/);
      expect(result.stderr).not.toContain("environments:");
    } finally {
      await msw.close();
    }
  });

  it("an unknown project: no list (that request is a 404 too)", async () => {
    const result = await cli(["--env", "staging", "check"], { SECR_PROJECT: "nope" });
    expect(result.exitCode).toBe(78);
    expect(result.stderr).not.toContain("environments:");
  });

  it("environmentHint is quiet when the list says nothing", () => {
    expect(environmentHint("dev", [])).toBe("");
    expect(environmentHint("dev", ["dev", "prod"])).toBe("");
    expect(environmentHint("prdo", ["staging", "prod"])).toBe('; environments: prod, staging; did you mean "prod"?');
  });
});

describe("unknown .secr.json keys", () => {
  it("are named in one warning, with the known key each probably meant; the run goes on", async () => {
    const dir = testTempDir("secr-run-project-");
    writeFileSync(
      join(dir, ".secr.json"),
      JSON.stringify({ org: "acme", project: "api", evn: "staging", futureKey: 1 }),
    );
    const result = await cli(["--env", "staging", "check"], { SECR_ORG: "", SECR_PROJECT: "" }, dir);
    expect(result.exitCode, result.stderr).toBe(0);
    const warnings = result.stderr.split("\n").filter((line) => line.includes("warning"));
    expect(warnings).toEqual([
      `secr-run: warning: ${join(dir, ".secr.json")}: ignoring unknown keys "evn" (did you mean "env"?), "futureKey"; known: org, project, env, apiUrl, schema, rename, prefix, expand`,
    ]);
    expect(
      (await cli(["-q", "--env", "staging", "check"], { SECR_ORG: "", SECR_PROJECT: "" }, dir)).stderr,
    ).not.toContain("warning");
  });

  it("a file with only known keys: no warning", async () => {
    const dir = testTempDir("secr-run-project-");
    writeFileSync(join(dir, ".secr.json"), JSON.stringify({ org: "acme", project: "api", env: "staging" }));
    const result = await cli(["check"], { SECR_ORG: "", SECR_PROJECT: "" }, dir);
    expect([result.exitCode, result.stderr]).toEqual([0, ""]);
  });
});
