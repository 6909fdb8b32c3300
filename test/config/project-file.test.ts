import { createHash } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { loadProjectFile, parseProjectFile, projectFilePath, readProjectFile, unknownKeysMessage, unknownProjectFileKeys } from "../../src/config/project-file.js";

const root = mkdtempSync(join(tmpdir(), "secr-project-file-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const uid = process.getuid!();
const isRoot = uid === 0;

/** The path of the file loadProjectFile picked, or its kind when none was loaded. */
function findProjectFile(dir: string): string | undefined {
  const found = loadProjectFile(dir);
  if (found instanceof Error) throw found;
  return found.kind === "loaded" ? found.file.path : found.kind === "unsafe" ? found.path : undefined;
}

describe("loadProjectFile search", () => {
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

describe("unknown keys", () => {
  it("are listed (not an object or not JSON: none); the message names each with its likely key", () => {
    expect(unknownProjectFileKeys('{"org":"a","evn":"x","schema":{},"apiUrl":"u","extra":1}')).toEqual(["evn", "extra"]);
    expect(unknownProjectFileKeys("[1]")).toEqual([]);
    expect(unknownProjectFileKeys("{")).toEqual([]);
    expect(unknownKeysMessage("/p/.secr.json", ["evn"], (k) => (k === "evn" ? "env" : undefined))).toBe(
      '/p/.secr.json: ignoring unknown key "evn" (did you mean "env"?); known: org, project, env, apiUrl, schema',
    );
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

  it("loadProjectFile returns the path, data and the sha256 of the bytes read", () => {
    const dir = join(root, "load");
    mkdirSync(dir);
    const text = '{"org":"o","project":"p"}';
    writeFileSync(join(dir, ".secr.json"), text);
    const sha256 = createHash("sha256").update(text).digest("hex");
    expect(loadProjectFile(dir)).toEqual({ kind: "loaded", file: { path: join(dir, ".secr.json"), data: { org: "o", project: "p" }, sha256 } });
  });
});

describe("ownership rule (real files)", () => {
  /** A fresh directory (0755) holding a .secr.json (0644), under the private test root. */
  function project(name: string): { dir: string; file: string } {
    const dir = join(root, name);
    mkdirSync(join(dir, "sub"), { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    const file = join(dir, ".secr.json");
    writeFileSync(file, '{"org":"planted","project":"p","apiUrl":"http://127.0.0.1:1"}', { mode: 0o644 });
    chmodSync(file, 0o644);
    return { dir, file };
  }

  it("reads a file that is yours, in a directory that is yours, writable by nobody else", () => {
    const { dir } = project("ok");
    expect(loadProjectFile(join(dir, "sub"))).toMatchObject({ kind: "loaded" });
  });

  it.each([
    [0o666, "it is writable by other users"],
    [0o664, "it is writable by its group"],
  ])("ignores a file with mode %s and stops the search there", (mode, reason) => {
    const { dir, file } = project(`mode-${mode.toString(8)}`);
    chmodSync(file, mode);
    expect(loadProjectFile(join(dir, "sub"))).toEqual({ kind: "unsafe", path: file, reason });
  });

  it.each([
    [0o777, "its directory is writable by other users"],
    [0o1777, "its directory is writable by other users"], // /tmp: the sticky bit does not help
    [0o775, "its directory is writable by its group"],
  ])("ignores a file in a directory with mode %s", (mode, reason) => {
    const { dir, file } = project(`dir-${mode.toString(8)}`);
    chmodSync(dir, mode);
    expect(loadProjectFile(join(dir, "sub"))).toEqual({ kind: "unsafe", path: file, reason });
  });

  it.runIf(isRoot)("ignores a file owned by another user, and one in another user's directory", () => {
    const a = project("other-file");
    chownSync(a.file, 65534, 65534);
    expect(loadProjectFile(a.dir)).toEqual({ kind: "unsafe", path: a.file, reason: "it belongs to another user (uid 65534)" });
    const b = project("other-dir");
    chownSync(b.dir, 65534, 65534);
    expect(loadProjectFile(b.dir)).toEqual({ kind: "unsafe", path: b.file, reason: "its directory belongs to another user (uid 65534)" });
  });

  it("refuses a symlinked .secr.json instead of following it", () => {
    const { dir, file } = project("symlinked");
    const target = join(root, "elsewhere.json");
    writeFileSync(target, '{"org":"o"}', { mode: 0o644 });
    rmSync(file);
    symlinkSync(target, file);
    expect(loadProjectFile(dir)).toEqual({ kind: "unsafe", path: file, reason: "it is a symbolic link" });
  });

  it("refuses a FIFO without blocking on it", () => {
    const { dir, file } = project("fifo");
    rmSync(file);
    execFileSync("mkfifo", ["-m", "0644", file]);
    expect(loadProjectFile(dir)).toEqual({ kind: "unsafe", path: file, reason: "it is not a regular file" });
  });

  it("projectFilePath: a directory means its .secr.json; a symlinked directory is resolved, the file name kept", () => {
    const { dir, file } = project("named");
    const link = join(root, "link-to-named");
    symlinkSync(dir, link);
    expect(projectFilePath(link)).toBe(file);
    expect(projectFilePath(join(link, ".secr.json"))).toBe(file);
    expect(readProjectFile(projectFilePath(join(link, "sub")))).toEqual({ kind: "absent" });
  });
});
