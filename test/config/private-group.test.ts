// The user-private-group rule (umask 002): group write is harmless only when the group is the
// user's primary group, named after the user, with no other member by /etc/group and no other
// account's primary group by /etc/passwd; anything unclear counts as shared.
import { describe, expect, it } from "vitest";
import { projectFileVerdict } from "../../src/config/ownership.js";
import { privateGroupOf } from "../../src/config/private-group.js";
import { ignoredProjectFileMessage, ownershipFixText } from "../../src/config/trust.js";

const PASSWD = [
  "root:x:0:0:root:/root:/bin/bash",
  "alice:x:1000:1000:Alice:/home/alice:/bin/bash",
  "bob:x:1001:1001::/home/bob:/bin/sh",
  "carol:x:1002:100::/home/carol:/bin/sh",
  "",
].join("\n");
const GROUP = ["root:x:0:", "users:x:100:", "alice:x:1000:", "bob:x:1001:", "wheel:x:10:alice", ""].join("\n");

describe("privateGroupOf", () => {
  it("alice's own group, with no other member, is private", () => {
    expect(privateGroupOf(1000, 1000, PASSWD, GROUP)).toBe(1000);
    expect(privateGroupOf(1000, 1000, PASSWD, GROUP.replace("alice:x:1000:", "alice:x:1000:alice"))).toBe(1000);
  });

  it.each([
    ["another member listed", PASSWD, GROUP.replace("alice:x:1000:", "alice:x:1000:bob")],
    ["another account's primary group", PASSWD.replace("bob:x:1001:1001:", "bob:x:1001:1000:"), GROUP],
    [
      "a group named otherwise (not the user-private convention)",
      PASSWD,
      GROUP.replace("alice:x:1000:", "devs:x:1000:"),
    ],
    ["a second entry with the same gid", PASSWD, `${GROUP}alias:x:1000:\n`],
    ["no entry for the gid", PASSWD, GROUP.replace("alice:x:1000:\n", "")],
    ["an NIS + line (members unknown)", PASSWD, `${GROUP}+:::\n`],
    ["a user missing from /etc/passwd", PASSWD.replace(/^alice.*\n/m, ""), GROUP],
  ])("not private: %s", (_label, passwd, group) => {
    expect(privateGroupOf(1000, 1000, passwd, group)).toBeUndefined();
  });

  it("a shared primary group (users, gid 100) is not private, even with one account in it today; nor a gid that is not the user's primary", () => {
    expect(privateGroupOf(1002, 100, PASSWD, GROUP)).toBeUndefined();
    expect(privateGroupOf(1000, 10, PASSWD, GROUP)).toBeUndefined();
  });
});

describe("projectFileVerdict with a private group, and the fixes", () => {
  const file = (mode: number, gid = 1000) => ({ uid: 1000, gid, mode: 0o100000 | mode });
  const dir = (mode: number, gid = 1000) => ({ uid: 1000, gid, mode: 0o040000 | mode });

  it("group write is harmless on the private group, counted on any other", () => {
    expect(projectFileVerdict(file(0o664), dir(0o775), 1000, 1000)).toBeUndefined();
    expect(projectFileVerdict(file(0o664), dir(0o775), 1000, undefined)).toEqual({
      reason: "it is writable by its group",
      fix: "chmod-file",
    });
    expect(projectFileVerdict(file(0o664, 100), dir(0o775), 1000, 1000)).toEqual({
      reason: "it is writable by its group",
      fix: "chmod-file",
    });
    expect(projectFileVerdict(file(0o644), dir(0o775, 100), 1000, 1000)).toEqual({
      reason: "its directory is writable by its group",
      fix: "chmod-dir",
    });
    // Others' write is never harmless.
    expect(projectFileVerdict(file(0o666), dir(0o755), 1000, 1000)).toEqual({
      reason: "it is writable by other users",
      fix: "chmod-file",
    });
    expect(projectFileVerdict(file(0o644, 0), dir(0o1777, 0), 1000, 1000)).toEqual({
      reason: "its directory is writable by other users",
      fix: "move",
    });
  });

  it("every refusal names its fix, paths quoted for the shell", () => {
    expect(ownershipFixText("/home/a/my app/.secr.json", "chmod-dir")).toBe("chmod go-w '/home/a/my app'");
    expect(ownershipFixText("/home/a/app/.secr.json", "chmod-file")).toBe("chmod go-w /home/a/app/.secr.json");
    expect(ownershipFixText("/x/.secr.json", "own-file")).toBe(
      "check its content, then make it yours: cp /x/.secr.json /x/.secr.json.new && mv /x/.secr.json.new /x/.secr.json",
    );
    expect(ownershipFixText("/tmp/.secr.json", "move")).toMatch(/directory of your own/);
    expect(ownershipFixText("/x/.secr.json", "regular-file")).toMatch(/regular file/);
    expect(
      ignoredProjectFileMessage("/p/.secr.json", "its directory is writable by its group", "ignoring", "chmod-dir"),
    ).toBe(
      "ignoring /p/.secr.json: its directory is writable by its group; a .secr.json is read only if it and its directory belong to you (or root) and no one else can write them; fix: chmod go-w /p",
    );
  });
});
