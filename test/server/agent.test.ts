// `secr-run serve --upstream`: the per-node caching agent, end to end through the built CLI
// (docs/guide/fleet.md). Upstream is a real `secr-run serve` where its behaviour is enough, and a
// loopback msw server with counters where a test needs an outage, a 429 or a slow answer.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { http, HttpResponse, delay } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../helpers/agent.js";
import { allRuns, leaks, runCli } from "../helpers/cli.js";
import { startLocalServer, type LocalServer } from "../helpers/local-server.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { fileTempDir } from "../helpers/temp.js";
import { hasOpenssl, makeTestCa } from "../helpers/test-ca.js";

const PROD = "secr_agent_test_prod_0123456789";
const STAGING = "secr_agent_test_staging_0123456789";
const PROD_VALUE = "prod-db-value-a1b2c3";
const STAGING_VALUE = "staging-db-value-d4e5f6";

const seed = {
  tokens: [
    { token: PROD, role: "viewer", org: "acme", project: "api", env: "production" },
    { token: STAGING, role: "viewer", org: "acme", project: "api", env: "staging" },
  ],
  orgs: {
    acme: {
      projects: {
        api: {
          environments: { production: { DATABASE_URL: PROD_VALUE }, staging: { DATABASE_URL: STAGING_VALUE } },
          templates: [{ key: "DATABASE_URL", required: true }],
        },
      },
    },
  },
};

const PRINT_DB = ["node", "-e", "process.stdout.write(String(process.env.DATABASE_URL))"];

function runThrough(
  agentUrl: string,
  token: string,
  env: string,
  extra: string[] = [],
  moreEnv: Record<string, string> = {},
) {
  return runCli(["--org", "acme", "--project", "api", "--env", env, ...extra, "--", ...PRINT_DB], {
    env: { SECR_TOKEN: token, SECR_API_URL: agentUrl, SECR_NO_CACHE: "1", ...moreEnv },
  });
}

function get(url: string, token: string | undefined, headers: Record<string, string> = {}) {
  return fetch(url, { headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers } });
}

/** Upstream pulls of one environment, from the upstream server's own access log. */
function upstreamPulls(server: LocalServer, env: string): number {
  return server
    .stderr()
    .split("\n")
    .filter((line) => line.includes(` GET /v1/secrets/acme/api/${env} `)).length;
}

/** Waits up to 2 s for `done` (a child's log line may lag its answer); the caller asserts after. */
async function settled(done: () => boolean): Promise<void> {
  for (const until = Date.now() + 2_000; !done() && Date.now() < until;) await delay(20);
}

async function metric(agent: AgentProcess, name: string): Promise<number> {
  const text = await (await fetch(`${agent.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no metric ${name}`);
  return Number(line.split(" ")[1]);
}

describe("through a real upstream secr-run serve", () => {
  let upstream: LocalServer;
  let agent: AgentProcess;
  beforeAll(async () => {
    upstream = await startLocalServer({ seed });
    agent = await startAgentProcess(upstream.url, ["--revalidate", "1s", "--max-stale", "1h"]);
  });
  afterAll(async () => {
    await agent?.stop();
    await upstream?.stop();
  });

  it("a pod gets its secrets through the agent, and a repeat within --revalidate is answered from memory", async () => {
    const before = upstreamPulls(upstream, "production");
    const first = await runThrough(agent.url, PROD, "production");
    expect(first.stderr).toBe("");
    expect([first.exitCode, first.stdout]).toEqual([0, PROD_VALUE]);
    const second = await runThrough(agent.url, PROD, "production");
    expect([second.exitCode, second.stdout]).toEqual([0, PROD_VALUE]);
    // Unless the machine stalled past the 1 s bound between the two runs, the second was a hit.
    expect(upstreamPulls(upstream, "production") - before).toBeLessThanOrEqual(2);
    expect(await metric(agent, "secr_agent_cache_hits_total")).toBeGreaterThanOrEqual(1);
  });

  it("two tokens isolated: a token scoped to staging never gets production's cached answer", async () => {
    // Production's answer is cached under PROD (previous test, or now).
    expect((await runThrough(agent.url, PROD, "production")).stdout).toBe(PROD_VALUE);
    const before = upstreamPulls(upstream, "production");
    const attack = await get(`${agent.url}/v1/secrets/acme/api/production?limit=1000&offset=0`, STAGING);
    expect(attack.status).toBe(403);
    expect(await attack.text()).not.toContain(PROD_VALUE);
    // The staging token's request went upstream: its own answer, not a cache hit. (The upstream's
    // access-log line reaches us through a pipe, possibly after the agent's answer.)
    await settled(() => upstreamPulls(upstream, "production") === before + 1);
    expect(upstreamPulls(upstream, "production")).toBe(before + 1);
    const viaCli = await runThrough(agent.url, STAGING, "production");
    expect(viaCli.exitCode).toBe(77);
    expect(viaCli.stdout).toBe("");
    const own = await runThrough(agent.url, STAGING, "staging");
    expect([own.exitCode, own.stdout]).toEqual([0, STAGING_VALUE]);
  });

  it("revalidation after the bound: a conditional request (If-None-Match) upstream, and a change is seen", async () => {
    expect((await runThrough(agent.url, PROD, "production")).stdout).toBe(PROD_VALUE);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const notModified = await metric(agent, "secr_agent_not_modified_total");
    expect((await runThrough(agent.url, PROD, "production")).stdout).toBe(PROD_VALUE);
    expect(await metric(agent, "secr_agent_not_modified_total")).toBeGreaterThan(notModified);
    // A change upstream (made directly, not through the agent) shows within the bound.
    const put = await fetch(`${upstream.url}/v1/secrets/acme/api/production`, {
      method: "PUT",
      headers: { authorization: `Bearer ${upstream.token}`, "content-type": "application/json" },
      body: JSON.stringify({ key: "DATABASE_URL", value: `${PROD_VALUE}-rotated` }),
    });
    expect(put.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect((await runThrough(agent.url, PROD, "production")).stdout).toBe(`${PROD_VALUE}-rotated`);
  });

  it("a write through the agent passes upstream and drops the project's cached answers at once", async () => {
    expect((await runThrough(agent.url, STAGING, "staging")).stdout).toBe(STAGING_VALUE);
    const put = await fetch(`${agent.url}/v1/secrets/acme/api/staging`, {
      method: "PUT",
      headers: { authorization: `Bearer ${upstream.token}`, "content-type": "application/json" },
      body: JSON.stringify({ key: "DATABASE_URL", value: `${STAGING_VALUE}-new` }),
    });
    expect(put.status).toBe(200);
    // Within the 1 s bound, yet the new value: the write invalidated the staging token's entry.
    expect((await runThrough(agent.url, STAGING, "staging")).stdout).toBe(`${STAGING_VALUE}-new`);
  });

  it("401 drop: a revoked token's entries go at once, and it is never answered stale", async () => {
    const created = (await (
      await fetch(`${upstream.url}/v1/tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${upstream.token}`, "content-type": "application/json" },
        body: JSON.stringify({
          name: "short-lived pod",
          role: "viewer",
          org: "acme",
          project: "api",
          env: "production",
        }),
      })
    ).json()) as { id: string; token: string };
    expect((await runThrough(agent.url, created.token, "production")).exitCode).toBe(0);
    const revoke = await fetch(`${upstream.url}/v1/tokens/${created.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${upstream.token}` },
    });
    expect(revoke.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const drops = await metric(agent, "secr_agent_token_drops_total");
    const refused = await runThrough(agent.url, created.token, "production");
    expect(refused.exitCode).toBe(77);
    expect(refused.stdout).toBe("");
    expect(await metric(agent, "secr_agent_token_drops_total")).toBeGreaterThan(drops);
  });

  // Last in this group: it stops the upstream.
  it("stale on outage: the cached answer within --max-stale, and the run warns it is stale", async () => {
    expect((await runThrough(agent.url, PROD, "production")).exitCode).toBe(0);
    await upstream.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const report = join(fileTempDir("secr-agent-report-").path, "report.json");
    const run = await runThrough(agent.url, PROD, "production", ["--report-json", report]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`${PROD_VALUE}-rotated`);
    expect(run.stderr).toMatch(
      /warning: the agent at 127\.0\.0\.1:\d+ could not reach secr: starting from its cached copy of acme\/api\/production, confirmed \d+s ago/,
    );
    const facts = JSON.parse(readFileSync(report, "utf8")) as { source: { kind: string; staleMs?: number } };
    expect(facts.source.kind).toBe("secr");
    expect(facts.source.staleMs).toBeGreaterThanOrEqual(1000);
    // A token the agent never saw has nothing to fall back on: upstream's failure, not a value.
    const unknown = await get(`${agent.url}/v1/secrets/acme/api/staging`, "secr_never_seen_token_000000");
    expect(unknown.status).toBe(502);
    expect(await metric(agent, "secr_agent_stale_served_total")).toBeGreaterThanOrEqual(1);
  });
});

describe("through a fake upstream with counters", () => {
  let fake: MswServer;
  let mode: "ok" | "slow" | "429" | "down" = "ok";
  const revoked = new Set<string>();
  const pulls = () => fake.requests.filter((r) => r.url.pathname.startsWith("/v1/secrets/")).length;
  beforeAll(async () => {
    fake = await startMswServer(
      http.get("*/v1/secrets/:org/:project/:env", async ({ request, params }) => {
        if (mode === "down") return HttpResponse.json({ error: "server_error", message: "down" }, { status: 503 });
        if (mode === "429")
          return HttpResponse.json(
            { error: "rate_limited", message: "slow down" },
            { status: 429, headers: { "retry-after": "3" } },
          );
        if (mode === "slow") await delay(400);
        const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
        if (revoked.has(token))
          return HttpResponse.json({ error: "unauthorized", message: "token revoked" }, { status: 401 });
        const body = {
          secrets: [
            {
              key: "WHO",
              value: `value-for-${token.slice(-6)}-${String(params.env)}`,
              version: 1,
              updatedAt: "2026-01-01T00:00:00.000Z",
            },
          ],
          pagination: { limit: 1000, offset: 0, total: 1 },
        };
        return HttpResponse.json(body, { headers: { etag: `"${token.slice(-6)}"` } });
      }),
    );
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("identical concurrent requests of one token become one upstream request; another token's are its own", async () => {
    const agent = await startAgentProcess(fake.url, ["--quiet"]);
    try {
      mode = "slow";
      const before = pulls();
      const url = `${agent.url}/v1/secrets/acme/api/production?limit=1000&offset=0`;
      const answers = await Promise.all([
        ...Array.from({ length: 20 }, () => get(url, "token-aaaaaa")),
        get(url, "token-bbbbbb"),
      ]);
      const bodies = await Promise.all(answers.map((a) => a.text()));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(bodies.slice(0, 20).every((b) => b.includes("value-for-aaaaaa"))).toBe(true);
      expect(bodies[20]).toContain("value-for-bbbbbb");
      expect(bodies[20]).not.toContain("aaaaaa");
      expect(pulls() - before).toBe(2); // one per token
      expect(await metric(agent, "secr_agent_coalesced_total")).toBe(19);
    } finally {
      mode = "ok";
      await agent.stop();
    }
  });

  it("Retry-After is shared: after upstream's 429 for one token, another token waits too, without asking upstream", async () => {
    const agent = await startAgentProcess(fake.url, ["--quiet"]);
    try {
      mode = "429";
      const first = await get(`${agent.url}/v1/secrets/acme/api/production`, "token-cccccc");
      expect(first.status).toBe(429);
      expect(first.headers.get("retry-after")).toBe("3");
      const before = pulls();
      mode = "ok";
      const second = await get(`${agent.url}/v1/secrets/acme/api/staging`, "token-dddddd");
      expect(second.status).toBe(429);
      expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(second.headers.get("retry-after"))).toBeLessThanOrEqual(3);
      expect(pulls()).toBe(before);
      expect(await metric(agent, "secr_agent_upstream_429_total")).toBe(1);
    } finally {
      mode = "ok";
      await agent.stop();
    }
  });

  it("hostile requests: no absolute-form target, hop-by-hop and client headers stripped, Host not forwarded", async () => {
    const agent = await startAgentProcess(fake.url, ["--quiet"]);
    try {
      const { request } = await import("node:http");
      const { hostname, port } = new URL(agent.url);
      // Path as written: no URL parser in between to resolve dot segments or absolute forms.
      const raw = (path: string, headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const req = request({ host: hostname, port, path, headers, agent: false }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on("error", reject);
          req.end();
        });
      const before = fake.requests.length;
      const status = await raw("/v1/secrets/acme/api/production", {
        authorization: "Bearer token-eeeeee",
        host: "evil.example",
        "x-forwarded-host": "evil.example",
        cookie: "session=stolen",
        connection: "x-smuggle",
        "x-smuggle": "1",
        "proxy-authorization": "Basic c2VjcmV0",
      });
      expect(status).toBe(200);
      const seen = fake.requests.slice(before);
      expect(seen).toHaveLength(1);
      const headers = Object.fromEntries(seen[0]!.headers.entries());
      expect(headers.host).toBe(new URL(fake.url).host);
      for (const name of ["x-forwarded-host", "cookie", "x-smuggle", "proxy-authorization"])
        expect(headers[name]).toBeUndefined();
      // An absolute-form target ("GET http://elsewhere/...") never chooses where the token goes.
      const absolute = await raw("http://evil.example/v1/secrets/acme/api/production", {
        authorization: "Bearer token-eeeeee",
      });
      expect(absolute).toBe(400);
      expect(fake.requests).toHaveLength(before + 1);
      // Dot segments are refused before anything goes upstream.
      expect(await raw("/v1/secrets/acme/%2E%2E/production", { authorization: "Bearer token-eeeeee" })).toBe(400);
      expect(await raw("/v1/secrets/acme/../production", { authorization: "Bearer token-eeeeee" })).toBe(400);
      // No token: refused locally, nothing forwarded.
      expect((await get(`${agent.url}/v1/secrets/acme/api/production`, undefined)).status).toBe(401);
      expect(fake.requests).toHaveLength(before + 1);
    } finally {
      await agent.stop();
    }
  });

  it("/healthz and /metrics need no token and name no token, key, value or project", async () => {
    const agent = await startAgentProcess(fake.url, ["--quiet"]);
    try {
      expect((await get(`${agent.url}/v1/secrets/secret-org/secret-project/production`, "token-ffffff")).status).toBe(
        200,
      );
      const health = await get(`${agent.url}/healthz`, undefined);
      expect(health.status).toBe(200);
      const text = await (await get(`${agent.url}/metrics`, undefined)).text();
      expect(text).toMatch(/^secr_agent_upstream_requests_total 1$/m);
      expect(text).toMatch(/^secr_agent_cache_entries 1$/m);
      expect(leaks([text], ["token-ffffff", "secret-org", "secret-project", "production", "WHO", "value-for"])).toEqual(
        [],
      );
    } finally {
      await agent.stop();
    }
  });

  it("a token upstream rejected is never answered stale, even when upstream then fails", async () => {
    const agent = await startAgentProcess(fake.url, ["--quiet", "--revalidate", "0", "--max-stale", "1h"]);
    try {
      const url = `${agent.url}/v1/secrets/acme/api/production`;
      expect((await get(url, "token-hhhhhh")).status).toBe(200);
      expect((await get(url, "token-iiiiii")).status).toBe(200);
      revoked.add("token-hhhhhh");
      expect((await get(url, "token-hhhhhh")).status).toBe(401);
      mode = "down";
      await delay(1_100); // past the per-address limit on rejected tokens: this one goes upstream
      const afterOutage = await get(url, "token-hhhhhh");
      expect(afterOutage.status).toBe(503);
      expect(await afterOutage.text()).not.toContain("value-for");
      // Another token's entry is untouched: its stale answer is served, and marked.
      const other = await get(url, "token-iiiiii");
      expect(other.status).toBe(200);
      expect(Number(other.headers.get("secr-stale"))).toBeGreaterThanOrEqual(0);
    } finally {
      mode = "ok";
      revoked.clear();
      await agent.stop();
    }
  });

  it("with --max-stale 0, an outage is the upstream's answer, never a cached value", async () => {
    const agent = await startAgentProcess(fake.url, ["--quiet", "--revalidate", "0", "--max-stale", "0"]);
    try {
      expect((await get(`${agent.url}/v1/secrets/acme/api/production`, "token-gggggg")).status).toBe(200);
      mode = "down";
      const down = await get(`${agent.url}/v1/secrets/acme/api/production`, "token-gggggg");
      expect(down.status).toBe(503);
      expect(await down.text()).not.toContain("value-for");
    } finally {
      mode = "ok";
      await agent.stop();
    }
  });
});

describe("TLS", () => {
  const openssl = hasOpenssl();

  it.skipIf(!openssl)(
    "an agent with --tls-cert/--tls-key, trusted by the client through --ca-file (and not without it)",
    async () => {
      const ca = makeTestCa(fileTempDir("secr-agent-ca-").path);
      const upstream = await startLocalServer({ seed });
      const agent = await startAgentProcess(upstream.url, [
        "--quiet",
        "--tls-cert",
        ca.certFile,
        "--tls-key",
        ca.keyFile,
      ]);
      try {
        expect(agent.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const trusted = await runThrough(agent.url, PROD, "production", ["--ca-file", ca.caFile]);
        expect([trusted.exitCode, trusted.stdout, trusted.stderr]).toEqual([0, PROD_VALUE, ""]);
        const viaEnv = await runThrough(agent.url, PROD, "production", [], { SECR_CA_FILE: ca.caFile });
        expect([viaEnv.exitCode, viaEnv.stdout]).toEqual([0, PROD_VALUE]);
        const untrusted = await runThrough(agent.url, PROD, "production", ["--timeout", "5s"]);
        expect(untrusted.exitCode).toBe(69);
        expect(untrusted.stdout).toBe("");
        expect(untrusted.stderr).toMatch(/certificate/i);
      } finally {
        await agent.stop();
        await upstream.stop();
      }
    },
  );

  it("refuses a non-loopback listen without TLS (64), and a --tls-cert without --tls-key", async () => {
    const refused = await runCli(["serve", "--host", "0.0.0.0", "--port", "0", "--upstream", "https://api.secr.dev"]);
    expect(refused.exitCode).toBe(64);
    expect(refused.stderr).toMatch(
      /refusing to listen on 0\.0\.0\.0 without TLS.*--tls-cert and --tls-key \(or --insecure-listen/,
    );
    expect(refused.stdout).toBe("");
    const server = await runCli(["serve", "--host", "0.0.0.0", "--port", "0"]);
    expect(server.exitCode).toBe(64);
    const half = await runCli(["serve", "--port", "0", "--tls-cert", "x.pem", "--upstream", "https://api.secr.dev"]);
    expect(half.exitCode).toBe(64);
    expect(half.stderr).toMatch(/--tls-cert and --tls-key go together/);
  });

  it("--detach and --stop with --upstream are usage errors (64): they act on a local server's data directory", async () => {
    for (const flag of ["--detach", "--stop"]) {
      const result = await runCli(["serve", "--port", "0", "--upstream", "https://api.secr.dev", flag]);
      expect(result.exitCode, flag).toBe(64);
      expect(result.stderr).toMatch(
        /^secr-run serve: --detach and --stop are for the local server .*run an agent \(--upstream\) in the foreground/,
      );
      expect(result.stdout).toBe("");
    }
  });

  it("an upstream that is not http(s), or http:// to a remote host, is refused (78)", async () => {
    for (const upstream of ["file:///etc/passwd", "http://api.secr.example", "https://user:pw@api.secr.example"]) {
      const result = await runCli(["serve", "--port", "0", "--upstream", upstream]);
      expect(result.exitCode, upstream).toBe(78);
      expect(result.stderr).toMatch(/^secr-run serve: --upstream: /);
      expect(result.stderr).not.toContain("pw@");
    }
  });
});

describe("--start-jitter", () => {
  it("a bad duration is a usage error before anything is fetched; with -v the wait is reported", async () => {
    const bad = await runCli(["--start-jitter", "soon", "--org", "o", "--project", "p", "--env", "e", "--", "true"], {
      env: { SECR_TOKEN: "t" },
    });
    expect(bad.exitCode).toBe(64);
    expect(bad.stderr).toMatch(/--start-jitter: "soon" is not a duration/);
    const upstream = await startLocalServer({ seed });
    try {
      const run = await runThrough(upstream.url, PROD, "production", ["--start-jitter", "300ms", "-v"]);
      expect(run.exitCode).toBe(0);
      expect(run.stderr).toMatch(/start jitter: waited \d+ms of at most 300ms/);
    } finally {
      await upstream.stop();
    }
  });
});

afterAll(() => {
  const texts = allRuns.flatMap((run) => [run.stderr]);
  expect(leaks(texts, [PROD, STAGING, PROD_VALUE, STAGING_VALUE])).toEqual([]);
});
