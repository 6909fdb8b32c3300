// The user's private group (umask 002 systems: Fedora/RHEL, Debian/Ubuntu user-private groups):
// a group named after the user, the user's primary group, with no other member. Group write on
// such a group grants no one else anything (docs/design/trust.md, "Defence 1").
import { readFileSync } from "node:fs";

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const lines = (text: string) => text.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));

function passwdEntries(text: string): PasswdEntry[] {
  return lines(text).map((line) => {
    const [name = "", , uid = "", gid = ""] = line.split(":");
    return { name, uid: Number(uid), gid: Number(gid) };
  });
}

function groupEntries(text: string): GroupEntry[] {
  return lines(text).map((line) => {
    const [name = "", , gid = "", members = ""] = line.split(":");
    return { name, gid: Number(gid), members: members.split(",").filter((m) => m !== "") };
  });
}

/**
 * Pure: `gid` when it is the private group of user `uid` by /etc/passwd and /etc/group, else
 * undefined. Private: the user's primary group, one /etc/group entry with the user's name, no
 * member but the user, and no other account's primary group. A line that does not parse (or an
 * NIS `+` line) makes the answer undefined: unknown is not private.
 */
export function privateGroupOf(uid: number, gid: number, passwd: string, group: string): number | undefined {
  const users = passwdEntries(passwd);
  const groups = groupEntries(group);
  if (
    [...users, ...groups].some(
      (entry) =>
        entry.name === "" || entry.name.startsWith("+") || entry.name.startsWith("-") || !Number.isInteger(entry.gid),
    )
  )
    return undefined;
  const me = users.find((user) => user.uid === uid);
  if (me === undefined || me.gid !== gid) return undefined;
  const entries = groups.filter((entry) => entry.gid === gid);
  if (entries.length !== 1 || entries[0]!.name !== me.name) return undefined;
  if (entries[0]!.members.some((member) => member !== me.name)) return undefined;
  if (users.some((user) => user.gid === gid && user.name !== me.name)) return undefined;
  return gid;
}

/** The user's private group read from /etc/passwd and /etc/group, or undefined (not private, or unreadable). */
export function readPrivateGroup(uid: number, gid: number, etc = "/etc"): number | undefined {
  try {
    return privateGroupOf(uid, gid, readFileSync(`${etc}/passwd`, "utf8"), readFileSync(`${etc}/group`, "utf8"));
  } catch {
    return undefined;
  }
}
