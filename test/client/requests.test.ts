// Each method's request on the wire (method, encoded path, query, headers, body) and its parsed result.
import { http, HttpResponse } from "msw";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { makeClient, NOW, secret, TOKEN, useClientFixture } from "./helpers.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

const fx = useClientFixture();

function only() {
  expect(fx.server.requests).toHaveLength(1);
  return fx.server.requests[0]!;
}

function expectCommonHeaders(headers: Headers, withBody: boolean) {
  expect(headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
  expect(headers.get("accept")).toBe("application/json");
  expect(headers.get("user-agent")).toBe(`secr-run/${pkg.version} node/${process.versions.node}`);
  if (withBody) expect(headers.get("content-type")).toBe("application/json");
  else expect(headers.get("content-type")).toBeNull();
}

describe("secrets", () => {
  it("pullSecrets: GET /v1/secrets/{org}/{project}/{env} with query, parses secrets and pagination", async () => {
    fx.server.use(
      http.get("*/v1/secrets/:org/:project/:env", () =>
        HttpResponse.json({
          secrets: [
            { key: "DB_URL", value: "postgres://x", version: 3, updatedAt: NOW, description: "db", extra: "ignored" },
            { key: "API_KEY", value: "k", version: 1, updated_at: NOW },
          ],
          pagination: { limit: 2, offset: 4, total: 9 },
          unknownTopLevel: true,
        }),
      ),
    );
    const result = await fx.client.pullSecrets("acme", "web", "production", { limit: 2, offset: 4, search: "db url" });
    expect(result).toEqual({
      secrets: [
        { key: "DB_URL", value: "postgres://x", version: 3, updatedAt: NOW, description: "db" },
        { key: "API_KEY", value: "k", version: 1, updatedAt: NOW },
      ],
      pagination: { limit: 2, offset: 4, total: 9 },
    });
    const req = only();
    expect(req.method).toBe("GET");
    expect(req.url.pathname).toBe("/v1/secrets/acme/web/production");
    expect(Object.fromEntries(req.url.searchParams)).toEqual({ limit: "2", offset: "4", search: "db url" });
    expect(req.body).toBe("");
    expectCommonHeaders(req.headers, false);
  });

  it("pullSecrets without options sends no query and accepts a missing pagination", async () => {
    fx.server.use(http.get("*/v1/secrets/:org/:project/:env", () => HttpResponse.json({ secrets: [secret("A")] })));
    const result = await fx.client.pullSecrets("acme", "web", "dev");
    expect(result).toEqual({ secrets: [{ key: "A", value: "value-of-A", version: 1, updatedAt: NOW }] });
    expect(result.pagination).toBeUndefined();
    expect(only().url.search).toBe("");
  });

  it("percent-encodes every path segment (/, %, space, unicode, ?, #)", async () => {
    fx.server.use(http.delete("*", () => HttpResponse.json({ deleted: true, key: "a/b%c d?é#" })));
    const result = await fx.client.deleteSecret("my org", "pr/oj", "ünï", "a/b%c d?é#");
    expect(result).toEqual({ deleted: true, key: "a/b%c d?é#" });
    const req = only();
    expect(req.method).toBe("DELETE");
    expect(req.url.pathname).toBe(
      `/v1/secrets/${encodeURIComponent("my org")}/pr%2Foj/${encodeURIComponent("ünï")}/a%2Fb%25c%20d%3F%C3%A9%23`,
    );
    expect(req.url.search).toBe("");
    expectCommonHeaders(req.headers, false);
  });

  it("encodes astral characters (surrogate pairs) as UTF-8", async () => {
    fx.server.use(http.delete("*", () => HttpResponse.json({ deleted: true, key: "🔑" })));
    await fx.client.deleteTemplate("acme", "web", "🔑");
    expect(only().url.pathname).toBe("/v1/templates/acme/web/%F0%9F%94%91");
  });

  it("listKeys: GET .../keys, metadata without values, tolerant updated_at", async () => {
    fx.server.use(
      http.get("*/v1/secrets/:org/:project/:env/keys", () =>
        HttpResponse.json({
          keys: [{ key: "A", version: 2, updated_at: NOW, value: "must-be-dropped" }],
          pagination: { limit: 50, offset: 0, total: 1 },
        }),
      ),
    );
    const result = await fx.client.listKeys("acme", "web", "staging", { search: "a", limit: 50 });
    expect(result).toEqual({
      keys: [{ key: "A", version: 2, updatedAt: NOW }],
      pagination: { limit: 50, offset: 0, total: 1 },
    });
    const req = only();
    expect(req.url.pathname).toBe("/v1/secrets/acme/web/staging/keys");
    expect(Object.fromEntries(req.url.searchParams)).toEqual({ search: "a", limit: "50" });
  });

  it("setSecret: PUT with { key, value, description }", async () => {
    fx.server.use(http.put("*/v1/secrets/:org/:project/:env", () => HttpResponse.json({ key: "K/1", version: 4 })));
    expect(await fx.client.setSecret("acme", "web", "qa", "K/1", "s3cr3t ✓", { description: "the key" })).toEqual({
      key: "K/1",
      version: 4,
    });
    const req = only();
    expect(req.method).toBe("PUT");
    expect(req.url.pathname).toBe("/v1/secrets/acme/web/qa");
    expect(JSON.parse(req.body)).toEqual({ key: "K/1", value: "s3cr3t ✓", description: "the key" });
    expectCommonHeaders(req.headers, true);
  });

  it("setSecret without description leaves it out of the body; an empty value is allowed", async () => {
    fx.server.use(http.put("*", () => HttpResponse.json({ key: "K", version: 1 })));
    await fx.client.setSecret("acme", "web", "qa", "K", "");
    expect(JSON.parse(only().body)).toEqual({ key: "K", value: "" });
  });

  it("bulkSetSecrets: POST .../bulk with { secrets: [{ key, value }] }", async () => {
    fx.server.use(
      http.post("*/v1/secrets/:org/:project/:env/bulk", () => HttpResponse.json({ created: 1, updated: 1, total: 2 })),
    );
    const input = [
      { key: "A", value: "1" },
      { key: "B", value: "2", extra: "not sent" } as { key: string; value: string },
    ];
    expect(await fx.client.bulkSetSecrets("acme", "web", "production", input)).toEqual({
      created: 1,
      updated: 1,
      total: 2,
    });
    const req = only();
    expect(req.method).toBe("POST");
    expect(req.url.pathname).toBe("/v1/secrets/acme/web/production/bulk");
    expect(JSON.parse(req.body)).toEqual({
      secrets: [
        { key: "A", value: "1" },
        { key: "B", value: "2" },
      ],
    });
    expectCommonHeaders(req.headers, true);
  });

  it("promoteSecrets: POST .../promote with fromEnv, toEnv, keys, overwrite", async () => {
    fx.server.use(
      http.post("*/v1/secrets/:org/:project/promote", () =>
        HttpResponse.json({ promoted: 2, created: 1, updated: 1, skipped: 3 }),
      ),
    );
    const result = await fx.client.promoteSecrets("acme", "web", {
      fromEnv: "staging",
      toEnv: "production",
      keys: ["A", "B"],
      overwrite: true,
    });
    expect(result).toEqual({ promoted: 2, created: 1, updated: 1, skipped: 3 });
    const req = only();
    expect(req.url.pathname).toBe("/v1/secrets/acme/web/promote");
    expect(JSON.parse(req.body)).toEqual({
      fromEnv: "staging",
      toEnv: "production",
      keys: ["A", "B"],
      overwrite: true,
    });
    expectCommonHeaders(req.headers, true);
  });

  it("promoteSecrets sends only what was given (no signal in the body)", async () => {
    fx.server.use(http.post("*", () => HttpResponse.json({ promoted: 0, created: 0, updated: 0, skipped: 0 })));
    await fx.client.promoteSecrets("acme", "web", {
      fromEnv: "dev",
      toEnv: "qa",
      signal: new AbortController().signal,
    });
    expect(JSON.parse(only().body)).toEqual({ fromEnv: "dev", toEnv: "qa" });
  });
});

describe("templates", () => {
  const template = { id: "tpl_1", key: "DB_URL", description: null, required: true, createdAt: NOW };

  it("listTemplates: GET /v1/templates/{org}/{project}, { templates } shape", async () => {
    fx.server.use(
      http.get("*/v1/templates/:org/:project", () =>
        HttpResponse.json({
          templates: [
            template,
            { ...template, id: 7, key: "B", description: "b", required: false, createdAt: undefined, created_at: NOW },
          ],
        }),
      ),
    );
    expect(await fx.client.listTemplates("acme", "web")).toEqual([
      template,
      { id: "7", key: "B", description: "b", required: false, createdAt: NOW },
    ]);
    const req = only();
    expect(req.method).toBe("GET");
    expect(req.url.pathname).toBe("/v1/templates/acme/web");
    expectCommonHeaders(req.headers, false);
  });

  it("listTemplates accepts a bare array", async () => {
    fx.server.use(http.get("*/v1/templates/:org/:project", () => HttpResponse.json([template])));
    expect(await fx.client.listTemplates("acme", "web")).toEqual([template]);
  });

  it("createTemplate: POST with { key, description, required }, 201 Template", async () => {
    fx.server.use(
      http.post("*/v1/templates/:org/:project", () =>
        HttpResponse.json({ ...template, description: "d", required: false }, { status: 201 }),
      ),
    );
    expect(await fx.client.createTemplate("acme", "web", "DB_URL", { description: "d", required: false })).toEqual({
      ...template,
      description: "d",
      required: false,
    });
    const req = only();
    expect(req.method).toBe("POST");
    expect(req.url.pathname).toBe("/v1/templates/acme/web");
    expect(JSON.parse(req.body)).toEqual({ key: "DB_URL", description: "d", required: false });
    expectCommonHeaders(req.headers, true);
  });

  it("createTemplate with only a key sends only the key (server default required: true)", async () => {
    fx.server.use(http.post("*", () => HttpResponse.json(template, { status: 201 })));
    await fx.client.createTemplate("acme", "web", "DB_URL");
    expect(JSON.parse(only().body)).toEqual({ key: "DB_URL" });
  });

  it("deleteTemplate: DELETE /v1/templates/{org}/{project}/{key} (encoded)", async () => {
    fx.server.use(http.delete("*", () => HttpResponse.json({ deleted: true, key: "A B" })));
    expect(await fx.client.deleteTemplate("acme", "web", "A B")).toEqual({ deleted: true, key: "A B" });
    expect(only().url.pathname).toBe("/v1/templates/acme/web/A%20B");
  });

  it("validateTemplate: GET /v1/templates/{org}/{project}/validate/{env}", async () => {
    fx.server.use(
      http.get("*/v1/templates/:org/:project/validate/:env", () =>
        HttpResponse.json({ valid: false, missing: ["A"], extra: ["Z"], note: 1 }),
      ),
    );
    expect(await fx.client.validateTemplate("acme", "web", "production")).toEqual({
      valid: false,
      missing: ["A"],
      extra: ["Z"],
    });
    const req = only();
    expect(req.method).toBe("GET");
    expect(req.url.pathname).toBe("/v1/templates/acme/web/validate/production");
  });
});

describe("options on the wire", () => {
  it("a custom userAgent is appended; an apiUrl path prefix and trailing slash are kept right", async () => {
    fx.server.use(http.get("*", () => HttpResponse.json({ valid: true, missing: [], extra: [] })));
    await using custom = makeClient(`${fx.server.url}/prefix/`, { userAgent: "my-tool/2.0" });
    expect(custom.apiUrl).toBe(`${fx.server.url}/prefix`);
    await custom.validateTemplate("o", "p", "e");
    const req = only();
    expect(req.url.pathname).toBe("/prefix/v1/templates/o/p/validate/e");
    expect(req.headers.get("user-agent")).toBe(`secr-run/${pkg.version} node/${process.versions.node} my-tool/2.0`);
  });
});
