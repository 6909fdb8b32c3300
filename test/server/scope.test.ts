// Token scopes under attack: a token bound to an org, a project or an environment must not
// reach any other org, project or environment, on any route.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyState, deserializeState } from "../../src/server/store/model.js";
import { hashToken } from "../../src/server/store/tokens.js";
import { CLI } from "../helpers/cli.js";
import { apiError, startFixture, type Fixture } from "./fixtures.js";

const PROD_VIEWER = "secr_mt_production_acme_api";
const ORG_ADMIN = "secr_tok_acme_admin";
const PROJECT_VIEWER = "secr_tok_acme_api_viewer";
const OTHER_SECRET = "other-org-secret-value-never-leaks";

const scopeSeed = {
  tokens: [
    { token: "secr_cli_root", role: "admin" },
    { token: PROD_VIEWER, role: "viewer", org: "acme", project: "api", env: "production" },
    { token: ORG_ADMIN, role: "admin", org: "acme" },
    { token: PROJECT_VIEWER, role: "viewer", org: "acme", project: "api" },
  ],
  orgs: {
    acme: {
      projects: {
        api: { environments: { production: { DB: "acme-api-prod" }, staging: { DB: "acme-api-staging" } } },
        web: { environments: { production: { DB: "acme-web-prod" } } },
      },
    },
    other: {
      projects: {
        secretproj: { environments: { production: { STOLEN: OTHER_SECRET } }, templates: [{ key: "STOLEN" }] },
      },
    },
  },
};

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ seed: scopeSeed });
});
afterAll(async () => {
  await f.close();
});

const status = async (token: string, path: string, init: RequestInit = {}) => {
  const answer = await f.raw(path, { ...init, token });
  expect(JSON.stringify(answer.body)).not.toContain(OTHER_SECRET);
  return answer.status;
};

describe("an environment-scoped token", () => {
  it("reads its own environment and nothing in another org or project with the same env slug", async () => {
    expect((await f.client(PROD_VIEWER).pullSecrets("acme", "api", "production")).secrets.map((s) => s.value)).toEqual([
      "acme-api-prod",
    ]);
    // The attack: same env slug, another org / another project.
    const e = await apiError(f.client(PROD_VIEWER).pullSecrets("other", "secretproj", "production"));
    expect([e.statusCode, e.code]).toEqual([403, "forbidden"]);
    expect(e.message).toMatch(/limited to organization "acme"/);
    for (const path of [
      "/v1/secrets/other/secretproj/production",
      "/v1/secrets/other/secretproj/production/keys",
      "/v1/templates/other/secretproj",
      "/v1/templates/other/secretproj/validate/production",
      "/v1/secrets/acme/web/production",
      "/v1/secrets/acme/web/production/keys",
      "/v1/templates/acme/web/validate/production",
      "/v1/secrets/acme/api/staging",
    ]) {
      expect(await status(PROD_VIEWER, path), path).toBe(403);
    }
  });

  it("is refused at load when the seed gives it no org and project (exit 78, one clear line)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "secr-scope-seed-"));
    try {
      const seedFile = join(dir, "seed.json");
      await writeFile(
        seedFile,
        JSON.stringify({ tokens: [{ token: "secr_mt_x", role: "viewer", env: "production" }] }),
      );
      const result = await execa(
        process.execPath,
        [CLI, "serve", "--port", "0", "--data", join(dir, "data"), "--seed", seedFile],
        {
          reject: false,
          stdin: "ignore",
          timeout: 20_000,
          env: { SECR_SERVE_TOKEN: "t", SECR_SERVE_KEY: "" },
        },
      );
      expect(result.exitCode).toBe(78);
      expect(result.stderr).toMatch(
        /^secr-run serve: invalid seed at tokens\.0: a token scoped to an environment must also name its org and project/,
      );
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("from a data file of the previous format (env without org) is revoked on load", () => {
    const v1 = JSON.stringify({
      format: 1,
      tokens: [
        { hash: hashToken("a"), role: "admin" },
        { hash: hashToken("m"), role: "viewer", env: "production" },
      ],
      orgs: [],
    });
    const state = deserializeState(v1, "2030-01-01T00:00:00.000Z");
    expect(state.tokens.get(hashToken("a"))).toMatchObject({ role: "admin" });
    expect(state.tokens.get(hashToken("a"))!.revokedAt).toBeUndefined();
    expect(state.tokens.get(hashToken("m"))).toMatchObject({
      env: "production",
      revokedAt: "2030-01-01T00:00:00.000Z",
    });
    expect(emptyState().tokens.size).toBe(0);
  });
});

describe("an org-scoped admin", () => {
  it("writes anywhere in its org and nowhere else", async () => {
    const c = f.client(ORG_ADMIN);
    expect((await c.setSecret("acme", "web", "production", "NEW", "v")).version).toBe(1);
    const e = await apiError(c.setSecret("other", "secretproj", "production", "STOLEN", "overwritten"));
    expect(e.statusCode).toBe(403);
    expect(await status(ORG_ADMIN, "/v1/secrets/other/secretproj/production")).toBe(403);
    expect(
      await status(ORG_ADMIN, "/v1/templates/other/secretproj", { method: "POST", body: JSON.stringify({ key: "X" }) }),
    ).toBe(403);
    expect(
      await status(ORG_ADMIN, "/v1/secrets/other/secretproj/promote", {
        method: "POST",
        body: JSON.stringify({ fromEnv: "production", toEnv: "staging" }),
      }),
    ).toBe(403);
    expect((await f.client("secr_cli_root").pullSecrets("other", "secretproj", "production")).secrets[0]!.value).toBe(
      OTHER_SECRET,
    );
  });
});

describe("a project-scoped token", () => {
  it("reads every environment of its project and no other project of its org", async () => {
    const c = f.client(PROJECT_VIEWER);
    expect((await c.pullSecrets("acme", "api", "staging")).secrets).toHaveLength(1);
    expect(await c.listTemplates("acme", "api")).toEqual([]);
    expect(await status(PROJECT_VIEWER, "/v1/secrets/acme/web/production")).toBe(403);
    expect(await status(PROJECT_VIEWER, "/v1/templates/acme/web")).toBe(403);
    expect(await status(PROJECT_VIEWER, "/v1/secrets/other/secretproj/production")).toBe(403);
  });
});
