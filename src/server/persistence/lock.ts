// One server per data directory: a lock file holding the owner's pid. A lock left by a
// process that no longer exists (kill -9) is taken over.
import { constants } from "node:fs";
import { open, readFile, unlink } from "node:fs/promises";
import { resolve } from "node:path";

export class LockError extends Error {
  override name = "LockError";
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// Locks this process holds: a lock file with our own pid is ours only if listed here
// (otherwise it was left by an earlier process that had the same pid).
const held = new Set<string>();

export async function acquireLock(lockPath: string): Promise<() => Promise<void>> {
  const path = resolve(lockPath);
  if (held.has(path)) throw new LockError(`this process already runs a server on this data directory (${path})`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      held.add(path);
      return async () => {
        if (!held.delete(path)) return;
        await unlink(path).catch(() => {});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new LockError(`another secr-run serve (pid ${owner}) is using this data directory (${path})`);
    }
    await unlink(path).catch(() => {});
  }
  throw new LockError(`could not lock ${path}`);
}
