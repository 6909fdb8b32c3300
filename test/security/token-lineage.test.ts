// Attack: a short-lived admin token mints a permanent admin token that keeps reading and
// writing after its creator is revoked. A created token must not outlive its creator, and
// revoking a token must revoke what it created (docs/design/server.md, "Token lifecycle").
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deserializeState, emptyState, serializeState } from "../../src/server/store/model.js";
import { tokenRecord } from "../../src/server/store/tokens.js";
import { apiError, startFixture, type Fixture } from "../server/fixtures.js";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.close());

describe("a token minted by a short-lived admin token", () => {
  it("gets at most its creator's expiry, is listed with createdBy, and dies with its creator's revocation", async () => {
    const root = f.client();
    const parentExpiry = new Date(Date.now() + 3_600_000);
    const parent = await root.createToken({ name: "one hour", role: "admin", org: "acme", expiresAt: parentExpiry });
    const viaParent = f.client(parent.token);

    // The attack: mint a permanent admin token for the org.
    const child = await viaParent.createToken({ name: "forever", role: "admin", org: "acme" });
    expect(child.expiresAt).toBe(parentExpiry.toISOString());
    expect(child.createdBy).toBe(parent.id);
    const later = await apiError(
      viaParent.createToken({
        name: "later",
        role: "admin",
        org: "acme",
        expiresAt: new Date(parentExpiry.getTime() + 1000),
      }),
    );
    expect([later.statusCode, later.message]).toEqual([422, expect.stringContaining(parentExpiry.toISOString())]);
    const grandchild = await f
      .client(child.token)
      .createToken({ name: "deeper", role: "viewer", org: "acme", project: "api", env: "production" });
    expect(grandchild.createdBy).toBe(child.id);
    const sibling = await root.createToken({ name: "unrelated", role: "viewer", org: "acme" });
    expect(sibling.createdBy).toMatch(/^tok_/);

    expect((await root.listTokens()).find((t) => t.id === child.id)).toMatchObject({
      createdBy: parent.id,
      expiresAt: parentExpiry.toISOString(),
    });

    const result = await root.revokeToken(parent.id);
    expect(result).toEqual({ revoked: true, id: parent.id, alsoRevoked: [child.id, grandchild.id] });
    for (const token of [parent.token, child.token, grandchild.token]) {
      const refused = await apiError(f.client(token).pullSecrets("acme", "api", "production"));
      expect([refused.statusCode, refused.message]).toEqual([401, expect.stringContaining("this token is revoked")]);
    }
    const write = await apiError(
      f.client(child.token).setSecret("acme", "api", "production", "PLANTED", "by-the-child"),
    );
    expect(write.statusCode).toBe(401);
    // Unrelated tokens keep working.
    expect((await f.client(sibling.token).listKeys("acme", "api", "production")).keys.length).toBeGreaterThan(0);
  });
});

describe("the lineage is stored", () => {
  it("a restart keeps createdBy: revoking the creator afterwards still revokes what it made", async () => {
    const dataPath = await mkdtemp(join(tmpdir(), "secr-lineage-"));
    let g = await startFixture({ dataPath });
    try {
      const parent = await g
        .client()
        .createToken({ name: "parent", role: "admin", org: "acme", expiresAt: new Date(Date.now() + 3_600_000) });
      const child = await g.client(parent.token).createToken({ name: "child", role: "viewer", org: "acme" });
      await g.close();
      g = await startFixture({ dataPath });
      expect((await g.client().listTokens()).find((t) => t.id === child.id)).toMatchObject({
        createdBy: parent.id,
        expiresAt: parent.expiresAt,
      });
      expect((await g.client().revokeToken(parent.id)).alsoRevoked).toEqual([child.id]);
      expect((await apiError(g.client(child.token).listKeys("acme", "api", "production"))).statusCode).toBe(401);
    } finally {
      await g.close();
      await rm(dataPath, { recursive: true, force: true });
    }
  });
});

it("the compacted state file keeps createdBy too", () => {
  const state = emptyState();
  const record = tokenRecord({
    token: "secr_tok_x",
    name: "child",
    role: "viewer",
    org: "acme",
    createdBy: "tok_parent",
  });
  state.tokens.set(record.hash, record);
  expect(deserializeState(serializeState(state)).tokens.get(record.hash)).toEqual(record);
});
