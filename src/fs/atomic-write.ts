// The one atomic file writer (the offline cache and the local server both use it).
// Replaces a file so readers see the old bytes or the new ones, never a mix, even with
// concurrent writers or a crash: write a private temp file in the same directory, fsync it,
// rename it over the target (atomic on POSIX), then fsync the directory so the rename survives
// power loss. The temp file is removed on every failure path.
//
// The temp name is random and opened O_CREAT|O_EXCL|O_NOFOLLOW: a file or symlink planted at
// a predictable name can never be written through (docs/design/server.md, "Storage").

import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, readdir, rename, unlink } from "node:fs/promises";
import { join } from "node:path";

/** Temp names start with this, so a sweep can find files left by a process killed mid-write. */
export const TEMP_PREFIX = ".tmp-";

/** O_NOFOLLOW where the platform has it (not on Windows, where symlinks need privileges). */
export const O_NOFOLLOW: number = constants.O_NOFOLLOW ?? 0;

const CREATE_PRIVATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW;

export async function writeFileAtomic(path: string, dir: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dir, `${TEMP_PREFIX}${randomBytes(12).toString("hex")}`);
  try {
    const handle = await open(temp, CREATE_PRIVATE, 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDir(dir);
}

/** fsync a directory, so a rename or creation in it survives power loss. */
export async function syncDir(dir: string): Promise<void> {
  // Directories cannot be opened for fsync on Windows; durability there is best effort.
  if (process.platform === "win32") return;
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes temp files older than `olderThanMs`: only a process killed between open and rename
 * leaves one, and a live writer finishes in far less than that.
 */
export async function sweepStaleTempFiles(dir: string, olderThanMs: number, now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((name) => name.startsWith(TEMP_PREFIX))
      .map(async (name) => {
        const path = join(dir, name);
        try {
          if (now - (await lstat(path)).mtimeMs >= olderThanMs) await unlink(path);
        } catch {
          // Gone already (another sweeper or its writer renamed it): nothing to do.
        }
      }),
  );
}
