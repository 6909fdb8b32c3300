// Attack: token guessing that rotates its source address through 127.x.y.z (every address of
// 127.0.0.0/8 reaches a loopback server on Linux) got a fresh failed-authentication budget per
// address: 150 × 401 and no 429. Loopback is one client, IPv6 counts by /64, and a global budget
// caps failures over all clients (docs/design/server.md, "Rate limits").
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthFailureLimit, GLOBAL_FAILURE_FACTOR } from "../../src/server/http/auth-failure-limit.js";
import { clientBucket } from "../../src/server/http/client-bucket.js";
import { DEFAULT_AUTH_FAILURES_PER_SECOND } from "../../src/server/start-server.js";
import { startFixture, type Fixture } from "../server/fixtures.js";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture(); // the default budget: 10 failures per second, bursts of 10
});
afterAll(() => f.close());

/** One GET from a chosen loopback source address, over its own connection. */
function fromAddress(localAddress: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${f.server.url}/v1/secrets/acme/api/production`,
      { localAddress, agent: false, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("failed authentications from rotating loopback addresses", () => {
  it("share one budget: 429 after the burst, and 401s only as fast as the budget refills", async () => {
    const statuses: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 150; i++)
      statuses.push(
        await fromAddress(`127.${1 + (i % 200)}.${(i * 7) % 256}.${1 + (i % 250)}`, `secr_cli_rotating_guess_${i}`),
      );
    const seconds = (performance.now() - started) / 1000;
    const unauthorized = statuses.filter((s) => s === 401).length;
    expect(statuses.filter((s) => s === 401 || s === 429)).toHaveLength(150);
    // The burst, plus what refilled while the requests ran (the old code: all 150).
    expect(unauthorized).toBeLessThanOrEqual(
      DEFAULT_AUTH_FAILURES_PER_SECOND + Math.ceil(seconds * DEFAULT_AUTH_FAILURES_PER_SECOND) + 1,
    );
    expect(statuses).toContain(429);
    // While throttled, a right guess from yet another loopback address learns nothing.
    expect(await fromAddress("127.200.100.50", "secr_cli_admin_test")).toBe(429);
  });
});

describe("client buckets", () => {
  it("loopback (127/8, ::1, mapped) is one client; IPv4 per address; IPv6 per /64", () => {
    expect(["127.0.0.1", "127.45.6.7", "::ffff:127.0.0.9", "::1", "0:0:0:0:0:0:0:1"].map(clientBucket)).toEqual(
      Array(5).fill("loopback"),
    );
    expect([clientBucket("192.0.2.1"), clientBucket("::ffff:192.0.2.1"), clientBucket("192.0.2.2")]).toEqual([
      "192.0.2.1",
      "192.0.2.1",
      "192.0.2.2",
    ]);
    expect(clientBucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientBucket("2001:db8:1:2:ffff:ffff:ffff:fffe")).toBe("2001:db8:1:2::/64");
    expect(clientBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientBucket("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientBucket("2001:db8:1:3::1")).not.toBe(clientBucket("2001:db8:1:2::1"));
    expect(clientBucket(undefined)).toBe("unknown");
  });

  it("IPv6 addresses of one /64 share a budget; other /64s and IPv4 clients have their own", () => {
    let now = 0;
    const limit = new AuthFailureLimit(2, () => now);
    limit.fail("2001:db8:1:2::1");
    limit.fail("2001:db8:1:2::2");
    expect(limit.wait("2001:db8:1:2::3")).toBeGreaterThan(0);
    expect(limit.wait("2001:db8:1:3::1")).toBe(0);
    expect(limit.wait("192.0.2.1")).toBe(0);
    now += 1000;
    expect(limit.wait("2001:db8:1:2::3")).toBe(0);
  });

  it("a global budget caps failures spread over many clients", () => {
    let now = 0;
    const rate = 2;
    const limit = new AuthFailureLimit(rate, () => now);
    // Each address stays within its own budget (one failure each)...
    for (let i = 0; i < rate * GLOBAL_FAILURE_FACTOR; i++) {
      expect(limit.wait(`198.51.100.${i + 1}`)).toBe(0);
      limit.fail(`198.51.100.${i + 1}`);
    }
    // ...but all together used up the global one: a fresh address waits too.
    expect(limit.wait("203.0.113.7")).toBeGreaterThan(0);
    now += 1000;
    expect(limit.wait("203.0.113.7")).toBe(0);
  });
});
