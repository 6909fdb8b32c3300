import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http, HttpResponse } from "msw";
import { startMswServer, type MswServer } from "./msw-server.js";

describe("msw over loopback", () => {
  let srv: MswServer;
  beforeAll(async () => {
    srv = await startMswServer(http.get("*/ping", () => HttpResponse.json({ ok: true })));
  });
  afterAll(() => srv.close());

  it("answers a real socket with a handler's response and records the request", async () => {
    const res = await fetch(`${srv.url}/ping`, { headers: { "x-probe": "1" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(srv.requests.at(-1)?.headers.get("x-probe")).toBe("1");
  });

  it("answers 501 when no handler matches and drops the connection on HttpResponse.error()", async () => {
    expect((await fetch(`${srv.url}/nope`)).status).toBe(501);
    srv.use(http.get("*/drop", () => HttpResponse.error()));
    await expect(fetch(`${srv.url}/drop`)).rejects.toThrow();
  });
});
