// --report-json against a server whose secrets read like JSON literals and numbers: the built CLI
// over a real loopback server (msw handlers). The report must stay valid JSON, and masking must
// not tell which of its literals or numbers equal a secret (docs/design/security.md, "The run report").
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/report/run-report.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { secrHandlers } from "../helpers/secr-api.js";
import { NODE, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const TOKEN = "secr_report_values_tok_5d1e8a";
// What a hostile (or merely unlucky) environment holds: every JSON literal, and the child's exit
// code and the request count as text.
const SECRETS = {
  FLAG_ON: "true",
  FLAG_OFF: "false",
  NOTHING: "null",
  EXIT_AS_TEXT: "4242",
  REQUESTS: "2",
  PLAIN: "plain-value-7c1b",
};

let server: MswServer;
const dir = tempDir("secr-run-report-values-");
beforeAll(async () => {
  server = await startMswServer(...secrHandlers(() => SECRETS));
});
afterAll(async () => {
  await server.close();
  dir.remove();
});

describe("--report-json with values that look like JSON", () => {
  it("stays valid JSON, keeps every literal and number, and masks a value only inside strings", async () => {
    const path = join(dir.path, "report.json");
    const result = await runCli(
      [
        "--org",
        "acme",
        "--project",
        "api",
        "--env",
        "prod",
        "--report-json",
        path,
        "--",
        NODE,
        "-e",
        "console.error('exit plain-value-7c1b'); process.exit(42)",
      ],
      {
        env: { SECR_API_URL: server.url, SECR_TOKEN: TOKEN },
      },
    );
    expect(result.exitCode, result.stderr).toBe(42);
    const text = readFileSync(path, "utf8");
    const report = JSON.parse(text) as RunReport;
    expect(report.validation.template).toEqual({ checked: true, valid: true, missing: [] });
    expect(report.validation.schema).toEqual({ declared: false });
    expect(report.child).toMatchObject({ exitCode: 42, signal: null, spawnError: null });
    expect(report.exit).toEqual({ code: 42, signal: null });
    expect(report.error).toBeNull();
    expect(report.keys.injected).toEqual(Object.keys(SECRETS).sort());
    expect(text).not.toContain("[redacted]");
    expect(text).not.toContain("plain-value-7c1b");
  });
});
