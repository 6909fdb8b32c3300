// Every route of the wire contract through the embedded client, over real HTTP to an
// in-process server; raw fetch only for what the client cannot send.
import { request as httpRequest } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiError, startFixture, type Fixture } from "./fixtures.js";

let f: Fixture;
beforeEach(async () => {
  f = await startFixture();
});
afterEach(async () => {
  await f.close();
});

describe("secrets", () => {
  it("pulls an environment's active secrets sorted by key, without pagination when no limit is sent", async () => {
    const result = await f.client().pullSecrets("acme", "api", "production");
    expect(result.pagination).toBeUndefined();
    expect(result.secrets.map((s) => [s.key, s.value, s.version])).toEqual([
      ["API_KEY", "prod-api-key-value-2", 1],
      ["DATABASE_URL", "postgres://prod-secret-value-1", 1],
    ]);
    const raw = await f.raw("/v1/secrets/acme/api/production");
    expect(raw.status).toBe(200);
    expect(raw.body).not.toHaveProperty("pagination");
    expect(raw.body.secrets[0].updatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("sets, updates (same value counts) and versions a key; descriptions stick until replaced", async () => {
    const c = f.client();
    expect(await c.setSecret("acme", "api", "development", "NEW", "v1", { description: "first" })).toEqual({
      key: "NEW",
      version: 1,
    });
    expect(await c.setSecret("acme", "api", "development", "NEW", "v1")).toEqual({ key: "NEW", version: 2 });
    expect(await c.setSecret("acme", "api", "development", "NEW", "v2")).toEqual({ key: "NEW", version: 3 });
    const keys = await c.listKeys("acme", "api", "development");
    expect(keys.keys).toEqual([expect.objectContaining({ key: "NEW", version: 3, description: "first" })]);
    expect(keys.keys[0]).not.toHaveProperty("value");
  });

  it("soft-deletes: the key vanishes everywhere and re-creating continues the version count", async () => {
    const c = f.client();
    await c.setSecret("acme", "api", "production", "API_KEY", "x"); // v2
    expect(await c.deleteSecret("acme", "api", "production", "API_KEY")).toEqual({ deleted: true, key: "API_KEY" });
    expect((await c.pullSecrets("acme", "api", "production")).secrets.map((s) => s.key)).toEqual(["DATABASE_URL"]);
    expect((await c.listKeys("acme", "api", "production")).keys.map((s) => s.key)).toEqual(["DATABASE_URL"]);
    expect((await c.validateTemplate("acme", "api", "production")).missing).toEqual(["API_KEY"]);
    expect((await apiError(c.deleteSecret("acme", "api", "production", "API_KEY"))).statusCode).toBe(404);
    expect(await c.setSecret("acme", "api", "production", "API_KEY", "back")).toEqual({ key: "API_KEY", version: 3 });
  });

  it("keys with slashes, spaces and unicode round-trip through percent-encoding", async () => {
    const c = f.client();
    for (const key of ["a/b", "with space", "ключ", "keys", "bulk", "__proto__", "constructor"]) {
      await c.setSecret("acme", "api", "development", key, `value of ${key}`);
    }
    const pulled = await c.pullSecrets("acme", "api", "development");
    expect(pulled.secrets).toHaveLength(7);
    for (const s of pulled.secrets) expect(s.value).toBe(`value of ${s.key}`);
    await c.deleteSecret("acme", "api", "development", "a/b");
    await c.deleteSecret("acme", "api", "development", "keys");
    expect((await c.listKeys("acme", "api", "development")).keys.map((k) => k.key)).toEqual([
      "__proto__",
      "bulk",
      "constructor",
      "with space",
      "ключ",
    ]);
  });

  it("paginates with limit/offset, caps pages at 1000, and searches case-insensitively", async () => {
    const c = f.client();
    await c.bulkSetSecrets(
      "acme",
      "api",
      "development",
      Array.from({ length: 1205 }, (_, i) => ({ key: `K_${String(i).padStart(4, "0")}`, value: `v${i}` })),
    );
    const page = await c.pullSecrets("acme", "api", "development", { limit: 5000 });
    expect(page.pagination).toEqual({ limit: 1000, offset: 0, total: 1205 });
    expect(page.secrets).toHaveLength(1000);
    const second = await c.pullSecrets("acme", "api", "development", { limit: 1000, offset: 1000 });
    expect(second.secrets).toHaveLength(205);
    expect(second.secrets[0]!.key).toBe("K_1000");
    expect((await c.pullAllSecrets("acme", "api", "development")).length).toBe(1205);
    const search = await c.listKeys("acme", "api", "development", { search: "k_12", limit: 2 });
    expect(search.pagination).toEqual({ limit: 2, offset: 0, total: 5 });
    expect(search.keys.map((k) => k.key)).toEqual(["K_1200", "K_1201"]);
    const bare = await c.listKeys("acme", "api", "development", { search: "K_119" });
    expect(bare.pagination).toBeUndefined();
    expect(bare.keys).toHaveLength(10);
  });

  it("bulk creates and updates atomically, and rejects the whole batch on one bad entry", async () => {
    const c = f.client();
    expect(
      await c.bulkSetSecrets("acme", "api", "staging", [
        { key: "DATABASE_URL", value: "n" },
        { key: "NEW_ONE", value: "m" },
      ]),
    ).toEqual({ created: 1, updated: 1, total: 2 });
    const bad = await apiError(
      c.bulkSetSecrets("acme", "api", "staging", [
        { key: "GOOD", value: "g" },
        { key: "BAD\nKEY", value: "b" },
      ]),
    );
    expect([bad.statusCode, bad.code]).toEqual([422, "validation_error"]);
    const keys = (await c.listKeys("acme", "api", "staging")).keys;
    expect(keys.map((k) => k.key)).toEqual(["DATABASE_URL", "NEW_ONE"]);
    expect(keys.find((k) => k.key === "DATABASE_URL")!.version).toBe(2);
  });

  it("promotes active secrets: creates missing, skips existing unless overwrite, honours keys", async () => {
    const c = f.client();
    expect(await c.promoteSecrets("acme", "api", { fromEnv: "production", toEnv: "staging" })).toEqual({
      promoted: 1,
      created: 1,
      updated: 0,
      skipped: 1,
    });
    expect(await c.promoteSecrets("acme", "api", { fromEnv: "production", toEnv: "staging", overwrite: true })).toEqual(
      { promoted: 2, created: 0, updated: 2, skipped: 0 },
    );
    const staging = await c.pullSecrets("acme", "api", "staging");
    expect(staging.secrets.find((s) => s.key === "DATABASE_URL")).toMatchObject({
      value: "postgres://prod-secret-value-1",
      version: 2,
    });
    expect(
      await c.promoteSecrets("acme", "api", { fromEnv: "production", toEnv: "development", keys: ["API_KEY"] }),
    ).toEqual({ promoted: 1, created: 1, updated: 0, skipped: 0 });
    expect((await c.listKeys("acme", "api", "development")).keys.map((k) => k.key)).toEqual(["API_KEY"]);
    const same = await apiError(c.promoteSecrets("acme", "api", { fromEnv: "staging", toEnv: "staging" }));
    expect([same.statusCode, same.code]).toEqual([400, "bad_request"]);
    expect((await apiError(c.promoteSecrets("acme", "api", { fromEnv: "production", toEnv: "nope" }))).statusCode).toBe(
      404,
    );
    expect(
      (
        await apiError(
          c.promoteSecrets("acme", "api", { fromEnv: "production", toEnv: "development", keys: ["MISSING"] }),
        )
      ).statusCode,
    ).toBe(404);
  });
});

describe("templates", () => {
  it("lists, creates (201, conflict on duplicate), deletes and validates", async () => {
    const c = f.client();
    const listed = await c.listTemplates("acme", "api");
    expect(listed.map((t) => [t.key, t.required, t.description])).toEqual([
      ["DATABASE_URL", true, "db"],
      ["API_KEY", true, null],
      ["LOG_LEVEL", false, null],
    ]);
    const created = await c.createTemplate("acme", "api", "REDIS_URL", { description: "cache" });
    expect(created).toMatchObject({ key: "REDIS_URL", required: true, description: "cache" });
    expect(created.id).toMatch(/^tpl_/);
    const raw = await f.raw("/v1/templates/acme/api", {
      method: "POST",
      body: JSON.stringify({ key: "OPTIONAL_ONE", required: false }),
    });
    expect(raw.status).toBe(201);
    expect(raw.body).toMatchObject({ key: "OPTIONAL_ONE", required: false, description: null });
    expect(typeof raw.body.createdAt).toBe("string");
    const dup = await apiError(c.createTemplate("acme", "api", "REDIS_URL"));
    expect([dup.statusCode, dup.code]).toEqual([409, "conflict"]);

    await c.setSecret("acme", "api", "staging", "UNLISTED", "x");
    expect(await c.validateTemplate("acme", "api", "staging")).toEqual({
      valid: false,
      missing: ["API_KEY", "REDIS_URL"],
      extra: ["UNLISTED"],
    });
    expect(await c.deleteTemplate("acme", "api", "REDIS_URL")).toEqual({ deleted: true, key: "REDIS_URL" });
    expect((await apiError(c.deleteTemplate("acme", "api", "REDIS_URL"))).statusCode).toBe(404);
    await c.setSecret("acme", "api", "staging", "API_KEY", "x");
    expect(await c.validateTemplate("acme", "api", "staging")).toEqual({
      valid: true,
      missing: [],
      extra: ["UNLISTED"],
    });
  });
});

describe("errors", () => {
  it("404 for unknown org, project, environment and route, with { error, message }", async () => {
    const c = f.client();
    for (const [org, project, env, word] of [
      ["nope", "api", "production", "organization"],
      ["acme", "nope", "production", "project"],
      ["acme", "api", "nope", "environment"],
    ] as const) {
      const error = await apiError(c.pullSecrets(org, project, env));
      expect([error.statusCode, error.code]).toEqual([404, "not_found"]);
      expect(error.message).toContain(word);
      expect((await apiError(c.setSecret(org, project, env, "K", "v"))).statusCode).toBe(404);
    }
    expect((await apiError(c.listTemplates("nope", "api"))).statusCode).toBe(404);
    expect((await apiError(c.validateTemplate("acme", "api", "nope"))).statusCode).toBe(404);
    const route = await f.raw("/v1/nothing/here");
    expect(route.status).toBe(404);
    expect(route.body).toEqual({ error: "not_found", message: expect.any(String) });
    const method = await f.raw("/v1/secrets/acme/api/production", { method: "PATCH" });
    expect(method.status).toBe(405);
    expect(method.headers.get("allow")).toBe("GET, PUT");
  });

  it("400 for bad JSON, empty body, wrong shapes and bad query parameters", async () => {
    const put = (body: string) =>
      f.raw("/v1/secrets/acme/api/production", {
        method: "PUT",
        body,
        headers: { "content-type": "application/json" },
      });
    for (const body of [
      "{not json",
      "",
      '"a string"',
      "[]",
      '{"key":"K"}',
      '{"key":1,"value":"v"}',
      '{"key":"K","value":5}',
    ]) {
      const answer = await put(body);
      expect(answer.status, body).toBe(400);
      expect(answer.body.error).toBe("bad_request");
      expect(typeof answer.body.message).toBe("string");
    }
    for (const query of ["limit=abc", "limit=0", "limit=-1", "offset=x", "limit=1.5"]) {
      expect((await f.raw(`/v1/secrets/acme/api/production?${query}`)).status, query).toBe(400);
    }
    expect((await f.raw("/v1/secrets/acme/api/%E0%A4%A")).status).toBe(400);
    const promote = await f.raw("/v1/secrets/acme/api/promote", { method: "POST", body: '{"fromEnv":"production"}' });
    expect(promote.status).toBe(400);
  });

  it("422 for bad keys and oversized values, naming the key but never the value", async () => {
    const c = f.client();
    for (const key of ["", "x".repeat(257), "TAB\tKEY", "NUL\u0000", "DEL\u007f", "C1\u0085"]) {
      const answer = await f.raw("/v1/secrets/acme/api/production", {
        method: "PUT",
        body: JSON.stringify({ key, value: "v" }),
      });
      expect(answer.status, JSON.stringify(key)).toBe(422);
      expect(answer.body.error).toBe("validation_error");
    }
    expect((await c.setSecret("acme", "api", "production", "é".repeat(256), "ok")).version).toBe(1);
    const big = "S3CR3T".repeat(11_000); // 66 000 bytes > 64 KiB
    const error = await apiError(c.setSecret("acme", "api", "production", "BIG", big));
    expect([error.statusCode, error.code]).toEqual([422, "validation_error"]);
    expect(error.message).toContain("BIG");
    expect(error.message).not.toContain("S3CR3T");
    expect((await c.setSecret("acme", "api", "production", "MAX", "x".repeat(64 * 1024))).version).toBe(1);
    expect((await apiError(c.createTemplate("acme", "api", "BAD\nKEY"))).statusCode).toBe(422);
  });

  it("413 for a body over 1 MiB, without buffering it", async () => {
    const huge = JSON.stringify({ key: "K", value: "x".repeat(2 * 1024 * 1024) });
    const answer = await f.raw("/v1/secrets/acme/api/production", { method: "PUT", body: huge });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toBe("payload_too_large");
    // Streamed without Content-Length: the server stops at the limit too.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode("x".repeat(64 * 1024)));
        controller.close();
      },
    });
    const chunked = await f.raw("/v1/secrets/acme/api/production", {
      method: "PUT",
      body: stream,
      duplex: "half",
    } as never);
    expect(chunked.status).toBe(413);
    // The server is still fine afterwards.
    expect((await f.client().pullSecrets("acme", "api", "production")).secrets).toHaveLength(2);
  });
});

describe("auth", () => {
  it("401 without, with a malformed or with an unknown token", async () => {
    for (const headers of [
      {},
      { authorization: "Basic abc" },
      { authorization: "Bearer" },
      { authorization: "Bearer nope" },
    ] as Record<string, string>[]) {
      const answer = await f.raw("/v1/secrets/acme/api/production", { token: null, headers });
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe("unauthorized");
    }
    expect((await apiError(f.client("secr_tok_unknown").pullSecrets("acme", "api", "production"))).code).toBe(
      "unauthorized",
    );
  });

  it("viewer reads everything and writes nothing (403)", async () => {
    const v = f.client("secr_tok_viewer_test");
    expect((await v.pullSecrets("acme", "api", "staging")).secrets).toHaveLength(1);
    expect((await v.listTemplates("acme", "api")).length).toBe(3);
    const writes = [
      v.setSecret("acme", "api", "staging", "K", "v"),
      v.bulkSetSecrets("acme", "api", "staging", [{ key: "K", value: "v" }]),
      v.deleteSecret("acme", "api", "staging", "DATABASE_URL"),
      v.promoteSecrets("acme", "api", { fromEnv: "production", toEnv: "staging" }),
      v.createTemplate("acme", "api", "K"),
      v.deleteTemplate("acme", "api", "API_KEY"),
    ];
    for (const write of writes) expect((await apiError(write)).code).toBe("forbidden");
    expect((await f.client().pullSecrets("acme", "api", "staging")).secrets).toHaveLength(1);
  });

  it("machine tokens are limited to their environment", async () => {
    const m = f.client("secr_mt_production_0123abcd");
    expect((await m.pullSecrets("acme", "api", "production")).secrets).toHaveLength(2);
    expect((await m.validateTemplate("acme", "api", "production")).valid).toBe(true);
    expect((await m.listTemplates("acme", "api")).length).toBe(3);
    expect((await apiError(m.pullSecrets("acme", "api", "staging"))).code).toBe("forbidden");
    expect((await apiError(m.validateTemplate("acme", "api", "staging"))).code).toBe("forbidden");
    expect((await apiError(m.setSecret("acme", "api", "production", "K", "v"))).code).toBe("forbidden");
    const scopedAdmin = f.client("secr_mt_staging_admin_99");
    expect((await scopedAdmin.setSecret("acme", "api", "staging", "K", "v")).version).toBe(1);
    expect((await apiError(scopedAdmin.setSecret("acme", "api", "production", "K", "v"))).code).toBe("forbidden");
    expect(
      (await apiError(scopedAdmin.promoteSecrets("acme", "api", { fromEnv: "production", toEnv: "staging" }))).code,
    ).toBe("forbidden");
    expect((await apiError(scopedAdmin.createTemplate("acme", "api", "NEW"))).code).toBe("forbidden");
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After once a token's bucket is empty, per token", async () => {
    await f.close();
    f = await startFixture({ rateLimit: 3 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i++) {
      const answer = await f.raw("/v1/secrets/acme/api/production");
      statuses.push(answer.status);
      if (answer.status === 429) {
        retryAfter = answer.headers.get("retry-after");
        expect(answer.body.error).toBe("rate_limited");
      }
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await f.raw("/v1/secrets/acme/api/production", { token: "secr_tok_viewer_test" })).status).toBe(200);
  });

  it("limits failed authentications per client too: a flood of bad tokens gets 429, not 401 after 401", async () => {
    await f.close();
    f = await startFixture({ rateLimit: 0.05 }); // a bucket of 1, refilled every 20 s
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const answer = await fromAddress("127.0.0.1", `secr_cli_guess_${i}`);
      statuses.push(answer.status);
      if (answer.status === 429) expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(statuses[0]).toBe(401);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(2);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(198);
    // While throttled, even a right guess from that address learns nothing.
    expect((await fromAddress("127.0.0.1", "secr_cli_admin_test")).status).toBe(429);
    // Every loopback address is one client: another 127.x.y.z does not get a fresh budget.
    expect((await fromAddress("127.0.0.2", "secr_cli_wrong")).status).toBe(429);
    expect((await fromAddress("127.9.8.7", "secr_cli_admin_test")).status).toBe(429);
  });
});

/** One GET of the production secrets from a chosen loopback source address (Linux routes all of 127/8). */
function fromAddress(localAddress: string, token: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${f.server.url}/v1/secrets/acme/api/production`,
      { localAddress, agent: false, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode!, retryAfter: res.headers["retry-after"] }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}
