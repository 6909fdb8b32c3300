// Whether a project file may be read at all, after git's safe.directory rule: only a file that
// you (or root) own and only its owner can change, in a directory likewise, so nobody else can
// plant or rewrite it. See docs/design/trust.md.

/** The parts of a stat result the rule looks at. */
export interface Ownership {
  uid: number;
  /** st_mode: type and permission bits. */
  mode: number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const GROUP_WRITE = 0o020;
const OTHER_WRITE = 0o002;

function writableBy(mode: number): string | undefined {
  if (mode & OTHER_WRITE) return "other users";
  if (mode & GROUP_WRITE) return "its group";
  return undefined;
}

/**
 * Pure: why `file` in `dir` must be ignored by user `uid`, or undefined if it may be read.
 * Root's files pass, as for git: root can rewrite anything anyway. The sticky bit (/tmp) does
 * not help: a file there is still one anyone can drop in.
 */
export function unsafeProjectFile(file: Ownership, dir: Ownership, uid: number): string | undefined {
  if ((file.mode & S_IFMT) !== S_IFREG) return "it is not a regular file";
  if (file.uid !== uid && file.uid !== 0) return `it belongs to another user (uid ${file.uid})`;
  const fileWriters = writableBy(file.mode);
  if (fileWriters !== undefined) return `it is writable by ${fileWriters}`;
  if (dir.uid !== uid && dir.uid !== 0) return `its directory belongs to another user (uid ${dir.uid})`;
  const dirWriters = writableBy(dir.mode);
  if (dirWriters !== undefined) return `its directory is writable by ${dirWriters}`;
  return undefined;
}

/**
 * Pure: why a file or directory of secr-run's own state (the trust store) must not be used.
 * Stricter than a project file: it must be the user's own, root's is not accepted.
 */
export function unsafePrivatePath(entry: Ownership, uid: number): string | undefined {
  if (entry.uid !== uid) return `it belongs to another user (uid ${entry.uid})`;
  const writers = writableBy(entry.mode);
  return writers === undefined ? undefined : `it is writable by ${writers}`;
}
