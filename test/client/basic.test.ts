import { http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecrClient } from "../../src/index.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";

let server: MswServer;
beforeAll(async () => {
  server = await startMswServer(
    http.get("*/v1/secrets/:org/:project/:env", () =>
      HttpResponse.json({ secrets: [{ key: "A", value: "1", version: 1, updatedAt: "2025-01-01T00:00:00Z" }] }),
    ),
    http.get("*/v1/templates/:org/:project/validate/:env", () => HttpResponse.json({ valid: true, missing: [], extra: [] })),
  );
});
afterAll(() => server.close());

describe("smoke", () => {
  it("pulls and validates", async () => {
    await using client = new SecrClient({ token: "secr_tok_x", apiUrl: server.url });
    expect(await client.pullAllSecrets("acme", "web", "production")).toEqual([
      { key: "A", value: "1", version: 1, updatedAt: "2025-01-01T00:00:00Z" },
    ]);
    expect(await client.validateTemplate("acme", "web", "production")).toEqual({ valid: true, missing: [], extra: [] });
  });
});
