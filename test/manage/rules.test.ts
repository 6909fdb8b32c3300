// The pure rules of the management commands: import parsing and planning, template files and
// plans, and how a piped or file value is read.
import { describe, expect, it } from "vitest";
import { formatFor, parseImport, planImport } from "../../src/cli/commands/secrets/import-file.js";
import { valueFromBytes, withoutFinalNewline } from "../../src/cli/commands/secrets/read-value.js";
import { requestFailure } from "../../src/cli/manage/request-failure.js";
import { parseTemplateFile, planTemplates } from "../../src/cli/commands/templates/template-file.js";
import { SecrApiError } from "../../src/client/errors.js";
import { Failure } from "../../src/core/failure.js";

const failureOf = (fn: () => unknown): Failure => {
  try {
    fn();
  } catch (error) {
    if (error instanceof Failure) return error;
    throw error;
  }
  throw new Error("did not fail");
};

describe("import files", () => {
  it("format by name; dotenv and JSON entries in file order; JSON keeps __proto__ as a key", () => {
    expect([formatFor("a.json"), formatFor("A.JSON"), formatFor(".env"), formatFor("x.env.json.bak")]).toEqual([
      "json",
      "json",
      "dotenv",
      "dotenv",
    ]);
    expect(parseImport('B=2\nA="x\\ny"\n', "dotenv", "f")).toEqual([
      { key: "B", value: "2", notes: [] },
      { key: "A", value: "x\ny", notes: ["\\n and \\r inside double quotes stored as line breaks"] },
    ]);
    expect(parseImport('{"__proto__": "p", "Z": ""}', "json", "f")).toEqual([
      { key: "__proto__", value: "p", notes: [] },
      { key: "Z", value: "", notes: [] },
    ]);
  });

  it("refusals are data errors (65) that name the key, never the value", () => {
    for (const [text, format] of [
      ["[1]", "json"],
      ['{"A": null}', "json"],
      ["", "dotenv"],
      ['{"A": "nul\\u0000-secret-v"}', "json"],
    ] as const) {
      const failure = failureOf(() => parseImport(text, format, "f"));
      expect(failure.exitCode).toBe(65);
      expect(failure.message).not.toContain("secret-v");
    }
  });

  it("plan: existing keys are updates, the rest creations, each with its length in characters and its notes", () => {
    expect(
      planImport(
        [
          { key: "A", value: "", notes: [] },
          { key: "B", value: "é-😀", notes: ["n"] },
        ],
        ["B", "C"],
      ),
    ).toEqual({
      create: ["A"],
      update: ["B"],
      entries: [
        { key: "A", action: "create", characters: 0, notes: [] },
        { key: "B", action: "update", characters: 3, notes: ["n"] },
      ],
    });
  });
});

describe("template files", () => {
  it("entries with defaults; duplicates and bad shapes are 65", () => {
    expect(parseTemplateFile('[{"key": "A"}, {"key": "B", "required": false, "description": "d"}]', "t")).toEqual([
      { key: "A", description: null, required: true },
      { key: "B", description: "d", required: false },
    ]);
    expect(failureOf(() => parseTemplateFile('[{"key": "A"}, {"key": "A"}]', "t")).exitCode).toBe(65);
    expect(failureOf(() => parseTemplateFile('{"key": "A"}', "t")).exitCode).toBe(65);
    expect(failureOf(() => parseTemplateFile("nope", "t")).exitCode).toBe(65);
  });

  it("plan: create, replace when required or description differ, else unchanged", () => {
    const current = [
      { id: "1", key: "A", required: true, description: null, createdAt: "" },
      { id: "2", key: "B", required: true, description: "x", createdAt: "" },
    ];
    const plan = planTemplates(
      [
        { key: "A", required: true, description: null },
        { key: "B", required: true, description: "y" },
        { key: "C", required: false, description: null },
      ],
      current,
    );
    expect(plan.map((p) => [p.entry.key, p.kind])).toEqual([
      ["A", "unchanged"],
      ["B", "replace"],
      ["C", "create"],
    ]);
  });
});

describe("values", () => {
  it("a pipe loses one final newline (LF or CRLF), no more", () => {
    expect(["x\n", "x\r\n", "x\n\n", "x", "\n"].map(withoutFinalNewline)).toEqual(["x", "x", "x\n", "x", ""]);
  });

  it("not UTF-8 or a NUL byte: 65", () => {
    expect(valueFromBytes(new TextEncoder().encode("päß"), "f")).toBe("päß");
    expect(failureOf(() => valueFromBytes(new Uint8Array([0xc3]), "f")).exitCode).toBe(65);
    expect(failureOf(() => valueFromBytes(new Uint8Array([0x61, 0]), "f")).exitCode).toBe(65);
  });
});

describe("request failures", () => {
  const settings = { apiUrl: "http://127.0.0.1:1", timeoutMs: 1000 };
  it.each([
    [401, "unauthorized", 77, "check SECR_TOKEN"],
    [403, "forbidden", 77, "may not change acme/api/dev: an admin token"],
    [404, "not_found", 78, "check --org"],
    [409, "conflict", 78, "exists already"],
    [413, "payload_too_large", 65, ""],
    [503, "server_error", 69, "unreachable or failing"],
    [0, "network_error", 69, "unreachable or failing"],
  ])("%d %s -> %d", (status, code, exit, hint) => {
    const failure = requestFailure(new SecrApiError("boom", status, code), settings, {
      where: "acme/api/dev",
      write: true,
    });
    expect(failure.exitCode).toBe(exit);
    expect(failure.message).toContain(hint);
  });

  it("a read keeps the table's 403 hint", () => {
    expect(
      requestFailure(
        new SecrApiError("no", 403, "forbidden"),
        { apiUrl: "http://x", timeoutMs: 1 },
        { where: "a/b/c", write: false },
      ).message,
    ).toBe("no (the token may not read a/b/c)");
  });
});
