// The lock that lets one secr-run fetch for many started at once on one machine (a CI matrix,
// `turbo run`): a file created with O_EXCL next to the snapshot, holding who owns it. A lock whose
// owner has died (SIGKILL, OOM) or outlived its lease is broken by the next process that finds it,
// so a crashed leader never blocks the others for longer than it takes to notice. See
// docs/insights.md ("one fetch for many runs").
import { constants, readFileSync } from "node:fs";
import { open, readFile, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { pidAlive } from "../fs/pid-alive.js";

export interface LockOwner {
  pid: number;
  /** The process's start time in clock ticks since boot (Linux /proc), so a reused pid is told
   *  apart from the owner; null where it cannot be read. */
  startTime: string | null;
  host: string;
  createdAt: number;
  /** The owner's lease: past it the lock is stale even if the owner lives (stopped, hung). */
  expiresAt: number;
}

export interface OwnerProbe {
  host: string;
  now: number;
  alive(pid: number): boolean;
  startTimeOf(pid: number): string | null;
}

/** A partly written lock (created, content not yet there) counts as live for this long. */
export const PARTIAL_LOCK_GRACE_MS = 2_000;

/** Pure: may the lock described by `owner` be broken? */
export function isStale(owner: LockOwner, probe: OwnerProbe): boolean {
  if (probe.now > owner.expiresAt) return true;
  // Another machine sharing the directory: its pids mean nothing here; only the lease counts.
  if (owner.host !== probe.host) return false;
  if (!probe.alive(owner.pid)) return true;
  const current = owner.startTime === null ? null : probe.startTimeOf(owner.pid);
  return owner.startTime !== null && current !== null && current !== owner.startTime;
}

export function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid !== "number" || typeof o.host !== "string" || typeof o.createdAt !== "number" || typeof o.expiresAt !== "number") return undefined;
    if (o.startTime !== null && typeof o.startTime !== "string") return undefined;
    return o as LockOwner;
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised name, which may hold spaces). */
export function startTimeOf(pid: number): string | null {
  if (process.platform !== "linux") return null;
  try {
    // Synchronous: /proc reads never block, and this runs while polling.
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}


export function localProbe(now = Date.now()): OwnerProbe {
  return { host: hostname(), now, alive: pidAlive, startTimeOf };
}

export type TryLockResult =
  | { acquired: true; release(): Promise<void> }
  /** `owner` undefined: the file is there but unreadable or not yet written. */
  | { acquired: false; owner: LockOwner | undefined; raw: string | undefined };

/** Create the lock if nobody holds it. `leaseMs`: how long others must respect it at most. */
export async function tryLock(path: string, leaseMs: number): Promise<TryLockResult> {
  const now = Date.now();
  const owner: LockOwner = { pid: process.pid, startTime: startTimeOf(process.pid), host: hostname(), createdAt: now, expiresAt: now + leaseMs };
  const content = JSON.stringify(owner);
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
  const raw = await readFile(path, "utf8").catch(() => undefined);
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

async function removeIf(path: string, content: string): Promise<void> {
  const now = await readFile(path, "utf8").catch(() => undefined);
  if (now === content) await unlink(path).catch(() => {});
}

/** Is a lock whose content cannot be parsed old enough to be a leftover of a crash mid-write? */
export async function isAbandonedPartial(path: string, now = Date.now()): Promise<boolean> {
  try {
    return now - (await stat(path)).mtimeMs > PARTIAL_LOCK_GRACE_MS;
  } catch {
    return false;
  }
}
