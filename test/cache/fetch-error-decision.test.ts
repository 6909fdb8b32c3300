import { describe, expect, it } from "vitest";
import { decideOnFetchError, type FetchErrorDecision } from "../../src/cache/index.js";
import { SecrApiError } from "../../src/client/errors.js";

// [statusCode, code, decision]: every code of the contract, plus servers' own codes.
const table: [number, string, FetchErrorDecision][] = [
  [0, "network_error", "fallback"],
  [0, "timeout", "fallback"],
  [500, "server_error", "fallback"],
  [502, "server_error", "fallback"],
  [503, "maintenance", "fallback"], // a server's own code on a 5xx
  [504, "server_error", "fallback"],
  [429, "rate_limited", "fallback"], // reaches us only once the client's retries are spent
  [401, "unauthorized", "purge"],
  [401, "token_expired", "purge"], // a server's own code on a 401
  [403, "forbidden", "purge"],
  [404, "not_found", "purge"],
  [400, "bad_request", "fail"],
  [409, "conflict", "fail"],
  [413, "payload_too_large", "fail"],
  [422, "validation_error", "fail"],
  [418, "http_error", "fail"],
  [200, "invalid_response", "fail"],
  [0, "inconsistent_data", "fail"],
  [0, "aborted", "fail"],
  [0, "invalid_argument", "fail"],
  [0, "client_closed", "fail"],
  [0, "response_too_large", "fail"], // a flood is not an outage: never a reason to use the snapshot
  [200, "response_too_large", "fail"], // a flood must not steer a run onto an old snapshot
];

describe("decideOnFetchError", () => {
  for (const [status, code, decision] of table) {
    it(`${status} ${code} → ${decision}`, () => {
      expect(decideOnFetchError(new SecrApiError(`secr API GET /v1/... failed: ${status} ${code}`, status, code))).toBe(
        decision,
      );
    });
  }

  it("fails on anything that is not a SecrApiError-shaped value", () => {
    for (const thrown of [new Error("boom"), new TypeError("x"), "network_error", null, undefined, 42, { code: 7 }]) {
      expect(decideOnFetchError(thrown)).toBe("fail");
    }
  });

  it("the caller's own deadline firing (client reports aborted) falls back; 401/403/404 still purge", () => {
    const aborted = new SecrApiError("secr API GET /v1/... was aborted by the caller", 0, "aborted");
    expect(decideOnFetchError(aborted)).toBe("fail");
    expect(decideOnFetchError(aborted, { deadlineExpired: true })).toBe("fallback");
    expect(decideOnFetchError(new Error("anything"), { deadlineExpired: true })).toBe("fallback");
    expect(decideOnFetchError(new SecrApiError("x", 401, "unauthorized"), { deadlineExpired: true })).toBe("purge");
    expect(decideOnFetchError(new SecrApiError("x", 404, "not_found"), { deadlineExpired: false })).toBe("purge");
  });

  it("decides on the shape, not the class (errors crossing a module boundary)", () => {
    expect(decideOnFetchError({ code: "timeout", statusCode: 0 })).toBe("fallback");
    expect(decideOnFetchError({ code: "unauthorized", statusCode: 0 })).toBe("purge");
    expect(decideOnFetchError({ code: "whatever", statusCode: 403 })).toBe("purge");
  });
});
