// The attack: a server (or whoever names a secret) puts terminal controls in text secr-run prints.
// C1 controls (U+009B is an 8-bit CSI), bidi overrides and isolates (they reorder what is shown)
// and the Unicode line separators must never reach stderr, through the client's error messages,
// the CLI's logger, or a printed secret name.
import { http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/cli/log.js";
import { errorFromResponse } from "../../src/client/errors.js";
import { MIN_REDACT_LENGTH, redact, terminalSafe } from "../../src/client/redact.js";
import { printableName } from "../../src/plan/names.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { runCli } from "../helpers/cli.js";
import { makeClient, rejection } from "../client/helpers.js";

/** Every control the rule covers, each next to visible text. */
const CONTROLS = [
  "\u001b[31m",
  "\u0007",
  "\r",
  "\n",
  "\u007f",
  "\u0080",
  "\u0085",
  "\u008d",
  "\u009b31m",
  "\u009d0;title\u009c",
  "\u009f",
  "\u061c",
  "\u200e",
  "\u200f",
  "\u202a",
  "\u202b",
  "\u202c",
  "\u202d",
  "\u202e",
  "\u2066",
  "\u2067",
  "\u2068",
  "\u2069",
  "\u2028",
  "\u2029",
];
const HOSTILE = CONTROLS.map((c, i) => `w${i}${c}`).join("");
const FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe("pure rules", () => {
  it("terminalSafe removes every covered control and keeps the visible text", () => {
    const out = terminalSafe(HOSTILE);
    expect(out).not.toMatch(FORBIDDEN);
    expect(out).not.toContain("\n");
    for (let i = 0; i < CONTROLS.length; i++) expect(out).toContain(`w${i}`);
    expect(terminalSafe("plain ü 🎉 text")).toBe("plain ü 🎉 text");
  });

  it("a secret name with bidi or C1 controls is printed escaped, not raw", () => {
    const name = "A\u202eB\u009bC\u2066";
    expect(printableName(name)).toBe('"A\\u202eB\\u009bC\\u2066"');
  });

  it("the logger and the client's errors use one redaction rule (minimum length, longest first)", () => {
    expect(MIN_REDACT_LENGTH).toBe(4);
    expect(redact("abc abcdefgh", ["abc", "abcd", "abcdefgh"])).toBe("abc [redacted]");
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    log.redact(["abc", "abcd", "abcdefgh"]);
    log.error("abc abcdefgh");
    expect(lines).toEqual(["secr-run: abc [redacted]\n"]);
  });

  it("the logger strips controls from any message", () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l) }).error(HOSTILE);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.slice(0, -1)).not.toMatch(FORBIDDEN);
    expect(lines[0]!.slice(0, -1)).not.toContain("\n");
  });

  it("a server's error message loses its controls in the client's error", () => {
    const error = errorFromResponse({
      status: 500,
      route: "GET /v1/x",
      body: JSON.stringify({ error: "server_error", message: HOSTILE }),
      retryAfter: undefined,
      sensitive: [],
    });
    expect(error.message).not.toMatch(FORBIDDEN);
    expect(error.message).toContain("w0");
  });
});

describe("over the wire", () => {
  let msw: MswServer;
  beforeAll(async () => {
    msw = await startMswServer(
      http.get("*/v1/secrets/:org/:project/:env", () =>
        HttpResponse.json({ error: "bad_request", message: HOSTILE }, { status: 400 }),
      ),
      http.get("*/v1/templates/:org/:project/validate/:env", () =>
        HttpResponse.json({ error: "bad_request", message: HOSTILE }, { status: 400 }),
      ),
    );
  });
  afterAll(async () => {
    await msw?.close();
  });

  it("the library's SecrApiError carries no control from the server's text", async () => {
    const client = makeClient(msw.url);
    try {
      const error = await rejection(client.pullSecrets("acme", "api", "production"));
      expect(error.code).toBe("bad_request");
      expect(error.message).not.toMatch(FORBIDDEN);
    } finally {
      await client.close();
    }
  });

  it("the CLI prints one line with no control from the server's text", async () => {
    const result = await runCli(["--org", "acme", "--project", "api", "--env", "production", "--", "true"], {
      env: { SECR_API_URL: msw.url, SECR_TOKEN: "secr_cli_controls_0123456789abcdef" },
    });
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(/^secr-run: [^\n]+\n$/);
    expect(result.stderr.slice(0, -1)).not.toMatch(FORBIDDEN);
    expect(result.stderr).toContain("w10");
  });
});
