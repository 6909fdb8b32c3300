import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findProjectFile, loadProjectFile, parseProjectFile } from "../../src/config/project-file.js";

const root = mkdtempSync(join(tmpdir(), "secr-project-file-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("findProjectFile", () => {
  it("searches up from the working directory and stops at the nearest file", () => {
    const repo = join(root, "repo");
    const deep = join(repo, "packages", "api", "src");
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(repo, ".secr.json"), JSON.stringify({ org: "acme", project: "api" }));
    expect(findProjectFile(deep)).toBe(join(repo, ".secr.json"));
    writeFileSync(join(repo, "packages", ".secr.json"), JSON.stringify({ org: "acme", project: "pkgs" }));
    expect(findProjectFile(deep)).toBe(join(repo, "packages", ".secr.json"));
  });

  it("ignores a directory named .secr.json", () => {
    const dir = join(root, "dir-not-file", "x");
    mkdirSync(join(root, "dir-not-file", ".secr.json"), { recursive: true });
    mkdirSync(dir, { recursive: true });
    const found = findProjectFile(dir);
    expect(found === undefined || !found.startsWith(join(root, "dir-not-file"))).toBe(true);
  });
});

describe("parseProjectFile", () => {
  it("reads org, project, env and apiUrl and ignores unknown keys", () => {
    expect(parseProjectFile('{"org":"a","project":"b","env":"dev","apiUrl":"http://x","future":1}', "f")).toEqual({
      org: "a",
      project: "b",
      env: "dev",
      apiUrl: "http://x",
    });
  });

  it.each(["token", "SECR_TOKEN", "apiToken", "passphrase"])("refuses a credential key %s, without echoing its value", (key) => {
    const result = parseProjectFile(JSON.stringify({ org: "a", project: "b", [key]: "secr_cli_leak1234" }), "/r/.secr.json");
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toContain(key);
    expect((result as Error).message).toContain("SECR_TOKEN");
    expect((result as Error).message).not.toContain("secr_cli_leak1234");
  });

  it.each([
    ["not json", "{org:"],
    ["not an object", "[1]"],
    ["wrong type", '{"org": 5}'],
    ["empty string", '{"org": ""}'],
  ])("refuses %s", (_label, text) => {
    expect(parseProjectFile(text, "f")).toBeInstanceOf(Error);
  });

  it("loadProjectFile returns the path and data, or undefined when there is none", () => {
    const dir = join(root, "load");
    mkdirSync(dir);
    writeFileSync(join(dir, ".secr.json"), '{"org":"o","project":"p"}');
    expect(loadProjectFile(dir)).toEqual({ path: join(dir, ".secr.json"), data: { org: "o", project: "p" } });
  });
});
