// Seeding: adds what is missing, never reverts API edits, same seed twice is a no-op.
import { expect, it } from "vitest";
import { hashToken } from "../../src/server/store/tokens.js";
import { emptyState, serializeState } from "../../src/server/store/model.js";
import { applySeed, parseSeed } from "../../src/server/store/seed.js";
import { deleteSecret, putSecret } from "../../src/server/store/secrets.js";
import { seed } from "./fixtures.js";
import exampleSeed from "../../examples/seed.json" with { type: "json" };

it("applying the same seed twice changes nothing; API edits and deletions survive a re-seed", () => {
  const state = emptyState();
  const parsed = parseSeed(seed);
  expect(applySeed(state, parsed)).toBe(true);
  const once = serializeState(state);
  expect(applySeed(state, parsed)).toBe(false);
  expect(serializeState(state)).toBe(once);

  const ref = { org: "acme", project: "api", env: "production" };
  putSecret(state, ref, { key: "DATABASE_URL", value: "edited" });
  deleteSecret(state, ref, "API_KEY");
  expect(applySeed(state, parsed)).toBe(false);
  const production = state.orgs.get("acme")!.projects.get("api")!.environments.get("production")!;
  expect(production.secrets.get("DATABASE_URL")).toMatchObject({ value: "edited", version: 2 });
  expect(production.secrets.get("API_KEY")?.deleted).toBe(true);
});

it("a seeded token's role and scope follow the seed; its id and creation time stay, and a revocation sticks", () => {
  const state = emptyState();
  applySeed(
    state,
    parseSeed({ tokens: [{ token: "t", role: "viewer", org: "acme", project: "api", env: "production" }] }),
  );
  const first = state.tokens.get(hashToken("t"))!;
  expect(first).toMatchObject({ role: "viewer", org: "acme", project: "api", env: "production", name: "seed token 1" });
  expect(applySeed(state, parseSeed({ tokens: [{ token: "t", role: "admin", name: "ci" }] }))).toBe(true);
  expect(state.tokens.get(hashToken("t"))).toEqual({
    id: first.id,
    hash: hashToken("t"),
    name: "ci",
    role: "admin",
    createdAt: first.createdAt,
  });
  state.tokens.get(hashToken("t"))!.revokedAt = "2020-01-01T00:00:00.000Z";
  expect(applySeed(state, parseSeed({ tokens: [{ token: "t", role: "admin", name: "ci" }] }))).toBe(false);
  expect(state.tokens.get(hashToken("t"))!.revokedAt).toBe("2020-01-01T00:00:00.000Z");
});

it("refuses a seed token scoped to an environment or project without the levels above it", () => {
  expect(() => parseSeed({ tokens: [{ token: "t", role: "viewer", env: "production" }] })).toThrow(
    /^invalid seed at tokens\.0: a token scoped to an environment must also name its org and project/,
  );
  expect(() => parseSeed({ tokens: [{ token: "t", role: "viewer", org: "acme", env: "production" }] })).toThrow(
    /must also name its org and project/,
  );
  expect(() => parseSeed({ tokens: [{ token: "t", role: "viewer", project: "api" }] })).toThrow(
    /scoped to a project must also name its org/,
  );
  expect(() => parseSeed({ tokens: [{ token: "t", role: "viewer", org: "acme", expiresAt: "tomorrow" }] })).toThrow(
    /invalid seed at tokens\.0\.expiresAt/,
  );
});

it("examples/seed.json is valid: production satisfies the template, staging lacks a required key", () => {
  const state = emptyState();
  applySeed(state, parseSeed(exampleSeed));
  const project = state.orgs.get("acme")!.projects.get("api")!;
  expect([...project.environments.keys()].sort()).toEqual(["development", "production", "staging"]);
  const required = project.templates.filter((t) => t.required).map((t) => t.key);
  const has = (env: string) => [...project.environments.get(env)!.secrets.keys()];
  expect(required.every((key) => has("production").includes(key))).toBe(true);
  expect(required.filter((key) => !has("staging").includes(key))).toEqual(["STRIPE_SECRET_KEY"]);
  expect([...state.tokens.values()].map((t) => [t.role, t.org, t.project, t.env])).toEqual([
    ["admin", undefined, undefined, undefined],
    ["viewer", "acme", "api", "production"],
  ]);
});

it("rejects seeds with a clear message naming the place, never the value", () => {
  expect(() =>
    parseSeed({ orgs: { acme: { projects: { api: { environments: { production: { K: 5 } } } } } } }),
  ).toThrow(/invalid seed at orgs\.acme\.projects\.api\.environments\.production\.K/);
  expect(() => parseSeed({ tokens: [{ token: "t", role: "owner" }] })).toThrow(/invalid seed at tokens\.0\.role/);
  expect(() =>
    parseSeed({
      orgs: { acme: { projects: { api: { environments: { production: { BIG: "s3cr3t".repeat(20_000) } } } } } },
    }),
  ).toThrow(/BIG/);
  try {
    parseSeed({
      orgs: { acme: { projects: { api: { environments: { production: { BIG: "s3cr3t".repeat(20_000) } } } } } },
    });
  } catch (error) {
    expect((error as Error).message).not.toContain("s3cr3t");
  }
});
