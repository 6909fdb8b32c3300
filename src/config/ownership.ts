// Whether a project file may be read at all, after git's safe.directory rule: only a file that
// you (or root) own and only its owner can change, in a directory likewise, so nobody else can
// plant or rewrite it. Group write is harmless when the group is your own private group (no
// other member: umask 002 systems). Every refusal comes with its fix. See docs/design/trust.md.

/** The parts of a stat result the rule looks at. */
export interface Ownership {
  uid: number;
  /** Absent: the group is not known to be private (group write then counts). */
  gid?: number;
  /** st_mode: type and permission bits. */
  mode: number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_ISVTX = 0o1000;
const GROUP_WRITE = 0o020;
const OTHER_WRITE = 0o002;

/** How to make a refused project file readable (messages in trust.ts). */
export type OwnershipFix =
  /** Replace it with a regular file. */
  | "regular-file"
  /** Check it, then replace it with a copy of your own. */
  | "own-file"
  /** chmod go-w on the file. */
  | "chmod-file"
  /** chmod go-w on the directory. */
  | "chmod-dir"
  /** Keep the project in a directory of your own (the directory is not yours to change). */
  | "move";

export interface Unsafe {
  reason: string;
  fix: OwnershipFix;
}

/** Whether group write on `entry` counts: not when its group is the user's private group. */
function writableBy(entry: Ownership, privateGid: number | undefined): string | undefined {
  if (entry.mode & OTHER_WRITE) return "other users";
  if (entry.mode & GROUP_WRITE && !(privateGid !== undefined && entry.gid === privateGid)) return "its group";
  return undefined;
}

/** True when group write would matter, i.e. the private group is worth looking up. */
export function groupWritable(...entries: Ownership[]): boolean {
  return entries.some((entry) => (entry.mode & GROUP_WRITE) !== 0);
}

/**
 * Pure: why `file` in `dir` must be ignored by user `uid`, and its fix, or undefined if it may be
 * read. Root's files pass, as for git: root can rewrite anything anyway. The sticky bit (/tmp)
 * does not help: a file there is still one anyone can drop in. `privateGid` is the user's
 * private group (private-group.ts), whose write bit is harmless.
 */
export function projectFileVerdict(
  file: Ownership,
  dir: Ownership,
  uid: number,
  privateGid?: number,
): Unsafe | undefined {
  if ((file.mode & S_IFMT) !== S_IFREG) return { reason: "it is not a regular file", fix: "regular-file" };
  if (file.uid !== uid && file.uid !== 0)
    return { reason: `it belongs to another user (uid ${file.uid})`, fix: "own-file" };
  const fileWriters = writableBy(file, privateGid);
  if (fileWriters !== undefined) return { reason: `it is writable by ${fileWriters}`, fix: "chmod-file" };
  if (dir.uid !== uid && dir.uid !== 0)
    return { reason: `its directory belongs to another user (uid ${dir.uid})`, fix: "move" };
  const dirWriters = writableBy(dir, privateGid);
  // A shared directory (sticky like /tmp, or root's while you are not root) is not yours to chmod.
  if (dirWriters !== undefined)
    return {
      reason: `its directory is writable by ${dirWriters}`,
      fix: dir.uid === uid && !(dir.mode & S_ISVTX) ? "chmod-dir" : "move",
    };
  return undefined;
}

/** Pure: the reason of projectFileVerdict alone. */
export function unsafeProjectFile(
  file: Ownership,
  dir: Ownership,
  uid: number,
  privateGid?: number,
): string | undefined {
  return projectFileVerdict(file, dir, uid, privateGid)?.reason;
}

/**
 * Pure: why a file or directory of secr-run's own state (the trust store) must not be used.
 * Stricter than a project file: it must be the user's own, root's is not accepted, and group
 * write always counts (secr-run creates these 0600/0700 whatever the umask).
 */
export function unsafePrivatePath(entry: Ownership, uid: number): string | undefined {
  if (entry.uid !== uid) return `it belongs to another user (uid ${entry.uid})`;
  const writers = writableBy(entry, undefined);
  return writers === undefined ? undefined : `it is writable by ${writers}`;
}
