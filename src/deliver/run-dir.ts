// secr-run's private directory for one run: where --file KEY puts its files, and the record of
// the files written elsewhere. Named after its owner (pid and start time) so that a later run
// can remove what a run killed by SIGKILL left behind (docs/design/delivery.md, "Cleanup").
import { createHash, randomBytes } from "node:crypto";
import {
  accessSync,
  chmodSync,
  constants,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { ExitCode } from "../core/exit-codes.js";
import { restrictToUser } from "./acl.js";
import { DeliveryError } from "../core/failure.js";
import { processStartTime } from "../fs/process-start.js";
import { isOwnerAlive } from "./owner.js";

const NAME = /^secr-run-(\d+)-(\d+)-[0-9a-f]{16}$/;
/** In the run directory: the files written outside it, with their device and inode. */
export const EXTERNAL_RECORD = ".external.json";

/** A file written outside the run directory. Device and inode alone do not identify it (a
 *  file created after ours was removed often gets the same inode): its size and a salted
 *  digest of its content do. */
export interface ExternalRecord {
  path: string;
  dev: number;
  ino: number;
  size: number;
  salt: string;
  sha256: string;
}

export function contentDigest(salt: string, content: string | Uint8Array): string {
  return createHash("sha256").update(salt).update(content).digest("hex");
}

/** What the base-directory rule needs to know about a candidate (stat plus access(W_OK)). */
export interface DirFacts {
  isDirectory: boolean;
  uid: number;
  mode: number;
  writable: boolean;
}

const inspectDir = (path: string): DirFacts | undefined => {
  try {
    const stat = statSync(path);
    let writable = true;
    try {
      accessSync(path, constants.W_OK);
    } catch {
      writable = false;
    }
    return { isDirectory: stat.isDirectory(), uid: stat.uid, mode: stat.mode, writable };
  } catch {
    return undefined;
  }
};

/** Why a directory may not hold run directories, or undefined when it may. Pure.
 *  `$XDG_RUNTIME_DIR` must be the user's own and writable by no one else: one set by `su`
 *  without `-` or `sudo -E` belongs to another user, who could swap what is in it. A shared
 *  base (/dev/shm, the temp dir) must be the user's or root's, and sticky if others can write
 *  it, so no one else can rename or remove what we create there (docs/design/security.md). */
export function baseProblem(facts: DirFacts | undefined, uid: number, shared: boolean): string | undefined {
  if (facts === undefined || !facts.isDirectory) return "is not a directory";
  if (!facts.writable) return "is not writable";
  if (shared ? facts.uid !== uid && facts.uid !== 0 : facts.uid !== uid)
    return `belongs to another user (uid ${facts.uid})`;
  const othersWrite = (facts.mode & 0o022) !== 0;
  if (othersWrite && (!shared || (facts.mode & 0o1000) === 0)) return "is writable by other users";
  return undefined;
}

/** $XDG_RUNTIME_DIR (per-user, memory-backed, 0700) if it is the user's own and private, else
 *  /dev/shm (memory), else the temp dir; undefined when none of them is safe. */
export function runtimeBase(
  env: Readonly<Record<string, string | undefined>> = process.env,
  inspect: (path: string) => DirFacts | undefined = inspectDir,
): string | undefined {
  const uid = process.getuid?.();
  if (process.platform === "win32" || uid === undefined) return tmpdir();
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg !== undefined && isAbsolute(xdg) && baseProblem(inspect(xdg), uid, false) === undefined) return xdg;
  for (const shared of ["/dev/shm", tmpdir()]) if (baseProblem(inspect(shared), uid, true) === undefined) return shared;
  return undefined;
}

/** The per-user directory inside the base that holds this user's run directories: 0700, so
 *  other users cannot list the run directories' names or create anything in it. */
export function userRunParent(base: string): string {
  return join(base, `secr-run-${process.getuid?.() ?? "user"}`);
}

export function runDirName(pid: number, start: number, random: string): string {
  return `secr-run-${pid}-${start}-${random}`;
}

export function parseRunDirName(name: string): { pid: number; start: number } | undefined {
  const m = NAME.exec(name);
  return m === null ? undefined : { pid: Number(m[1]), start: Number(m[2]) };
}

/** This run's directory path (not created yet): inside the per-user parent. */
export function chooseRunDir(base: string): string {
  return join(
    userRunParent(base),
    runDirName(process.pid, processStartTime(process.pid) ?? 0, randomBytes(8).toString("hex")),
  );
}

/** Create the per-user parent 0700, or check the one that is there: a directory (not a link),
 *  ours, and then made 0700 if it was not. Throws DeliveryError naming the problem. */
export function ensureUserRunParent(base: string): string {
  const parent = userRunParent(base);
  try {
    mkdirSync(parent, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw cannotCreate(parent, error);
  }
  const stat = lstatSync(parent);
  const uid = process.getuid?.();
  if (!stat.isDirectory())
    throw new DeliveryError(
      ExitCode.CONFIG,
      `${parent} is not a directory (a link or a file someone put there); remove it, or set XDG_RUNTIME_DIR to a private directory`,
    );
  if (uid !== undefined && stat.uid !== uid) {
    throw new DeliveryError(
      ExitCode.CONFIG,
      `${parent} belongs to another user (uid ${stat.uid}), who could read or swap the delivered files; remove it, or set XDG_RUNTIME_DIR to a private directory`,
    );
  }
  // Ours (a directory in a sticky or private base cannot be swapped under us): only the mode
  // may be wrong, and 0700 is what it is for.
  if (uid !== undefined && (stat.mode & 0o077) !== 0) chmodSync(parent, 0o700);
  restrictToUser(parent);
  return parent;
}

const cannotCreate = (path: string, error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  return new DeliveryError(
    code === "EACCES" || code === "EPERM" ? ExitCode.NOPERM : ExitCode.CONFIG,
    `cannot create the private directory ${path} (${code ?? String(error)})`,
  );
};

/** Create it, 0700, failing if anything is already there. */
export function createRunDir(path: string): void {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    throw cannotCreate(path, error);
  }
  restrictToUser(path);
}

/** Remove the files a run recorded as written outside its directory, if they are still the
 *  very files it wrote (same device and inode): never a file someone put there since. */
export function removeExternal(runDir: string): void {
  let records: ExternalRecord[];
  try {
    records = JSON.parse(readFileSync(join(runDir, EXTERNAL_RECORD), "utf8")) as ExternalRecord[];
  } catch {
    return;
  }
  for (const record of records) removeIfSame(record);
}

/** Unlink a file secr-run wrote outside its directory, if it is still that file. */
export function removeIfSame({ path, dev, ino, size, salt, sha256 }: ExternalRecord): void {
  try {
    const stat = lstatSync(path);
    if (!stat.isFile() || stat.dev !== dev || stat.ino !== ino || stat.size !== size) return;
    if (contentDigest(salt, readFileSync(path)) === sha256) unlinkSync(path);
  } catch {
    // gone already
  }
}

/** Remove the run directories in `base` whose owner is gone (a run killed by SIGKILL).
 *  Returns what was removed. Only directories of the current user are touched. */
export function sweepStaleRunDirs(
  base: string,
  alive: (pid: number, start: number) => boolean = isOwnerAlive,
): string[] {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of names) {
    const owner = parseRunDirName(name);
    if (owner === undefined || alive(owner.pid, owner.start)) continue;
    const dir = join(base, name);
    try {
      const stat = lstatSync(dir);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      removeExternal(dir);
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // another run swept it first, or it is not ours to remove
    }
  }
  return removed;
}
