// Attacks on the caching agent (`secr-run serve --upstream`, docs/guide/fleet.md) by a hostile pod
// on the same node, or a hostile upstream, performed through the built CLI over loopback HTTP.
import { chmodSync } from "node:fs";
import { http, HttpResponse, delay } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess } from "../helpers/agent.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { fileTempDir } from "../helpers/temp.js";
import { hasOpenssl, makeTestCa } from "../helpers/test-ca.js";

type Plan = "ok" | "slow" | "slow-then-503";

describe("a hostile pod or upstream against the agent", () => {
  let fake: MswServer;
  /** What upstream does with a token's pulls (default "ok"). */
  const plans = new Map<string, Plan>();
  const revoked = new Set<string>();
  let etag = (token: string) => `"${token}"`;
  /** Upstream GETs left before it answers 429 (a per-address quota, as hosted secrets managers have). */
  let quota = Infinity;
  const tokenOf = (request: Request) => (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
  /** Upstream GETs sent with this token. */
  const upstreamGets = (token: string) =>
    fake.requests.filter((r) => r.method === "GET" && r.headers.get("authorization") === `Bearer ${token}`).length;
  const rejected = (token: string) => token.startsWith("bogus") || revoked.has(token);
  const unauthorized = () => HttpResponse.json({ error: "unauthorized", message: "unknown token" }, { status: 401 });

  beforeAll(async () => {
    fake = await startMswServer(
      http.get("*/v1/secrets/:org/:project/:env", async ({ request, params }) => {
        const token = tokenOf(request);
        if (--quota < 0)
          return HttpResponse.json(
            { error: "rate_limited", message: "quota spent" },
            { status: 429, headers: { "retry-after": "60" } },
          );
        const plan = plans.get(token) ?? "ok";
        if (plan !== "ok") await delay(1_500); // room for a request made meanwhile, even on a loaded machine
        if (plan === "slow-then-503")
          return HttpResponse.json({ error: "server_error", message: "overloaded" }, { status: 503 });
        if (rejected(token)) return unauthorized();
        const body = {
          secrets: [
            {
              key: "WHO",
              value: `value-of-${token}-${String(params.env)}`,
              version: 1,
              updatedAt: "2026-01-01T00:00:00.000Z",
            },
          ],
        };
        return HttpResponse.json(body, { headers: { etag: etag(token) } });
      }),
      http.put("*/v1/secrets/:org/:project/:env", ({ request }) =>
        rejected(tokenOf(request))
          ? unauthorized()
          : HttpResponse.json({ error: "forbidden", message: "viewer token" }, { status: 403 }),
      ),
      http.post("*/v1/tokens", () => unauthorized()),
    );
  });
  afterAll(async () => {
    await fake?.close();
  });

  const get = (agentUrl: string, token: string, path = "/v1/secrets/acme/api/production") =>
    fetch(`${agentUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const send = (agentUrl: string, method: string, path: string, token: string) =>
    fetch(`${agentUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ key: "X", value: "y" }),
    });

  it("writes upstream refused (a bogus token's token creation, another pod's forbidden PUT) do not wipe a victim's cached answers", async () => {
    const agent = await startAgentProcess(fake.url, ["--quiet", "--revalidate", "1h"]);
    try {
      const victim = "victim-token-aaaa";
      expect((await get(agent.url, victim)).status).toBe(200);
      expect(upstreamGets(victim)).toBe(1);
      // A bogus token on a project-less write route used to clear every token's entries.
      expect((await send(agent.url, "POST", "/v1/tokens", "bogus-token-1")).status).toBe(401);
      await delay(1_100); // past the per-address limit on rejected tokens
      // A viewer pod's refused write to the victim's project used to drop that project's entries.
      expect((await send(agent.url, "PUT", "/v1/secrets/acme/api/production", "attacker-token-bbbb")).status).toBe(403);
      const again = await get(agent.url, victim);
      expect(again.status).toBe(200);
      expect(await again.text()).toContain(`value-of-${victim}-production`);
      expect(upstreamGets(victim)).toBe(1); // still answered from memory
    } finally {
      await agent.stop();
    }
  });

  it("another token's rejection while a victim's read is in flight does not keep the victim's answer out of the cache", async () => {
    const agent = await startAgentProcess(fake.url, ["--quiet", "--revalidate", "1h"]);
    const victim = "victim-token-cccc";
    plans.set(victim, "slow");
    try {
      const inFlight = get(agent.url, victim);
      await delay(150);
      // A bogus token's 401 used to bump one generation for every token: the victim's fill was thrown away.
      expect((await get(agent.url, "bogus-token-2")).status).toBe(401);
      expect((await inFlight).status).toBe(200);
      expect(upstreamGets(victim)).toBe(1);
      expect((await get(agent.url, victim)).status).toBe(200);
      expect(upstreamGets(victim)).toBe(1);
    } finally {
      plans.delete(victim);
      await agent.stop();
    }
  });

  it("a token rejected while its revalidation is in flight is not answered stale when that revalidation then fails", async () => {
    const agent = await startAgentProcess(fake.url, ["--quiet", "--revalidate", "0", "--max-stale", "1h"]);
    const token = "stolen-token-dddd";
    try {
      expect((await get(agent.url, token)).status).toBe(200); // cached
      revoked.add(token);
      plans.set(token, "slow-then-503");
      const revalidation = get(agent.url, token); // in flight, holding the cached entry
      await delay(150);
      plans.delete(token);
      // Meanwhile upstream rejects the token on another path: its entries are dropped.
      expect((await get(agent.url, token, "/v1/secrets/acme/api/staging")).status).toBe(401);
      const answer = await revalidation;
      const body = await answer.text();
      expect(answer.headers.get("secr-stale")).toBeNull();
      expect(body).not.toContain("value-of-");
      expect(answer.status).toBe(503);
    } finally {
      plans.delete(token);
      revoked.delete(token);
      await agent.stop();
    }
  });

  it("a pod guessing tokens gets only a few of them sent upstream: it cannot spend the node's upstream quota", async () => {
    const agent = await startAgentProcess(fake.url, ["--quiet"]);
    try {
      const before = fake.requests.length;
      // 40 guesses at once: before any rejection is back, a per-address count of rejections sees none.
      const statuses = await Promise.all(
        Array.from({ length: 40 }, (_, i) => get(agent.url, `bogus-guess-${i}`).then((r) => r.status)),
      );
      expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(1);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(fake.requests.length - before).toBeLessThanOrEqual(8); // the 8 allowed in flight
      // Then one after another: after the first rejections, the agent answers 429 itself.
      for (let i = 0; i < 20; i++) statuses.push((await get(agent.url, `bogus-again-${i}`)).status);
      expect(fake.requests.length - before).toBeLessThanOrEqual(12);
    } finally {
      await agent.stop();
    }
  });

  it("one pod asking for ever new answers cannot spend the node's upstream quota, which would hold every pod back", async () => {
    const agent = await startAgentProcess(fake.url, ["--quiet"]);
    quota = 40;
    try {
      const greedy = "greedy-token-eeee";
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++)
        statuses.push((await get(agent.url, greedy, `/v1/secrets/acme/api/production?n=${i}`)).status);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(upstreamGets(greedy)).toBeLessThan(40);
      // Upstream never had to say 429, so the shared back-off never held the other pods.
      const victim = await get(agent.url, "victim-token-ffff");
      expect(victim.status).toBe(200);
      expect(await victim.text()).toContain("value-of-victim-token-ffff");
    } finally {
      quota = Infinity;
      await agent.stop();
    }
  });

  it("a hostile upstream's large ETags count against --cache-max-bytes", async () => {
    const agent = await startAgentProcess(fake.url, ["--quiet", "--cache-max-bytes", "64KiB", "--revalidate", "1h"]);
    const big = 4000;
    etag = (token) => `"${token}-${"e".repeat(big)}"`;
    try {
      for (let i = 0; i < 60; i++)
        expect((await get(agent.url, `etag-token-${i % 4}`, `/v1/secrets/acme/api/env-${i}`)).status).toBe(200);
      const text = await (await fetch(`${agent.url}/metrics`)).text();
      const value = (name: string) =>
        Number(/^(\S+) (\d+)$/m.exec(text.split("\n").find((l) => l.startsWith(`${name} `)) ?? "")?.[2]);
      const entries = value("secr_agent_cache_entries");
      expect(entries).toBeGreaterThan(0);
      // What the entries really hold (their ETags alone) stays within the bound.
      expect(entries * big).toBeLessThanOrEqual(64 * 1024);
      expect(value("secr_agent_cache_bytes")).toBeLessThanOrEqual(64 * 1024);
    } finally {
      etag = (token) => `"${token}"`;
      await agent.stop();
    }
  });
});

describe("the agent's TLS key", () => {
  it.skipIf(!hasOpenssl())(
    "a --tls-key other users can read is warned about, as the data key file is; a private one is not",
    async () => {
      const ca = makeTestCa(fileTempDir("secr-agent-tls-key-").path);
      chmodSync(ca.keyFile, 0o644);
      const open = await startAgentProcess("https://api.secr.example", [
        "--quiet",
        "--tls-cert",
        ca.certFile,
        "--tls-key",
        ca.keyFile,
      ]);
      const openStop = await open.stop();
      expect(openStop.stderr).toMatch(/warning: --tls-key .* is readable by others \(mode 644\).*chmod 600/);
      expect(openStop.stderr).not.toContain("PRIVATE KEY");
      chmodSync(ca.keyFile, 0o600);
      const closed = await startAgentProcess("https://api.secr.example", [
        "--quiet",
        "--tls-cert",
        ca.certFile,
        "--tls-key",
        ca.keyFile,
      ]);
      expect((await closed.stop()).stderr).not.toMatch(/readable by others/);
    },
  );
});
