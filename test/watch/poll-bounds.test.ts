// --watch against a hostile server (msw handlers over a real loopback server): a key listing
// that never ends, one whose total shifts between pages, and pages that trickle in. Each must
// cost one warning and a backed-off poll, never unbounded memory or a poll without end
// (docs/design/watch.md, "Failures while watching"; docs/design/security.md, "Response size").
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { delay, http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_LISTED_ITEMS } from "../../src/client/paging.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { secrHandlers } from "../helpers/secr-api.js";
import { cleanEnv, CLI, NODE, targetArgs } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const CHILD = fileURLToPath(new URL("./fixtures/watch-child.cjs", import.meta.url));
const TOKEN = "secr_watch_bounds_tok_81c4e2";
const KEYS_ROUTE = "*/v1/secrets/:org/:project/:env/keys";
const UPDATED = "2026-01-01T00:00:00Z";

const keys = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ key: `K${from + i}`, version: 1, updatedAt: UPDATED }));
const offsetOf = (request: Request) => Number(new URL(request.url).searchParams.get("offset") ?? "0");

let server: MswServer;
const dir = tempDir("secr-watch-bounds-");
beforeAll(async () => {
  server = await startMswServer(
    ...secrHandlers(() => ({ WATCHED: "v1" })),
    http.get(KEYS_ROUTE, async ({ request, params }) => {
      const offset = offsetOf(request);
      switch (params.env) {
        // Every page full, and a total no environment has: the old loop followed it for ever.
        case "endless":
          return HttpResponse.json({ keys: keys(offset, 1000), pagination: { limit: 1000, offset, total: 1e12 } });
        // A total that grows by one with every page.
        case "shifting":
          return HttpResponse.json({ keys: keys(offset, 2), pagination: { limit: 2, offset, total: 40 + offset } });
        // One key per page, each page slow (but within --timeout).
        case "trickle":
          await delay(400);
          return HttpResponse.json({ keys: keys(offset, 1), pagination: { limit: 1, offset, total: 50 } });
        default:
          return HttpResponse.json({ keys: [{ key: "WATCHED", version: 1, updatedAt: UPDATED }] });
      }
    }),
  );
});
afterAll(async () => {
  await server.close();
  dir.remove();
});

/** secr-run --watch on `env` for `ms`, then SIGTERM: its stderr, exit code, and how many key
 *  requests it sent. */
async function watchFor(env: string, ms: number, extra: string[] = []) {
  const marker = join(dir.path, `${env}.log`);
  const before = server.requests.length;
  const child = execa(
    NODE,
    [CLI, ...targetArgs(env, server.url), "--watch", "--watch-interval", "1s", ...extra, "--", NODE, CHILD, marker],
    {
      reject: false,
      extendEnv: false,
      env: cleanEnv({ SECR_TOKEN: TOKEN }),
      cwd: dir.path,
      stdin: "ignore",
    },
  );
  const started = Date.now();
  while (!(existsSync(marker) && readFileSync(marker, "utf8").startsWith("start "))) {
    if (Date.now() - started > 20_000 || child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, ms));
  const stillRunning = child.exitCode === null;
  child.kill("SIGTERM");
  const result = await child;
  const keyRequests = server.requests
    .slice(before)
    .filter((request) => request.url.pathname.endsWith(`/${env}/keys`)).length;
  return { stderr: String(result.stderr), exitCode: result.exitCode, stillRunning, keyRequests };
}

describe("--watch against a hostile key listing", () => {
  it(`a total of 1e12: the poll stops at the item cap (${MAX_LISTED_ITEMS}), warns once and backs off; the child keeps running`, async () => {
    const run = await watchFor("endless", 4000);
    expect(run.stillRunning, run.stderr).toBe(true);
    expect(run.exitCode).toBe(0);
    expect(
      run.stderr.match(/secr's answer is unusable while watching \(response_too_large\)/g),
      run.stderr,
    ).toHaveLength(1);
    // Polls at 1 s, then 2 s, 4 s after failures: one request each, never a page chase.
    expect(run.keyRequests).toBeGreaterThanOrEqual(1);
    expect(run.keyRequests).toBeLessThanOrEqual(4);
  });

  it("a total that changes between pages fails the poll: one warning, backed off", async () => {
    const run = await watchFor("shifting", 4000);
    expect(run.stillRunning, run.stderr).toBe(true);
    expect(
      run.stderr.match(/secr's answer is unusable while watching \(inconsistent_data\)/g),
      run.stderr,
    ).toHaveLength(1);
    // Two pages per poll (the second shows the shift), a handful of polls.
    expect(run.keyRequests).toBeLessThanOrEqual(8);
  });

  it("--timeout bounds the whole poll, not each page: trickling pages fail it with one warning", async () => {
    const run = await watchFor("trickle", 4500, ["--timeout", "1s"]);
    expect(run.stillRunning, run.stderr).toBe(true);
    expect(run.stderr.match(/cannot reach secr while watching \(timeout\)/g), run.stderr).toHaveLength(1);
  });
});
