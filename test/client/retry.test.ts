// Which failures are retried, how often, and how long the client waits (Retry-After, caps).
import { delay, http, HttpResponse, type JsonBodyType } from "msw";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETRY_POLICY,
  backoffDelayMs,
  isRetryable,
  nextDelayMs,
  parseRetryAfter,
  type RetryPolicy,
} from "../../src/client/retry.js";
import { SecrApiError } from "../../src/index.js";
import { makeClient, rejection, useClientFixture } from "./helpers.js";

const fx = useClientFixture();

const fail =
  (status: number, headers: Record<string, string> = {}) =>
  () =>
    HttpResponse.json({ message: `status ${status}` }, { status, headers });

/** Answers from a script, one entry per request; the last entry repeats. */
function script(...steps: Array<() => Response | Promise<Response>>) {
  let i = 0;
  return () => steps[Math.min(i++, steps.length - 1)]!();
}
const ok = (body: JsonBodyType) => () => HttpResponse.json(body);
const VALID = { valid: true, missing: [], extra: [] };

describe("which requests are retried", () => {
  for (const status of [429, 502, 503, 504]) {
    it(`GET retried on ${status}, 3 attempts by default, last error thrown`, async () => {
      fx.server.use(http.get("*", fail(status)));
      await using client = makeClient(fx.server.url);
      const error = await rejection(client.validateTemplate("o", "p", "e"));
      expect(fx.server.requests).toHaveLength(3);
      expect(error.statusCode).toBe(status);
      expect(error.message).toContain("gave up after 3 attempts");
    });
  }

  for (const status of [400, 401, 403, 404, 409, 413, 422, 500, 501]) {
    it(`GET not retried on ${status}`, async () => {
      fx.server.use(http.get("*", fail(status)));
      await using client = makeClient(fx.server.url);
      const error = await rejection(client.validateTemplate("o", "p", "e"));
      expect(error.statusCode).toBe(status);
      expect(fx.server.requests).toHaveLength(1);
    });
  }

  it("GET succeeds after transient failures", async () => {
    fx.server.use(http.get("*", script(fail(503), fail(502), ok(VALID))));
    await using client = makeClient(fx.server.url);
    expect(await client.validateTemplate("o", "p", "e")).toEqual(VALID);
    expect(fx.server.requests).toHaveLength(3);
  });

  it("requestsSent counts every attempt the server received, retries included", async () => {
    fx.server.use(http.get("*", script(fail(503), ok(VALID))));
    await using client = makeClient(fx.server.url);
    expect(client.requestsSent).toBe(0);
    await client.validateTemplate("o", "p", "e");
    await client.validateTemplate("o", "p", "e");
    expect(client.requestsSent).toBe(3);
    expect(fx.server.requests).toHaveLength(3);
  });

  it("PUT retried on 503 and on a dropped connection", async () => {
    fx.server.use(
      http.put(
        "*",
        script(fail(503), () => HttpResponse.error(), ok({ key: "K", version: 2 })),
      ),
    );
    await using client = makeClient(fx.server.url);
    expect(await client.setSecret("o", "p", "e", "K", "v")).toEqual({ key: "K", version: 2 });
    expect(fx.server.requests.map((r) => r.method)).toEqual(["PUT", "PUT", "PUT"]);
    expect(new Set(fx.server.requests.map((r) => r.body)).size).toBe(1); // same body every time
  });

  it("DELETE retried on 504", async () => {
    fx.server.use(http.delete("*", script(fail(504), ok({ deleted: true, key: "K" }))));
    await using client = makeClient(fx.server.url);
    expect(await client.deleteSecret("o", "p", "e", "K")).toEqual({ deleted: true, key: "K" });
    expect(fx.server.requests).toHaveLength(2);
  });

  it("GET retried on network_error (dropped connections), then network_error thrown", async () => {
    fx.server.use(http.get("*", () => HttpResponse.error()));
    await using client = makeClient(fx.server.url);
    const error = await rejection(client.pullSecrets("o", "p", "e"));
    expect([error.statusCode, error.code]).toEqual([0, "network_error"]);
    expect(fx.server.requests).toHaveLength(3);
  });

  it("GET retried on timeout", async () => {
    fx.server.use(
      http.get(
        "*",
        script(async () => {
          await delay("infinite");
          return HttpResponse.json(VALID);
        }, ok(VALID)),
      ),
    );
    await using client = makeClient(fx.server.url, { timeout: 1000 });
    expect(await client.validateTemplate("o", "p", "e")).toEqual(VALID);
    expect(fx.server.requests).toHaveLength(2);
  });

  for (const status of [502, 503, 504]) {
    it(`POST not retried on ${status}`, async () => {
      fx.server.use(http.post("*", fail(status)));
      await using client = makeClient(fx.server.url);
      const error = await rejection(client.bulkSetSecrets("o", "p", "e", [{ key: "K", value: "v" }]));
      expect(error.statusCode).toBe(status);
      expect(fx.server.requests).toHaveLength(1);
    });
  }

  it("POST not retried on a dropped connection (it may have been applied)", async () => {
    fx.server.use(http.post("*", () => HttpResponse.error()));
    await using client = makeClient(fx.server.url);
    const error = await rejection(client.promoteSecrets("o", "p", { fromEnv: "a", toEnv: "b" }));
    expect(error.code).toBe("network_error");
    expect(fx.server.requests).toHaveLength(1);
  });

  it("POST not retried on timeout", async () => {
    fx.server.use(
      http.post("*", async () => {
        await delay("infinite");
        return HttpResponse.json({});
      }),
    );
    await using client = makeClient(fx.server.url, { timeout: 200 });
    const error = await rejection(client.createTemplate("o", "p", "K"));
    expect(error.code).toBe("timeout");
    expect(fx.server.requests).toHaveLength(1);
  });

  it("POST retried on 429", async () => {
    fx.server.use(http.post("*", script(fail(429), ok({ created: 1, updated: 0, total: 1 }))));
    await using client = makeClient(fx.server.url);
    expect(await client.bulkSetSecrets("o", "p", "e", [{ key: "K", value: "v" }])).toEqual({
      created: 1,
      updated: 0,
      total: 1,
    });
    expect(fx.server.requests).toHaveLength(2);
  });

  it("maxRetries: 0 turns retrying off", async () => {
    fx.server.use(http.get("*", fail(503)));
    await using client = makeClient(fx.server.url, { maxRetries: 0 });
    const error = await rejection(client.validateTemplate("o", "p", "e"));
    expect(error.message).not.toContain("gave up");
    expect(fx.server.requests).toHaveLength(1);
  });

  it("maxRetries: 4 makes 5 attempts", async () => {
    fx.server.use(http.get("*", fail(502)));
    await using client = makeClient(fx.server.url, { maxRetries: 4 });
    const error = await rejection(client.validateTemplate("o", "p", "e"));
    expect(error.message).toContain("gave up after 5 attempts");
    expect(fx.server.requests).toHaveLength(5);
  });
});

describe("Retry-After", () => {
  function timedScript(times: number[], ...steps: Array<() => Response | Promise<Response>>) {
    const run = script(...steps);
    return () => {
      times.push(performance.now());
      return run();
    };
  }

  it("waits the seconds the server asks for before retrying", async () => {
    const times: number[] = [];
    fx.server.use(http.get("*", timedScript(times, fail(429, { "retry-after": "1" }), ok(VALID))));
    await using client = makeClient(fx.server.url, { retryBaseDelayMs: 0, retryMaxDelayMs: 0 });
    expect(await client.validateTemplate("o", "p", "e")).toEqual(VALID);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
    expect(times[1]! - times[0]!).toBeLessThan(10_000);
  });

  it("accepts an HTTP-date", async () => {
    const times: number[] = [];
    const inTwoSeconds = () => new Date(Date.now() + 2000).toUTCString();
    fx.server.use(
      http.get(
        "*",
        timedScript(times, () => fail(503, { "retry-after": inTwoSeconds() })(), ok(VALID)),
      ),
    );
    await using client = makeClient(fx.server.url, { retryBaseDelayMs: 0, retryMaxDelayMs: 0 });
    expect(await client.validateTemplate("o", "p", "e")).toEqual(VALID);
    // HTTP-dates have whole seconds: 2 s from now is 1-2 s away.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
    expect(times[1]! - times[0]!).toBeLessThan(10_000);
  });

  it("a Retry-After above the cap ends the retries at once, reporting retryAfter", async () => {
    fx.server.use(http.get("*", fail(429, { "retry-after": "3600" })));
    await using client = makeClient(fx.server.url);
    const started = performance.now();
    const error = await rejection(client.validateTemplate("o", "p", "e"));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(fx.server.requests).toHaveLength(1);
    expect([error.code, error.retryAfter]).toEqual(["rate_limited", 3600]);
  });

  it("the total wait of one call is bounded (maxRetryWaitMs)", async () => {
    fx.server.use(http.get("*", fail(503, { "retry-after": "1" })));
    await using client = makeClient(fx.server.url, { maxRetries: 5, maxRetryWaitMs: 1500 });
    const error = await rejection(client.validateTemplate("o", "p", "e"));
    expect(fx.server.requests).toHaveLength(2); // 1 s waited; another 1 s would exceed 1.5 s
    expect(error.retryAfter).toBe(1);
    expect(error.message).toContain("gave up after 2 attempts");
  });

  it("after exhausting retries the last error keeps retryAfter", async () => {
    fx.server.use(http.post("*", fail(429, { "retry-after": "0" })));
    await using client = makeClient(fx.server.url);
    const error = await rejection(client.bulkSetSecrets("o", "p", "e", [{ key: "K", value: "v" }]));
    expect(fx.server.requests).toHaveLength(3);
    expect([error.statusCode, error.code, error.retryAfter]).toEqual([429, "rate_limited", 0]);
  });
});

describe("pure retry decisions", () => {
  const err = (statusCode: number, code = "x", retryAfter?: number) =>
    new SecrApiError("m", statusCode, code, { retryAfter });
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    maxRetries: 3,
    maxRetryAfterMs: 5000,
    maxTotalWaitMs: 6000,
  };

  it("isRetryable per method", () => {
    for (const m of ["GET", "PUT", "DELETE"]) {
      expect(isRetryable(m, err(0, "network_error"))).toBe(true);
      expect(isRetryable(m, err(0, "timeout"))).toBe(true);
      expect(isRetryable(m, err(0, "aborted"))).toBe(false);
      expect(isRetryable(m, err(0, "invalid_argument"))).toBe(false);
      for (const s of [429, 502, 503, 504]) expect(isRetryable(m, err(s))).toBe(true);
      for (const s of [400, 401, 404, 500, 501]) expect(isRetryable(m, err(s))).toBe(false);
    }
    expect(isRetryable("POST", err(429))).toBe(true);
    for (const e of [err(0, "network_error"), err(0, "timeout"), err(502), err(503), err(504)])
      expect(isRetryable("POST", e)).toBe(false);
  });

  it("full-jitter backoff grows exponentially up to the cap", () => {
    expect(backoffDelayMs(0, policy, () => 0.999)).toBe(99);
    expect(backoffDelayMs(2, policy, () => 0.999)).toBe(399);
    expect(backoffDelayMs(10, policy, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  it("nextDelayMs: retry count, Retry-After, cap and total bound", () => {
    expect(nextDelayMs("GET", err(503), 0, 0, policy, () => 0.5)).toBe(50);
    expect(nextDelayMs("GET", err(503), 3, 0, policy)).toBeUndefined();
    // Retry-After is the floor; full jitter over half of it (or the backoff window, if wider) on top.
    expect(nextDelayMs("GET", err(503, "x", 2), 0, 0, policy, () => 0)).toBe(2000);
    expect(nextDelayMs("GET", err(503, "x", 2), 0, 0, policy, () => 0.5)).toBe(2500);
    expect(nextDelayMs("GET", err(503, "x", 0), 2, 0, policy, () => 0.5)).toBe(200); // Retry-After: 0 still spreads over the backoff window
    expect(nextDelayMs("GET", err(503, "x", 6), 0, 0, policy)).toBeUndefined(); // above maxRetryAfterMs
    expect(nextDelayMs("GET", err(503, "x", 2), 1, 4500, policy)).toBeUndefined(); // total bound
    expect(nextDelayMs("POST", err(503), 0, 0, policy)).toBeUndefined();
  });

  it("parseRetryAfter: delta-seconds and HTTP-date", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter(" 42 ", now)).toBe(42);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:00:00 GMT", now)).toBe(0); // in the past
    expect(parseRetryAfter("-1", now)).toBeUndefined();
    expect(parseRetryAfter("1.5", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});
