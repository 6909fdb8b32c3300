// Reading and atomically replacing the encrypted data file.
// Replace = write a temp file, fsync it, rename over the data file, fsync the directory:
// after a crash at any point the file is either the old state or the new one.
import { constants } from "node:fs";
import { open as openFile, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DataFileError, open, seal } from "./crypto.js";

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp`);
}

/** The decrypted text, or undefined when there is no data file yet. */
export async function readDataFile(path: string, key: Buffer): Promise<string | undefined> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return open(file, key, path);
}

export async function writeDataFile(path: string, key: Buffer, plaintext: string): Promise<void> {
  const temp = tempPathFor(path);
  const handle = await openFile(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    await handle.writeFile(seal(plaintext, key));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await syncDirectory(dirname(path));
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await openFile(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A temp file left by a crash before its rename is never valid state: remove it. */
export async function removeStaleTemp(path: string): Promise<void> {
  await unlink(tempPathFor(path)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}

export { DataFileError };
