// Non-2xx answers (every row of the contract, tolerant shapes), invalid 2xx bodies, and what
// error messages may contain.
import { http, HttpResponse, type JsonBodyType } from "msw";
import { describe, expect, it } from "vitest";
import { isSecrApiError, SecrApiError } from "../../src/index.js";
import { codeForStatus, errorFromResponse, parseErrorBody, redact } from "../../src/client/errors.js";
import { everyRendering, rejection, TOKEN, useClientFixture } from "./helpers.js";

const fx = useClientFixture({ maxRetries: 0 });

const ROWS: Array<[number, string]> = [
  [400, "bad_request"],
  [401, "unauthorized"],
  [403, "forbidden"],
  [404, "not_found"],
  [409, "conflict"],
  [413, "payload_too_large"],
  [422, "validation_error"],
  [429, "rate_limited"],
  [500, "server_error"],
  [502, "server_error"],
  [503, "server_error"],
];

describe("contract error rows", () => {
  for (const [status, code] of ROWS) {
    it(`${status} { error: "${code}", message } → SecrApiError ${code}`, async () => {
      fx.server.use(
        http.get("*", () => HttpResponse.json({ error: code, message: `human text for ${status}` }, { status })),
      );
      const error = await rejection(fx.client.listKeys("acme", "web", "production"));
      expect(error).toBeInstanceOf(SecrApiError);
      expect(error).toBeInstanceOf(Error);
      expect(isSecrApiError(error)).toBe(true);
      expect(error.name).toBe("SecrApiError");
      expect(error.statusCode).toBe(status);
      expect(error.code).toBe(code);
      expect(error.message).toContain(`human text for ${status}`);
      expect(error.message).toContain("GET /v1/secrets/acme/web/production/keys");
      expect(error.message).toContain(String(status));
    });

    it(`${status} with a non-JSON body → code from the status (${code})`, async () => {
      fx.server.use(
        http.get(
          "*",
          () => new HttpResponse("<html>Bad Gateway</html>", { status, headers: { "content-type": "text/html" } }),
        ),
      );
      const error = await rejection(fx.client.listKeys("acme", "web", "production"));
      expect(error.statusCode).toBe(status);
      expect(error.code).toBe(code);
      expect(error.message).not.toContain("<html>");
    });
  }

  it("429 carries retryAfter from the Retry-After header", async () => {
    fx.server.use(
      http.get("*", () =>
        HttpResponse.json(
          { error: "rate_limited", message: "slow down" },
          { status: 429, headers: { "retry-after": "120" } },
        ),
      ),
    );
    const error = await rejection(fx.client.listKeys("acme", "web", "production"));
    expect(error.code).toBe("rate_limited");
    expect(error.retryAfter).toBe(120);
    expect(error.message).toContain("retry after 120s");
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: "rate_limited", statusCode: 429, retryAfter: 120 });
  });

  it("an unlisted status without a code gets http_error", async () => {
    fx.server.use(http.get("*", () => new HttpResponse(null, { status: 405 })));
    const error = await rejection(fx.client.listKeys("acme", "web", "production"));
    expect([error.statusCode, error.code]).toEqual([405, "http_error"]);
  });
});

describe("tolerant error shapes", () => {
  const cases: Array<[string, unknown, string, string | undefined]> = [
    [
      "{ error: { code, message } }",
      { error: { code: "forbidden", message: "viewer cannot write" } },
      "forbidden",
      "viewer cannot write",
    ],
    ["{ code, message }", { code: "forbidden", message: "scope mismatch" }, "forbidden", "scope mismatch"],
    ["{ error } only", { error: "forbidden" }, "forbidden", undefined],
    ["{ message } only", { message: "just text" }, "forbidden", "just text"],
    ["{ error: { message } } without code", { error: { message: "nested text" } }, "forbidden", "nested text"],
    ["a JSON array", ["x"], "forbidden", undefined],
    ["a JSON string", "oops", "forbidden", undefined],
    ["an empty body", null, "forbidden", undefined],
  ];
  for (const [name, body, code, message] of cases) {
    it(name, async () => {
      fx.server.use(
        http.put("*", () =>
          body === null ? new HttpResponse(null, { status: 403 }) : HttpResponse.json(body, { status: 403 }),
        ),
      );
      const error = await rejection(fx.client.setSecret("acme", "web", "production", "K", "v"));
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe(code);
      if (message) expect(error.message).toContain(message);
    });
  }

  it("keeps an unknown server code as is", async () => {
    fx.server.use(
      http.get("*", () => HttpResponse.json({ error: "environment_locked", message: "locked" }, { status: 423 })),
    );
    const error = await rejection(fx.client.listKeys("acme", "web", "production"));
    expect([error.statusCode, error.code]).toEqual([423, "environment_locked"]);
  });

  it("pure parsing: parseErrorBody / codeForStatus", () => {
    expect(parseErrorBody('{"error":"not_found","message":"no env"}')).toEqual({
      code: "not_found",
      message: "no env",
    });
    expect(parseErrorBody('{"error":{"code":"x","message":"y"}}')).toEqual({ code: "x", message: "y" });
    expect(parseErrorBody('{"code":"x"}')).toEqual({ code: "x", message: undefined });
    expect(parseErrorBody("not json")).toEqual({});
    expect(parseErrorBody("")).toEqual({});
    expect(codeForStatus(418)).toBe("http_error");
    expect(codeForStatus(599)).toBe("server_error");
  });
});

describe("invalid 2xx responses", () => {
  it("malformed JSON → invalid_response with the status kept", async () => {
    fx.server.use(
      http.get(
        "*",
        () => new HttpResponse('{"secrets": [', { status: 200, headers: { "content-type": "application/json" } }),
      ),
    );
    const error = await rejection(fx.client.pullSecrets("acme", "web", "production"));
    expect([error.statusCode, error.code]).toEqual([200, "invalid_response"]);
    expect(error.message).toMatch(/not JSON/);
  });

  it("an empty 2xx body → invalid_response", async () => {
    fx.server.use(http.delete("*", () => new HttpResponse(null, { status: 204 })));
    const error = await rejection(fx.client.deleteSecret("acme", "web", "production", "K"));
    expect([error.statusCode, error.code]).toEqual([204, "invalid_response"]);
  });

  const mismatches: Array<[string, () => Promise<unknown>, unknown]> = [
    [
      "pull: value not a string",
      () => fx.client.pullSecrets("o", "p", "e"),
      { secrets: [{ key: "A", value: 1, version: 1, updatedAt: "t" }] },
    ],
    [
      "pull: version 0",
      () => fx.client.pullSecrets("o", "p", "e"),
      { secrets: [{ key: "A", value: "v", version: 0, updatedAt: "t" }] },
    ],
    [
      "pull: version not an integer",
      () => fx.client.pullSecrets("o", "p", "e"),
      { secrets: [{ key: "A", value: "v", version: 1.5, updatedAt: "t" }] },
    ],
    [
      "pull: no updatedAt/updated_at",
      () => fx.client.pullSecrets("o", "p", "e"),
      { secrets: [{ key: "A", value: "v", version: 1 }] },
    ],
    ["pull: secrets missing", () => fx.client.pullSecrets("o", "p", "e"), { items: [] }],
    [
      "pull: bad pagination",
      () => fx.client.pullSecrets("o", "p", "e"),
      { secrets: [], pagination: { limit: 1, offset: 0 } },
    ],
    ["keys: not an array", () => fx.client.listKeys("o", "p", "e"), { keys: {} }],
    ["set: version missing", () => fx.client.setSecret("o", "p", "e", "K", "v"), { key: "K" }],
    [
      "bulk: negative count",
      () => fx.client.bulkSetSecrets("o", "p", "e", [{ key: "K", value: "v" }]),
      { created: -1, updated: 0, total: 0 },
    ],
    ["delete: deleted false", () => fx.client.deleteSecret("o", "p", "e", "K"), { deleted: false, key: "K" }],
    [
      "promote: field missing",
      () => fx.client.promoteSecrets("o", "p", { fromEnv: "a", toEnv: "b" }),
      { promoted: 1, created: 1, updated: 0 },
    ],
    ["templates: wrong shape", () => fx.client.listTemplates("o", "p"), { items: [] }],
    [
      "template: required not boolean",
      () => fx.client.createTemplate("o", "p", "K"),
      { id: "1", key: "K", description: null, required: "yes", createdAt: "t" },
    ],
    [
      "template: no createdAt",
      () => fx.client.createTemplate("o", "p", "K"),
      { id: "1", key: "K", description: null, required: true },
    ],
    [
      "validate: missing not an array",
      () => fx.client.validateTemplate("o", "p", "e"),
      { valid: true, missing: "A", extra: [] },
    ],
    ["body is null", () => fx.client.validateTemplate("o", "p", "e"), null],
  ];
  for (const [name, call, body] of mismatches) {
    it(`schema mismatch → invalid_response (${name})`, async () => {
      fx.server.use(http.all("*", () => HttpResponse.json(body as JsonBodyType)));
      const error = await rejection(call());
      expect([error.statusCode, error.code]).toEqual([200, "invalid_response"]);
      expect(error.message).toMatch(/unexpected body/);
      expect(fx.server.requests).toHaveLength(1); // never retried
    });
  }

  it("the schema message names the field but never echoes the received value", async () => {
    const leaked = "VALUE-THAT-MUST-NOT-LEAK";
    fx.server.use(
      http.get("*", () => HttpResponse.json({ secrets: [{ key: "A", value: "ok", version: leaked, updatedAt: "t" }] })),
    );
    const error = await rejection(fx.client.pullSecrets("o", "p", "e"));
    expect(error.message).toContain("secrets[0].version");
    expect(everyRendering(error)).not.toContain(leaked);
  });
});

describe("secrets never appear in errors", () => {
  const VALUE = "super-secret-value-4711";

  it("a server that echoes the token and the value in its message gets them redacted", async () => {
    fx.server.use(
      http.put("*", async ({ request }) => {
        const body = (await request.json()) as { value: string };
        const auth = request.headers.get("authorization") ?? "";
        return HttpResponse.json(
          { error: "validation_error", message: `bad value ${body.value} for ${auth}` },
          { status: 422 },
        );
      }),
    );
    const error = await rejection(fx.client.setSecret("acme", "web", "production", "K", VALUE));
    expect(error.code).toBe("validation_error");
    expect(error.message).toContain("[redacted]");
    const text = everyRendering(error);
    expect(text).not.toContain(VALUE);
    expect(text).not.toContain(TOKEN);
  });

  it("bulk values echoed back are redacted too", async () => {
    fx.server.use(
      http.post("*", async ({ request }) =>
        HttpResponse.json({ error: "validation_error", message: `echo ${await request.text()}` }, { status: 422 }),
      ),
    );
    const error = await rejection(
      fx.client.bulkSetSecrets("o", "p", "e", [
        { key: "A", value: VALUE },
        { key: "B", value: `${VALUE}-2` },
      ]),
    );
    expect(everyRendering(error)).not.toContain(VALUE);
  });

  it("non-JSON and huge server messages are neither dumped nor unbounded", async () => {
    fx.server.use(
      http.get("*", () =>
        HttpResponse.json({ error: "server_error", message: `x${"y".repeat(5000)}\n\u0007z` }, { status: 500 }),
      ),
    );
    const error = await rejection(fx.client.validateTemplate("o", "p", "e"));
    expect(error.message.length).toBeLessThan(600);
    expect(error.message).not.toMatch(/[\n\u0007]/);
  });

  it("pure: redact ignores very short strings that would mangle messages", () => {
    expect(redact("token abcd and abcd", ["abcd"])).toBe("token [redacted] and [redacted]");
    expect(redact("value 1 of 10", ["1"])).toBe("value 1 of 10");
    const error = errorFromResponse({
      status: 401,
      route: "GET /v1/x",
      body: `{"error":"unauthorized","message":"bad token ${TOKEN}"}`,
      retryAfter: undefined,
      sensitive: [TOKEN],
    });
    expect(error.message).toBe("secr API GET /v1/x failed: 401 unauthorized: bad token [redacted]");
  });
});
