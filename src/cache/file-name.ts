// Snapshot file names that reveal nothing. A plain hash of (apiUrl, org, project, env, token)
// could be confirmed by anyone guessing those strings, so the name is an HMAC keyed by a random
// secret kept in the cache directory itself (0600). Without that secret no snapshot can be found.
// One snapshot per token (docs/snapshot.md, "Files"); the token is HMAC input only.

import { createHmac, randomBytes } from "node:crypto";
import { link, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { TEMP_PREFIX, writeFileAtomic } from "../fs/atomic-write.js";
import { canonicalLocator, canonicalOwner, type SnapshotLocator, type SnapshotOwner } from "./identity.js";
import { readRegularFile } from "./safe-read.js";

export const NAME_KEY_FILE = "name-key";
const NAME_KEY_BYTES = 32;
const SNAPSHOT_SUFFIX = ".snapshot";

export function snapshotFileName(nameKey: Buffer, owner: SnapshotOwner): string {
  return createHmac("sha256", nameKey).update(canonicalOwner(owner)).digest("hex").slice(0, 40) + SNAPSHOT_SUFFIX;
}

/** The name versions before per-token snapshots used: one per target, whatever the token. Read
 *  once to migrate (read.ts) and removed by the next write or purge (docs/snapshot.md). */
export function legacySnapshotFileName(nameKey: Buffer, locator: SnapshotLocator): string {
  return createHmac("sha256", nameKey).update(canonicalLocator(locator)).digest("hex").slice(0, 40) + SNAPSHOT_SUFFIX;
}

/** The directory's name key, or undefined when there is none (then there are no snapshots).
 *  Rejects with UnsafeCacheFileError when something other than a small regular file is there. */
export async function readNameKey(dir: string): Promise<Buffer | undefined> {
  let key: Buffer;
  try {
    key = await readRegularFile(join(dir, NAME_KEY_FILE), 4096, "the cache's name-key file");
  } catch (error) {
    if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return undefined;
    throw error;
  }
  return key.length === NAME_KEY_BYTES ? key : undefined;
}

/**
 * Reads the name key, creating it if absent. Creation is race-free across processes: the key is
 * written completely to a temp file, then hard-linked to its final name, which fails if another
 * process got there first (then its key is used). A reader therefore never sees a partial key.
 */
export async function loadOrCreateNameKey(dir: string): Promise<Buffer> {
  const existing = await readNameKey(dir);
  if (existing !== undefined) return existing;
  const path = join(dir, NAME_KEY_FILE);
  const temp = join(dir, `${TEMP_PREFIX}${randomBytes(12).toString("hex")}`);
  const key = randomBytes(NAME_KEY_BYTES);
  try {
    await writeFile(temp, key, { mode: 0o600, flag: "wx" });
    try {
      await link(temp, path);
      return key;
    } catch (error) {
      if (!isCode(error, "EEXIST")) throw error;
    }
  } finally {
    await unlink(temp).catch(() => {});
  }
  const winner = await readNameKey(dir);
  if (winner !== undefined) return winner;
  // The file there has the wrong size (damaged): replace it. Snapshots named with the old key
  // become unreachable, which only costs a cache miss.
  await writeFileAtomic(path, dir, key);
  return key;
}

function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}
