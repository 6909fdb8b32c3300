// secr-run's private directory for one run: where --file KEY puts its files, and the record of
// the files written elsewhere. Named after its owner (pid and start time) so that a later run
// can remove what a run killed by SIGKILL left behind (docs/design/delivery.md, "Cleanup").
import { createHash, randomBytes } from "node:crypto";
import { accessSync, constants, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { restrictToUser } from "./acl.js";
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

const isWritableDir = (path: string) => {
  try {
    if (!statSync(path).isDirectory()) return false;
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/** $XDG_RUNTIME_DIR (per-user, memory-backed, 0700), else /dev/shm (memory), else the temp dir. */
export function runtimeBase(env: Readonly<Record<string, string | undefined>> = process.env, usable: (path: string) => boolean = isWritableDir): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (process.platform !== "win32") {
    if (xdg !== undefined && isAbsolute(xdg) && usable(xdg)) return xdg;
    if (usable("/dev/shm")) return "/dev/shm";
  }
  return tmpdir();
}

export function runDirName(pid: number, start: number, random: string): string {
  return `secr-run-${pid}-${start}-${random}`;
}

export function parseRunDirName(name: string): { pid: number; start: number } | undefined {
  const m = NAME.exec(name);
  return m === null ? undefined : { pid: Number(m[1]), start: Number(m[2]) };
}

/** This run's directory path (not created yet). */
export function chooseRunDir(base = runtimeBase()): string {
  return join(base, runDirName(process.pid, processStartTime(process.pid) ?? 0, randomBytes(8).toString("hex")));
}

/** Create it, 0700, failing if anything is already there. */
export function createRunDir(path: string): void {
  mkdirSync(path, { mode: 0o700 });
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
export function sweepStaleRunDirs(base = runtimeBase(), alive: (pid: number, start: number) => boolean = isOwnerAlive): string[] {
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
