// The lock that lets one secr-run fetch for many started at once on one machine (a CI matrix,
// `turbo run`): a file created with O_EXCL next to the snapshot, holding who owns it. A lock whose
// owner has died (SIGKILL, OOM) or outlived its lease is broken by the next process that finds it,
// so a crashed leader never blocks the others for longer than it takes to notice. See
// docs/design/insights.md ("one fetch for many runs").
import { constants } from "node:fs";
import { link, lstat, open, rename, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { pidAlive } from "../fs/pid-alive.js";
import { processStartTime } from "../fs/process-start.js";
import { readRegularFile } from "./safe-read.js";

export interface LockOwner {
  pid: number;
  /** The process's start time (src/fs/process-start.ts), so a reused pid is told apart from the
   *  owner; undefined where it cannot be read. */
  startTime: number | undefined;
  host: string;
  createdAt: number;
  /** The owner's lease: past it the lock is stale even if the owner lives (stopped, hung). */
  expiresAt: number;
}

export interface OwnerProbe {
  host: string;
  now: number;
  alive(pid: number): boolean;
  startTimeOf(pid: number): number | undefined;
}

/** A partly written lock (created, content not yet there) counts as live for this long. */
export const PARTIAL_LOCK_GRACE_MS = 2_000;
/** Far above any owner we write (≈ 150 bytes); a larger file is not a lock of ours. */
const MAX_LOCK_BYTES = 4096;

export type LockRead = { kind: "ok"; raw: string } | { kind: "missing" } | { kind: "unreadable" };

/**
 * The lock's text, read as snapshots are (safe-read.ts): a FIFO, a device, a symlink (to
 * /dev/zero, say) or a huge file at the lock's name neither blocks nor redirects the read; it
 * is `unreadable`, as a partly written lock is, and broken after PARTIAL_LOCK_GRACE_MS.
 */
export async function readLock(path: string): Promise<LockRead> {
  try {
    return { kind: "ok", raw: (await readRegularFile(path, MAX_LOCK_BYTES, "the fetch lock")).toString("utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? { kind: "missing" } : { kind: "unreadable" };
  }
}

/** Pure: may the lock described by `owner` be broken? */
export function isStale(owner: LockOwner, probe: OwnerProbe): boolean {
  if (probe.now > owner.expiresAt) return true;
  // Another machine sharing the directory: its pids mean nothing here; only the lease counts.
  if (owner.host !== probe.host) return false;
  if (!probe.alive(owner.pid)) return true;
  const current = owner.startTime === undefined ? undefined : probe.startTimeOf(owner.pid);
  return owner.startTime !== undefined && current !== undefined && current !== owner.startTime;
}

/** The lock file's text. The start time is written as a string (null when unknown), as every
 *  version wrote it: a secr-run of another version sharing the cache reads our lock too. */
export function formatOwner(owner: LockOwner): string {
  return JSON.stringify({ ...owner, startTime: owner.startTime === undefined ? null : String(owner.startTime) });
}

/** A lock's owner; a start time is read as a string of digits (what is written) or a number. */
export function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Record<keyof LockOwner, unknown>;
    if (
      typeof o.pid !== "number" ||
      typeof o.host !== "string" ||
      typeof o.createdAt !== "number" ||
      typeof o.expiresAt !== "number"
    )
      return undefined;
    const startTime =
      o.startTime === null
        ? undefined
        : typeof o.startTime === "string" && /^\d+$/.test(o.startTime)
          ? Number(o.startTime)
          : o.startTime;
    if (startTime !== undefined && !Number.isSafeInteger(startTime)) return undefined;
    return {
      pid: o.pid,
      startTime: startTime as number | undefined,
      host: o.host,
      createdAt: o.createdAt,
      expiresAt: o.expiresAt,
    };
  } catch {
    return undefined;
  }
}

export function localProbe(now = Date.now()): OwnerProbe {
  return { host: hostname(), now, alive: pidAlive, startTimeOf: processStartTime };
}

export type TryLockResult =
  | { acquired: true; release(): Promise<void> }
  /** `owner` undefined: the file is there but unreadable or not yet written. */
  | { acquired: false; owner: LockOwner | undefined; raw: string | undefined };

/** Create the lock if nobody holds it. `leaseMs`: how long others must respect it at most. */
export async function tryLock(path: string, leaseMs: number): Promise<TryLockResult> {
  const now = Date.now();
  const owner: LockOwner = {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    host: hostname(),
    createdAt: now,
    expiresAt: now + leaseMs,
  };
  const content = formatOwner(owner);
  try {
    const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return { acquired: true, release: () => removeIf(path, content) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const read = await readLock(path);
  const raw = read.kind === "ok" ? read.raw : undefined;
  return { acquired: false, owner: raw === undefined ? undefined : parseOwner(raw), raw };
}

/**
 * Break a lock judged stale, unless it changed since it was read (another process broke it and
 * took it meanwhile). The check and the unlink are two steps: two breakers racing can at worst
 * make two leaders, which costs one extra fetch, never a wrong result.
 */
export async function breakLock(path: string, raw: string | undefined): Promise<void> {
  if (raw === undefined) {
    await unlink(path).catch(() => {});
    return;
  }
  await removeIf(path, raw);
}

/**
 * Removes the lock at `path` only if it still holds `content`. Read-then-unlink would race: two
 * followers read the dead leader's lock, the first removes it and takes a new one, the second
 * removes that new lock. So the lock is read again, then renamed aside (atomic: only one process
 * gets a given file) and checked there; a live lock taken by mistake is linked back.
 */
async function removeIf(path: string, content: string): Promise<void> {
  const now = await readLock(path);
  if (now.kind !== "ok" || now.raw !== content) return; // already broken, or a new leader's
  const aside = `${path}.${process.pid}.${Date.now()}.broken`;
  try {
    await rename(path, aside);
  } catch {
    return; // gone already: another follower broke it
  }
  try {
    const moved = await readLock(aside);
    // Another leader's lock: put it back, unless the name was taken again meanwhile (that costs
    // one extra fetch, never a wrong value).
    if (moved.kind !== "ok" || moved.raw !== content) await link(aside, path).catch(() => {});
  } finally {
    await unlink(aside).catch(() => {});
  }
}

/** Is a lock whose content cannot be parsed (or read) old enough to be a leftover of a crash
 *  mid-write? lstat: what sits at the name, never what a symlink there points to. */
export async function isAbandonedPartial(path: string, now = Date.now()): Promise<boolean> {
  try {
    return now - (await lstat(path)).mtimeMs > PARTIAL_LOCK_GRACE_MS;
  } catch {
    return false;
  }
}
