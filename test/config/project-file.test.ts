import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import {
  loadProjectFile,
  parseProjectFile,
  projectFilePath,
  readProjectFile,
  unknownKeysMessage,
  unknownProjectFileKeys,
} from "../../src/config/project-file.js";
import { readPrivateGroup } from "../../src/config/private-group.js";

const root = mkdtempSync(join(tmpdir(), "secr-project-file-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const uid = process.getuid!();
const isRoot = uid === 0;
/** This user's private group (umask 002 systems), if it has one by /etc/passwd and /etc/group. */
const privateGid = readPrivateGroup(uid, process.getgid!());
/** A group that is not this user's private one: another account's primary group (root can chown to it). */
const sharedGid = Number(
  readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .map((line) => line.split(":")[3])
    .find((gid) => gid !== undefined && gid !== "" && Number(gid) !== process.getgid!()) ?? "-1",
);
/** Group write counts unless the group is the private one: as root, chown to a shared group first. */
const groupWriteCounts = isRoot || privateGid === undefined;
const shareGroup = (path: string) => isRoot && chownSync(path, 0, sharedGid);

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
    expect(unknownProjectFileKeys('{"org":"a","evn":"x","schema":{},"apiUrl":"u","extra":1}')).toEqual([
      "evn",
      "extra",
    ]);
    expect(unknownProjectFileKeys("[1]")).toEqual([]);
    expect(unknownProjectFileKeys("{")).toEqual([]);
    expect(unknownKeysMessage("/p/.secr.json", ["evn"], (k) => (k === "evn" ? "env" : undefined))).toBe(
      '/p/.secr.json: ignoring unknown key "evn" (did you mean "env"?); known: org, project, env, apiUrl, schema, rename, prefix, expand',
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

  it.each(["token", "SECR_TOKEN", "apiToken", "passphrase"])(
    "refuses a credential key %s, without echoing its value",
    (key) => {
      const result = parseProjectFile(
        JSON.stringify({ org: "a", project: "b", [key]: "secr_cli_leak1234" }),
        "/r/.secr.json",
      );
      expect(result).toBeInstanceOf(Error);
      expect((result as Error).message).toContain(key);
      expect((result as Error).message).toContain("SECR_TOKEN");
      expect((result as Error).message).not.toContain("secr_cli_leak1234");
    },
  );

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
    expect(loadProjectFile(dir)).toEqual({
      kind: "loaded",
      file: { path: join(dir, ".secr.json"), data: { org: "o", project: "p" }, sha256 },
    });
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

  it("ignores a file writable by other users and stops the search there", () => {
    const { dir, file } = project("mode-666");
    chmodSync(file, 0o666);
    expect(loadProjectFile(join(dir, "sub"))).toEqual({
      kind: "unsafe",
      path: file,
      reason: "it is writable by other users",
      fix: "chmod-file",
    });
  });

  it.each([
    [0o777, "chmod-dir"],
    [0o1777, "move"], // /tmp: the sticky bit does not help, and it is not yours to chmod
  ])("ignores a file in a directory with mode %s", (mode, fix) => {
    const { dir, file } = project(`dir-${mode.toString(8)}`);
    chmodSync(dir, mode);
    expect(loadProjectFile(join(dir, "sub"))).toEqual({
      kind: "unsafe",
      path: file,
      reason: "its directory is writable by other users",
      fix,
    });
  });

  it.runIf(groupWriteCounts)(
    "ignores a group-writable file, or one in a group-writable directory, when the group has other members",
    () => {
      const a = project("mode-664");
      chmodSync(a.file, 0o664);
      shareGroup(a.file);
      expect(loadProjectFile(join(a.dir, "sub"))).toEqual({
        kind: "unsafe",
        path: a.file,
        reason: "it is writable by its group",
        fix: "chmod-file",
      });
      const b = project("dir-775");
      chmodSync(b.dir, 0o775);
      shareGroup(b.dir);
      expect(loadProjectFile(join(b.dir, "sub"))).toEqual({
        kind: "unsafe",
        path: b.file,
        reason: "its directory is writable by its group",
        fix: "chmod-dir",
      });
    },
  );

  it.runIf(privateGid !== undefined)(
    "reads a group-writable file in a group-writable directory when the group is your private group (umask 002)",
    () => {
      const { dir, file } = project("private-group");
      chmodSync(file, 0o664);
      chmodSync(dir, 0o775);
      chownSync(file, uid, privateGid!);
      chownSync(dir, uid, privateGid!);
      expect(loadProjectFile(join(dir, "sub"))).toMatchObject({ kind: "loaded", file: { path: file } });
    },
  );

  it.runIf(isRoot)("ignores a file owned by another user, and one in another user's directory", () => {
    const a = project("other-file");
    chownSync(a.file, 65534, 65534);
    expect(loadProjectFile(a.dir)).toEqual({
      kind: "unsafe",
      path: a.file,
      reason: "it belongs to another user (uid 65534)",
      fix: "own-file",
    });
    const b = project("other-dir");
    chownSync(b.dir, 65534, 65534);
    expect(loadProjectFile(b.dir)).toEqual({
      kind: "unsafe",
      path: b.file,
      reason: "its directory belongs to another user (uid 65534)",
      fix: "move",
    });
  });

  it("refuses a symlinked .secr.json instead of following it", () => {
    const { dir, file } = project("symlinked");
    const target = join(root, "elsewhere.json");
    writeFileSync(target, '{"org":"o"}', { mode: 0o644 });
    rmSync(file);
    symlinkSync(target, file);
    expect(loadProjectFile(dir)).toEqual({
      kind: "unsafe",
      path: file,
      reason: "it is a symbolic link",
      fix: "regular-file",
    });
  });

  it("refuses a FIFO without blocking on it", () => {
    const { dir, file } = project("fifo");
    rmSync(file);
    execFileSync("mkfifo", ["-m", "0644", file]);
    expect(loadProjectFile(dir)).toEqual({
      kind: "unsafe",
      path: file,
      reason: "it is not a regular file",
      fix: "regular-file",
    });
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
