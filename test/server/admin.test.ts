// Token administration, projects and environments, and conditional reads (ETag / 304),
// through the real client against a real server on port 0.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  MACHINE_ADMIN_STAGING,
  MACHINE_PROD,
  VIEWER,
  apiError,
  seed,
  startFixture,
  type Fixture,
} from "./fixtures.js";

const ORG_ADMIN = "secr_tok_org_admin_acme";
const PROJECT_ADMIN = "secr_tok_project_admin_acme_api";
const EXPIRED = "secr_tok_expired_long_ago";
const adminSeed = {
  ...seed,
  tokens: [
    ...seed.tokens,
    { token: ORG_ADMIN, role: "admin", name: "acme admins", org: "acme" },
    { token: PROJECT_ADMIN, role: "admin", org: "acme", project: "api" },
    { token: EXPIRED, role: "viewer", name: "old CI", expiresAt: "2020-01-01T00:00:00Z" },
  ],
  orgs: { ...seed.orgs, other: { projects: { app: { environments: { production: { K: "other-value" } } } } } },
};

let dataPath: string;
let f: Fixture;
beforeAll(async () => {
  dataPath = await mkdtemp(join(tmpdir(), "secr-admin-"));
  f = await startFixture({ seed: adminSeed, dataPath });
});
afterAll(async () => {
  await f.close();
  await rm(dataPath, { recursive: true, force: true });
});

describe("token lifecycle", () => {
  it("creates a named, scoped token shown once, lists it without secrets, and revokes it with immediate effect", async () => {
    const admin = f.client();
    const created = await admin.createToken({
      name: "deploy bot",
      role: "viewer",
      org: "acme",
      project: "api",
      env: "production",
    });
    expect(created).toMatchObject({
      name: "deploy bot",
      role: "viewer",
      org: "acme",
      project: "api",
      env: "production",
      state: "active",
      expiresAt: null,
    });
    expect(created.id).toMatch(/^tok_[0-9a-f]{16}$/);
    expect(created.token).toMatch(/^secr_tok_[0-9a-f]{40}$/);

    const bot = f.client(created.token);
    expect((await bot.pullSecrets("acme", "api", "production")).secrets).toHaveLength(2);
    expect((await apiError(bot.pullSecrets("acme", "api", "staging"))).statusCode).toBe(403);

    const listed = await f.raw("/v1/tokens");
    expect(listed.status).toBe(200);
    const text = JSON.stringify(listed.body);
    for (const secret of [created.token, ADMIN, VIEWER, MACHINE_PROD]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/"(token|hash)"/);
    const entry = (await admin.listTokens()).find((t) => t.id === created.id);
    expect(entry).toEqual({
      ...created,
      token: undefined,
      revokedAt: null,
      state: "active",
    } as unknown as typeof entry);

    expect(await admin.revokeToken(created.id)).toEqual({ revoked: true, id: created.id, alsoRevoked: [] });
    const refused = await apiError(bot.pullSecrets("acme", "api", "production"));
    expect([refused.statusCode, refused.code]).toEqual([401, "unauthorized"]);
    expect(refused.message).toMatch(/revoked/);
    expect((await admin.listTokens()).find((t) => t.id === created.id)).toMatchObject({
      state: "revoked",
      revokedAt: expect.any(String),
    });
    expect(await admin.revokeToken(created.id)).toEqual({ revoked: true, id: created.id, alsoRevoked: [] }); // idempotent
    expect((await apiError(admin.revokeToken("tok_does_not_exist"))).statusCode).toBe(404);
  });

  it("refuses an expired token at once (401) and lists it as expired", async () => {
    const error = await apiError(f.client(EXPIRED).pullSecrets("acme", "api", "production"));
    expect([error.statusCode, error.code]).toEqual([401, "unauthorized"]);
    expect(error.message).toMatch(/expired/);
    expect((await f.client().listTokens()).find((t) => t.name === "old CI")).toMatchObject({
      state: "expired",
      expiresAt: "2020-01-01T00:00:00.000Z",
    });
    const future = new Date(Date.now() + 3_600_000);
    const later = await f.client().createToken({ name: "until later", role: "viewer", org: "acme", expiresAt: future });
    expect(later.expiresAt).toBe(future.toISOString());
    expect((await f.client(later.token).listKeys("acme", "api", "staging")).keys).toHaveLength(1);
  });

  it("validates the request: scope levels, existing targets, future expiry, role", async () => {
    const admin = f.client();
    const status = async (p: Promise<unknown>) => (await apiError(p)).statusCode;
    expect(await status(admin.createToken({ name: "x", role: "viewer", org: "acme", env: "production" }))).toBe(422);
    expect(await status(admin.createToken({ name: "x", role: "viewer", project: "api" }))).toBe(422);
    expect(await status(admin.createToken({ name: "", role: "viewer" }))).toBe(422);
    expect(await status(admin.createToken({ name: "x", role: "viewer", org: "nope" }))).toBe(404);
    expect(
      await status(admin.createToken({ name: "x", role: "viewer", org: "acme", project: "api", env: "nope" })),
    ).toBe(404);
    expect(await status(admin.createToken({ name: "x", role: "viewer", expiresAt: "2001-01-01T00:00:00Z" }))).toBe(422);
    expect(
      (await f.raw("/v1/tokens", { method: "POST", body: JSON.stringify({ name: "x", role: "owner" }) })).status,
    ).toBe(400);
  });

  it("only an unscoped admin, or an org admin within its org, manages tokens", async () => {
    for (const token of [VIEWER, MACHINE_PROD, MACHINE_ADMIN_STAGING, PROJECT_ADMIN]) {
      const c = f.client(token);
      expect((await apiError(c.listTokens())).statusCode, token).toBe(403);
      expect((await apiError(c.createToken({ name: "x", role: "viewer", org: "acme" }))).statusCode, token).toBe(403);
      expect((await apiError(c.revokeToken("tok_x"))).statusCode, token).toBe(403);
    }
    const orgAdmin = f.client(ORG_ADMIN);
    // Its own tokens and no one else's: no unscoped token and nothing of another org is visible.
    const outsider = await f.client().createToken({ name: "other org bot", role: "viewer", org: "other" });
    const visible = await orgAdmin.listTokens();
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((t) => t.org === "acme")).toBe(true);
    expect((await apiError(orgAdmin.revokeToken(outsider.id))).statusCode).toBe(404);
    expect((await f.client(outsider.token).pullSecrets("other", "app", "production")).secrets).toHaveLength(1);
    // No escalation: an unscoped token or another org's token is refused.
    expect((await apiError(orgAdmin.createToken({ name: "root", role: "admin" }))).statusCode).toBe(403);
    expect((await apiError(orgAdmin.createToken({ name: "x", role: "viewer", org: "other" }))).statusCode).toBe(403);
    const narrowed = await orgAdmin.createToken({
      name: "web staging",
      role: "admin",
      org: "acme",
      project: "api",
      env: "staging",
    });
    expect((await f.client(narrowed.token).setSecret("acme", "api", "staging", "VIA_ORG_ADMIN", "v")).version).toBe(1);
    expect((await apiError(f.client(narrowed.token).pullSecrets("other", "app", "production"))).statusCode).toBe(403);
    expect(await orgAdmin.revokeToken(narrowed.id)).toEqual({ revoked: true, id: narrowed.id, alsoRevoked: [] });
  });
});

describe("projects and environments", () => {
  it("creates a project with the default environments, adds and deletes environments", async () => {
    const admin = f.client();
    expect(await admin.createProject("acme", "billing")).toEqual({
      org: "acme",
      slug: "billing",
      environments: ["development", "staging", "production"],
    });
    expect((await apiError(admin.createProject("acme", "billing"))).statusCode).toBe(409);
    expect((await apiError(admin.createProject("acme", "bad slug!"))).statusCode).toBe(422);
    expect(await admin.createEnvironment("acme", "billing", "qa")).toEqual({ slug: "qa" });
    expect((await apiError(admin.createEnvironment("acme", "billing", "qa"))).statusCode).toBe(409);
    expect((await admin.listEnvironments("acme", "billing")).map((e) => e.slug)).toEqual([
      "development",
      "staging",
      "production",
      "qa",
    ]);
    await admin.setSecret("acme", "billing", "qa", "QA_ONLY", "qa-value");
    expect(await admin.deleteEnvironment("acme", "billing", "qa")).toEqual({ deleted: true, slug: "qa" });
    expect((await apiError(admin.pullSecrets("acme", "billing", "qa"))).statusCode).toBe(404);
    expect((await apiError(admin.deleteEnvironment("acme", "billing", "qa"))).statusCode).toBe(404);
    // A new org comes with its first project.
    expect((await admin.createProject("neworg", "site")).environments).toHaveLength(3);
  });

  it("applies scopes: org admins create in their org, env tokens cannot change environments, any project token lists them", async () => {
    const orgAdmin = f.client(ORG_ADMIN);
    expect((await orgAdmin.createProject("acme", "from-org-admin")).slug).toBe("from-org-admin");
    expect((await apiError(orgAdmin.createProject("other", "sneaky"))).statusCode).toBe(403);
    expect((await apiError(f.client(PROJECT_ADMIN).createProject("acme", "sideways"))).statusCode).toBe(403);
    expect(await f.client(PROJECT_ADMIN).createEnvironment("acme", "api", "preview")).toEqual({ slug: "preview" });
    expect((await apiError(f.client(MACHINE_ADMIN_STAGING).createEnvironment("acme", "api", "qa2"))).statusCode).toBe(
      403,
    );
    expect(
      (await apiError(f.client(MACHINE_ADMIN_STAGING).deleteEnvironment("acme", "api", "staging"))).statusCode,
    ).toBe(403);
    expect((await apiError(f.client(VIEWER).createEnvironment("acme", "api", "qa3"))).statusCode).toBe(403);
    expect((await f.client(MACHINE_PROD).listEnvironments("acme", "api")).map((e) => e.slug)).toContain("production");
    expect((await apiError(f.client(MACHINE_PROD).listEnvironments("other", "app"))).statusCode).toBe(403);
  });
});

describe("conditional reads", () => {
  it("answers 304 to a matching If-None-Match on pull and keys, and a new ETag after any change of that environment", async () => {
    const c = f.client();
    const first = await c.pullSecretsIfChanged("acme", "api", "development");
    expect(first.notModified).toBe(false);
    expect(first.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const keys = await c.listKeysIfChanged("acme", "api", "development");
    expect(keys.notModified).toBe(false);
    expect(keys.etag).not.toBe(first.etag);
    expect(await c.pullSecretsIfChanged("acme", "api", "development", { ifNoneMatch: first.etag! })).toEqual({
      notModified: true,
      etag: first.etag,
    });
    expect((await c.listKeysIfChanged("acme", "api", "development", { ifNoneMatch: keys.etag! })).notModified).toBe(
      true,
    );

    const raw = await f.raw("/v1/secrets/acme/api/development", {
      headers: { "if-none-match": `W/${first.etag}, "other"` },
    });
    expect([raw.status, raw.body, raw.headers.get("etag")]).toEqual([304, "", first.etag]);
    expect((await f.raw("/v1/secrets/acme/api/development", { headers: { "if-none-match": "*" } })).status).toBe(304);
    expect((await f.raw("/v1/secrets/acme/api/development", { headers: { "if-none-match": '"stale"' } })).status).toBe(
      200,
    );
    // A 304 still needs a token allowed to read it.
    expect(
      (
        await f.raw("/v1/secrets/acme/api/development", {
          token: MACHINE_PROD,
          headers: { "if-none-match": first.etag! },
        })
      ).status,
    ).toBe(403);

    // Another environment changes: still current.
    await c.setSecret("acme", "api", "staging", "ELSEWHERE", "x");
    expect((await c.pullSecretsIfChanged("acme", "api", "development", { ifNoneMatch: first.etag! })).notModified).toBe(
      true,
    );
    // Every kind of change of this environment gives a new tag (a tag names content: deleting
    // NEW brings back the first content, and rightly its tag).
    const changes = [
      () => c.setSecret("acme", "api", "development", "NEW", "one"),
      () => c.setSecret("acme", "api", "development", "NEW", "one"), // same value: version moves
      () => c.bulkSetSecrets("acme", "api", "development", [{ key: "NEW", value: "two" }]),
      () => c.deleteSecret("acme", "api", "development", "NEW"),
      () => c.promoteSecrets("acme", "api", { fromEnv: "staging", toEnv: "development" }),
    ];
    let etag = first.etag!;
    let keysEtag = keys.etag!;
    for (const change of changes) {
      await change();
      const next = await c.pullSecretsIfChanged("acme", "api", "development", { ifNoneMatch: etag });
      expect(next.notModified).toBe(false);
      expect(next.etag).not.toBe(etag);
      etag = next.etag!;
      const keysNow = await c.listKeysIfChanged("acme", "api", "development", { ifNoneMatch: keysEtag });
      expect(keysNow.notModified).toBe(false);
      keysEtag = keysNow.etag!;
    }
  });
});

describe("persistence", () => {
  it("created and revoked tokens, projects and environments survive a restart", async () => {
    const created = await f.client().createToken({ name: "survivor", role: "viewer", org: "acme", project: "api" });
    const revoked = await f.client().createToken({ name: "gone", role: "viewer", org: "acme" });
    await f.client().revokeToken(revoked.id);
    await f.client().createProject("acme", "persisted");
    await f.close();
    f = await startFixture({ seed: adminSeed, dataPath });
    expect((await f.client(created.token).pullSecrets("acme", "api", "production")).secrets).toHaveLength(2);
    expect((await apiError(f.client(revoked.token).listKeys("acme", "api", "production"))).statusCode).toBe(401);
    expect((await f.client().listTokens()).find((t) => t.id === created.id)).toMatchObject({
      name: "survivor",
      state: "active",
    });
    expect((await f.client().listEnvironments("acme", "persisted")).map((e) => e.slug)).toEqual([
      "development",
      "staging",
      "production",
    ]);
  });
});
