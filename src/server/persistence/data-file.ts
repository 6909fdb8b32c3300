// Reading and atomically replacing the encrypted data file, the last compacted snapshot
// (src/fs/atomic-write.ts: temp file with a random name, fsync, rename, fsync the directory),
// so after a crash at any point the file is either the old snapshot or the new one. Never read
// through a symlink. Format 2 (docs/design/server.md, "Storage"):
//   magic "SECRSRV2" (8) | key id (8) | journal id (16) | previous journal id (16) | iv | tag | ciphertext
// with everything before the iv authenticated: the snapshot names the journal that continues it,
// and the one it replaced (a journal left by a crash mid-compaction is already inside it).
// Format 1 ("SECRSRV1", no journal) is still read.
import { constants } from "node:fs";
import { open as openFile, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { O_NOFOLLOW, sweepStaleTempFiles, syncDir, writeFileAtomic } from "../../fs/atomic-write.js";
import { DataFileError, keyIdOf, open, openWith, sealWith } from "./crypto.js";

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
    if (code === "ELOOP")
      throw new UnsafeDataDirError(`${what} ${path} is a symbolic link; refusing to follow it (use the real path)`);
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

const MAGIC_V2 = Buffer.from("SECRSRV2", "ascii");
export const JOURNAL_ID_BYTES = 16;
const V2_HEADER = MAGIC_V2.length + 8 + 2 * JOURNAL_ID_BYTES;

export interface Snapshot {
  text: string;
  /** The journal continuing this snapshot; absent for a format-1 file (no journal yet). */
  journalId?: Buffer;
  /** The journal this snapshot replaced: if still on disk, a crash cut the compaction short. */
  previousJournalId?: Buffer;
  /** Bytes on disk. */
  size: number;
}

/** Pure: decrypts either format; throws DataFileError naming what is wrong. */
export function decodeSnapshot(bytes: Buffer, key: Buffer, path: string): Snapshot {
  if (bytes.length < V2_HEADER || !bytes.subarray(0, MAGIC_V2.length).equals(MAGIC_V2)) {
    return { text: open(bytes, key, path), size: bytes.length };
  }
  if (!bytes.subarray(8, 16).equals(keyIdOf(key))) {
    throw new DataFileError(
      `${path} was encrypted under a different key (check SECR_SERVE_KEY / --key-file)`,
      "wrong_key",
    );
  }
  const plain = openWith(bytes.subarray(V2_HEADER), key, bytes.subarray(0, V2_HEADER));
  if (plain === undefined)
    throw new DataFileError(`${path} failed authentication: the file is corrupt or has been tampered with`, "corrupt");
  return {
    text: plain.toString("utf8"),
    journalId: Buffer.from(bytes.subarray(16, 16 + JOURNAL_ID_BYTES)),
    previousJournalId: Buffer.from(bytes.subarray(16 + JOURNAL_ID_BYTES, V2_HEADER)),
    size: bytes.length,
  };
}

export function encodeSnapshot(plaintext: string, key: Buffer, journalId: Buffer, previousJournalId: Buffer): Buffer {
  const header = Buffer.concat([MAGIC_V2, keyIdOf(key), journalId, previousJournalId]);
  return Buffer.concat([header, sealWith(Buffer.from(plaintext, "utf8"), key, header)]);
}

/** The snapshot, or undefined when there is no data file yet. */
export async function readDataFile(path: string, key: Buffer): Promise<Snapshot | undefined> {
  const file = await readNoFollow(path, "data file");
  return file === undefined ? undefined : decodeSnapshot(file.bytes, key, path);
}

/** Atomically replaces the snapshot; returns its size on disk. */
export async function writeDataFile(
  path: string,
  key: Buffer,
  plaintext: string,
  journalId: Buffer,
  previousJournalId: Buffer,
): Promise<number> {
  const bytes = encodeSnapshot(plaintext, key, journalId, previousJournalId);
  await writeFileAtomic(path, dirname(path), bytes);
  return bytes.length;
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
