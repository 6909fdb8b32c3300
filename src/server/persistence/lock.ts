// One server per data directory: a lock file holding the owner's pid and that process's start
// time. A lock is stale, and taken over, when its pid no longer exists (kill -9) or now names
// another process (the pid was reused after a reboot or a wrap-around): the start time differs.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { O_NOFOLLOW, TEMP_PREFIX } from "../../fs/atomic-write.js";
import { pidAlive } from "../../fs/pid-alive.js";
import { processStartTime } from "../../fs/process-start.js";

export class LockError extends Error {
  override name = "LockError";
}

export interface LockOwner {
  pid: number;
  /** src/fs/process-start.ts; absent where there is no /proc (and in locks of older versions). */
  startTime?: number;
}

/** The lock file's text for an owner. */
export function formatLock(owner: LockOwner): string {
  return owner.startTime === undefined ? `${owner.pid}\n` : `${owner.pid} ${owner.startTime}\n`;
}

export function parseLock(text: string): LockOwner | undefined {
  const match = /^(\d+)(?: (\d+))?\n?$/.exec(text);
  if (!match) return undefined;
  const pid = Number(match[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const startTime = Number(match[2]);
  // Without a (usable) start time the pid alone decides: a live one is respected.
  return match[2] === undefined || !Number.isSafeInteger(startTime) ? { pid } : { pid, startTime };
}

/** What is known now about the process a lock names. */
export interface LiveProcess {
  alive: boolean;
  startTime?: number;
}

/** Pure: is the lock left by a process that is gone? A live pid with another start time is another process. */
export function isStale(owner: LockOwner | undefined, now: LiveProcess, selfPid: number): boolean {
  if (owner === undefined || owner.pid === selfPid || !now.alive) return true;
  return owner.startTime !== undefined && now.startTime !== undefined && owner.startTime !== now.startTime;
}

function inspect(pid: number): LiveProcess {
  if (!pidAlive(pid)) return { alive: false };
  const startTime = processStartTime(pid);
  return startTime === undefined ? { alive: true } : { alive: true, startTime };
}

const readLock = (path: string) =>
  readFile(path, { encoding: "utf8", flag: constants.O_RDONLY | O_NOFOLLOW }).catch(() => "");

/** The live server holding the lock at lockPath, if any (`secr-run serve --stop`). */
export async function lockHolder(lockPath: string): Promise<LockOwner | undefined> {
  const owner = parseLock(await readLock(resolve(lockPath)));
  return owner === undefined || isStale(owner, inspect(owner.pid), process.pid) ? undefined : owner;
}

// Locks this process holds: a lock file with our own pid is ours only if listed here
// (otherwise it was left by an earlier process that had the same pid).
const held = new Set<string>();

export async function acquireLock(lockPath: string): Promise<() => Promise<void>> {
  const path = resolve(lockPath);
  if (held.has(path)) throw new LockError(`this process already runs a server on this data directory (${path})`);
  const self = { pid: process.pid, ...inspect(process.pid) };
  // Written in full first, then linked into place: link fails if the lock exists, and a reader
  // never sees a half-written lock (which would look stale). A temp name, so a crash right
  // here leaves nothing the next start does not sweep.
  const temp = join(dirname(path), `${TEMP_PREFIX}lock-${randomBytes(8).toString("hex")}`);
  await writeFile(temp, formatLock(self), { mode: 0o600, flag: "wx" });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(temp, path);
        held.add(path);
        return async () => {
          if (!held.delete(path)) return;
          await unlink(path).catch(() => {});
        };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Our temp file was swept: a server that just took the lock is cleaning up.
        if (code === "ENOENT")
          throw new LockError(`another secr-run serve is starting on this data directory (${path})`);
        if (code !== "EEXIST") throw error;
      }
      const text = await readLock(path);
      const owner = parseLock(text);
      if (!isStale(owner, owner ? inspect(owner.pid) : { alive: false }, process.pid)) {
        throw new LockError(
          `another secr-run serve (pid ${owner!.pid}) is using this data directory (${path}); stop it first`,
        );
      }
      // Only the lock we judged: another server may have replaced it meanwhile.
      if ((await readLock(path)) === text) await unlink(path).catch(() => {});
    }
  } finally {
    await unlink(temp).catch(() => {});
  }
  throw new LockError(`could not lock ${path}`);
}
