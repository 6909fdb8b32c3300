// One definition of each fact: the exit-code table and the fetch-error table are documented in
// README.md and docs/design/errors.md; these tests fail when a document and the code disagree.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXIT_CODE_MEANING, type DocumentedExitCode } from "../../src/core/exit-codes.js";
import { fetchFailure } from "../../src/pipeline/fetch-failure.js";
import { SecrApiError } from "../../src/client/errors.js";
import type { Settings } from "../../src/config/settings.js";
import { classifyFetchError, DEADLINE_ROW, FETCH_ERRORS, type FetchErrorRow } from "../../src/core/fetch-errors.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const errorsDoc = readFileSync(new URL("../../docs/design/errors.md", import.meta.url), "utf8");

/** `| a | b |` rows of a Markdown table whose first cell matches. */
function rows(text: string, first: RegExp): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (cells.length >= 2 && first.test(cells[0]!)) out.set(cells[0]!, cells.slice(1));
  }
  return out;
}

describe("exit codes", () => {
  it("README's table is the code's table (0 aside)", () => {
    const start = readme.indexOf("## Exit codes");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    const table = rows(section, /^(N|\d+)$/);
    const expected = Object.entries(EXIT_CODE_MEANING).filter(([code]) => code !== "0");
    expect(Object.fromEntries([...table].map(([code, [text]]) => [code, text]))).toEqual(Object.fromEntries(expected));
  });

  it("docs/design/errors.md lists every code with the same text", () => {
    const table = rows(errorsDoc, /^(N|\d+)$/);
    for (const [code, text] of Object.entries(EXIT_CODE_MEANING)) expect(table.get(code)?.[0], code).toBe(text);
  });

  it("--help prints every code of the run table without Markdown", async () => {
    const { helpText } = await import("../../src/cli/help.js");
    const { runCommand } = await import("../../src/cli/commands/run/command.js");
    const text = await helpText(runCommand, [runCommand], 200);
    for (const code of ["N", 64, 65, 69, 70, 77, 78, 126, 127] as DocumentedExitCode[]) {
      expect(text).toContain(`${String(code).padStart(3)}  ${EXIT_CODE_MEANING[code].replaceAll("`", "")}`);
    }
  });
});

describe("the fetch-error table", () => {
  const statusText = (row: FetchErrorRow) =>
    row.statuses === undefined ? "" : typeof row.statuses === "function" ? "5xx" : row.statuses.join(", ");

  it("docs/design/errors.md has one row per entry, with the same exit code, decision and hint", () => {
    const table = rows(errorsDoc, /^`[a-z_]+`$/);
    const all: FetchErrorRow[] = [...FETCH_ERRORS, DEADLINE_ROW];
    expect([...table.keys()]).toEqual(all.map((row) => `\`${row.code}\``));
    for (const row of all) {
      const hint = row.hint?.({ where: "ORG/PROJECT/ENV", apiUrl: "API_URL" }) ?? "";
      expect(table.get(`\`${row.code}\``)).toEqual([
        statusText(row),
        String(row.exitCode),
        row.decision,
        row.meaning,
        hint,
      ]);
    }
  });

  it("includes response_too_large: exit 69, never a snapshot fallback", () => {
    expect(classifyFetchError(new SecrApiError("too large", 200, "response_too_large"))).toMatchObject({
      exitCode: 69,
      decision: "fail",
    });
  });

  it("exit code and snapshot decision agree: purge is 77/78, fallback is 69", () => {
    for (const row of FETCH_ERRORS) {
      if (row.decision === "purge") expect([77, 78]).toContain(row.exitCode);
      if (row.decision === "fallback") expect(row.exitCode).toBe(69);
    }
  });

  it("a failure carries the row's exit code, decision and hint; a non-client error gets none", () => {
    const settings = { apiUrl: "http://127.0.0.1:9", timeoutMs: 5000 } as Settings;
    const failure = fetchFailure(
      new SecrApiError("secr API GET /v1/x failed: 403 forbidden", 403, "forbidden"),
      settings,
      "acme/api/prod",
      false,
    );
    expect(failure).toMatchObject({
      exitCode: 77,
      decision: "purge",
      message: "secr API GET /v1/x failed: 403 forbidden (the token may not read acme/api/prod)",
    });
    expect(fetchFailure(new TypeError("bug"), settings, "acme/api/prod", false)).toBeUndefined();
    expect(fetchFailure(new TypeError("aborted"), settings, "acme/api/prod", true)).toMatchObject({
      exitCode: 69,
      decision: "fallback",
    });
  });
});
