import { describe, expect, it } from "vitest";
import { classifyFetchError } from "../../src/core/fetch-errors.js";
import { buildCommand } from "../../src/supervise/command.js";
import { selectOnly, splitList } from "../../src/plan/only.js";
import { checkTemplate } from "../../src/plan/template-check.js";

describe("--only", () => {
  it("splits comma lists, trims, drops empties and duplicates", () => {
    expect(splitList(["A, B", "C,,A", " "])).toEqual(["A", "B", "C"]);
  });
  it("selects the listed keys and names the missing ones", () => {
    expect(selectOnly({ A: "1", B: "2", C: "3" }, ["A", "C", "Z"])).toEqual({
      selected: { A: "1", C: "3" },
      missing: ["Z"],
    });
  });
  it("without --only keeps everything", () => {
    expect(selectOnly({ A: "1" }, undefined)).toEqual({ selected: { A: "1" }, missing: [] });
  });
  it("does not find inherited object properties", () => {
    expect(selectOnly({}, ["constructor", "__proto__"]).missing).toEqual(["constructor", "__proto__"]);
  });
});

describe("template verdict", () => {
  it("missing keys fail, sorted and unique; extra keys are informational", () => {
    expect(checkTemplate({ valid: false, missing: ["B", "A", "B"], extra: ["Z", "Y"] })).toEqual({
      failed: true,
      missing: ["A", "B"],
      extra: ["Y", "Z"],
    });
    expect(checkTemplate({ valid: true, missing: [], extra: ["X"] })).toEqual({
      failed: false,
      missing: [],
      extra: ["X"],
    });
  });
  it("valid: false without names still fails (fail closed)", () => {
    expect(checkTemplate({ valid: false, missing: [], extra: [] }).failed).toBe(true);
  });
});

describe("buildCommand", () => {
  it("passes the words after -- untouched", () => {
    expect(buildCommand(["node", "-e", "1", "--", "a b", "$HOME"], undefined)).toEqual({
      file: "node",
      args: ["-e", "1", "--", "a b", "$HOME"],
      shell: false,
    });
  });
  it("--command runs one shell string", () => {
    expect(buildCommand(undefined, "echo $HOME | wc")).toEqual({ file: "echo $HOME | wc", args: [], shell: true });
  });
  it.each([
    [undefined, undefined],
    [[], undefined],
    [["x"], "y"],
    [undefined, "  "],
  ])("refuses %j with --command %j", (after, command) => {
    expect(buildCommand(after as string[] | undefined, command)).toBeInstanceOf(Error);
  });
});

describe("exit codes for client errors (docs/design/errors.md: What a failed fetch means)", () => {
  it.each([
    ["network_error", 0, 69],
    ["timeout", 0, 69],
    ["server_error", 503, 69],
    ["rate_limited", 429, 69],
    ["invalid_response", 200, 69],
    ["unauthorized", 401, 77],
    ["forbidden", 403, 77],
    ["not_found", 404, 78],
    ["invalid_argument", 0, 78],
    ["http_error", 418, 69],
    ["conflict", 409, 78],
    ["payload_too_large", 413, 65],
    ["something_new", 401, 77],
    ["something_new", 404, 78],
    ["response_too_large", 200, 69],
    ["bad_request", 503, 69], // the status decides first
  ])("%s (%d) -> %d", (code, status, exit) => {
    expect(classifyFetchError({ code, statusCode: status }).exitCode).toBe(exit);
  });
});
