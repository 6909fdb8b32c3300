// Reading and atomically replacing the encrypted data file (src/fs/atomic-write.ts: temp
// file with a random name, fsync, rename, fsync the directory), so after a crash at any point
// the file is either the old state or the new one. Never read through a symlink.
import { constants } from "node:fs";
import { open as openFile, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { O_NOFOLLOW, sweepStaleTempFiles, syncDir, writeFileAtomic } from "../../fs/atomic-write.js";
import { DataFileError, open, seal } from "./crypto.js";

export class UnsafeDataDirError extends Error {
  override name = "UnsafeDataDirError";
}

/** Reads an existing regular file without following a symlink; undefined when absent. */
export async function readNoFollow(path: string, what: string): Promise<{ bytes: Buffer; mode: number } | undefined> {
  let handle;
  try {
    handle = await openFile(path, constants.O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw new UnsafeDataDirError(`${what} ${path} is a symbolic link; refusing to follow it (use the real path)`);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UnsafeDataDirError(`${what} ${path} is not a regular file`);
    return { bytes: await handle.readFile(), mode: info.mode & 0o777 };
  } finally {
    await handle.close();
  }
}

/** The decrypted text, or undefined when there is no data file yet. */
export async function readDataFile(path: string, key: Buffer): Promise<string | undefined> {
  const file = await readNoFollow(path, "data file");
  return file === undefined ? undefined : open(file.bytes, key, path);
}

export async function writeDataFile(path: string, key: Buffer, plaintext: string): Promise<void> {
  await writeFileAtomic(path, dirname(path), seal(plaintext, key));
}

export const syncDirectory = syncDir;

/**
 * Temp files left by a crash before their rename are never valid state. The caller holds the
 * directory's lock, so no live writer owns one: remove them all, and the fixed name older
 * versions used (unlink removes a symlink itself, never its target).
 */
export async function removeStaleTemp(path: string): Promise<void> {
  await sweepStaleTempFiles(dirname(path), 0);
  await unlink(join(dirname(path), `.${basename(path)}.tmp`)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}

export { DataFileError };
