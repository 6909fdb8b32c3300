// Security sweep: across every kind of failure, neither the token nor a secret value appears in
// anything a thrown error renders to (message, stack, JSON, util.inspect, cause).
import { delay, http, HttpResponse } from "msw";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { SecrClient } from "../../src/index.js";
import { everyRendering, rejection, useClientFixture } from "./helpers.js";

const TOKEN = "secr_mt_production_0f0f0f0f0f0f0f0fLEAKCHECK";
const VALUE = "p4ssw0rd-that-must-never-leak";

const fx = useClientFixture();

/** An echo of everything the server received, in every field a server could put it. */
const echo =
  (status: number) =>
  async ({ request }: { request: Request }) => {
    const body = await request.text();
    const auth = request.headers.get("authorization");
    return HttpResponse.json(
      { error: { code: "echo", message: `${auth} ${body}` }, detail: body, auth },
      { status, headers: { "x-echo": String(auth) } },
    );
  };

const calls: Array<[string, (c: SecrClient) => Promise<unknown>]> = [
  ["setSecret", (c) => c.setSecret("o", "p", "e", "K", VALUE)],
  ["bulkSetSecrets", (c) => c.bulkSetSecrets("o", "p", "e", [{ key: "K", value: VALUE }])],
  ["pullAllSecrets", (c) => c.pullAllSecrets("o", "p", "e")],
];

const scenarios: Array<[string, () => void, Partial<ConstructorParameters<typeof SecrClient>[0]>]> = [
  ["401 echoing the request", () => fx.server.use(http.all("*", echo(401))), {}],
  ["422 echoing the request", () => fx.server.use(http.all("*", echo(422))), {}],
  ["503 echoing, retried to exhaustion", () => fx.server.use(http.all("*", echo(503))), { maxRetries: 2 }],
  [
    "redirect to a URL holding the value",
    () =>
      fx.server.use(
        http.all(
          "*",
          () =>
            new HttpResponse(null, { status: 302, headers: { location: `https://evil.example/${VALUE}?t=${TOKEN}` } }),
        ),
      ),
    {},
  ],
  [
    "2xx with a body that echoes the value in a wrongly typed field",
    () =>
      fx.server.use(
        http.all("*", () =>
          HttpResponse.json({
            secrets: [{ key: "K", value: 1, version: VALUE, updatedAt: VALUE }],
            key: VALUE,
            version: VALUE,
            created: VALUE,
          }),
        ),
      ),
    {},
  ],
  [
    "2xx non-JSON body holding the value",
    () => fx.server.use(http.all("*", () => new HttpResponse(`oops ${VALUE} ${TOKEN}`, { status: 200 }))),
    {},
  ],
  [
    "timeout",
    () =>
      fx.server.use(
        http.all("*", async () => {
          await delay("infinite");
          return HttpResponse.json({});
        }),
      ),
    { timeout: 150, maxRetries: 0 },
  ],
  ["dropped connection", () => fx.server.use(http.all("*", () => HttpResponse.error())), {}],
];

describe("no token or secret value in errors", () => {
  for (const [scenario, arrange, options] of scenarios) {
    for (const [name, call] of calls) {
      it(`${scenario}: ${name}`, async () => {
        arrange();
        await using client = new SecrClient({
          token: TOKEN,
          apiUrl: fx.server.url,
          retryBaseDelayMs: 1,
          retryMaxDelayMs: 2,
          maxRetries: 0,
          ...options,
        });
        const error = await rejection(call(client));
        const text = everyRendering(error);
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(VALUE);
      });
    }
  }

  it("connection refused", async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const { port } = s.address() as AddressInfo;
    await new Promise((r) => s.close(r));
    await using client = new SecrClient({ token: TOKEN, apiUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const text = everyRendering(await rejection(client.setSecret("o", "p", "e", "K", VALUE)));
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(VALUE);
  });

  it("the redirect error says where and that it was not followed", async () => {
    fx.server.use(
      http.all("*", () => new HttpResponse(null, { status: 301, headers: { location: "https://api.secr.dev/v1/x" } })),
    );
    await using client = new SecrClient({ token: TOKEN, apiUrl: fx.server.url, maxRetries: 0 });
    const error = await rejection(client.validateTemplate("o", "p", "e"));
    expect([error.statusCode, error.code]).toEqual([301, "http_error"]);
    expect(error.message).toContain("redirect to https://api.secr.dev, not followed");
    expect(fx.server.requests.filter((r) => r.url.pathname.endsWith("/x"))).toHaveLength(0);
  });
});
