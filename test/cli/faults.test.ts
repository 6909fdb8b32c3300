// secr-run's own failures when secr misbehaves: msw handlers answered over a real loopback
// server (msw cannot intercept undici). Each failure has its exit code, one stderr line, no
// child, and no value or token in the output.
import { createServer } from "node:net";
import { execa } from "execa";
import { http, HttpResponse } from "msw";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { SECRETS_ROUTE, secretList, secrHandlers, VALIDATE_ROUTE } from "../helpers/secr-api.js";
import { allRuns, cleanEnv, CLI, leaks, NODE, runCli } from "../helpers/cli.js";
import { readRecord, recordFile, recordingChild } from "../helpers/record.js";

const TOKEN = "secr_cli_faults_8d2e6b0a4c1f3e57";
const VALUES = { GOOD: "good-value-fault-1", ALSO: "also-value-fault-2" };
const happy = secrHandlers(() => VALUES);

let msw: MswServer;
beforeAll(async () => {
  msw = await startMswServer(...happy);
});
afterEach(() => msw.resetHandlers());
afterAll(async () => {
  await msw.close();
});

async function run(extraArgs: string[] = [], apiUrl = msw.url) {
  const record = recordFile();
  const result = await runCli(
    ["--env", "production", "--org", "acme", "--project", "api", ...extraArgs, ...recordingChild()],
    {
      env: { SECR_API_URL: apiUrl, SECR_TOKEN: TOKEN, RECORD_TO: record },
    },
  );
  return { result, child: readRecord(record) };
}

function expectOwnFailure(outcome: Awaited<ReturnType<typeof run>>, code: number) {
  expect(outcome.result.exitCode, outcome.result.stderr).toBe(code);
  expect(outcome.child).toBeUndefined(); // the child never ran
  expect(outcome.result.stdout).toBe("");
  expect(outcome.result.stderr).toMatch(/^secr-run: [^\n]+\n$/);
}

describe("faults map to documented exit codes", () => {
  it("sanity: the happy handlers inject", async () => {
    const { result, child } = await run();
    expect(result.exitCode).toBe(0);
    expect(child?.env.GOOD).toBe(VALUES.GOOD);
  });

  it("connection refused -> 69", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const outcome = await run([], `http://127.0.0.1:${port}`);
    expectOwnFailure(outcome, 69);
    expect(outcome.result.stderr).toContain(`nothing listens at http://127.0.0.1:${port}`);
  });

  it("dropped connections -> 69", async () => {
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.error()));
    expectOwnFailure(await run(), 69);
  });

  it("503 on every attempt -> 69, after retries", async () => {
    msw.use(
      http.get(SECRETS_ROUTE, () => HttpResponse.json({ error: "server_error", message: "down" }, { status: 503 })),
    );
    const before = msw.requests.length;
    expectOwnFailure(await run(), 69);
    const pulls = msw.requests.slice(before).filter((r) => r.url.pathname.startsWith("/v1/secrets/"));
    expect(pulls.length).toBeGreaterThan(1);
  });

  it("429 with Retry-After on every attempt -> 69", async () => {
    msw.use(
      http.get(SECRETS_ROUTE, () =>
        HttpResponse.json(
          { error: "rate_limited", message: "slow down" },
          { status: 429, headers: { "retry-after": "0" } },
        ),
      ),
    );
    expectOwnFailure(await run(), 69);
  });

  it("no answer within --timeout -> 69, promptly", async () => {
    msw.use(http.get(SECRETS_ROUTE, () => new Promise<never>(() => {})));
    const started = Date.now();
    const outcome = await run(["--timeout", "500ms"]);
    expectOwnFailure(outcome, 69);
    expect(outcome.result.stderr).toMatch(/did not answer within 500ms/);
    expect(Date.now() - started).toBeLessThan(20_000); // generous bound: the deadline is 0.5 s
  });

  it("a 2xx body that is not the contract -> 69", async () => {
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.json({ nope: true })));
    expectOwnFailure(await run(), 69);
  });

  it.each([
    [401, "unauthorized", 77],
    [403, "forbidden", 77],
    [404, "not_found", 78],
  ])("%i %s -> %i", async (status, error, code) => {
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.json({ error, message: `${error} here` }, { status })));
    expectOwnFailure(await run(), code);
  });

  it("http:// to a non-loopback host is refused before anything is sent (78)", async () => {
    const outcome = await run([], "http://secr.example.com");
    expectOwnFailure(outcome, 78);
    expect(outcome.result.stderr).toBe(
      "secr-run: refusing to send the token in clear text to secr.example.com: use https://, or a loopback host\n",
    );
  });

  it("the validate route failing is the same failure (403 -> 77)", async () => {
    msw.use(http.get(VALIDATE_ROUTE, () => HttpResponse.json({ error: "forbidden", message: "no" }, { status: 403 })));
    expectOwnFailure(await run(), 77);
  });

  it("valid: false with no names still stops the child (78)", async () => {
    msw.use(http.get(VALIDATE_ROUTE, () => HttpResponse.json({ valid: false, missing: [], extra: [] })));
    expectOwnFailure(await run(), 78);
  });
});

describe("signals while check and export fetch", () => {
  it.each([["export", "--format", "json"], ["check"]])(
    "SIGUSR1 to secr-run %s does not open the inspector",
    async (...command) => {
      msw.use(
        http.get(SECRETS_ROUTE, () => new Promise<never>(() => {})),
        http.get(VALIDATE_ROUTE, () => new Promise<never>(() => {})),
      );
      const before = msw.requests.length;
      const child = execa(
        NODE,
        [CLI, ...command, "--env", "production", "--org", "acme", "--project", "api", "--timeout", "3s"],
        {
          reject: false,
          extendEnv: false,
          env: cleanEnv({ SECR_API_URL: msw.url, SECR_TOKEN: TOKEN }),
        },
      );
      // Wait until the request is in flight, then signal.
      for (let i = 0; i < 400 && msw.requests.length === before; i++) await new Promise((r) => setTimeout(r, 25));
      expect(msw.requests.length).toBeGreaterThan(before);
      child.kill("SIGUSR1");
      const result = await child;
      expect(result.exitCode).toBe(69); // still running after the signal: it ran into --timeout
      expect(String(result.stderr)).not.toContain("Debugger");
    },
  );
});

describe("data that cannot be injected", () => {
  it("a value with a NUL byte -> 65 naming the key, never the value", async () => {
    msw.use(
      http.get(SECRETS_ROUTE, () => HttpResponse.json(secretList({ ...VALUES, NUL_VALUE: "nul\u0000value-9x" }))),
    );
    const outcome = await run();
    expectOwnFailure(outcome, 65);
    expect(outcome.result.stderr).toContain("values containing a NUL byte: NUL_VALUE");
  });

  it("a value too large for execve (over 128 KiB) -> 65 naming the key, before any exec is tried", async () => {
    msw.use(http.get(SECRETS_ROUTE, () => HttpResponse.json(secretList({ ...VALUES, HUGE: "h".repeat(200_000) }))));
    const outcome = await run();
    expectOwnFailure(outcome, 65);
    expect(outcome.result.stderr).toContain("values over the 128 KiB limit of one environment variable: HUGE");
  });

  it("a name with a newline cannot forge a second output line", async () => {
    msw.use(
      http.get(SECRETS_ROUTE, () =>
        HttpResponse.json(secretList({ ...VALUES, "X\nsecr-run: all good": "forged-line-value" })),
      ),
    );
    const outcome = await run();
    expectOwnFailure(outcome, 65);
    expect(outcome.result.stderr).toContain('"X\\nsecr-run: all good"');
  });

  it("--skip-invalid injects the rest", async () => {
    msw.use(
      http.get(SECRETS_ROUTE, () =>
        HttpResponse.json(secretList({ ...VALUES, NUL_VALUE: "nul\u0000value-9x", "A-B": "dash-value-1x" })),
      ),
    );
    const { result, child } = await run(["--skip-invalid"]);
    expect(result.exitCode).toBe(0);
    expect(child?.env.GOOD).toBe(VALUES.GOOD);
    expect(child?.env.NUL_VALUE).toBeUndefined();
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(2);
  });
});

afterAll(() => {
  const texts = allRuns.flatMap((r) => [r.stdout, r.stderr]);
  expect(leaks(texts, [TOKEN, ...Object.values(VALUES), "value-9x", "dash-value-1x", "forged-line-value"])).toEqual([]);
});
