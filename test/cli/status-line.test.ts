// The "fetching secrets …" line: on a terminal only, after a delay, erased before the child's
// output and before any message. Driven in a real pseudo-terminal against a slow loopback secr.
import { delay, http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { clearStatusLine, delayedStatusLine } from "../../src/pipeline/status-line.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { cleanEnv, NODE, runCli } from "../helpers/cli.js";
import { cliInTerminal } from "../helpers/pty.js";
const ERASE = "\r\x1b[K";
// Far over the line's one-second delay, so the line is due long before the answer.
const SLOW_MS = 3000;

let slow: MswServer;
beforeAll(async () => {
  slow = await startMswServer(
    http.get("*/v1/secrets/:org/:project/:env", async () => {
      await delay(SLOW_MS);
      return HttpResponse.json({
        secrets: [{ key: "K", value: "status-line-value-q7", version: 1, updatedAt: "2026-01-01T00:00:00Z" }],
      });
    }),
    http.get("*/v1/templates/:org/:project/validate/:env", async () => {
      await delay(SLOW_MS);
      return HttpResponse.json({ valid: false, missing: ["MISSING_ONE"], extra: [] });
    }),
  );
});
afterAll(async () => {
  await slow?.close();
});

const env = () =>
  cleanEnv({
    SECR_ORG: "acme",
    SECR_PROJECT: "api",
    SECR_ENV: "dev",
    SECR_API_URL: slow.url,
    SECR_TOKEN: "secr_cli_status_line_0000",
    SECR_SHARE_WINDOW: "0",
    TERM: "dumb",
  });
const line = () => `secr-run: fetching secrets of acme/api/dev from ${new URL(slow.url).host}…`;

const inTerminal = (args: string[]) => cliInTerminal(args, env());

describe("a slow fetch on a terminal", () => {
  it("shows one line, erased before the child writes", async () => {
    const transcript = await inTerminal(["--no-validate", "--", NODE, "-e", 'console.log("child-started")']);
    expect(transcript).toContain(`${line()}${ERASE}child-started`);
    expect(transcript.split(line())).toHaveLength(2);
    expect(transcript).toContain("exit=0");
  });

  it("is erased before a message (the template verdict)", async () => {
    const transcript = await inTerminal(["--", NODE, "-e", "0"]);
    expect(transcript).toMatch(
      new RegExp(`${line().replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\r\\x1b\\[Ksecr-run: .*MISSING_ONE`),
    );
    expect(transcript).toContain("exit=78");
  });
});

describe("off a terminal", () => {
  it("never shows it (stderr a pipe)", async () => {
    const result = await runCli(["--no-validate", "--", NODE, "-e", "0"], { env: env() });
    expect([result.exitCode, result.stderr]).toEqual([0, ""]);
  });

  it("delayedStatusLine writes nothing to a non-terminal; on a terminal, writes then erases", () => {
    vi.useFakeTimers();
    try {
      const written: string[] = [];
      const pipe = { isTTY: false, write: (text: string) => written.push(text) };
      delayedStatusLine("x", { stream: pipe, delayMs: 10 });
      vi.advanceTimersByTime(20);
      expect(written).toEqual([]);
      const tty = { isTTY: true, write: (text: string) => written.push(text) };
      const stop = delayedStatusLine("fetching", { stream: tty, delayMs: 10 });
      vi.advanceTimersByTime(20);
      clearStatusLine();
      clearStatusLine(); // once only
      stop();
      expect(written).toEqual(["secr-run: fetching", ERASE]);
      const hostile = delayedStatusLine("org\x1b]0;title\x07/p", { stream: tty, delayMs: 10 });
      vi.advanceTimersByTime(20);
      hostile();
      expect(written.slice(2).join("")).not.toMatch(/\x1b\]|\x07/);
      written.length = 2;
      const stopEarly = delayedStatusLine("fast", { stream: tty, delayMs: 10 });
      stopEarly();
      vi.advanceTimersByTime(20);
      expect(written).toEqual(["secr-run: fetching", ERASE]);
    } finally {
      vi.useRealTimers();
    }
  });
});
