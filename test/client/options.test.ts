// Constructor options, base URL rules (https, loopback, opt-in), argument checks, version.
import { http, HttpResponse } from "msw";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLoopbackHost, buildPath, parseBaseUrl } from "../../src/client/url.js";
import { VERSION } from "../../src/client/version.js";
import { isSecrApiError, SecrApiError, SecrClient, type SecrClientOptions } from "../../src/index.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { makeClient, rejection, TOKEN } from "./helpers.js";

function constructionError(options: SecrClientOptions): SecrApiError {
  try {
    new SecrClient(options);
  } catch (error) {
    expect(isSecrApiError(error)).toBe(true);
    return error as SecrApiError;
  }
  throw new Error("expected the constructor to throw");
}

describe("constructor", () => {
  it("defaults: https://api.secr.dev, 30 s timeout", async () => {
    await using client = new SecrClient({ token: TOKEN });
    expect(client.apiUrl).toBe("https://api.secr.dev");
    expect(client.timeout).toBe(30_000);
  });

  it("strips trailing slashes from apiUrl", async () => {
    await using client = new SecrClient({ token: TOKEN, apiUrl: "https://secr.example.com///" });
    expect(client.apiUrl).toBe("https://secr.example.com");
  });

  for (const token of ["", "   ", undefined as unknown as string]) {
    it(`refuses a missing/empty token (${JSON.stringify(token)})`, () => {
      const error = constructionError({ token });
      expect([error.code, error.statusCode]).toEqual(["invalid_argument", 0]);
      expect(error.message).toMatch(/token is required/);
    });
  }

  it("refuses a token with inner whitespace or control characters without echoing it", () => {
    const error = constructionError({ token: "secr_tok_abc def-SENSITIVE" });
    expect(error.message).toMatch(/token contains/);
    expect(error.message).not.toContain("SENSITIVE");
    expect(constructionError({ token: "secr_tok_a\r\nX-Injected: 1" }).code).toBe("invalid_argument");
  });

  it("accepts any token prefix and trims surrounding whitespace (e.g. a trailing newline from a file)", async () => {
    const server = await startMswServer(
      http.get("*", () => HttpResponse.json({ valid: true, missing: [], extra: [] })),
    );
    try {
      for (const token of ["secr_cli_x", "secr_mt_production_abc123", "secr_agent_ff", "anything-else", `${TOKEN}\n`]) {
        await using client = new SecrClient({ token, apiUrl: server.url });
        await client.validateTemplate("o", "p", "e");
      }
      expect(server.requests.map((r) => r.headers.get("authorization"))).toEqual([
        "Bearer secr_cli_x",
        "Bearer secr_mt_production_abc123",
        "Bearer secr_agent_ff",
        "Bearer anything-else",
        `Bearer ${TOKEN}`,
      ]);
    } finally {
      await server.close();
    }
  });

  it("refuses http:// to a non-loopback host, naming the fix", () => {
    const error = constructionError({ token: TOKEN, apiUrl: "http://secr.example.com" });
    expect(error.code).toBe("invalid_argument");
    expect(error.message).toMatch(/clear text.*secr\.example\.com.*https:\/\/.*allowInsecureHttp/);
    expect(error.message).not.toContain(TOKEN);
  });

  it("allows http:// to a non-loopback host with allowInsecureHttp: true", async () => {
    await using client = new SecrClient({
      token: TOKEN,
      apiUrl: "http://secr.internal:8080/",
      allowInsecureHttp: true,
    });
    expect(client.apiUrl).toBe("http://secr.internal:8080");
  });

  for (const apiUrl of [
    "http://localhost:4000",
    "http://127.0.0.1:1",
    "http://127.8.9.10",
    "http://[::1]:8080",
    "http://LOCALHOST",
    "http://app.localhost",
  ]) {
    it(`allows http:// to loopback ${apiUrl}`, async () => {
      await using client = new SecrClient({ token: TOKEN, apiUrl });
      expect(client.apiUrl.startsWith("http://")).toBe(true);
    });
  }

  for (const apiUrl of [
    "not a url",
    "ftp://secr.example.com",
    "file:///etc/passwd",
    "https://user:pw@secr.example.com",
    "https://secr.example.com/?x=1",
    "https://secr.example.com/#frag",
  ]) {
    it(`refuses apiUrl ${JSON.stringify(apiUrl)}`, () => {
      expect(constructionError({ token: TOKEN, apiUrl }).code).toBe("invalid_argument");
    });
  }

  it("refuses nonsensical numeric options", () => {
    expect(constructionError({ token: TOKEN, timeout: 0 }).message).toMatch(/timeout/);
    expect(constructionError({ token: TOKEN, timeout: Number.NaN }).message).toMatch(/timeout/);
    expect(constructionError({ token: TOKEN, maxRetries: -1 }).message).toMatch(/maxRetries/);
    expect(constructionError({ token: TOKEN, maxRetries: 1.5 }).message).toMatch(/maxRetries/);
    expect(constructionError({ token: TOKEN, retryBaseDelayMs: -5 }).message).toMatch(/retryBaseDelayMs/);
    expect(constructionError({ token: TOKEN, userAgent: "bad\nagent" }).message).toMatch(/userAgent/);
    // Node timers overflow above 2^31-1 ms and would fire at once.
    expect(constructionError({ token: TOKEN, timeout: 2 ** 31 }).message).toMatch(/timeout/);
    expect(constructionError({ token: TOKEN, maxRetryWaitMs: 2 ** 40 }).message).toMatch(/maxRetryWaitMs/);
  });

  it("the User-Agent version is the package version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});

describe("method arguments are checked before anything is sent", () => {
  let server: MswServer;
  let client: SecrClient;
  beforeAll(async () => {
    server = await startMswServer(http.all("*", () => HttpResponse.json({})));
    client = makeClient(server.url);
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  const bad: Array<[string, () => Promise<unknown>, RegExp]> = [
    ["empty org", () => client.pullSecrets("", "p", "e"), /org must be a non-empty string/],
    ["empty env", () => client.pullAllSecrets("o", "p", ""), /env must be a non-empty string/],
    ["dot-dot key", () => client.deleteSecret("o", "p", "e", ".."), /key "\.\." cannot be used in a URL path/],
    ["dot project", () => client.listKeys("o", ".", "e"), /project "\." cannot be used/],
    ["negative limit", () => client.pullSecrets("o", "p", "e", { limit: -1 }), /limit must be a non-negative integer/],
    ["fractional offset", () => client.listKeys("o", "p", "e", { offset: 1.5 }), /offset/],
    [
      "non-string value",
      () => client.setSecret("o", "p", "e", "K", 42 as unknown as string),
      /value of K must be a string/,
    ],
    ["bulk not an array", () => client.bulkSetSecrets("o", "p", "e", {} as never), /array/],
    ["bulk bad entry", () => client.bulkSetSecrets("o", "p", "e", [{ key: "", value: "v" }]), /secrets\[0\]/],
    ["promote without toEnv", () => client.promoteSecrets("o", "p", { fromEnv: "a" } as never), /toEnv/],
    [
      "promote keys not strings",
      () => client.promoteSecrets("o", "p", { fromEnv: "a", toEnv: "b", keys: [1] as never }),
      /keys/,
    ],
    ["template empty key", () => client.createTemplate("o", "p", ""), /key/],
    [
      "non-string description",
      () => client.setSecret("o", "p", "e", "K", "v", { description: 5 as never }),
      /description must be a string/,
    ],
    ["lone surrogate in a key", () => client.deleteSecret("o", "p", "e", "A\uD800B"), /key is not well-formed Unicode/],
  ];
  // Every method of the contract, with arguments it must refuse: a rejection, never a synchronous throw.
  const signal = { aborted: false } as unknown as AbortSignal;
  bad.push(
    [
      "pullSecrets: null options",
      () => client.pullSecrets("o", "p", "e", null as never),
      /pullSecrets options must be an object/,
    ],
    ["pullAllSecrets: empty org", () => client.pullAllSecrets("", "p", "e"), /org must be a non-empty string/],
    [
      "pullAllSecrets: a signal that is not an AbortSignal",
      () => client.pullAllSecrets("o", "p", "e", { signal }),
      /options.signal must be an AbortSignal/,
    ],
    [
      "listKeys: string options",
      () => client.listKeys("o", "p", "e", "x" as never),
      /listKeys options must be an object/,
    ],
    ["setSecret: empty key", () => client.setSecret("o", "p", "e", "", "v"), /key must be a non-empty string/],
    [
      "bulkSetSecrets: null options",
      () => client.bulkSetSecrets("o", "p", "e", [], null as never),
      /bulkSetSecrets options/,
    ],
    ["deleteSecret: bad signal", () => client.deleteSecret("o", "p", "e", "K", { signal }), /AbortSignal/],
    ["promoteSecrets: null", () => client.promoteSecrets("o", "p", null as never), /fromEnv, toEnv/],
    [
      "promoteSecrets: bad signal",
      () => client.promoteSecrets("o", "p", { fromEnv: "a", toEnv: "b", signal }),
      /AbortSignal/,
    ],
    ["listTemplates: empty project", () => client.listTemplates("o", ""), /project must be a non-empty string/],
    ["listTemplates: number options", () => client.listTemplates("o", "p", 5 as never), /listTemplates options/],
    [
      "createTemplate: non-string description",
      () => client.createTemplate("o", "p", "K", { description: 1 as never }),
      /description/,
    ],
    ["deleteTemplate: dot-dot key", () => client.deleteTemplate("o", "p", ".."), /cannot be used in a URL path/],
    [
      "validateTemplate: missing env",
      () => client.validateTemplate("o", "p", undefined as never),
      /env must be a non-empty string/,
    ],
  );
  for (const [name, call, message] of bad) {
    it(name, async () => {
      let returned: Promise<unknown> | undefined;
      expect(() => {
        returned = call();
      }).not.toThrow();
      expect(returned).toBeInstanceOf(Promise);
      const error = await rejection(returned!);
      expect([error.code, error.statusCode]).toEqual(["invalid_argument", 0]);
      expect(error.message).toMatch(message);
      expect(server.requests).toHaveLength(0);
    });
  }

  it("a bad value is never echoed in the argument error", async () => {
    const error = await rejection(client.bulkSetSecrets("o", "p", "e", [{ key: "K", value: 12345678 as never }]));
    expect(error.message).not.toContain("12345678");
  });
});

describe("url helpers (pure)", () => {
  it("isLoopbackHost", () => {
    for (const h of [
      "localhost",
      "LOCALHOST",
      "a.localhost",
      "127.0.0.1",
      "127.255.0.9",
      "[::1]",
      "::1",
      "[::ffff:7f00:1]",
      "localhost.",
    ])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of [
      "example.com",
      "128.0.0.1",
      "10.0.0.1",
      "[::2]",
      "localhost.example.com",
      "127.0.0.1.nip.io",
      "0.0.0.0",
    ])
      expect(isLoopbackHost(h)).toBe(false);
  });

  it("parseBaseUrl keeps a path prefix", () => {
    expect(parseBaseUrl("https://h.example/api/secr/", false)).toEqual({
      origin: "https://h.example",
      basePath: "/api/secr",
      loopback: false,
    });
    expect(parseBaseUrl("http://127.0.0.1:99", false)).toEqual({
      origin: "http://127.0.0.1:99",
      basePath: "",
      loopback: true,
    });
  });

  it("buildPath encodes segments and drops undefined query values", () => {
    expect(buildPath("", ["secrets", "a b", "c/d", "é"], { limit: 10, offset: undefined, search: "x&y" })).toBe(
      "/v1/secrets/a%20b/c%2Fd/%C3%A9?limit=10&search=x%26y",
    );
    expect(buildPath("/p", ["templates", "o"], {})).toBe("/p/v1/templates/o");
  });
});
